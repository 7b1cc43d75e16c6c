from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils import timezone

from conditions.models import Condition, ResearchArticle, Status, Treatment

register = template.Library()


def change_url(page):
    return reverse(f"admin:{page._meta.app_label}_{page._meta.model_name}_change", args=[page.pk])


@register.inclusion_tag("admin/conditions/review_panel.html", takes_context=True)
def review_panel(context):
    """The admin index's short panel: pages waiting for a reviewer, and medical reviews overdue or due soon."""
    today = timezone.localdate()
    soon = today + timedelta(days=30)
    waiting, overdue, due_soon = [], [], []
    for model in (Condition, Treatment, ResearchArticle):
        waiting += [(page, change_url(page)) for page in model.objects.filter(status=Status.REVIEW)]
    for model in (Condition, Treatment):
        pages = model.objects.filter(status=Status.PUBLISHED, next_review_due__lte=soon).order_by("next_review_due")
        for page in pages:
            (overdue if page.next_review_due < today else due_soon).append((page, change_url(page)))
    return {"waiting": waiting, "overdue": overdue, "due_soon": due_soon, "request": context.get("request")}
