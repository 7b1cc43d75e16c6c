"""E-mails of the review workflow: reviewers hear when a page waits for them, owners when changes are requested.

A mail server that fails never stops the workflow: the failure is logged and the page is saved anyway. Subjects are
one line whatever a page is called (a line break in a header is refused by the mail library).
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from clinic.site_url import site_url

logger = logging.getLogger("conditions.notifications")


def one_line(text):
    return " ".join(str(text).split())


def admin_url(page):
    opts = page._meta
    return site_url(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[page.pk]))


def publishers(model):
    """Active accounts with an e-mail address that may publish `model` (through a role or directly, or superusers)."""
    opts = model._meta
    permission = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"publish_{opts.model_name}"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
    )


def _send(subject, body, recipients):
    if not recipients:
        return 0
    try:
        return send_mail(one_line(subject), body, None, recipients)
    except Exception:  # noqa: BLE001 - a mail outage must not undo the editor's work; it is logged
        logger.exception("Could not send the e-mail %r", one_line(subject))
        return 0


def review_requested(page, submitter):
    recipients = [user.email for user in publishers(type(page)).exclude(pk=submitter.pk)]
    name = one_line(page)
    body = (
        f"{submitter.get_full_name() or submitter.get_username()} submitted “{name}” for medical review.\n\n"
        f"Review it here: {admin_url(page)}\n"
    )
    return _send(f"Waiting for your review: {name}", body, recipients)


def changes_requested(page, change_request):
    owner = page.owner
    if owner is None or not owner.email or not owner.is_active:
        return 0
    reviewer = change_request.reviewer
    who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "A reviewer"
    name = one_line(page)
    body = f"{who} asked for changes to “{name}”:\n\n{change_request.comment}\n\nOpen the page: {admin_url(page)}\n"
    return _send(f"Changes requested: {name}", body, [owner.email])
