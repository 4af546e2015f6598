from django.urls import path
from django.views.generic import RedirectView

from kb import views

app_name = "kb"
urlpatterns = [
    path("", RedirectView.as_view(url="/#knowledge-base"), name="article-list"),
    path("<slug:slug>/", views.article_detail, name="article-detail"),
    path("<slug:slug>/feedback/", views.article_feedback, name="article-feedback"),
]
