"""Two-factor sign-in for staff: an authenticator app (django-otp's TOTPDevice) and single-use
recovery codes (accounts.models.RecoveryCodeDevice, stored hashed). Two-factor is "on" for a
user with a confirmed TOTP device."""

import math
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import remember
from accounts.models import RecoveryCode, RecoveryCodeDevice, shown

RECOVERY_CODE_COUNT = 10
QR_SCALE = 4  # pixels per module of the QR code
VERIFY = "two-factor-verify"  # the admin URL names of the second step
SET_UP = "two-factor-setup"


def has_two_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def with_two_factor(users):
    """Users annotated with `has_two_factor`, for listing many without a query each."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return users.annotate(has_two_factor=Exists(confirmed))


def second_step(request):
    """The step a signed-in staff member still owes before any admin page: VERIFY (enter a
    code), SET_UP (required and not set up yet) or None. Remembered for the request.

    A browser remembered for the user ("Remember this browser", accounts.remember) owes no
    code: the session is verified with their authenticator app, as if they had typed one."""
    if not hasattr(request, "_second_step"):
        step = _second_step(request.user)
        if step == VERIFY and (device := remember.remembered(request)):
            _verify_session(request, device)
            step = None
        request._second_step = step
    return request._second_step


def _second_step(user):
    if not (user.is_active and user.is_staff):
        return None
    # Without django-otp's middleware nobody counts as verified: safe, never open.
    if getattr(user, "is_verified", lambda: False)():
        return None
    if has_two_factor(user):
        return VERIFY
    if settings.STAFF_2FA_REQUIRED:
        return SET_UP
    return None


def can_turn_off(user):
    return not (settings.STAFF_2FA_REQUIRED and user.is_staff)


# Setting up.


def authenticator(user):
    """The user's authenticator app in use, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user, *, create=True):
    """The authenticator being set up: created on first use, then the same one (and the same
    secret) until it is confirmed, so a reload does not invalidate a code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def qr_code(device):
    """The otpauth:// link of the device as a QR code (apps scan it to add the account)."""
    return segno.make(device.config_url, error="m")


def manual_key(device):
    """The secret as an app's "enter a key" screen wants it: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@dataclass
class Check:
    device: object = None  # the device that accepted the code, or None
    retry_after: int = 0  # seconds to wait when checking is paused after wrong codes


def confirm_authenticator(*, request, device, code):
    """Confirm a pending authenticator with a code it shows. On success it replaces any other
    authenticator of the user and verifies this session; recovery codes are kept."""
    check = _check(device, code)
    if check.device:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        _verify_session(request, device)
    return check


def check_code(*, request, code):
    """Verify the session with a 6-digit code from the authenticator app or a recovery code.
    Each is checked against its own device only, so wrong tries pause that device alone."""
    code = normalize(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else RecoveryCodeDevice
    device = model.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return Check()
    check = _check(device, code)
    if check.device:
        _verify_session(request, check.device)
    return check


def normalize(code):
    return "".join(code.split()).replace("-", "").lower()


def _check(device, code):
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Check(retry_after=_seconds_until(details.get("locked_until")))
    return Check(device=django_otp.verify_token(device.user, device.persistent_id, code))


def _seconds_until(moment):
    if moment is None:
        return 1
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def _verify_session(request, device):
    request.session.cycle_key()  # a new session id for the more trusted session
    django_otp.login(request, device)


# Recovery codes.


def make_recovery_codes(*, user):
    """New recovery codes for the user; the previous ones stop working. Returned once, in
    clear, as they are shown: only their hashes are stored."""
    with transaction.atomic():
        codes = _recovery_device(user).replace_codes(RECOVERY_CODE_COUNT)
    return [shown(code) for code in codes]


def add_recovery_code(*, user):
    """One more recovery code (`manage.py addstatictoken`: a superuser locked out of their
    own account), the others kept. Returned once, in clear."""
    with transaction.atomic():
        [code] = _recovery_device(user).add_codes(1)
    return shown(code)


def _recovery_device(user):
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes"}
    )
    return device


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(device__user=user).count()


# Turning off.


def remove_two_factor(*, users):
    """Forget the users' authenticators and recovery codes; their sessions verified by them
    are no longer verified. Returns how many users had any."""
    owners = set()
    for model in (TOTPDevice, RecoveryCodeDevice):
        devices = model.objects.filter(user__in=users)
        owners.update(devices.values_list("user_id", flat=True))
        devices.delete()
    return len(owners)
