"""Read one email (RFC 5322) on standard input and store it for processing.

For a mail server's pipe transport (Postfix: `pipe` in master.cf; Exim: a pipe router) and for
trying things by hand: `manage.py receive_email < message.eml`. Exit codes follow sysexits.h,
which mail servers understand: 0 stored (or a duplicate, kept once), 65 refused for good (too
big: the sender gets a bounce with the reason), 75 not stored this time because the database
or the storage is unreachable (the server retries), 70 not stored because of a fault here
(a bug: retrying for days would not help, the sender gets a bounce and staff the log line).
"""

import sys

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError

from mail import inbound

EX_DATAERR = 65
EX_SOFTWARE = 70
EX_TEMPFAIL = 75
# What passes: the database or the storage being down or unreachable.
TEMPORARY = (OperationalError, InterfaceError, OSError)


class Command(BaseCommand):
    help = "Store one email read on standard input; it is processed by the task worker."

    def add_arguments(self, parser):
        parser.add_argument("--source", default="pipe", help="Where it came from (shown to staff).")
        parser.add_argument(
            "--client-address",
            default="",
            help="The IP address of the server that sent it to us (Postfix: ${client_address}),"
            " for the per-network limit on acknowledgements.",
        )

    def handle(self, *args, source="pipe", client_address="", **options):
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self._fail(EX_DATAERR, "empty message on standard input")
        try:
            stored = inbound.receive(raw, source=source, client_address=client_address)
        except inbound.Rejected as refusal:
            self._fail(EX_DATAERR, str(refusal))
        except TEMPORARY as error:  # the database or storage is down: let the MTA retry
            self._fail(EX_TEMPFAIL, f"not stored: {type(error).__name__}: {error}")
        except Exception as error:
            self._fail(EX_SOFTWARE, f"not stored: {type(error).__name__}: {error}")
        self.stdout.write(f"stored inbound email {stored.pk} ({stored.get_state_display()})")

    def _fail(self, code, reason):
        self.stderr.write(" ".join(reason.split())[:300])
        sys.exit(code)
