from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "status"
    verbose_name = "Platform status"

    def ready(self):
        from core.text import plural
        from mail import bounces
        from status import checks, signals, subscriptions  # noqa: F401
        from status.models.subscriptions import MESSAGE_ID_PREFIX

        bounces.register(
            MESSAGE_ID_PREFIX,
            subscriptions.bounced,
            describe=lambda n: f"stopped {plural(n, 'status subscription')}" if n else "",
        )
