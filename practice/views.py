"""Request an appointment: a plain form (no JavaScript), stored in the database for the front desk."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from accounts.client_address import client_ip

from . import notifications
from .forms import AppointmentRequestForm


def client_key(group, request):
    return client_ip(request) or "unknown"


def request_rate(group, request):
    return settings.APPOINTMENT_REQUEST_RATE


@never_cache
@ratelimit(key=client_key, rate=request_rate, method="POST", block=False)
def appointment_request(request):
    form = AppointmentRequestForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            context = {"form": form, "limited": True, "retention_days": settings.APPOINTMENT_RETENTION_DAYS}
            return render(request, "practice/appointment_request.html", context, status=429)
        if form.is_spam:
            return redirect("practice:appointment-thanks")  # a robot learns nothing; nothing is stored
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                transaction.on_commit(lambda: notifications.appointment_requested(saved))
            return redirect("practice:appointment-thanks")
    context = {"form": form, "retention_days": settings.APPOINTMENT_RETENTION_DAYS}
    return render(request, "practice/appointment_request.html", context, status=400 if form.errors else 200)


def appointment_thanks(request):
    return render(request, "practice/appointment_thanks.html")
