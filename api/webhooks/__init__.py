"""Outgoing webhooks (issue 24): endpoints hear of events in tickets, content and status.

- `emit()` stores an event and one delivery per listening endpoint in the writer's
  transaction, and hands them to the task worker once it commits (mail.outbox);
- `delivery.send()` claims each delivery by one UPDATE, signs it the Standard Webhooks way
  and POSTs it through the SSRF guard (mail.webhooks.deliver), and records what came of it;
  a failure is retried on the outbox's schedule with the same webhook-id; an endpoint that
  keeps failing is disabled and whoever registered it is told by email;
- `receivers` turn model writes into events.
"""

from api.webhooks.emit import emit

__all__ = ["emit"]
