import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
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


@register.filter
def json_ld(data):
    """`data` as JSON safe inside <script type="application/ld+json">: <, > and & escaped, as json_script does."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
