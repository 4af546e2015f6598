"""The mail gateway (mail/): inbound email's limits, sender verdicts and provider webhooks."""

import os
import re

from helpcenter.settings.env import env_bool, env_list

# Inbound email (mail/inbound): the pipe command, provider webhooks.
INBOUND_MAX_BYTES = int(os.environ.get("INBOUND_MAX_BYTES", 25 * 2**20))
INBOUND_MAX_PARTS = int(os.environ.get("INBOUND_MAX_PARTS", "200"))
# Parsing one message (mail/inbound/mime.py) stops reading after this many seconds.
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
# Provider webhooks (mail/providers.py, docs/running/email-security.md): the providers
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

# Outgoing email's HTML alternative (mail/html.py): one branded layout for customer and
# status emails. Colours are #rrggbb; the dark one is used by mail clients in dark mode (a
# light tint of the brand colour reads on a dark background).
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _colour(name, default):
    value = os.environ.get(name, default).strip()
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"{name} must be a colour written #rrggbb, not {value!r}")
    return value


EMAIL_BRAND = {
    "name": os.environ.get("EMAIL_BRAND_NAME", "Help center"),
    # An https URL of a PNG or JPEG (SVG does not show in most mail clients); unset: the name.
    "logo_url": os.environ.get("EMAIL_BRAND_LOGO_URL", ""),
    "logo_width": int(os.environ.get("EMAIL_BRAND_LOGO_WIDTH", "160")),
    "color": _colour("EMAIL_BRAND_COLOR", "#1f4fd1"),
    "dark_color": _colour("EMAIL_BRAND_DARK_COLOR", "#9db8ff"),
    # Lines under every email (the company's name and address, say); "\n" starts a line.
    "footer_lines": os.environ.get("EMAIL_FOOTER", "Sent by our support team.")
    .replace("\\n", "\n")
    .splitlines(),
    # The site's address at the foot of every email; unset: SITE_URL.
    "url": os.environ.get("EMAIL_BRAND_URL", ""),
}
