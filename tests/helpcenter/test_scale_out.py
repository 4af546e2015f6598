"""Two app servers on one PostgreSQL and one Redis, as the README's scale-out: what is changed
through one is what the other shows, at once; they share the page cache and the rate limits.

Runs when the tests use PostgreSQL and Redis answers (REDIS_URL, else 127.0.0.1:6379), as in
CI's PostgreSQL run. Both servers are stopped (process group, TERM then KILL) and their Redis
keys deleted, whatever happens.
"""

import html.parser
import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from benchmarks.load import stop
from status.importer import import_status
from status.models import Component
from tests.factories import STATUS_CONTENT

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _redis_answers():
    parts = urllib.parse.urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
        or not _redis_answers(),
        reason="needs the tests on PostgreSQL and a Redis server",
    ),
    pytest.mark.django_db(transaction=True),  # the servers read what the test commits
    pytest.mark.slow,
]


def _database_url():
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One person's browser: its own cookies, redirects followed, errors returned as answers.
    Every request names the same host, as they do through the proxy in front of the servers."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            url, data=body, headers={"Host": "127.0.0.1", **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def cookie(self, name):
        return next(c.value for c in self.cookies if c.name == name)


class FormFields(html.parser.HTMLParser):
    """The fields of one form (by id) with the values the browser would send."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or not (name := attrs.get("name")) and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"}:
                self.fields[name] = attrs.get("value") or ""
            elif "checked" in attrs:
                self.fields[name] = attrs.get("value") or "on"
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in self.fields:
                self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page, form_id):
    parser = FormFields(form_id)
    parser.feed(page)
    return parser.fields


def _ready(base):
    try:
        return Browser().request(base + "/readyz")[0] == 200
    except urllib.error.URLError:  # not listening yet
        return False


def banner(page):
    return page.split('<div class="status-banner')[1].split("</div>")[0]


@pytest.fixture
def servers(transactional_db, content, tmp_path):
    """Two gunicorn instances (one worker each) on ports of 127.0.0.1, one database, one Redis."""
    report = import_status(STATUS_CONTENT)
    assert not report.errors
    prefix = f"scale-out-{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.helpcenter.server_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # sessions made here are valid there
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
    }
    started = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"{name}.log"
            process = subprocess.Popen(
                [Path(sys.executable).with_name("gunicorn"), "--workers", "1",
                 "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
                 "--error-logfile", str(log)],
                cwd=ROOT, env=env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, base, log in started:
            deadline = time.monotonic() + 30
            while not _ready(base):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"not ready in 30 s:\n{log.read_text()}"
                time.sleep(0.1)
        yield [base for _, base, _ in started]
    finally:
        for process, _, _ in started:
            stop(process)
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def test_two_servers_show_the_same_status_pages_and_limits(servers):
    a, b = servers
    visitor = Browser()

    # The page cache is shared: a page rendered by one is served by the other.
    assert visitor.request(a + "/kb/quickstart/")[1]["X-Cache"] == "miss"
    assert visitor.request(b + "/kb/quickstart/")[1]["X-Cache"] == "hit"
    for base in (a, b):
        assert "Operational" in banner(visitor.request(base + "/")[2])
        visitor.request(base + "/status/")

    # A status change made in the admin of one is on the other's pages within a second.
    staff = Browser()
    user = get_user_model().objects.create_superuser("ops", "ops@example.com", None)
    signed_in = Client()
    signed_in.force_login(user)
    staff.cookies.set_cookie(
        http.cookiejar.Cookie(
            0, "sessionid", signed_in.cookies["sessionid"].value, None, False, "127.0.0.1",
            False, False, "/", True, False, None, False, None, None, {},
        )
    )  # fmt: skip
    api = Component.objects.get(slug="api")
    change = f"{a}/admin/status/component/{api.pk}/change/"
    status, _, page = staff.request(change)
    assert status == 200, page
    fields = form_fields(page, "component_form") | {"status": "major_outage", "_save": "Save"}
    fields["csrfmiddlewaretoken"] = form_fields(page, "component_form")["csrfmiddlewaretoken"]
    status, _, page = staff.request(change, fields, {"Referer": change})
    assert status == 200 and "was changed successfully" in page, page
    saved = time.monotonic()
    while "Partial System Outage" not in banner(visitor.request(b + "/")[2]):
        assert time.monotonic() - saved < 1, "the other server still shows the old status"
        time.sleep(0.02)
    assert "Partial System Outage" in banner(visitor.request(b + "/status/")[2])
    assert time.monotonic() - saved < 1

    # Rate limits are counted once for both: 10 lost-link requests an hour from one address.
    asker = Browser()
    asker.request(a + "/support/tickets/")
    token = asker.cookie("csrftoken")  # Django takes the cookie's secret as the form token
    answers = [
        asker.request(
            f"{(a, b)[n % 2]}/support/tickets/",
            {"csrfmiddlewaretoken": token, "email": f"person{n}@example.com"},
        )[0]
        for n in range(12)
    ]
    assert answers == [200] * 10 + [429, 429]
