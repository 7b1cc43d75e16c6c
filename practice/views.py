"""Request an appointment: a plain form (no JavaScript), stored in the database for the front desk."""

import logging

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from accounts.client_address import client_ip

from . import notifications
from .forms import AppointmentRequestForm

logger = logging.getLogger("practice")


def client_key(group, request):
    return client_ip(request) or "unknown"


def too_many_requests(request):
    """Counts this POST against its address's limit (django-ratelimit, in the shared cache). With the cache down,
    requests are let through: a patient must not be turned away because Redis is."""
    try:
        return is_ratelimited(
            request, group="appointment-request", key=client_key, rate=settings.APPOINTMENT_REQUEST_RATE,
            method="POST", increment=True,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - see the docstring
        logger.exception("Rate limit unavailable (cache down): appointment request let through")
        return False


@never_cache
def appointment_request(request):
    form = AppointmentRequestForm(request.POST or None)
    if request.method == "POST":
        if too_many_requests(request):
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
