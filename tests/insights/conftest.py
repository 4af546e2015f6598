from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from insights import recording
from tests.factories import _staff


def at(day, hour=12, minute=0):
    """An aware datetime on `day` (a date) at the given UTC time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture(autouse=True)
def empty_cache():
    """The top lists' settled sums live in the cache (insights.tops)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def days_ago(today):
    return lambda n: today - timedelta(days=n)


@pytest.fixture
def searched():
    """Records a search on a day: searched("words", results, day, opened=False, hour=12)."""

    def record(text, results, day, *, opened=False, hour=12):
        event = recording.record_search(text=text, total=results, now=at(day, hour))
        if opened:
            recording.record_open(text=text, now=at(day, hour, 5))
        return event

    return record


@pytest.fixture
def plain_staff(db):
    return _staff("plain")  # tests.factories._staff
