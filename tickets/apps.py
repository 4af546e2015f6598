import warnings

from django.apps import AppConfig
from django.conf import settings


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Support"

    def ready(self):
        from anymail.exceptions import AnymailInsecureWebhookWarning

        if not settings.DEBUG:
            # A webhook open to anyone is a configuration error in production, never a
            # warning in a log nobody reads (tickets/webhooks.py does not serve one anyway).
            warnings.simplefilter("error", AnymailInsecureWebhookWarning)

        from core.text import plural
        from mail import bounces
        from tickets import emails, mailthread

        bounces.register(
            mailthread.MESSAGE_ID_PREFIX,
            emails.bounced,
            describe=lambda n: f"marked {plural(n, 'ticket email')} as bounced",
        )
