""" "Remember this browser": after a code, a browser may skip the code step for
STAFF_2FA_REMEMBER_DAYS days (0 turns the offer off).

The browser keeps a signed cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, sent to the
admin only) naming the user and a digest of what it was given for: their password hash and
their two-factor devices. A new password, a replaced authenticator app, two-factor sign-in
turned off or reset: the digest no longer matches and the cookie is worth nothing. Nothing is
stored on the server."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCodeDevice

COOKIE = "staff_browser"
SALT = "accounts.remember-browser"


def days():
    return max(0, settings.STAFF_2FA_REMEMBER_DAYS)


def remember(response, *, request, user):
    """Tell this browser to skip the code step for the user, for days()."""
    if not days():
        return
    data = {"user": user.pk, "for": _binding(user), "at": int(timezone.now().timestamp())}
    response.set_cookie(
        COOKIE,
        signing.dumps(data, salt=SALT),
        max_age=days() * 24 * 3600,
        path=_path(),
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def remembered(request):
    """The user's authenticator app when this browser was told to remember them, nothing
    changed since (password, devices) and the days are not over; otherwise None."""
    return _recall(request)[0]


def remembered_until(request):
    """When this browser stops skipping the code for the signed-in user, or None."""
    return _recall(request)[1]


def forget(response):
    response.delete_cookie(COOKIE, path=_path(), samesite="Strict")


def _recall(request):
    value = request.COOKIES.get(COOKIE)
    if not (days() and value):
        return None, None
    try:
        # max_age: a cookie older than the setting allows now fails too (it was lowered).
        data = signing.loads(value, salt=SALT, max_age=timedelta(days=days()))
    except signing.BadSignature:
        return None, None
    user = request.user
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None, None
    if not constant_time_compare(str(data.get("for")), _binding(user)):
        return None, None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None, None
    return device, datetime.fromtimestamp(data["at"], tz=UTC) + timedelta(days=days())


def _binding(user):
    """A digest of the password hash and the two-factor devices (with the app's secret)."""
    apps = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    codes = RecoveryCodeDevice.objects.filter(user=user).order_by("pk")
    material = repr(
        (user.password, list(apps.values_list("pk", "key")), list(codes.values_list("pk")))
    )
    return salted_hmac(SALT, material, algorithm="sha256").hexdigest()


def _path():
    return reverse("admin:index")
