from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Support"

    def ready(self):
        from core.text import plural
        from mail import bounces, inbound
        from tickets import email_in, emails, mailthread, timezones  # noqa: F401 (receivers)

        inbound.handle_conversations_with(email_in.handle)
        bounces.register(
            mailthread.MESSAGE_ID_PREFIX,
            emails.bounced,
            describe=lambda n: f"marked {plural(n, 'ticket email')} as bounced",
        )
