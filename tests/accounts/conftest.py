import pytest
from django.contrib.auth import get_user_model

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
