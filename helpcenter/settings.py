"""Settings for the help center, driven by environment variables with safe defaults.

Defaults give a local SQLite site with DEBUG off; `make run` turns DEBUG on.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from helpcenter.logs import log_format

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The built-in key is published with the code, so it is for development (DEBUG=1, which
    # `make run` sets) and the tests only: anything else refuses to start without a key.
    if not (DEBUG or TESTING):
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "helpcenter",
    "accounts",
    "kb",
    "runbooks",
    "tickets",
    "status",
    "search",
    "editorial",
    "insights",
]

MIDDLEWARE = [
    "helpcenter.middleware.request_log",  # first: request IDs and timings cover everything
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and the rest: a cached page skips them all, and the cache sees
    # the cookies and Vary headers they add (helpcenter/pagecache.py).
    "helpcenter.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "helpcenter.middleware.reject_nul_characters",
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

REDIS_URL = os.environ.get("REDIS_URL", "")
# Several sites (or test runs) can share one Redis under different prefixes.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "helpcenter")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        # Whole pages (helpcenter/pagecache.py), compressed: HTML shrinks about 5 times.
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
    RATELIMIT_IP_META_KEY = "helpcenter.ip.client_ip"

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
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged
# Behind the proxy, the same client address as the rate limits (see RATELIMIT_IP_META_KEY);
# otherwise REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "helpcenter.ip.client_ip" if env_bool("BEHIND_TLS_PROXY") else None
# Two-factor sign-in for staff (django-otp: an authenticator app, TOTP, plus recovery codes).
# With STAFF_2FA_REQUIRED=1 every staff member sets it up at their next sign-in; otherwise it
# is opt-in from the admin's "Two-factor sign-in" page.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED")
OTP_TOTP_ISSUER = "Help center"
# Each wrong code doubles the wait before the next one is checked (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Nobody reads a TOTP key or a recovery code in the admin, superusers included.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

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
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
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
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
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

# Support tickets.
TICKET_LINK_DAYS = 30  # a private link expires after this many days without activity
TICKET_MIN_FILL_SECONDS = int(os.environ.get("TICKET_MIN_FILL_SECONDS", "3"))
TICKET_RATE_LIMITS = {
    # Tickets stored, per network and per address; and sends of the form, stored or not.
    "created_ip": os.environ.get("TICKET_RATE_IP", "10/h"),
    "created_email": os.environ.get("TICKET_RATE_EMAIL", "5/h"),
    "attempts_ip": os.environ.get("TICKET_RATE_ATTEMPTS_IP", "60/h"),
    "reply_ip": "30/h",
    "links_ip": "10/h",
    "links_email": "3/h",
}
# Files on tickets (tickets/attachments.py): per file, per ticket, per message.
TICKET_ATTACHMENT_MAX_BYTES = int(os.environ.get("TICKET_ATTACHMENT_MAX_BYTES", 10 * 2**20))
TICKET_ATTACHMENTS_MAX_BYTES = int(os.environ.get("TICKET_ATTACHMENTS_MAX_BYTES", 50 * 2**20))
TICKET_ATTACHMENTS_PER_MESSAGE = 10
# Uploaded files and stored emails. Never served as such: only through views that check the
# ticket's private link or staff permission (S3-compatible storage: django-storages, README).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Inbound email (tickets/inbound): the pipe command, provider webhooks, IMAP.
INBOUND_MAX_BYTES = int(os.environ.get("INBOUND_MAX_BYTES", 25 * 2**20))
INBOUND_MAX_PARTS = int(os.environ.get("INBOUND_MAX_PARTS", "200"))
INBOUND_PER_SENDER_PER_HOUR = int(os.environ.get("INBOUND_PER_SENDER_PER_HOUR", "20"))
# Reply-To support+<ticket token>@... (the mail provider must deliver plus addresses).
INBOUND_PLUS_ADDRESSING = env_bool("INBOUND_PLUS_ADDRESSING")
# Provider webhooks (django-anymail): every ANYMAIL_* variable, e.g. ANYMAIL_WEBHOOK_SECRET
# ("user:password" for basic auth) or ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY. Without one, the
# webhook URLs are not served at all.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}

# Service levels (tickets/sla.py): targets per priority in business hours, counted on a
# schedule (TICKET_BUSINESS_HOURS=24x7 for round the clock) minus holidays (ISO dates).
TICKET_SLA_HOURS = {
    "first_response": {"urgent": 1, "high": 4, "normal": 8, "low": 24},
    "next_reply": {"urgent": 2, "high": 8, "normal": 16, "low": 40},
    "resolution": {"urgent": 8, "high": 24, "normal": 40, "low": 80},
}
TICKET_BUSINESS_HOURS = (
    None
    if os.environ.get("TICKET_BUSINESS_HOURS", "").lower() == "24x7"
    else {
        "time_zone": os.environ.get("TICKET_BUSINESS_TIME_ZONE", "UTC"),
        "days": [0, 1, 2, 3, 4],  # Monday to Friday
        "start": os.environ.get("TICKET_BUSINESS_START", "09:00"),
        "end": os.environ.get("TICKET_BUSINESS_END", "17:00"),
    }
)
TICKET_HOLIDAYS = env_list("TICKET_HOLIDAYS")
# tickets/automations.py (manage.py ticket_automations, from cron): days waiting on the
# customer before a reminder, days after the reminder before resolving, days resolved
# before closing.
TICKET_AUTOMATIONS = {
    "remind_after_days": int(os.environ.get("TICKET_REMIND_AFTER_DAYS", "3")),
    "resolve_after_days": int(os.environ.get("TICKET_RESOLVE_AFTER_DAYS", "4")),
    "close_after_days": int(os.environ.get("TICKET_CLOSE_AFTER_DAYS", "7")),
}

# Platform status (status/): the public page's identity in the Statuspage v2 API, and the
# sites allowed to put /embed/frame in an iframe (CSP frame-ancestors; 'self' by default).
STATUS_PAGE_ID = os.environ.get("STATUS_PAGE_ID", "helpcenter01")
STATUS_PAGE_NAME = os.environ.get("STATUS_PAGE_NAME", "Help center platform")
STATUS_PAGE_URL = os.environ.get("STATUS_PAGE_URL", "")  # default: this site's /status/
STATUS_PAGE_TIME_ZONE = os.environ.get("STATUS_PAGE_TIME_ZONE", "Etc/UTC")
STATUS_EMBED_FRAME_ANCESTORS = env_list("STATUS_EMBED_FRAME_ANCESTORS") or [CSP.SELF]
# How long the banner state may be served from cache. Writes in this process (admin) show at
# once; writes from another process (`manage.py status`) reach a per-process memory cache
# only when it expires, hence a short default without Redis.
STATUS_CACHE_SECONDS = int(os.environ.get("STATUS_CACHE_SECONDS", "300" if REDIS_URL else "15"))
# Status subscriptions (status/subscriptions.py, status/delivery.py). Maintenance reminders go
# this many minutes before the start unless the maintenance says otherwise.
STATUS_REMINDER_MINUTES = int(os.environ.get("STATUS_REMINDER_MINUTES", "60"))
STATUS_SUBSCRIBE_RATE_LIMITS = {
    "ip": os.environ.get("STATUS_SUBSCRIBE_RATE_IP", "10/h"),
    "email": os.environ.get("STATUS_SUBSCRIBE_RATE_EMAIL", "3/h"),  # confirmations per address
}
STATUS_DELIVERY_BATCH = int(os.environ.get("STATUS_DELIVERY_BATCH", "200"))  # per task
# A delivery claimed for longer than this was lost with its worker: it is sent again.
STATUS_DELIVERY_LEASE_MINUTES = 15
STATUS_SMTP_CONNECTIONS = int(os.environ.get("STATUS_SMTP_CONNECTIONS", "4"))  # at once, a worker
STATUS_WEBHOOK_TIMEOUT = float(os.environ.get("STATUS_WEBHOOK_TIMEOUT", "10"))
STATUS_WEBHOOK_CONCURRENCY = int(os.environ.get("STATUS_WEBHOOK_CONCURRENCY", "8"))
# Webhooks to loopback, private and link-local addresses are refused, at registration and at
# each delivery. Only for tests and local development: never in production.
STATUS_WEBHOOK_ALLOW_PRIVATE = env_bool("STATUS_WEBHOOK_ALLOW_PRIVATE")

# Anonymous pages served from a cache (helpcenter/pagecache.py), invalidated by any write to
# what they show. Off with DEBUG=1, so template edits show at once while developing.
PAGE_CACHE = env_bool("PAGE_CACHE", default=not DEBUG)
PAGE_CACHE_ALIAS = "pages"
# How long an entry may live: a bound on memory, and, without Redis, on how late another
# process's writes (`manage.py` commands, the task worker) show.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", STATUS_CACHE_SECONDS))
# What browsers, proxies and CDNs are told about anonymous pages (Cache-Control).
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "10"))
PAGE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_STALE_WHILE_REVALIDATE", "60"))
# Requests slower than this are logged with their query count (helpcenter.middleware).
SLOW_REQUEST_MS = int(os.environ.get("SLOW_REQUEST_MS", "1000"))

# One JSON object a line in production (LOG_FORMAT=json, the default with DEBUG off), text
# with DEBUG=1; every line names its request (X-Request-ID, helpcenter.middleware).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "helpcenter.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "helpcenter.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format(),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task state change is noise; failures still show.
        "django.tasks": {"level": "WARNING"},
    },
}
