from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "answers"
    verbose_name = "Answers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from answers import signals  # noqa: F401
