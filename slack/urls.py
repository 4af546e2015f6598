from django.urls import path

from slack import views

app_name = "slack"
urlpatterns = [
    path("actions/", views.slack_actions, name="actions"),
    path("commands/", views.slack_commands, name="commands"),
]
