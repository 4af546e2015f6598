"""Settings for the help center, driven by environment variables with safe defaults.

Defaults give a local SQLite site with DEBUG off; `make run` turns DEBUG on.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.

This module holds Django's own settings; each part of the product has its own module, read
at the end: staff sign-in (`signin`), support tickets and inbound email (`tickets`), platform
status (`status`), the page cache (`pages`).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from core.logs import log_format
from helpcenter.settings.env import DEBUG, REDIS_URL, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parents[2]

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The built-in key is published with the code, so it is for development (DEBUG=1, which
    # `make run` sets) only: anything else refuses to start without a key. The tests use
    # their own settings module (tests/settings.py), which sets its own key.
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. Set SECRET_KEY to a long random value "
            "that stays the same across restarts, e.g. SECRET_KEY=\"$(python3 -c 'import "
            "secrets; print(secrets.token_urlsafe(50))')\", or set DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-local-development-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts.apps.StaffAdminConfig",  # django.contrib.admin with the staff sign-in site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "reversion",
    "django_tasks_db",
    "anymail",
    # Before django-otp: its `addstatictoken` command is replaced by accounts' (hashed codes).
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes were its StaticTokens, in clear; kept for accounts' migration that hashes
    # them (accounts.models), and unlisted in the admin.
    "django_otp.plugins.otp_static",
    "axes",
    "core",
    "mail",
    "helpcenter",
    "kb",
    "runbooks",
    "tickets",
    "status",
    "search",
    "answers",
    "editorial",
    "insights",
    "api",
    "slack",
]

MIDDLEWARE = [
    "core.web.middleware.request_log",  # first: request IDs and timings cover everything
    "core.web.afterresponse.run_after_response",  # what views leave for after the answer
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and the rest: a cached page skips them all, and the cache sees
    # the cookies and Vary headers they add (core/web/pagecache.py).
    "core.web.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tickets.timezones.staff_time_zone",  # staff pages in the agent's own time zone
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.web.middleware.reject_nul_characters",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the 429 page
]

ROOT_URLCONF = "helpcenter.urls"
WSGI_APPLICATION = "helpcenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Plain text (email subjects and bodies): nothing is HTML-escaped. Render with
        # `using="text"`; HTML stays with the engine above.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked"; readers never wait (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several sites (or test runs) can share one Redis under different prefixes.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "helpcenter")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        # Whole pages (core/web/pagecache.py), compressed: HTML shrinks about 5 times.
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}-pages",
            "OPTIONS": {"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 1000},  # a worker's memory stays bounded
        },
    }
    # Embedded mode runs one process, so a per-process cache is enough for rate limits.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

RATELIMIT_VIEW = "helpcenter.views.rate_limited"
# Behind the TLS proxy every request comes from the proxy: rate limits key on the client
# address the proxy appended to X-Forwarded-For (the right-most entry; clients can forge others).
if env_bool("BEHIND_TLS_PROXY"):
    RATELIMIT_IP_META_KEY = "core.web.ip.client_ip"


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers. HTTPS-only settings switch on with SECURE_SSL=1 (production, behind TLS).
SECURE_SSL = env_bool("SECURE_SSL")
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers check health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_SSL else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

SECURE_CSP = {
    "default-src": [CSP.SELF],
    # Every script is a file from this origin, so a nonce would add nothing but make each
    # page's HTML unique (and so uncacheable).
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Email (Django 6.1 mailers). Without EMAIL_HOST, emails are printed to the console.
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@example.com")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SUPPORT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "mail.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (ticket emails). `immediate` runs tasks in the web process after the
# transaction commits; production sets TASK_BACKEND=database and runs `manage.py db_worker`.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django.tasks.backends.dummy.DummyBackend",
        }[TASK_BACKEND]
    }
}

# Search events the dashboard keeps (its daily totals are kept for good); the clock prunes.
INSIGHTS_KEEP_DAYS = int(os.environ.get("INSIGHTS_KEEP_DAYS", "400"))
# How long the support reports' figures are kept before they are counted again (0: never kept).
SUPPORT_REPORT_CACHE_SECONDS = int(os.environ.get("SUPPORT_REPORT_CACHE_SECONDS", "300"))
# Whether the support reports read the daily totals the clock keeps (insights.support.rollups)
# once it has counted them; 0: always count from the tickets.
SUPPORT_REPORT_ROLLUPS = os.environ.get("SUPPORT_REPORT_ROLLUPS", "1") == "1"

# Uploaded files and stored emails. Never served as such: only through views that check the
# ticket's private link or staff permission (S3-compatible storage: django-storages, README).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Requests slower than this are logged with their query count (core.web.middleware).
SLOW_REQUEST_MS = int(os.environ.get("SLOW_REQUEST_MS", "1000"))

# One JSON object a line in production (LOG_FORMAT=json, the default with DEBUG off), text
# with DEBUG=1; every line names its request (X-Request-ID, core.web.middleware), and no line
# carries a private link's token (core.logs.RedactPrivateLinks, core/redaction.py). Django's
# own loggers write through the same handler: its default ones would not redact (and would
# print django.* lines twice with DEBUG on).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "private_links": {"()": "core.logs.RedactPrivateLinks"},
    },
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format(),
            "filters": ["private_links", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's request lines (`make run`).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # One line per task state change is noise; failures still show.
        "django.tasks": {"level": "WARNING"},
        # The MCP SDK logs three lines per /mcp request, and each refused tool call with the
        # caller's text; its warnings and errors (a tool that crashed) still show.
        "mcp": {"level": "WARNING"},
    },
}

from helpcenter.settings.answers import *  # noqa: E402, F403
from helpcenter.settings.api import *  # noqa: E402, F403
from helpcenter.settings.mail import *  # noqa: E402, F403
from helpcenter.settings.pages import *  # noqa: E402, F403
from helpcenter.settings.signin import *  # noqa: E402, F403
from helpcenter.settings.slack import *  # noqa: E402, F403
from helpcenter.settings.status import *  # noqa: E402, F403
from helpcenter.settings.tickets import *  # noqa: E402, F403
