"""Support tickets: links, the form's limits, attachments, inbound email, service levels and
automations."""

import os

from helpcenter.settings.env import env_bool, env_list

# Support tickets.
TICKET_LINK_DAYS = 30  # a private link expires after this many days without activity
TICKET_MIN_FILL_SECONDS = int(os.environ.get("TICKET_MIN_FILL_SECONDS", "3"))
# ...and at most this old (its signed start time, the anti-bot fill time): an older form is
# shown again, everything typed kept, with a new start, so a start taken once cannot be
# replayed for ever.
TICKET_FORM_MAX_AGE_SECONDS = int(os.environ.get("TICKET_FORM_MAX_AGE_SECONDS", 24 * 3600))
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
# Files of a form that came back with errors wait for its next send (tickets/attachments.py)
# this many minutes at most, and only this much of them at once per network (the client
# address as the rate limits key it: an IPv6 /64) and from everyone together. Past a cap the
# form says to attach the file again when sending; nothing typed is lost.
TICKET_PENDING_UPLOAD_MINUTES = int(os.environ.get("TICKET_PENDING_UPLOAD_MINUTES", "60"))
TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK = int(
    os.environ.get("TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK", 100 * 2**20)
)
TICKET_PENDING_UPLOAD_BYTES = int(os.environ.get("TICKET_PENDING_UPLOAD_BYTES", 2**30))

# Inbound email (tickets/inbound): the pipe command, provider webhooks, IMAP.
INBOUND_MAX_BYTES = int(os.environ.get("INBOUND_MAX_BYTES", 25 * 2**20))
INBOUND_MAX_PARTS = int(os.environ.get("INBOUND_MAX_PARTS", "200"))
# Parsing one message (tickets/inbound/mime.py) stops reading after this many seconds.
INBOUND_PARSE_SECONDS = float(os.environ.get("INBOUND_PARSE_SECONDS", "10"))
# Per sender (plus tags folded: ada+1@ and ada+2@ are one), messages that act in an hour.
INBOUND_PER_SENDER_PER_HOUR = int(os.environ.get("INBOUND_PER_SENDER_PER_HOUR", "20"))
# Acknowledgements of new tickets by email, per network (the connecting /24 or /48 where
# known, else the sending domain) and overall: past them a ticket is opened unacknowledged.
INBOUND_ACKS_PER_NETWORK_PER_HOUR = int(os.environ.get("INBOUND_ACKS_PER_NETWORK_PER_HOUR", "30"))
INBOUND_ACKS_PER_HOUR = int(os.environ.get("INBOUND_ACKS_PER_HOUR", "300"))
# The authserv-id our own receiving mail server (or provider) writes in the
# Authentication-Results headers it adds on top of each message, e.g. mx.example.com. Only
# those count as SPF/DKIM/DMARC verdicts; unset, none do (docs/running/email-security.md).
INBOUND_AUTHSERV_ID = os.environ.get("INBOUND_AUTHSERV_ID", "").strip().lower()
# Reply-To support+<ticket token>@... (the mail provider must deliver plus addresses).
INBOUND_PLUS_ADDRESSING = env_bool("INBOUND_PLUS_ADDRESSING")
# Provider webhooks (tickets/webhooks.py, docs/running/email-security.md): the providers
# whose /inbound/<provider>/inbound/ is served, e.g. INBOUND_PROVIDERS=postmark. One is served
# only with its authentication configured, through django-anymail's settings (every ANYMAIL_*
# variable): ANYMAIL_WEBHOOK_SECRET ("user:password", basic auth) for Postmark, SendGrid and
# SparkPost; ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY or ANYMAIL_MAILERSEND_INBOUND_SECRET for the
# providers that sign their posts. `check --deploy` refuses a listed provider without it.
INBOUND_PROVIDERS = [name.lower() for name in env_list("INBOUND_PROVIDERS")]
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
