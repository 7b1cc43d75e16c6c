from django.urls import path

from . import views

app_name = "practice"

urlpatterns = [
    path("appointments/request/", views.appointment_request, name="appointment-request"),
    path("appointments/request/thanks/", views.appointment_thanks, name="appointment-thanks"),
]
