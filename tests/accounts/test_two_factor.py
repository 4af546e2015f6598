"""Two-factor sign-in for staff: the code step, setting it up, recovery codes, turning off."""

import re
from base64 import b32encode

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, RecoveryCodeDevice
from accounts.roles import roles
from accounts.twofactor import make_recovery_codes
from tests.accounts.conftest import code_now, sign_in, signed_in
from tests.html import texts

pytestmark = pytest.mark.django_db

VERIFY = "/admin/two-factor/code/"
SET_UP = "/admin/two-factor/set-up/"
CODES = "/admin/two-factor/recovery-codes/"
STATUS = "/admin/two-factor/"


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def app(staff):
    """Sam's authenticator app, set up, with recovery codes."""
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    device.recovery_codes = make_recovery_codes(user=staff)
    device.recovery_device = RecoveryCodeDevice.objects.get(user=staff)
    return device


def errors(response):
    return texts(response.content.decode(), "errorlist")


def shown_codes(response):
    return re.findall(r"<code>((?:[a-z2-7]{4}-){3}[a-z2-7]{4})</code>", response.content.decode())


# The code step.


def test_with_an_app_the_password_leads_to_the_code_step(client, app):
    response = sign_in(client, next="/admin/password_change/")
    assert response.status_code == 302
    page = client.get("/admin/password_change/")
    assert page.status_code == 302
    assert page.url == f"{VERIFY}?next=/admin/password_change/"

    step = client.get(page.url)
    assert step.status_code == 200
    html = step.content.decode()
    assert "<h1>Enter your sign-in code</h1>" in html
    assert 'autocomplete="one-time-code"' in html
    assert 'id="nav-sidebar"' not in html and "Authentication and Authorization" not in html

    done = client.post(VERIFY, {"code": code_now(app), "next": "/admin/password_change/"})
    assert done.status_code == 302 and done.url == "/admin/password_change/"
    assert client.get("/admin/password_change/").status_code == 200


