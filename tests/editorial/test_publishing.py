"""Publish states move only along the table; the publishing clock publishes and unpublishes
on time, and the public pages, the search and the revision history follow."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from editorial.publishing import publish_scheduled
from kb.models import Guide, IllegalPublishMove, PublishState
from kb.models.publishing import TRANSITIONS
from runbooks.models import Runbook
from search.services import search

pytestmark = pytest.mark.django_db
P = PublishState


def test_every_state_has_its_moves_and_none_leads_to_itself():
    assert set(TRANSITIONS) == set(P)
    for state, moves in TRANSITIONS.items():
        assert state not in moves and moves <= set(P)


@pytest.mark.parametrize(
    ("old", "to", "message"),
    [
        (P.DRAFT, P.UNPUBLISHED, "A draft page cannot become unpublished"),
        (P.SCHEDULED, P.UNPUBLISHED, "can become draft or published"),
        (P.DRAFT, P.SCHEDULED, "give a “Publish at” time in the future"),
    ],
)
def test_moves_the_table_refuses_say_why(make_guide, old, to, message):
    guide = make_guide(status=old, publish_at=None)
    with pytest.raises(IllegalPublishMove, match=message):
        guide.transition(to)
    assert Guide.objects.get(pk=guide.pk).status == old


def test_unpublish_time_must_follow_publish_time(make_guide):
    now = timezone.now()
    guide = make_guide(status=P.DRAFT)
    guide.publish_at, guide.unpublish_at = now + timedelta(days=2), now + timedelta(days=1)
    with pytest.raises(IllegalPublishMove, match="must come after"):
        guide.transition(P.SCHEDULED)


def test_the_admin_form_offers_only_the_table(admin_client, make_guide):
    guide = make_guide(status=P.DRAFT)
    data = {
        "title": guide.title,
        "slug": guide.slug,
        "summary": guide.summary,
        "order": 1,
        "body": "Text",
        "status": P.UNPUBLISHED,
        "kb-feedback-content_type-object_id-TOTAL_FORMS": 0,
        "kb-feedback-content_type-object_id-INITIAL_FORMS": 0,
        "kb-outdatedreport-content_type-object_id-TOTAL_FORMS": 0,
        "kb-outdatedreport-content_type-object_id-INITIAL_FORMS": 0,
    }
    response = admin_client.post(f"/admin/kb/guide/{guide.pk}/change/", data)
    assert response.status_code == 200
    assert "A draft page cannot become unpublished" in response.content.decode()
    assert Guide.objects.get(pk=guide.pk).status == P.DRAFT


def test_the_clock_publishes_on_time_and_pages_and_search_follow(client, make_guide):
    now = timezone.now()
    guide = make_guide("Rotating zebra keys", status=P.DRAFT)
    guide.publish_at = now + timedelta(hours=1)
    guide.transition(P.SCHEDULED)
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert search("zebra").total == 0

    assert publish_scheduled(now=now + timedelta(minutes=59)) == []
    done = publish_scheduled(now=now + timedelta(hours=1))
    assert done == [f"published guide {guide.slug}"]
    assert client.get(guide.get_absolute_url()).status_code == 200
    assert search("zebra").total == 1
    [latest, *_] = Version.objects.get_for_object(guide)
    assert latest.revision.get_comment() == "Published by the publishing clock."
    assert publish_scheduled(now=now + timedelta(hours=2)) == []  # once


def test_the_clock_unpublishes_and_the_cached_page_goes(client, make_runbook):
    now = timezone.now()
    runbook = make_runbook("Zebra stripes fail", unpublish_at=now + timedelta(days=1))
    assert client.get(runbook.get_absolute_url()).status_code == 200  # now in the page cache
    assert search("zebra").total == 1
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    assert "0 scheduled changes made." in out.getvalue()
    assert publish_scheduled(now=now + timedelta(days=1)) == [f"unpublished runbook {runbook.slug}"]
    runbook.refresh_from_db()
    assert runbook.status == P.UNPUBLISHED and runbook.unpublish_at is None
    assert client.get(runbook.get_absolute_url()).status_code == 404
    assert search("zebra").total == 0
    assert Runbook.objects.published().count() == 0


def test_a_scheduled_page_shows_its_time_to_editors(client, admin_user, make_guide):
    guide = make_guide(status=P.DRAFT)
    guide.publish_at = timezone.now() + timedelta(days=3)
    guide.transition(P.SCHEDULED)
    client.force_login(admin_user)
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "Scheduled (goes live " in html and "only editors of guides can see it" in html
