from django import template
from django.utils.safestring import mark_safe

from conditions.sanitize import clean_html

register = template.Library()


@register.filter
def rich_text(value):
    """Render stored rich text. Sanitized again on the way out: the allowlist, not `|safe`, decides."""
    return mark_safe(clean_html(value))  # noqa: S308 - clean_html has just reduced it to the allowlist


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*crumbs):
    """`{% breadcrumbs "Conditions" condition_list_url "Sciatica" %}`: pairs of label and URL; the last has no URL."""
    items = []
    crumbs = list(crumbs)
    while crumbs:
        label = crumbs.pop(0)
        url = crumbs.pop(0) if crumbs else None
        items.append({"label": label, "url": url})
    return {"items": items}
