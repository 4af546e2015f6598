from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "slack"
    verbose_name = "Slack"

    def ready(self):
        from slack import receivers  # noqa: F401 (connects the tickets signals)
        from slack.models import SlackChannel
        from tickets.events import chat_channels_from

        chat_channels_from(SlackChannel.objects.names)
