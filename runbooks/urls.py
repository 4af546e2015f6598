from django.urls import path
from django.views.generic import RedirectView

from runbooks import views

app_name = "runbooks"
urlpatterns = [
    path("", RedirectView.as_view(url="/#runbooks"), name="runbook-list"),
    path("<slug:slug>/", views.runbook_detail, name="runbook-detail"),
    path("<slug:slug>/feedback/", views.runbook_feedback, name="runbook-feedback"),
]
