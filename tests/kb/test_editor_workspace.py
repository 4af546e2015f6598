"""The editor (issue 25 item 12): restoring a revision of a published page asks first;
Publish at / Unpublish at are typed and shown in the editor's own time zone."""

from datetime import UTC, datetime

import pytest
from reversion.models import Version

from kb.models import Guide, PublishState
from kb.revisions import versions_of
from tests.kb.test_revisions import guide_form
from tickets.models import AgentPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(staff_in):
    return staff_in("Content editors")


def _restore_url(guide):
    version = versions_of(guide).first()
    return f"/admin/kb/guide/{guide.pk}/history/{version.pk}/restore/"


def test_restoring_a_published_page_asks_first(client, editor, content):
    guide = Guide.objects.get(slug="quickstart")
    assert guide.status == PublishState.PUBLISHED
    client.force_login(editor)
    response = client.post(_restore_url(guide))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This page is published." in html
    assert "changes what readers see now" in html
    assert 'name="confirm" value="yes"' in html
    assert Version.objects.get_for_object(guide).count() == 1  # nothing restored yet
    response = client.post(_restore_url(guide), {"confirm": "yes"})
    assert response.status_code == 302
    assert Version.objects.get_for_object(guide).count() == 2


def test_a_draft_restores_without_asking(client, editor, content):
    guide = Guide.objects.get(slug="quickstart")
    Guide.objects.filter(pk=guide.pk).update(status=PublishState.DRAFT)
    client.force_login(editor)
    response = client.post(_restore_url(guide))
    assert response.status_code == 302
    assert Version.objects.get_for_object(guide).count() == 2


def test_publish_at_is_typed_in_the_editors_zone(client, editor, content):
    AgentPreference.objects.create(user=editor, time_zone="Europe/Berlin")
    client.force_login(editor)  # the zone is read at sign-in
    Guide.objects.filter(slug="quickstart").update(status=PublishState.DRAFT)
    guide = Guide.objects.get(slug="quickstart")
    url = f"/admin/kb/guide/{guide.pk}/change/"
    html = client.get(url).content.decode()
    assert "In your time zone, Europe/Berlin." in html
    response = client.post(
        url,
        guide_form(
            guide,
            status=PublishState.SCHEDULED,
            publish_at_0="2030-01-15",
            publish_at_1="09:00:00",
            unpublish_at_0="2030-01-16",
            unpublish_at_1="18:30:00",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    guide.refresh_from_db()
    assert guide.publish_at == datetime(2030, 1, 15, 8, 0, tzinfo=UTC)
    assert guide.unpublish_at == datetime(2030, 1, 16, 17, 30, tzinfo=UTC)
    # Shown again as typed.
    html = client.get(url).content.decode()
    assert 'value="09:00:00"' in html and 'value="18:30:00"' in html


def test_editors_may_set_their_own_time_zone(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/tickets/agentpreference/add/", {"signature": "", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    assert AgentPreference.time_zone_for(editor) == "Asia/Tokyo"
