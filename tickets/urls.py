from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_create, name="ticket-create"),
    path("sent/<str:receipt>/", views.ticket_sent, name="ticket-sent"),
    path("suggestions/", views.ticket_suggestions, name="ticket-suggestions"),
    path("suggestions/<int:pk>/", views.suggestion_open, name="suggestion-open"),
    path("tickets/", views.lost_link, name="lost-link"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("requests/<str:token>/", views.requests_list, name="requests"),
    path("requests/<str:token>/open/<int:pk>/", views.requests_open, name="requests-open"),
    path("tickets/<str:token>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<str:token>/solved/", views.ticket_solved, name="ticket-solved"),
    path("tickets/<str:token>/files/<int:pk>/", views.ticket_file, name="ticket-file"),
]
