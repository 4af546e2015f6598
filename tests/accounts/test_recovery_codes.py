"""Recovery codes are stored as hashes only: a copy of the database gives none away, and each
code still signs in once."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import make_recovery_codes, recovery_codes_left
from tests.accounts.conftest import code_now, sign_in

pytestmark = pytest.mark.django_db

VERIFY = "/admin/two-factor/code/"
CODES = "/admin/two-factor/recovery-codes/"
TEXT = (models.CharField, models.TextField, models.JSONField)


def database_text():
    """Every text value in every table, sessions decoded: what a leaked copy shows."""
    values = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT)]
        if fields:
            values += [str(v) for row in model.objects.values_list(*fields) for v in row]
    values += [str(session.get_decoded()) for session in Session.objects.all()]
    return "\n".join(values).lower()


def shown(response):
    return re.findall(r"<code>([a-z2-7-]+)</code>", response.content.decode())


def test_no_recovery_code_is_in_the_database(client, staff, settings):
    settings.STAFF_2FA_REQUIRED = True
    sign_in(client)
    client.get("/admin/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=staff)
    done = client.post("/admin/two-factor/set-up/", {"code": code_now(device)})
    codes = shown(client.get(done.url))
    assert len(codes) == 10
    out = io.StringIO()
    call_command("addstatictoken", "sam", stdout=out)  # a superuser's way back in
    codes.append(out.getvalue().strip())

    text = database_text()
    assert "recovery" in text  # the scan sees the tables (the device's name)
    for code in codes:
        assert code.replace("-", "") not in text and code not in text

    # And each still signs in once, the one from the shell too.
    client.post("/admin/logout/")
    for code in (codes[0], codes[-1]):
        sign_in(client)
        assert client.post(VERIFY, {"code": code}).status_code == 302
        assert client.get("/admin/").status_code == 200
        client.post("/admin/logout/")
    assert recovery_codes_left(staff) == 9


def test_new_codes_are_long_enough_to_resist_guessing(staff):
    """80 bits each: a fast hash is then safe (accounts.models' docstring)."""
    codes = make_recovery_codes(user=staff)
    assert all(len(code.replace("-", "")) == 16 for code in codes)
    assert len(set(codes)) == 10
