import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp

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
