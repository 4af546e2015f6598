"""Production settings for the app servers tests start (tests/helpcenter/test_scale_out.py):
static files straight from the source folders, so no collectstatic step is needed."""

from helpcenter.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
