"""New recovery codes between being made and their owner confirming they saved them: the codes
page shows them (again on a reload) and the download serves them until then, and never after.

Meanwhile the server keeps them only encrypted, with a one-time pad that only the browser has
(a cookie, HttpOnly, SameSite=Strict, sent to the codes pages alone): the session holds the
codes XOR the pad. A copy of the database (sessions included) holds no recovery code, at any
moment; the cookie alone holds nothing either. A pad is random, as long as what it hides and
used once, so nothing can be learned from either half."""

import re
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode

from django.conf import settings
from django.urls import reverse

SESSION_KEY = "accounts_new_recovery_codes"
COOKIE = "recovery_codes_pad"
SHAPE = re.compile(r"[a-z2-7]{4}(?:-[a-z2-7]{4})*")


def hold(response, *, request, codes):
    """Keep new codes for their owner's next pages (`response` carries the pad)."""
    plain = "\n".join(codes).encode()
    pad = secrets.token_bytes(len(plain))
    request.session[SESSION_KEY] = _encode(_xor(plain, pad))
    response.set_cookie(
        COOKIE,
        _encode(pad),
        path=_path(),
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


def held(request):
    """The new codes not yet confirmed saved, or None (none made, confirmed, or another
    browser: the pad is not there)."""
    hidden, pad = request.session.get(SESSION_KEY), request.COOKIES.get(COOKIE)
    if not (hidden and pad):
        return None
    try:
        codes = _xor(_decode(hidden), _decode(pad)).decode("ascii").split("\n")
    except ValueError:  # a pad from other codes, or not one at all
        return None
    return codes if all(SHAPE.fullmatch(code) for code in codes) else None


def release(response, *, request):
    """Forget the new codes: saved, or replaced by newer ones."""
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE, path=_path(), samesite="Strict")
    return response


def _xor(data, pad):
    if len(data) != len(pad):
        raise ValueError("not this pad")
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def _encode(data):
    return urlsafe_b64encode(data).decode("ascii")


def _decode(text):
    try:
        return urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeError) as error:
        raise ValueError("not base64") from error


def _path():
    return reverse("admin:two-factor-recovery-codes")