def test_a_wrong_code_is_refused(client, app):
    sign_in(client)
    response = client.post(VERIFY, {"code": "000000" if code_now(app) != "000000" else "111111"})
    assert response.status_code == 200
    assert errors(response) == [
        "That code is not right. Enter the code the app shows now (it changes every 30 seconds)."
    ]
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_pause_checking_the_app(client, app, settings):
    # On in the shipped settings: each wrong code doubles the wait before the next check.
    assert settings.OTP_TOTP_THROTTLE_FACTOR >= 1 and settings.OTP_STATIC_THROTTLE_FACTOR >= 1
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a wait this test cannot outlast by chance
    sign_in(client)
    client.post(VERIFY, {"code": "12345x"})  # not 6 digits: a (wrong) recovery code
    wrong = "000000" if code_now(app) != "000000" else "111111"
    client.post(VERIFY, {"code": wrong})

    response = client.post(VERIFY, {"code": code_now(app)})

    assert response.status_code == 429
    assert response["Retry-After"] in {"59", "60"}
    assert errors(response)[0].startswith("Too many wrong codes: wait ")
    assert client.get("/admin/").status_code == 302
    # Recovery codes are paused apart (one wrong try, 1 s ago or less, at factor 1).
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    assert client.post(VERIFY, {"code": app.recovery_codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_each_recovery_code_works_once(client, app):
    first, second = app.recovery_codes[:2]
    sign_in(client)
    assert client.post(VERIFY, {"code": first}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    sign_in(client)
    again = client.post(VERIFY, {"code": first})
    assert again.status_code == 200 and errors(again)
    RecoveryCodeDevice.objects.update(throttling_failure_count=0)  # no wait before the next try
    # Typed as shown, in capitals or without the dash: all the same.
    assert client.post(VERIFY, {"code": second.upper().replace("-", "")}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert RecoveryCode.objects.count() == 8


def test_without_an_app_and_not_required_the_password_is_enough(client, staff):
    sign_in(client)
    assert client.get("/admin/").status_code == 200
    assert client.get(VERIFY).url == "/admin/"


def test_a_code_step_never_sends_elsewhere(client, app):
    sign_in(client)
    response = client.post(VERIFY, {"code": code_now(app), "next": "https://evil.example/"})
    assert response.url == "/admin/"


def test_the_login_page_sends_a_half_signed_in_user_to_the_code_step(client, app):
    sign_in(client)
    response = client.get("/admin/login/?next=/admin/kb/")
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fadmin%2Fkb%2F"


def test_logging_out_from_the_code_step(client, app):
    sign_in(client)
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert not signed_in(client)


# Setting it up when required.


def test_required_sends_staff_without_an_app_to_set_it_up(client, staff, required):
    sign_in(client)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == f"{SET_UP}?next=/admin/"
    page = client.get(response.url)
    html = page.content.decode()
    assert "<h1>Set up two-factor sign-in</h1>" in html
    assert 'id="nav-sidebar"' not in html

    # The key shown is the device's secret; the QR code comes from an admin URL as SVG.
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    [key] = texts(html, "setup-key-value")
    assert key.replace(" ", "") == b32encode(device.bin_key).decode()
    assert 'src="/admin/two-factor/set-up/qr.svg"' in html
    qr = client.get("/admin/two-factor/set-up/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert "no-store" in qr["Cache-Control"]
    assert qr.content.startswith(b"<svg") and b"style" not in qr.content


def test_setting_up_with_a_wrong_code_fails(client, staff, required):
    sign_in(client)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(SET_UP, {"code": "000000" if code_now(device) != "000000" else "1"})

    assert response.status_code == 200
    assert errors(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/admin/").status_code == 302


def test_setting_up_with_the_right_code_shows_recovery_codes_until_saved(client, staff, required):
    sign_in(client)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(SET_UP, {"code": code_now(device), "next": "/admin/kb/"})

    assert response.status_code == 302
    assert response.url == f"{CODES}?next=%2Fadmin%2Fkb%2F"
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    codes = shown_codes(page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert RecoveryCode.objects.filter(device__user=staff).count() == 10
    assert '<input type="hidden" name="next" value="/admin/kb/">' in html
    assert shown_codes(client.get(CODES)) == codes  # a reload shows them again
    done = client.post(f"{CODES}saved/", {"saved": "on", "next": "/admin/kb/"})
    assert done.status_code == 302 and done.url == "/admin/kb/"
    # Never shown again.
    assert client.get(CODES).url == STATUS
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_the_set_up_page_keeps_its_secret_until_confirmed(client, staff, required):
    sign_in(client)
    first = texts(client.get(SET_UP).content.decode(), "setup-key-value")
    assert texts(client.get(SET_UP).content.decode(), "setup-key-value") == first
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_with_an_app_a_half_signed_in_user_cannot_set_up_another(client, app, required):
    sign_in(client)
    response = client.get(SET_UP)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"}).url.startswith(VERIFY)
    assert client.get("/admin/two-factor/set-up/qr.svg").status_code == 404
    assert TOTPDevice.objects.filter(user=app.user).count() == 1


# Opting in, replacing, new codes, turning off.


def test_opting_in_from_the_two_factor_page(client, staff):
    client.force_login(staff)
    index = client.get("/admin/").content.decode()
    assert f'href="{STATUS}">Two-factor sign-in</a>' in index
    status = client.get(STATUS)
    assert texts(status.content.decode(), "content")[0].count("Off.") == 1
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=staff)
    assert client.post(SET_UP, {"code": code_now(device)}).url == CODES

    assert "On." in client.get(STATUS).content.decode()
    # From now on the password alone is not enough.
    client.post("/admin/logout/")
    sign_in(client)
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"


def test_new_recovery_codes_replace_the_old_ones(client, app, verified_login):
    verified_login(client, app.user)
    response = client.post(CODES)
    assert response.url == CODES
    codes = shown_codes(client.get(CODES))
    client.post(f"{CODES}saved/", {"saved": "on"})
    assert len(codes) == 10 and not set(codes) & set(app.recovery_codes)
    assert RecoveryCode.objects.count() == 10


def test_replacing_the_app(client, app, verified_login):
    verified_login(client, app.user)
    assert "<h1>Replace your authenticator app</h1>" in client.get(SET_UP).content.decode()
    new = TOTPDevice.objects.get(confirmed=False)

    response = client.post(SET_UP, {"code": code_now(new)}, follow=True)

    assert texts(response.content.decode(), "success") == [
        "Your new authenticator app is set up: use it from now on."
    ]
    assert list(TOTPDevice.objects.all()) == [new]
    assert RecoveryCode.objects.count() == 10  # recovery codes kept
    assert client.get("/admin/").status_code == 200


def test_turning_off_when_not_required(client, app, verified_login):
    verified_login(client, app.user)
    confirm = client.get("/admin/two-factor/turn-off/")
    assert "<h1>Turn off two-factor sign-in?</h1>" in confirm.content.decode()

    response = client.post("/admin/two-factor/turn-off/", follow=True)

    assert "Two-factor sign-in is off" in texts(response.content.decode(), "success")[0]
    assert not TOTPDevice.objects.exists() and not RecoveryCodeDevice.objects.exists()
    assert client.get("/admin/").status_code == 200


def test_no_turning_off_when_required(client, app, verified_login, required):
    verified_login(client, app.user)
    assert "Turn off" not in client.get(STATUS).content.decode()
    response = client.post("/admin/two-factor/turn-off/", follow=True)
    assert texts(response.content.decode(), "error") == [
        "This site requires two-factor sign-in for staff."
    ]
    assert TOTPDevice.objects.filter(confirmed=True).exists()


# Superusers and other staff.


def test_a_superuser_resets_someones_two_factor(client, app, superuser, verified_login, required):
    verified_login(client, superuser)
    users = client.get("/admin/auth/user/").content.decode()
    assert "Reset two-factor sign-in of the selected users" in users

    client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [app.user.pk]}
    )

    assert not TOTPDevice.objects.filter(user=app.user).exists()
    assert not RecoveryCode.objects.exists()
    # Sam signs in with the password and sets it up again.
    sam = type(client)(HTTP_HOST="127.0.0.1")
    sign_in(sam)
    assert sam.get("/admin/").url == f"{SET_UP}?next=/admin/"


def test_staff_in_every_role_read_no_secrets(client, app, verified_login):
    from django.apps import apps

    from accounts.roles import sync_roles

    sync_roles(apps)
    colleague = type(app.user).objects.create_user("kim", password="x", is_staff=True)
    colleague.groups.set(Group.objects.filter(name__in=roles()))
    verified_login(client, colleague)
    for url in [
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{app.pk}/change/",
        f"/admin/otp_totp/totpdevice/{app.pk}/config/",
        f"/admin/otp_totp/totpdevice/{app.pk}/qrcode/",
        "/admin/accounts/recoverycodedevice/",
        f"/admin/accounts/recoverycodedevice/{app.recovery_device.pk}/change/",
        "/admin/axes/accessattempt/",
        "/admin/auth/user/",
    ]:
        assert client.get(url).status_code == 403, url


def test_superusers_see_devices_but_not_their_secrets(client, app, superuser, verified_login):
    verified_login(client, superuser)
    totp = client.get(f"/admin/otp_totp/totpdevice/{app.pk}/change/")
    assert totp.status_code == 200
    assert app.key not in totp.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{app.pk}/qrcode/").status_code == 403
    codes = client.get(f"/admin/accounts/recoverycodedevice/{app.recovery_device.pk}/change/")
    assert codes.status_code == 200 and texts(codes.content.decode(), "field-codes_left")
    assert not any(code.replace("-", "") in codes.content.decode() for code in app.recovery_codes)
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404  # the clear ones' pages
    listing = client.get("/admin/auth/user/").content.decode()
    assert texts(listing, "field-two_factor") and 'alt="True"' in listing


@pytest.mark.slow
def test_check_deploy_warns_while_two_factor_is_not_required():
    from tests.helpcenter.test_security import check_deploy

    result = check_deploy(STAFF_2FA_REQUIRED=None)
    assert result.returncode != 0 and "accounts.W001" in result.stderr


def test_a_one_time_code_printed_in_a_shell_signs_in(client, app, capsys):
    from django.core.management import call_command

    call_command("addstatictoken", "sam")
    code = capsys.readouterr().out.strip()
    sign_in(client)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
