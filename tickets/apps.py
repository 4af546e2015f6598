from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Support"

    def ready(self):
        from anymail.signals import inbound

        from tickets.webhooks import receive_from_provider

        inbound.connect(receive_from_provider, dispatch_uid="tickets.inbound")
