from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "status"
    verbose_name = "Platform status"

    def ready(self):
        from status import checks, signals  # noqa: F401
