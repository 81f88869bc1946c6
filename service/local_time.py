"""Times as people read them: in the service's time zone, in Danish ("30. nov. 2026 kl. 14:02")."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from babel.dates import format_date, format_datetime

# Danish, as the pages are (a language switch comes later and passes its own locale).
LOCALE = "da"
_DATE_TIME = "d. MMM y 'kl.' HH:mm"


def local_time_filters(zone_name: str) -> dict[str, Callable[..., str]]:
    """Return the pages' Jinja filters for times in the zone `zone_name`."""
    zone = zoneinfo.ZoneInfo(zone_name)

    def local_time(value: dt.datetime | None) -> str:
        """Return a UTC timestamp as local date and time: "30. nov. 2026 kl. 14:02"."""
        if value is None:
            return ""
        return format_datetime(value, _DATE_TIME, tzinfo=zone, locale=LOCALE)

    def iso_time(value: dt.datetime | None) -> str:
        """Return a timestamp as ISO 8601 with its zone, for a <time datetime> attribute."""
        return "" if value is None else value.astimezone(dt.UTC).isoformat()

    return {"local_time": local_time, "iso_time": iso_time, "local_date": local_date}


def local_date(value: Any) -> str:
    """Return a document date in Danish ("2. mar. 2018"); text that is no date as it is."""
    if isinstance(value, dt.date):
        return format_date(value, "d. MMM y", locale=LOCALE)
    return "" if value is None else str(value)
