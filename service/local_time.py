"""Times as people read them: in the service's time zone, in Danish ("30. nov. 2026 kl. 14:02")."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

# Danish, as the pages are (a language switch comes later and passes its own locale).
LOCALE = "da"
_DATE = "d. MMM y"
_CLOCK = "'kl.' HH:mm"
_DATE_TIME = f"{_DATE} {_CLOCK}"


def local_time_filters(zone_name: str) -> dict[str, Callable[..., str]]:
    """Return the pages' Jinja filters for times in the zone `zone_name`."""
    zone = zoneinfo.ZoneInfo(zone_name)

    def local_time(value: dt.datetime | None) -> str:
        """Return a UTC timestamp as local date and time: "30. nov. 2026 kl. 14:02"."""
        if value is None:
            return ""
        return format_datetime(value, _DATE_TIME, tzinfo=zone, locale=LOCALE)

    def local_day(value: dt.datetime) -> str:
        """Return a UTC timestamp's local date: "30. nov. 2026"."""
        return format_datetime(value, _DATE, tzinfo=zone, locale=LOCALE)

    def local_clock(value: dt.datetime) -> str:
        """Return a UTC timestamp's local time of day: "kl. 14:02"."""
        return format_datetime(value, _CLOCK, tzinfo=zone, locale=LOCALE)

    def iso_time(value: dt.datetime | None) -> str:
        """Return a timestamp as ISO 8601 with its zone, for a <time datetime> attribute."""
        return "" if value is None else value.astimezone(dt.UTC).isoformat()

    return {
        "local_time": local_time,
        "local_day": local_day,
        "local_clock": local_clock,
        "iso_time": iso_time,
        "local_date": local_date,
        "decimal": decimal,
    }


def local_date(value: Any) -> str:
    """Return a document date in Danish ("2. mar. 2018"); text that is no date as it is."""
    if isinstance(value, dt.date):
        return format_date(value, _DATE, locale=LOCALE)
    return "" if value is None else str(value)


def decimal(value: float) -> str:
    """Return a number with one decimal, written the Danish way: "11,3"."""
    return format_decimal(value, "#,##0.0", locale=LOCALE)
