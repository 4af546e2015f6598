"""The top lists from cached settled sums plus the live days equal the period summed."""

import random

import pytest

from insights import tops
from insights.report import Period, searches
from tests.insights.conftest import at

pytestmark = pytest.mark.django_db


def summed(period, measure, limit=10):
    """The plain answer: every text-day row of the period summed."""
    from insights.models import SearchTextDay

    rows = SearchTextDay.objects.filter(day__gte=period.first, day__lte=period.last)
    return tops._with_totals(rows, tops._ranked(rows, measure, limit), measure)


def random_searches(searched, days_ago, seed, days=30, per_day=25, texts=40):
    rng = random.Random(seed)
    for n in range(days):
        for _ in range(rng.randint(0, per_day)):
            text = f"words {min(int(rng.paretovariate(1.2)), texts)}"
            searched(text, rng.choice([0, 0, 3]), days_ago(n), opened=rng.random() < 0.4)


@pytest.mark.parametrize("candidates", [3, 8, 200])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_cached_way_gives_the_same_lists(searched, days_ago, monkeypatch, candidates, seed):
    monkeypatch.setattr(tops, "CANDIDATES", candidates)
    random_searches(searched, days_ago, seed)
    for days in (7, 30):
        period = Period.ending(days)
        report = searches(period)  # fills the cache
        again = searches(period)  # from the cache
        for measure, shown in (("unopened", report.unclicked), ("nothing", report.gaps)):
            assert shown == summed(period, measure, limit=10), (days, measure)
        assert again.unclicked == report.unclicked and again.gaps == report.gaps


def test_todays_searches_move_a_text_up_at_once(searched, days_ago, monkeypatch):
    monkeypatch.setattr(tops, "CANDIDATES", 2)
    for n, text in enumerate(["a", "b", "c", "d"]):
        for _ in range(4 - n):
            searched(text, 0, days_ago(5))
    period = Period.ending(30)
    assert [r["text"] for r in searches(period).gaps] == ["a", "b", "c", "d"]
    for _ in range(5):
        searched("d", 0, days_ago(0))  # "d" was outside the two kept
    searched("z", 0, days_ago(0))
    gaps = searches(period).gaps
    assert [(r["text"], r["nothing"]) for r in gaps] == [
        ("d", 6),
        ("a", 4),
        ("b", 3),
        ("c", 2),
        ("z", 1),
    ]


def test_a_rebuild_retires_the_cached_sums(searched, days_ago):
    from insights import recording
    from insights.models import SearchEvent

    searched("old words", 0, days_ago(10))
    period = Period.ending(30)
    assert [r["text"] for r in searches(period).gaps] == ["old words"]
    SearchEvent.objects.update(results=5)  # e.g. events corrected, then totals rebuilt
    recording.rebuild()
    assert searches(period).gaps == []


def test_live_days_alone_need_no_cache(searched, days_ago):
    searched("today", 0, days_ago(0), hour=at(days_ago(0)).hour)
    period = Period(days=2, first=days_ago(1), last=days_ago(0))
    assert [r["text"] for r in searches(period).gaps] == ["today"]
