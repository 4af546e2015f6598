"""Shared set-up for benchmarks: Django on a throwaway test database."""

import os
import secrets
import socket
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_test_database():
    """Configure Django and create a throwaway test database (SQLite, or DATABASE_URL's engine).

    Returns a function that destroys it again.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")
    # A throwaway database, a throwaway key (DEBUG stays off, as in production).
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.conf import settings

    # Like the tests: no collectstatic step needed, so no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.core.signals import request_started
    from django.db import reset_queries

    # Each request would otherwise empty the query log that the benchmark counts from.
    request_started.disconnect(reset_queries)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def teardown():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return teardown


def summarize(samples_ms):
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on, for a benchmark's local receiver."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
