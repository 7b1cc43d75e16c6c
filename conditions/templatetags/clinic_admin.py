from django import template
from django.conf import settings
from django.urls import reverse

from conditions.models import Condition, ResearchArticle, Status, Treatment

register = template.Library()


def change_url(page):
    return reverse(f"admin:{page._meta.app_label}_{page._meta.model_name}_change", args=[page.pk])


@register.inclusion_tag("admin/conditions/review_panel.html", takes_context=True)
def review_panel(context):
    """The admin index's short panel: pages waiting for a reviewer, and medical reviews overdue or due soon."""
    waiting, overdue, due_soon = [], [], []
    for model in (Condition, Treatment, ResearchArticle):
        waiting += [(page, change_url(page)) for page in model.objects.filter(status=Status.REVIEW)]
    for model in (Condition, Treatment):
        overdue += [(page, change_url(page)) for page in model.objects.review_overdue().order_by("next_review_due")]
        due_soon += [(page, change_url(page)) for page in model.objects.review_due_within().order_by("next_review_due")]
    return {
        "waiting": waiting,
        "overdue": overdue,
        "due_soon": due_soon,
        "days": settings.REVIEW_REMINDER_DAYS,
        "request": context.get("request"),
    }
