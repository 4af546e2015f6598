"""The upgrade hashes the recovery codes people already have: each keeps working once, and no
clear copy is left in the database."""

import pytest
from django.contrib.auth.hashers import make_password

from tests.accounts.conftest import PASSWORD, sign_in
from tests.migrations import latest, migrate, restore

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("accounts", None)]  # no accounts migration applied
# The models as they are then: django-otp's (and auth's, which they need).
BEFORE_STATE = [("otp_static", "0003_add_timestamps"), ("otp_totp", "0003_add_timestamps")]


def test_clear_recovery_codes_are_hashed_and_keep_working(client):
    old = migrate(BEFORE, BEFORE_STATE)
    User = old.get_model("auth", "User")
    sam = User.objects.create(username="sam", password=make_password(PASSWORD), is_staff=True)
    StaticDevice = old.get_model("otp_static", "StaticDevice")
    first = StaticDevice.objects.create(user=sam, name="Recovery codes", throttling_failure_count=2)
    second = StaticDevice.objects.create(user=sam, name="Backup Code")  # addstatictoken's
    codes = ["abcdefgh", "ijklmnop"]
    first.token_set.create(token=codes[0])
    second.token_set.create(token=codes[1])
    old.get_model("otp_totp", "TOTPDevice").objects.create(user=sam, name="Phone")
    try:
        new = latest()
        assert not old.get_model("otp_static", "StaticToken").objects.exists()
        assert not StaticDevice.objects.exists()
        [device] = new.get_model("accounts", "RecoveryCodeDevice").objects.all()
        assert device.user_id == sam.pk and device.throttling_failure_count == 2
        stored = list(new.get_model("accounts", "RecoveryCode").objects.values_list())
        assert len(stored) == 2 and not any(code in str(stored) for code in codes)

        new.get_model("accounts", "RecoveryCodeDevice").objects.update(throttling_failure_count=0)
        for code in codes:
            sign_in(client)
            assert client.post("/admin/two-factor/code/", {"code": code}).status_code == 302
            assert client.get("/admin/").status_code == 200
            client.post("/admin/logout/")
        sign_in(client)
        assert client.post("/admin/two-factor/code/", {"code": codes[0]}).status_code == 200

        # And back: hashes cannot become clear codes again; Sam has none until he makes some.
        old = migrate(BEFORE, BEFORE_STATE)
        assert not old.get_model("otp_static", "StaticToken").objects.exists()
    finally:
        restore()
