"""Recovery codes kept as hashes: a django-otp device (throttled like the others) whose codes
are stored only as salted HMAC-SHA256 digests, and each works once.

Why a fast hash and not a password hasher: a new code is 16 random base32 characters, 80 bits,
so trying every code against one digest is out of reach however fast each try is (at 10^10
SHA-256 a second, about four million years); a slow hasher would only make each sign-in
with a code slower (a code is checked against each of the user's ten digests). The salt, 16
random bytes a code, makes every digest its own search: nothing is learned once for all
users. No key from SECRET_KEY is mixed in: rotating the key would silently void every
code, the one thing people keep for when all else fails. Codes made before hashing (8
characters, 40 bits) were hashed as they were by the migration and keep working; they are the
weak ones, and making new codes replaces them (docs/running/staff-sign-in-security.md).
"""

import hmac
import secrets

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/o, 1/l or 8/b to mix up
CODE_LENGTH = 16  # 80 bits


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code):
    """A code as people read it: groups of four, joined by dashes (typed either way)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def digest(salt, code):
    return hmac.new(bytes.fromhex(salt), code.encode(), "sha256").hexdigest()


class RecoveryCodeQuerySet(models.QuerySet):
    def use(self, code):
        """Spend `code` if it is one of these: True the first time, False ever after. The row
        is deleted, and only the request whose delete removed it wins (two at once cannot
        both use one code)."""
        for row in self:
            if row.matches(code):
                deleted, _ = self.filter(pk=row.pk).delete()
                return deleted == 1
        return False


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's recovery codes, as one django-otp device: wrong codes pause it (as the app's
    device is paused apart), a right one verifies the session and is gone."""

    class Meta:
        verbose_name = "recovery codes"
        verbose_name_plural = "recovery codes"

    def get_throttle_factor(self):
        return settings.OTP_STATIC_THROTTLE_FACTOR

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        if self.codes.use(token):
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False

    def replace_codes(self, count):
        """New codes instead of all the ones there were; returned in clear, once."""
        self.codes.all().delete()
        self.throttle_reset()
        return self.add_codes(count)

    def add_codes(self, count):
        codes = [new_code() for _ in range(count)]
        RecoveryCode.objects.bulk_create(RecoveryCode.hashed(code, device=self) for code in codes)
        return codes


class RecoveryCode(models.Model):
    """One recovery code: its salt and digest, never the code itself."""

    device = models.ForeignKey(RecoveryCodeDevice, related_name="codes", on_delete=models.CASCADE)
    salt = models.CharField(max_length=32)  # 16 random bytes, hex
    digest = models.CharField(max_length=64)  # HMAC-SHA256(salt, code), hex

    objects = RecoveryCodeQuerySet.as_manager()

    def __str__(self):
        return f"Recovery code of {self.device.user}"

    @classmethod
    def hashed(cls, code, **fields):
        salt = secrets.token_hex(16)
        return cls(salt=salt, digest=digest(salt, code), **fields)

    def matches(self, code):
        return hmac.compare_digest(self.digest, digest(self.salt, code))
