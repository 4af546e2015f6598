"""Events and the daily totals kept in step with them, on explicit dates."""

from datetime import timedelta

import pytest

from insights import recording
from insights.models import SearchDay, SearchEvent, SearchTextDay
from tests.insights.conftest import at

pytestmark = pytest.mark.django_db


def totals(model=SearchDay, **key):
    row = model.objects.get(**key)
    return (row.searches, row.found, row.zero_results, row.opened, row.ticket_followed)


def test_each_search_is_one_event_and_counts_on_its_day(searched, days_ago):
    searched("api key", 3, days_ago(2))
    searched("api key", 0, days_ago(2), hour=13)
    searched("billing", 2, days_ago(1))

    assert SearchEvent.objects.count() == 3
    assert totals(day=days_ago(2)) == (2, 1, 1, 0, 0)
    assert totals(day=days_ago(1)) == (1, 1, 0, 0, 0)
    assert totals(SearchTextDay, day=days_ago(2), text="api key") == (2, 1, 1, 0, 0)


def test_words_are_counted_as_search_logs_them(searched, days_ago):
    searched("  API   Key ", 1, days_ago(0))
    searched("api key", 1, days_ago(0))
    assert SearchTextDay.objects.get().searches == 2
    assert recording.record_search(text="   ", total=0) is None


def test_an_open_credits_the_latest_unopened_search_of_the_same_words(days_ago):
    day = days_ago(3)
    first = recording.record_search(text="stream", total=4, now=at(day, 10, 0))
    second = recording.record_search(text="stream", total=4, now=at(day, 10, 10))
    recording.record_open(text="stream", now=at(day, 10, 15))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.opened, second.opened) == (False, True)
    assert totals(day=day) == (2, 2, 0, 1, 0)


def test_an_open_long_after_any_search_is_a_live_search_of_its_own(days_ago):
    day = days_ago(3)
    recording.record_search(text="stream", total=4, now=at(day, 10, 0))
    recording.record_open(text="stream", now=at(day, 10, 0) + timedelta(minutes=31))

    live = SearchEvent.objects.get(results=None)
    assert live.opened
    assert totals(day=day) == (2, 2, 0, 1, 0)


def test_an_open_just_after_midnight_counts_on_the_day_of_its_search(days_ago):
    day = days_ago(5)
    recording.record_search(text="invoice", total=1, now=at(day, 23, 50))
    recording.record_open(text="invoice", now=at(day + timedelta(days=1), 0, 5))
    assert totals(day=day) == (1, 1, 0, 1, 0)
    assert not SearchDay.objects.filter(day=day + timedelta(days=1)).exists()


def test_a_ticket_marks_the_latest_search_of_its_words_within_two_hours(days_ago):
    day = days_ago(1)
    recording.record_search(text="refund", total=0, now=at(day, 9))
    recording.record_ticket(search_query="Refund", now=at(day, 10, 30))
    recording.record_ticket(search_query="refund", now=at(day, 10, 31))  # no second search
    recording.record_ticket(search_query="unrelated", now=at(day, 10, 32))

    assert totals(day=day) == (1, 0, 1, 0, 1)
    assert recording.record_ticket(search_query="refund", now=at(day, 12, 0)) is None


def test_rebuild_recomputes_the_same_totals_from_the_events(searched, days_ago):
    for n in range(4):
        searched("api key", n, days_ago(n), opened=n % 2 == 1)
        searched("login", 0, days_ago(n))
    recording.record_ticket(search_query="login", now=at(days_ago(0), 13))
    before = {
        m: sorted(m.objects.values_list("day", "searches", "found", "opened", "ticket_followed"))
        for m in (SearchDay, SearchTextDay)
    }
    SearchDay.objects.update(searches=99)  # out of step
    SearchTextDay.objects.all().delete()

    assert recording.rebuild() == 4
    after = {
        m: sorted(m.objects.values_list("day", "searches", "found", "opened", "ticket_followed"))
        for m in (SearchDay, SearchTextDay)
    }
    assert after == before
    assert totals(day=days_ago(1)) == (2, 1, 1, 1, 0)


def test_prune_deletes_old_events_and_keeps_their_totals(searched, days_ago):
    searched("old", 0, days_ago(10))
    searched("new", 1, days_ago(1))
    assert recording.prune(keep_days=5) == 1
    assert list(SearchEvent.objects.values_list("text", flat=True)) == ["new"]
    recording.rebuild(days_ago(20), days_ago(0))  # days before the oldest event are kept
    assert totals(day=days_ago(10)) == (1, 0, 1, 0, 0)
    assert totals(day=days_ago(1)) == (1, 1, 0, 0, 0)


def test_the_command_rebuilds_and_prunes(searched, days_ago):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    searched("old", 0, days_ago(10))
    searched("new", 1, days_ago(1))
    SearchDay.objects.all().delete()
    out = StringIO()
    call_command("insights", "rebuild", stdout=out)
    assert out.getvalue() == "Rebuilt the totals of 10 days.\n"
    assert SearchDay.objects.count() == 2
    call_command("insights", "prune", "--keep-days", "5", stdout=out)
    assert "Deleted 1 search event." in out.getvalue()
    with pytest.raises(CommandError, match="Not a date"):
        call_command("insights", "rebuild", "--since", "yesterday")


def test_an_open_never_credits_a_search_that_found_nothing(days_ago):
    """Found 185, opened 203 (a click-through rate of 109.7 %) before: opens credited
    searches of the same words that had found nothing."""
    day = days_ago(1)
    nothing = recording.record_search(text="sso", total=0, now=at(day, 10, 0))
    recording.record_open(text="sso", now=at(day, 10, 1))

    nothing.refresh_from_db()
    assert not nothing.opened
    searches, found, zero, opened, _ = totals(day=day)
    assert (searches, found, zero, opened) == (2, 1, 1, 1)
    assert opened <= found


def test_opens_and_tickets_credit_only_searches_made_before_them(days_ago):
    """Events recorded out of order (a backfill, an import): an open credited a search made
    after it, on a later day."""
    later = recording.record_search(text="sso", total=2, now=at(days_ago(1), 8, 10))
    recording.record_search(text="sso", total=2, now=at(days_ago(2), 8, 0))
    recording.record_open(text="sso", now=at(days_ago(2), 8, 1))
    recording.record_ticket(search_query="sso", now=at(days_ago(2), 8, 2))

    later.refresh_from_db()
    assert not later.opened and not later.ticket_followed
    assert totals(day=days_ago(2)) == (1, 1, 0, 1, 1)
    assert totals(day=days_ago(1)) == (1, 1, 0, 0, 0)
