import warnings

from django.apps import AppConfig


class MailConfig(AppConfig):
    """The mail gateway: every email in and out, and outgoing webhooks (docs/developers/
    ARCHITECTURE.md). Apps keep what their emails say and what a reply belongs to."""

    name = "mail"
    verbose_name = "Mail"

    def ready(self):
        from anymail.exceptions import AnymailInsecureWebhookWarning
        from django.conf import settings

        if not settings.DEBUG:
            # A webhook open to anyone is a configuration error in production, never a
            # warning in a log nobody reads (mail.providers does not serve one anyway).
            warnings.simplefilter("error", AnymailInsecureWebhookWarning)

        from core.text import plural
        from mail import bounces, emails, invitations  # noqa: F401 (its receiver)

        bounces.register(
            emails.MESSAGE_ID_PREFIX,
            emails.bounced,
            describe=lambda n: f"marked {plural(n, 'email')} as bounced" if n else "",
        )
