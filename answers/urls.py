from django.urls import path

from answers import views

app_name = "answers"
urlpatterns = [
    path("feedback/", views.answer_feedback, name="feedback"),
]
