"""Tokens: hashed at rest, scoped, acting with their user's role and never more, revocable,
expiring; made in the admin (shown once) or with `manage.py api_token`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.models import ApiToken
from api.models.tokens import token_hash

pytestmark = pytest.mark.django_db


def test_only_a_hash_and_a_prefix_are_stored(token_for, agent):
    token, raw = token_for(agent, ["tickets:read"])
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in repr(stored)
    assert stored["token_hash"] == token_hash(raw) and raw.startswith(stored["prefix"])


def test_a_request_without_a_usable_token_is_a_401_problem(anonymous_api, api_as, agent):
    wrong = api_as(agent)
    wrong.raw += "x"
    for api in (anonymous_api, wrong):
        answer = api.get("/api/v1/tickets/")
        assert answer.status_code == 401
        assert answer["Content-Type"] == "application/problem+json"
        assert answer["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_stop_at_once(client, token_for, agent):
    token, raw = token_for(agent)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/tickets/", **headers).status_code == 200
    token.revoke()
    assert client.get("/api/v1/tickets/", **headers).status_code == 401
    _, raw = token_for(agent, expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_last_use_is_recorded(client, token_for, agent):
    token, raw = token_for(agent)
    assert token.last_used_at is None
    client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_scope_missing_from_the_token_is_a_403(api_as, agent):
    answer = api_as(agent, ["content:read"]).get("/api/v1/tickets/")
    assert answer.status_code == 403
    assert "tickets:read" in answer.json()["detail"]


def test_a_token_never_does_more_than_its_users_role(api_as, editor, agent, make_ticket):
    """An editor's token with tickets scopes (made before, or their role changed) still may
    not touch tickets; an agent who leaves staff loses their tokens."""
    ticket = make_ticket()
    editors_token = api_as(editor, ["tickets:read", "tickets:write"])
    assert editors_token.get("/api/v1/tickets/").status_code == 403
    assert (
        editors_token.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "open"}).status_code == 403
    )
    agents_token = api_as(agent)
    agent.is_staff = False
    agent.save()
    assert agents_token.get("/api/v1/tickets/").status_code == 401


def test_the_command_prints_the_token_once_and_it_works(client, agent):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token",
        "create",
        "--user",
        "agent",
        "--scopes",
        "tickets:read",
        "--name",
        "CRM",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    assert "not shown again" in err.getvalue()
    assert client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "CRM" in listing.getvalue() and raw not in listing.getvalue()
    call_command("api_token", "revoke", raw[:11], stdout=StringIO())
    assert client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_command_refuses_scopes_the_role_lacks_and_unknown_ones(agent, editor):
    with pytest.raises(CommandError, match="role does not allow content:write"):
        call_command(
            "api_token",
            "create",
            "--user",
            "agent",
            "--scopes",
            "content:write",
            "--name",
            "x",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command(
            "api_token",
            "create",
            "--user",
            "agent",
            "--scopes",
            "tickets:everything",
            "--name",
            "x",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not ApiToken.objects.exists()


def test_the_admin_shows_the_token_once_and_each_person_only_their_own(client, agent, lead):
    client.force_login(agent)
    answer = client.post(
        "/admin/api/apitoken/add/",
        {"user": agent.pk, "name": "Zapier", "scopes": ["tickets:read"]},
        follow=True,
    )
    assert answer.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in answer.context["messages"]]
    raw = next(word for m in shown for word in m.split() if word.startswith(token.prefix))
    assert token_hash(raw) == token.token_hash
    assert raw not in client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    ApiToken.objects.issue(user=lead, name="Lead's", scopes=["tickets:read"])
    listing = client.get("/admin/api/apitoken/").content.decode()
    assert "Zapier" in listing and "Lead&#x27;s" not in listing and "Lead's" not in listing


def test_the_admin_refuses_a_token_for_someone_else_or_beyond_the_role(client, agent, lead):
    client.force_login(agent)
    client.post(
        "/admin/api/apitoken/add/", {"user": lead.pk, "name": "x", "scopes": ["tickets:read"]}
    )
    client.post(
        "/admin/api/apitoken/add/", {"user": agent.pk, "name": "x", "scopes": ["status:write"]}
    )
    assert not ApiToken.objects.exists()
