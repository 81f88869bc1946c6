"""Times as people read them: in the service's time zone and the page's language.

Danish: "30. nov. 2026 kl. 14:02"; English: "30 Nov 2026 at 14:02".
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

# Patterns per language (CLDR's "medium" date has no time; ours says "kl." / "at").
_DATE = {"da": "d. MMM y", "en": "d MMM y"}
_CLOCK = {"da": "'kl.' HH:mm", "en": "HH:mm"}
_DATE_TIME = {"da": "d. MMM y 'kl.' HH:mm", "en": "d MMM y 'at' HH:mm"}


_LONG_DATE = {"da": "EEEE 'den' d. MMMM y", "en": "EEEE d MMMM y"}


def local_today(zone_name: str) -> dt.date:
    """Return today's date where the service is used (a hearing's days are local days)."""
    return dt.datetime.now(zoneinfo.ZoneInfo(zone_name)).date()


def local_time_filters(
    zone_name: str, language: Callable[[], str] = lambda: "da"
) -> dict[str, Callable[..., str]]:
    """Return the pages' Jinja filters for times in `zone_name`, in `language()` of the page."""
    zone = zoneinfo.ZoneInfo(zone_name)

    def local_date(value: Any) -> str:
        """Return a document date ("2. mar. 2018"); text that is no date as it is."""
        if isinstance(value, dt.date):
            lang = language()
            return format_date(value, _DATE[lang], locale=lang)
        return "" if value is None else str(value)

    def long_date(value: dt.date) -> str:
        """Return a day as a deadline is written: "onsdag den 16. maj 2018"."""
        lang = language()
        return format_date(value, _LONG_DATE[lang], locale=lang)

    def decimal(value: float) -> str:
        """Return a number with one decimal, written the page's way: "11,3" or "11.3"."""
        return format_decimal(value, "#,##0.0", locale=language())

    def local_time(value: dt.datetime | None) -> str:
        """Return a UTC timestamp as local date and time: "30. nov. 2026 kl. 14:02"."""
        if value is None:
            return ""
        lang = language()
        return format_datetime(value, _DATE_TIME[lang], tzinfo=zone, locale=lang)

    def local_day(value: dt.datetime) -> str:
        """Return a UTC timestamp's local date: "30. nov. 2026"."""
        lang = language()
        return format_datetime(value, _DATE[lang], tzinfo=zone, locale=lang)

    def local_clock(value: dt.datetime) -> str:
        """Return a UTC timestamp's local time of day: "kl. 14:02"."""
        lang = language()
        return format_datetime(value, _CLOCK[lang], tzinfo=zone, locale=lang)

    def iso_time(value: dt.datetime | None) -> str:
        """Return a timestamp as ISO 8601 with its zone, for a <time datetime> attribute."""
        return "" if value is None else value.astimezone(dt.UTC).isoformat()

    return {
        "local_time": local_time,
        "local_day": local_day,
        "local_clock": local_clock,
        "iso_time": iso_time,
        "local_date": local_date,
        "long_date": long_date,
        "decimal": decimal,
    }
