from django.urls import path
from django.views.generic import RedirectView

from kb import views

app_name = "kb"
urlpatterns = [
    path("", RedirectView.as_view(url="/#knowledge-base"), name="guide-list"),
    path("<slug:slug>/", views.guide_detail, name="guide-detail"),
    path("<slug:slug>/feedback/", views.guide_feedback, name="guide-feedback"),
]
