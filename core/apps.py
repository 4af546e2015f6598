from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: what every app may use and which names no app."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core.web import pagecache

        pagecache.connect_signals()  # any write to what public pages show empties the cache
