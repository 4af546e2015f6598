"""Staff onboarding (issue 22, item 7): adding a colleague emails them a link to choose their
password (no password passed around), agents land on the queue after signing in, and the
admin index shows no internal app, nor any app by its raw name, to them."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from mail.models import Email

ADD_USER = "/admin/auth/user/add/"
QUEUE = "/admin/tickets/ticket/"


def _invite(client, django_capture_on_commit_callbacks, **fields):
    data = {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Lee",
        "email": "sam@example.com",
        **fields,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(ADD_USER, data)


def _link(message):
    return re.search(r"https?://\S+/admin/invitation/\S+/", message.body)[0]


@pytest.fixture
def support_agents_role():
    from django.contrib.auth.models import Group

    return Group.objects.get(name="Support agents")


def test_adding_an_agent_sends_an_invitation_and_the_link_sets_a_password(
    admin_client, client, django_capture_on_commit_callbacks, support_agents_role, settings
):
    page = admin_client.get(ADD_USER).content.decode()
    assert 'name="password1"' not in page and 'name="role"' in page
    mail.outbox.clear()
    data = {"role": support_agents_role.pk}
    response = _invite(admin_client, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 302
    sam = get_user_model().objects.get(username="sam")
    assert sam.is_staff and not sam.has_usable_password()
    assert list(sam.groups.values_list("name", flat=True)) == ["Support agents"]
    [invitation] = mail.outbox
    assert invitation.to == ["sam@example.com"]
    assert "Hello Sam" in invitation.body and "you start on the support queue" in invitation.body
    stored = Email.objects.get(kind="accounts.invitation")
    assert stored.state == "sent" and stored.to == "sam@example.com"
    link = _link(invitation)
    assert link.startswith(settings.SITE_URL.rstrip("/"))
    path = link.removeprefix(settings.SITE_URL.rstrip("/"))
    # The token leaves the address at once; the form sets the password.
    form_url = client.get(path)["Location"]
    assert "/set-password/" in form_url
    page = client.get(form_url).content.decode()
    assert "Choose your password" in page and "<strong>sam</strong>" in page
    password = "a-long-enough-Passphrase-42"
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response["Location"] == "/admin/login/"
    sam.refresh_from_db()
    assert sam.check_password(password)
    # Used once: the link no longer works.
    again = client.get(path).content.decode()
    assert "This invitation link no longer works" in again
    # Signing in lands on the queue, not the admin index.
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "sam", "password": password, "next": "/admin/"}
    )
    assert response["Location"] == QUEUE
    # Asked for a page, they go there.
    client.logout()
    response = client.post(
        "/admin/login/", {"username": "sam", "password": password, "next": "/admin/kb/"}
    )
    assert response["Location"] == "/admin/kb/"


def test_an_invitation_can_be_sent_again(admin_client, django_capture_on_commit_callbacks, agent):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/auth/user/",
            {"action": "send_invitation", "_selected_action": [agent.pk], "index": "0"},
        )
    [again] = mail.outbox
    assert again.to == [agent.email] and "/admin/invitation/" in again.body


def test_an_invitation_needs_an_address_and_a_role(
    admin_client, django_capture_on_commit_callbacks
):
    html = _invite(admin_client, django_capture_on_commit_callbacks, email="", role="").content
    assert b"This field is required." in html
    assert not get_user_model().objects.filter(username="sam").exists()


def test_editors_and_superusers_still_land_on_the_index(client, editor):
    editor.set_password("pw-editor-123")
    editor.save()
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "pw-editor-123", "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"


def test_the_index_shows_agents_no_internal_app_and_no_raw_names(client, agent, admin_client):
    from django.contrib.auth.models import Permission

    # Even given permissions on them by hand, agents do not see the machinery.
    agent.user_permissions.add(*Permission.objects.filter(content_type__app_label="axes"))
    agent.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="django_tasks_db")
    )
    client.force_login(agent)
    html = client.get("/admin/").content.decode()
    names = re.findall(r"<caption>\s*<a[^>]*>([^<]*)</a>", html)
    assert names == ["Mail", "Support"]
    html = admin_client.get("/admin/").content.decode()
    names = re.findall(r"<caption>\s*<a[^>]*>([^<]*)</a>", html)
    assert "Background tasks" in names and "Sign-in attempts" in names
    assert not [n for n in names if "_" in n or n.isupper() or n == "Tasks Database Backend"]
