"""The admin login pauses after repeated failures, per username and per client address."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F

from tests.accounts.conftest import sign_in, signed_in
from tests.html import texts

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def assert_paused(response, minutes=15):
    assert response.status_code == 429
    assert response["Retry-After"] == str(minutes * 60)
    html = response.content.decode()
    [message] = texts(html, "errornote")
    assert message == (
        "Sign-in is paused after too many failed attempts for this account or from your "
        f"network. Try again in {minutes} minutes, or ask an administrator to unlock your sign-in."
    )
    # The admin login page itself, ready for the next try.
    assert 'id="login-form"' in html and 'name="password"' in html
    assert "Content-Security-Policy" in response


def test_fifteen_wrong_passwords_then_the_right_one_is_refused(client, staff):
    for n in range(15):
        # From many addresses: the username alone is counted.
        sign_in(client, password=f"wrong-{n}", ip=f"10.0.0.{n + 1}")
    cache.clear()  # counted in the database: every process sees the pause

    response = sign_in(client, ip="10.0.1.1")

    assert_paused(response)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_failures_across_usernames_pause_the_address(client, staff):
    for n in range(15):
        sign_in(client, username=f"guess{n}", password="wrong", ip="10.0.0.9")

    assert_paused(sign_in(client, ip="10.0.0.9"))
    assert not signed_in(client)
    # Someone else, elsewhere, still signs in.
    assert sign_in(client, ip="10.0.0.10").status_code == 302
    assert signed_in(client)


def test_the_pause_starts_at_the_limit_not_before(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, password=f"wrong-{n}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    assert sign_in(client).status_code == 302
    assert signed_in(client)


def test_the_failure_that_reaches_the_limit_already_says_paused(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, password=f"wrong-{n}")
    assert_paused(sign_in(client, password="wrong-last"))


def test_tries_while_paused_do_not_extend_the_pause(client, staff):
    for n in range(5):
        sign_in(client, password=f"wrong-{n}")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))

    # Five minutes left, whatever is tried meanwhile.
    assert_paused(sign_in(client, password="wrong-again"), minutes=5)
    assert_paused(sign_in(client), minutes=5)


def test_the_pause_ends_after_the_cool_off(client, staff):
    for n in range(15):
        sign_in(client, password=f"wrong-{n}")
    assert sign_in(client).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))

    assert sign_in(client).status_code == 302
    assert signed_in(client)


def test_limits_come_from_the_settings(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    sign_in(client, password="wrong-1")
    assert_paused(sign_in(client, password="wrong-2"), minutes=30)


def test_a_superuser_unlocks_a_user_from_the_users_list(client, staff, superuser):
    for n in range(15):
        sign_in(client, password=f"wrong-{n}", ip=f"10.0.0.{n + 1}")
    assert sign_in(client, ip="10.0.0.1").status_code == 429
    admin = type(client)(HTTP_HOST="127.0.0.1")
    admin.force_login(superuser)
    users = admin.get("/admin/auth/user/").content.decode()
    assert "Unlock sign-in of the selected users" in users

    response = admin.post(
        "/admin/auth/user/",
        {"action": "unlock_signin", "_selected_action": [staff.pk]},
        follow=True,
    )

    assert "Sign-in unlocked for sam." in texts(response.content.decode(), "success")
    assert sign_in(client, ip="10.0.0.1").status_code == 302
    assert signed_in(client)


def test_only_superusers_can_unlock(client, staff, db):
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    for n in range(5):
        sign_in(client, username="ada", password=f"wrong-{n}")
    client.force_login(staff)

    users = client.get("/admin/auth/user/").content.decode()
    assert "Unlock sign-in" not in users
    client.post("/admin/auth/user/", {"action": "unlock_signin", "_selected_action": [staff.pk]})
    assert AccessAttempt.objects.filter(username="ada").exists()


def test_a_superuser_unlocks_an_address_in_access_attempts(client, staff, superuser):
    for n in range(5):
        sign_in(client, username=f"guess{n}", password="wrong", ip="10.0.0.9")
    assert sign_in(client, ip="10.0.0.9").status_code == 429
    admin = type(client)(HTTP_HOST="127.0.0.1")
    admin.force_login(superuser)
    listing = admin.get("/admin/axes/accessattempt/?q=10.0.0.9").content.decode()
    assert "guess0" in listing

    pks = list(AccessAttempt.objects.filter(ip_address="10.0.0.9").values_list("pk", flat=True))
    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )

    assert sign_in(client, ip="10.0.0.9").status_code == 302


def test_the_clean_up_action_removes_attempts_past_the_pause(client, staff, superuser):
    """axes' own action read the time of a sign-in attempt, which an admin page is not: a
    500 whenever it was run (found by the staff sweep)."""
    sign_in(client, username="long-ago", password="wrong", ip="10.0.0.8")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(hours=1))
    sign_in(client, username="just-now", password="wrong", ip="10.0.0.7")
    admin = type(client)(HTTP_HOST="127.0.0.1")
    admin.force_login(superuser)
    chosen = AccessAttempt.objects.values_list("pk", flat=True)
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": list(chosen)},
    )
    assert response.status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["just-now"]


def test_unlock_commands(client, staff, capsys):
    for n in range(5):
        sign_in(client, password=f"wrong-{n}", ip="10.0.0.1")
    for n in range(5):
        sign_in(client, username=f"guess{n}", password="wrong", ip="10.0.0.9")

    call_command("axes_reset_username", "sam")
    assert sign_in(client, ip="10.0.0.1").status_code == 302
    assert sign_in(client, ip="10.0.0.9").status_code == 429
    call_command("axes_reset_ip", "10.0.0.9")
    assert sign_in(client, ip="10.0.0.9").status_code == 302


def test_behind_the_proxy_the_client_address_counts(client, staff, settings):
    """BEHIND_TLS_PROXY=1: every request comes from the proxy (REMOTE_ADDR); the client is the
    address the proxy appended to X-Forwarded-For, whatever the client put before it."""
    settings.AXES_CLIENT_IP_CALLABLE = "core.web.ip.client_ip"
    proxy = "10.0.0.1"
    for n in range(5):
        forged = f"198.51.100.{n}, 203.0.113.7"  # a new forged entry each time; ours last
        sign_in(
            client, username=f"guess{n}", password="wrong", ip=proxy, HTTP_X_FORWARDED_FOR=forged
        )

    paused = sign_in(client, ip=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert paused.status_code == 429
    # Another client through the same proxy is not paused.
    assert sign_in(client, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_settings_behind_the_proxy_use_the_proxys_client_address():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    code = "from django.conf import settings; print(settings.AXES_CLIENT_IP_CALLABLE)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env | {"BEHIND_TLS_PROXY": "1", "DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "core.web.ip.client_ip", result.stderr


def test_a_username_too_long_for_any_account_is_a_failed_sign_in(client, staff):
    """Longer than the attempts table's username column (255 characters): PostgreSQL refused
    to store the failure and the sign-in answered 500."""
    column = AccessAttempt._meta.get_field("username").max_length
    username = "a" * (column + 45)

    response = sign_in(client, username=username, password="wrong")

    assert response.status_code == 200
    assert texts(response.content.decode(), "errornote") == [
        "Please enter the correct username and password for a staff account. Note that both "
        "fields may be case-sensitive."
    ]
    assert f'value="{username}"' in response.content.decode()  # kept as typed
    assert not signed_in(client)
    # Counted like any failed sign-in, under the first 255 characters.
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == username[:column] and attempt.failures_since_start == 1
    for n in range(4):
        sign_in(client, username=username + str(n), password="wrong", ip="10.0.0.7")
    assert_paused(sign_in(client, username=username + "x", ip="10.0.0.8"))
