from django.apps import AppConfig


class HelpcenterConfig(AppConfig):
    name = "helpcenter"
    verbose_name = "Help center"

    def ready(self):
        from helpcenter import checks  # noqa: F401  (registers the deploy checks)
