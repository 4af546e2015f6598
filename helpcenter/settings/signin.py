"""Staff sign-in: throttling (django-axes) and two-factor sign-in (django-otp)."""

import os
from datetime import timedelta

from helpcenter.settings.env import env_bool

# Staff sign-in (accounts/). The admin login is throttled by django-axes: after
# SIGNIN_FAILURE_LIMIT failures for one username (from anywhere), or from one client address
# (for any usernames), sign-in is paused for SIGNIN_COOLOFF_MINUTES. Attempts are counted in
# the database, so every process sees the same lock. Tries made while paused are not counted:
# the pause ends when it said it would.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a paused sign-in before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.throttling.signin_paused"
# The username tried, cut to the attempts table's column (a longer one was a 500 on PostgreSQL).
AXES_USERNAME_CALLABLE = "accounts.throttling.attempted_username"
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged
# Behind the proxy, the same client address as the rate limits (see RATELIMIT_IP_META_KEY);
# otherwise REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "core.web.ip.client_ip" if env_bool("BEHIND_TLS_PROXY") else None
# Two-factor sign-in for staff (django-otp: an authenticator app, TOTP, plus recovery codes).
# With STAFF_2FA_REQUIRED=1 every staff member sets it up at their next sign-in; otherwise it
# is opt-in from the admin's "Two-factor sign-in" page.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED")
# "Remember this browser" at the code step: that browser skips the code for this many days
# (a signed cookie, void once the password or the two-factor devices change); 0: not offered.
STAFF_2FA_REMEMBER_DAYS = int(os.environ.get("STAFF_2FA_REMEMBER_DAYS", "30"))
OTP_TOTP_ISSUER = "Help center"
# Each wrong code doubles the wait before the next one is checked (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Nobody reads a TOTP key or a recovery code in the admin, superusers included.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
