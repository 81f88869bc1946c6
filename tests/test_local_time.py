"""Page times: in local time (UDKAST_TIME_ZONE, Copenhagen by default), in its language."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from service.local_time import local_time_filters
from settings import ConfigError, load_settings
from tests.app_fixtures import example_yaml, make_test_app

WINTER = dt.datetime(2026, 11, 30, 13, 2, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 5, 3, 22, 30, tzinfo=dt.UTC)


def test_times_are_danish_in_copenhagen_summer_and_winter():
    local_time = local_time_filters("Europe/Copenhagen")["local_time"]
    assert local_time(WINTER) == "30. nov. 2026 kl. 14:02"
    assert local_time(SUMMER) == "4. maj 2026 kl. 00:30"  # summer time, the next day
    assert local_time(None) == ""


def test_another_zone_shows_its_own_time():
    assert local_time_filters("UTC")["local_time"](WINTER) == "30. nov. 2026 kl. 13:02"


def test_numbers_are_danish():
    decimal = local_time_filters("UTC")["decimal"]
    assert (decimal(11.25), decimal(1234.5), decimal(0)) == ("11,2", "1.234,5", "0,0")


def test_document_dates_are_danish():
    local_date = local_time_filters("UTC")["local_date"]
    assert local_date(dt.date(2018, 3, 2)) == "2. mar. 2018"
    assert local_date(None) == ""


def test_an_english_page_writes_times_dates_and_numbers_the_english_way():
    english = local_time_filters("Europe/Copenhagen", lambda: "en")
    assert english["local_time"](WINTER) == "30 Nov 2026 at 14:02"
    assert english["local_clock"](WINTER) == "14:02"
    assert english["local_date"](dt.date(2018, 3, 2)) == "2 Mar 2018"
    assert english["decimal"](1234.5) == "1,234.5"


def test_the_time_zone_setting_defaults_to_copenhagen_and_refuses_unknown_zones():
    assert load_settings({}).time_zone == "Europe/Copenhagen"
    assert load_settings({"UDKAST_TIME_ZONE": "UTC"}).time_zone == "UTC"
    for wrong in ("Europe/Atlantis", "../etc/passwd"):
        with pytest.raises(ConfigError, match="UDKAST_TIME_ZONE"):
            load_settings({"UDKAST_TIME_ZONE": wrong})


@pytest.mark.parametrize("zone", ["Europe/Copenhagen", "UTC"])
def test_the_history_and_build_pages_show_the_configured_zone(tmp_path, zone):
    made = make_test_app(tmp_path, UDKAST_TIME_ZONE=zone)
    posted = made.post_yaml(example_yaml(slug="tid"))
    client = made.app.test_client()
    assert made.sign_in(client).status_code == 302
    history = client.get("/strategies/tid").get_data(as_text=True)
    build = client.get(f"/builds/{posted.get_json()['build']['id']}").get_data(as_text=True)
    for html in (history, build, client.get("/").get_data(as_text=True)):
        assert "UTC</" not in html and " UTC" not in html
        shown = html.split("<time ")[1:]
        assert shown, "no <time> on the page"
        for element in shown:
            stamp = element.split('datetime="', 1)[1].split('"', 1)[0]
            text = re.sub(r"<[^>]+>", "", element.split(">", 1)[1].split("</time>", 1)[0])
            local = dt.datetime.fromisoformat(stamp).astimezone(zoneinfo.ZoneInfo(zone))
            assert text.endswith(f" kl. {local:%H:%M}") and text.startswith(f"{local.day}. ")
    assert "2. mar. 2018" in history  # the document's own date, in Danish
