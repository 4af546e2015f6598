"""200 customers press "Send" at the same moment: every ticket is stored exactly once, each
with its own reference."""

import re
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import signing
from django.db import connection

from tickets.forms import signed_start
from tickets.models import Ticket
from tickets.views.form import RECEIPT_SALT

SUBMISSIONS = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_submissions_are_each_stored_once(live_server, settings):
    if connection.vendor != "postgresql":
        # The SQLite test database lives in shared-cache memory, whose table locks are not
        # those of the real file database; `make run`'s file database is checked by hand.
        pytest.skip("PostgreSQL only (CI runs the suite on it)")
    settings.TICKET_RATE_LIMITS = dict.fromkeys(settings.TICKET_RATE_LIMITS, "100000/h")
    opener = urllib.request.build_opener(_NoRedirect)
    with urllib.request.urlopen(f"{live_server.url}/support/") as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()
        ).group(1)
    started = signed_start(time.time() - 60)

    def submit(n):
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "email": f"customer{n}@example.com",
                "subject": f"Concurrent ticket {n}",
                "description": f"Submission number {n}.",
                "started": started,
            }
        ).encode()
        request = urllib.request.Request(
            f"{live_server.url}/support/", data=body, headers={"Cookie": cookie}
        )
        try:
            opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # the 302 arrives as an "error" here
            return error.code, error.headers.get("Location", "")
        return 200, ""

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(submit, range(SUBMISSIONS)))

    assert [code for code, _ in outcomes] == [302] * SUBMISSIONS
    tickets = list(Ticket.objects.values_list("subject", "reference", "pk"))
    assert len(tickets) == SUBMISSIONS
    assert sorted(s for s, _, _ in tickets) == sorted(
        f"Concurrent ticket {n}" for n in range(SUBMISSIONS)
    )
    assert len({r for _, r, _ in tickets}) == SUBMISSIONS
    assert all(re.fullmatch(r"HC-\d{6}", r) for _, r, _ in tickets)
    # Each customer was sent to the confirmation of their own ticket.
    receipts = [loc.removeprefix("/support/sent/").rstrip("/") for _, loc in outcomes]
    shown = {signing.loads(r, salt=RECEIPT_SALT) for r in receipts}
    assert shown == {pk for _, _, pk in tickets}
