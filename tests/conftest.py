import importlib
import threading
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.db.models.signals import post_migrate
from django.test.testcases import LiveServerThread

from accounts.roles import sync_roles
from editorial.importer import import_content
from tests import snapshot

pytest_plugins = ["tests.factories"]

# The live server of the browser and concurrency tests queues only 5 connections by default
# (socketserver's backlog): 40 clients at once on a loaded machine were reset before it
# accepted them. Production runs gunicorn, whose backlog is 2048.
ThreadedWSGIServer.request_queue_size = 256


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time on SQLite. Each of its threads has
    its own connection to the test's in-memory database (shared cache: pytest-django's live
    server starts before the test database is set up, so it shares no connection), and
    two requests at once lock each other out ("database table is locked", a 500 seen in CI
    when a browser test's fake clock fired a page's polls together). A response is drawn
    whole and closed under the lock; static files need no database and wait for no one.
    Connections stay concurrent (a browser's keep-alive ones wait for no one); with
    PostgreSQL requests run side by side, as in production."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            static = environ.get("PATH_INFO", "").startswith(settings.STATIC_URL)
            if connection.vendor != "sqlite" or static:
                return application(environ, start_response)
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATime


def _roles_after_a_flush(sender, **kwargs):
    """A transactional test's flush empties every table, the rows its migrations made
    included, then sends post_migrate: the roles, the first synonyms and the default ticket
    rules come back for the tests after it in this process (with several workers, a
    transactional test can run before others)."""
    if sender.label == "accounts":
        sync_roles(django_apps)
    elif sender.label == "search" and not django_apps.get_model("search.Synonym").objects.exists():
        importlib.import_module("search.migrations.0006_first_synonyms").add(django_apps, None)
    elif (
        sender.label == "tickets" and not django_apps.get_model("tickets.Trigger").objects.exists()
    ):
        defaults = importlib.import_module("tickets.migrations.0026_default_rules")
        defaults.clocks(django_apps)
        defaults.rules(django_apps)


post_migrate.connect(_roles_after_a_flush, dispatch_uid="tests.roles_after_a_flush")


def pytest_collection_modifyitems(config, items):
    """Tests that start an event loop of their own first (before any browser test of their
    worker: no_browser_event_loop), then the slow tests, the browser tests and the rest
    (each group in its own order): with several workers, none is left running a minute-long
    sweep alone at the end while the others wait."""
    items.sort(
        key=lambda item: (
            "no_browser_event_loop" not in getattr(item, "fixturenames", ()),
            not item.get_closest_marker("slow"),
            not item.get_closest_marker("browser"),
        )
    )


CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
# What a person's browser sends (searches count in Content gaps only from one).
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test databases, migrated once for all the processes of a run and kept for the
    next run while the migrations are unchanged (tests/databases.py)."""
    from tests import databases

    with django_db_blocker.unblock():
        tear_down = databases.set_up()
    yield
    with django_db_blocker.unblock():
        tear_down()


@pytest.fixture(scope="session")
def _content_rows(django_db_setup, django_db_blocker):
    """The rows `import_content` writes for the shipped content, made once per test process
    (tests/snapshot.py)."""

    def load():
        report = import_content(CONTENT_DIR)
        assert not report.errors, report.errors

    with django_db_blocker.unblock():
        return snapshot.take(load)


@pytest.fixture
def content(db, _content_rows):
    """The shipped content, as `make run` loads it (the importer's rows, written back)."""
    snapshot.restore(_content_rows)


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    client.defaults["HTTP_USER_AGENT"] = BROWSER_USER_AGENT
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()


@pytest.fixture(autouse=True)
def _round_the_clock_service_levels(settings):
    """SLA states must not depend on the weekday a test runs (tests/tickets/test_workflow.py
    sets business hours where it tests them)."""
    settings.TICKET_BUSINESS_HOURS = None


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files and stored emails never land in the working copy."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _forget_delivered_links():
    """Links read from emails sent in one test (tests/tickets/links.py) die with it."""
    from tests.tickets import links

    links.delivered.clear()
    yield
    links.delivered.clear()


@pytest.fixture
def status_unchanged(db, settings):
    """The platform status as cached between changes: the banner then costs no query.

    Pages' pinned query counts use it; tests/status/test_banner.py measures the cold cost.
    """
    from status.state import status_state

    # Long enough that building a large page's data first cannot outlive it (a loaded CI
    # machine once took longer than the 15 s default).
    settings.STATUS_CACHE_SECONDS = 3600
    status_state()


@pytest.fixture
def verified_login(db):
    """Signs a test client in as `user` with two-factor sign-in done (an authenticator app set
    up, its code entered), as staff are with STAFF_2FA_REQUIRED=1. While two-factor sign-in
    is not required, `client.force_login` alone still opens the admin."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(client, user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Test authenticator"}
        )
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def no_browser_event_loop():
    """Playwright's sync API, once a browser test ran in this worker, leaves its event loop
    marked as running in this thread; code that starts its own loop (the MCP view's
    async_to_sync, the MCP SDK's clients) then refuses to run. Unmarked for the test."""
    import asyncio

    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    yield
    asyncio.events._set_running_loop(loop)
