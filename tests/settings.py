"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE): production settings, as the
environment gives them, with what only tests may have.

- a fixed key of their own, so the SECRET_KEY guard of the real settings stays on in every
  other process (it used to be switched off by any process that had imported pytest);
- static files straight from the source folders (no collectstatic before a test run), looked
  up per request rather than listed for each test client;
- a fast password hasher: PBKDF2's deliberate slowness is a defence for stored passwords,
  and here it only cost minutes of the suite.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-outside-the-test-suite")

from helpcenter.settings import *  # noqa: E402, F403

WHITENOISE_USE_FINDERS = True
# Static files are looked up when asked for (as in development) instead of every file being
# listed each time a test client is made: 36 ms a client, a tenth of the suite.
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The receiving mail server of the test messages (tests/tickets/mail/*.eml): its
# Authentication-Results headers are ours.
INBOUND_AUTHSERV_ID = "mx.example.com"
