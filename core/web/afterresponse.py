"""Work a view leaves for after its answer: the WSGI server closes the response once it has
sent it, and only then does the work run, in the same worker.

For work whose time or queries must not show in the answer: "email me my tickets" looks up
the address and sends an email only when it has tickets, and a reply that took longer then
would tell anyone whether an address has tickets here. Work left this way should be small
(enqueue a task, with ids or an address as arguments): the worker serves no other request
meanwhile.
"""

import logging

from django.db import transaction

from core.logs import request_id

log = logging.getLogger(__name__)


def after_response(request, work, *args):
    """Run `work(*args)` once the response to `request` has been sent. Outside a request
    that went through the middleware (a shell, a test's RequestFactory): after the commit."""
    pending = getattr(request, "_after_response", None)
    if pending is None:
        transaction.on_commit(lambda: work(*args))
    else:
        pending.append((work, args))


def run_after_response(get_response):
    """Middleware: the work views leave with `after_response` runs when the server closes
    the response (after sending it), each piece on its own: one failing spares the rest."""

    def middleware(request):
        request._after_response = pending = []
        response = get_response(request)
        if pending:
            rid = getattr(request, "request_id", "-")
            close = response.close

            def close_after_work():
                token = request_id.set(rid)  # its log lines name the request
                try:
                    for work, args in pending:
                        try:
                            work(*args)
                        except Exception:
                            log.exception("Work left for after the response failed")
                finally:
                    request_id.reset(token)
                    pending.clear()
                    close()  # then request_finished: the database connection is tidied

            response.close = close_after_work
        return response

    return middleware
