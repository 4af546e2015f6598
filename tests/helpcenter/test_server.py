"""What operations see: health endpoints, request IDs, logs, static files."""

import json
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client, override_settings

from core.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- health


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_the_database_and_the_caches(client):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready\n")
    assert "no-store" in response["Cache-Control"]


def test_readyz_says_what_is_down(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: database\n"


def test_readyz_fails_when_the_cache_does_not_answer(client, monkeypatch):
    pages = caches["pages"]
    monkeypatch.setattr(pages, "get", lambda *args, **kwargs: None)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: cache pages\n")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_is_checked_over_plain_http_behind_an_https_site():
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/status/").status_code == 301  # everything else goes to HTTPS


# --------------------------------------------------------------------------- request IDs


def test_a_request_id_is_made_and_sent_back(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2a9c1e-7b4d-4e8a-9f10-2b3c4d5e6f70", True),
        ("Root=1-67891233-abcdef012345678912345678", True),
        ("a b", False),
        ("<script>", False),
        ("x" * 200, False),
        ("\r\nSet-Cookie: a=b", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_sane(client, incoming, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert (response["X-Request-ID"] == incoming) is kept
    assert "\n" not in response["X-Request-ID"] and len(response["X-Request-ID"]) <= 128


def test_a_cached_page_gets_its_own_request_id(client, make_guide):
    guide = make_guide()
    client.get(guide.get_absolute_url())
    hit = client.get(guide.get_absolute_url(), HTTP_X_REQUEST_ID="req-42")
    assert hit["X-Cache"] == "hit" and hit["X-Request-ID"] == "req-42"


def test_slow_requests_are_logged_with_their_request_id_and_queries(client, settings, caplog):
    settings.SLOW_REQUEST_MS = 0
    with caplog.at_level(logging.WARNING, logger="helpcenter.requests"):
        client.get("/readyz", HTTP_X_REQUEST_ID="req-slow-1")
    (record,) = [r for r in caplog.records if r.name == "helpcenter.requests"]
    assert record.getMessage().startswith("Slow request: GET /readyz 200 in ")
    assert record.queries == 1 and record.path == "/readyz"
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-slow-1"
    assert line["level"] == "warning" and line["status"] == 200 and line["queries"] == 1


def test_gunicorn_access_lines_are_json_with_the_request_id(monkeypatch):
    from gunicorn.glogging import SafeAtoms

    monkeypatch.setenv("LOG_FORMAT", "json")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    atoms = SafeAtoms(
        {"m": "GET", "U": "/status/", "q": "", "s": "200", "B": 512, "M": 3, "h": "10.0.0.1",
         "a": "curl/8", "f": "-", "{x-request-id}o": "req-7"}
    )  # fmt: skip
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, config["access_log_format"], (atoms,), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-7"
    assert (line["method"], line["path"], line["status"], line["duration_ms"]) == (
        "GET",
        "/status/",
        200,
        3,
    )
    assert "request_id=%({x-request-id}o)s" in config["access_log_format"]


def test_gunicorn_takes_its_workers_from_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 3 and config["timeout"] == 30
    assert config["graceful_timeout"] == 30
    server = SimpleNamespace(cfg=SimpleNamespace(workers=3))
    with pytest.raises(RuntimeError, match="no shared cache"):
        config["on_starting"](server)


# --------------------------------------------------------------------------- static files


@override_settings(
    STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    WHITENOISE_USE_FINDERS=False,
    WHITENOISE_AUTOREFRESH=False,
)
def test_static_files_are_compressed_hashed_and_immutable(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.templatetags.static import static

    url = static("css/site.css")
    assert url != "/static/css/site.css" and url.endswith(".css")  # a hashed name
    client = Client(HTTP_HOST="127.0.0.1")
    for encoding in ("br", "gzip"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert "Accept-Encoding" in response["Vary"]
