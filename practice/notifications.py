"""The front desk hears of a new appointment request by e-mail, without what the patient wrote: health details
never travel by e-mail. The message only says that a request waits and where to read it."""

import logging

from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import FRONT_DESK

from .models import clinic

logger = logging.getLogger("practice.notifications")


def front_desk_addresses():
    details = clinic()
    if details.front_desk_email:
        return [details.front_desk_email]
    group = Group.objects.filter(name=FRONT_DESK).first()
    if group is None:
        return []
    return list(group.user_set.filter(is_active=True).exclude(email="").values_list("email", flat=True))


def site_url(path):
    domain = Site.objects.get_current().domain
    scheme = "http" if domain.startswith(("127.0.0.1", "localhost", "[::1]")) else "https"
    return f"{scheme}://{domain}{path}"


def appointment_requested(request_row):
    recipients = front_desk_addresses()
    if not recipients:
        return 0
    link = site_url(reverse("admin:practice_appointmentrequest_change", args=[request_row.pk]))
    location = request_row.location.name if request_row.location_id else _("any location")
    body = _(
        "A new appointment request is waiting (preferred location: %(location)s).\n\n"
        "Read it and contact the patient from the admin (sign in first):\n%(link)s\n\n"
        "For the patient's privacy, this e-mail holds no name, contact details or reason."
    ) % {"location": location, "link": link}
    try:
        return send_mail(_("New appointment request"), body, None, recipients)
    except Exception:  # noqa: BLE001 - the request is saved; the front desk also sees it in the admin
        logger.exception("Could not e-mail the front desk about appointment request %s", request_row.pk)
        return 0
