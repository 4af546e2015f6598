"""Recovery codes made before were django-otp StaticTokens, stored in clear: each is hashed
into accounts' recovery codes (keeping working, once each) and the clear copy is deleted.

Going back cannot bring the clear codes back (only hashes are left): staff then have no
recovery codes until they make new ones on their Two-factor sign-in page."""

import hmac
import secrets

from django.db import migrations


def digest(salt, code):  # as accounts.models.digest
    return hmac.new(bytes.fromhex(salt), code.encode(), "sha256").hexdigest()


def hash_clear_codes(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    devices = {}  # one a user: their static devices' codes together
    for old in StaticDevice.objects.order_by("pk"):
        if old.user_id not in devices:
            new = RecoveryCodeDevice.objects.create(
                user_id=old.user_id,
                name=old.name,
                confirmed=old.confirmed,
                throttling_failure_timestamp=old.throttling_failure_timestamp,
                throttling_failure_count=old.throttling_failure_count,
                last_used_at=old.last_used_at,
            )
            RecoveryCodeDevice.objects.filter(pk=new.pk).update(created_at=old.created_at)
            devices[old.user_id] = new
    codes = []
    for user_id, token in StaticToken.objects.values_list("device__user_id", "token").iterator():
        salt = secrets.token_hex(16)
        codes.append(
            RecoveryCode(device=devices[user_id], salt=salt, digest=digest(salt, token))
        )
    RecoveryCode.objects.bulk_create(codes, batch_size=500)
    StaticDevice.objects.all().delete()  # and their tokens: no clear copy is left


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_recovery_codes"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        # Going back: nothing to undo here (see the module's docstring).
        migrations.RunPython(hash_clear_codes, migrations.RunPython.noop),
    ]
