"""Support tickets: links, the form's limits, attachments, inbound email, service levels and
automations."""

import os

from helpcenter.settings.env import env_list

# Support tickets.
TICKET_LINK_DAYS = 30  # a private link expires after this many days without activity
# The team's signature under agents' replies to customers, for agents who have not written
# their own (admin: Reply signatures). {name} is the agent's first name. "\n" starts a line.
TICKET_SIGNATURE = os.environ.get("TICKET_SIGNATURE", "{name}\nThe support team").replace(
    "\\n", "\n"
)
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
# The three default time rules (Support › Triggers), made once by a migration from these:
# days waiting on the customer before a reminder, days after the reminder before resolving,
# days resolved before closing. Staff edit the rules themselves after that.
TICKET_AUTOMATIONS = {
    "remind_after_days": int(os.environ.get("TICKET_REMIND_AFTER_DAYS", "3")),
    "resolve_after_days": int(os.environ.get("TICKET_RESOLVE_AFTER_DAYS", "4")),
    "close_after_days": int(os.environ.get("TICKET_CLOSE_AFTER_DAYS", "7")),
}
