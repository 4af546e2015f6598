"""The live server the browser tests drive, on the test's in-memory SQLite database
(tests/conftest.py: OneRequestAtATime): requests that come at once, as a page's polls do,
are each answered, none with a 500 ("database table is locked" before)."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the live server's arrangement for SQLite"
    ),
]


def test_requests_at_once_are_each_answered(
    live_server, client, admin_user, verified_login, make_ticket
):
    verified_login(client, admin_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    tickets = [make_ticket() for _ in range(5)]
    # Many pages, each its own statements, and the same ones by several threads at once.
    lists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    pages = [*lists, *(f"/admin/tickets/ticket/{t.pk}/change/" for t in tickets)] * 3

    def fetch(path):
        request = urllib.request.Request(live_server.url + path, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=24) as pool:
        statuses = dict(zip(pages, pool.map(fetch, pages), strict=True))
    assert {page: status for page, status in statuses.items() if status != 200} == {}
