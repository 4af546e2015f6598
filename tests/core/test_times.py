import datetime
from zoneinfo import ZoneInfo

from django.template import engines

from core.times import machine_time

PARIS = ZoneInfo("Europe/Paris")


def test_a_time_with_microseconds_is_written_to_the_second_in_utc():
    value = datetime.datetime(2026, 12, 7, 9, 37, 26, 341503, tzinfo=PARIS)
    assert machine_time(value) == "2026-12-07T08:37:26Z"


def test_milliseconds_and_another_zone_when_asked():
    value = datetime.datetime(2026, 12, 7, 8, 37, 26, 341503, tzinfo=datetime.UTC)
    assert machine_time(value, zone=PARIS, timespec="milliseconds") == (
        "2026-12-07T09:37:26.341+01:00"
    )


def test_dates_and_nothing():
    assert machine_time(datetime.date(2026, 12, 7)) == "2026-12-07"
    assert machine_time(None) == "" and machine_time("") == ""


def test_the_template_filter_writes_the_same():
    template = engines["django"].from_string(
        '{% load times %}<time datetime="{{ when|machine_time }}">'
    )
    value = datetime.datetime(2026, 12, 7, 8, 37, 26, 341503, tzinfo=datetime.UTC)
    assert template.render({"when": value}) == '<time datetime="2026-12-07T08:37:26Z">'
