import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = "/admin/login/"
PASSWORD = "Staff-pass-123"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "sam", "sam@example.com", PASSWORD, is_staff=True, first_name="Sam"
    )


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "Root-pass-123")


def sign_in(client, username="sam", password=PASSWORD, ip="127.0.0.1", next="/admin/", **extra):
    """The admin login form, sent from a client address."""
    data = {"username": username, "password": password, "next": next}
    return client.post(LOGIN, data, REMOTE_ADDR=ip, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def code_now(device, steps_ahead=0):
    """The code the device's app shows now (or a later step's: a code is accepted once)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{code:0{device.digits}d}"


@pytest.fixture(params=["code owed", "set-up owed"])
def half_signed_in(request, client, staff, settings):
    """Sam, signed in with the password, owing the code (an app is set up) or owing the set-up
    (required, none yet); with every permission, so nothing is refused for lack of one.
    Returns the URL of the step owed."""
    staff.user_permissions.set(Permission.objects.all())
    if request.param == "code owed":
        TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
        step = "/admin/two-factor/code/"
    else:
        settings.STAFF_2FA_REQUIRED = True
        step = "/admin/two-factor/set-up/"
    assert sign_in(client).status_code == 302
    return step
