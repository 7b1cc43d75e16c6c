import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clinic.qr import qr_svg
from clinic.site_url import site_url as site_address
from conditions.research import link_citations
from conditions.sanitize import clean_html
from conditions.structured_data import breadcrumb_list

register = template.Library()


@register.filter
def rich_text(value, references=None):
    """Render stored rich text. Sanitized again on the way out: the allowlist, not `|safe`, decides.

    `{{ page.overview|rich_text:page.references }}` turns [cite:slug] tokens into superscript reference numbers
    (conditions/research.py); without references, or for an unknown slug, a token is dropped.
    """
    html = link_citations(clean_html(value), references)
    html = INTERNAL_LINK.sub(lambda match: f'{match[0]} data-print-href="{site_address(match[1])}"', html)
    return mark_safe(html)  # noqa: S308 - the allowlist's output plus fixed <sup><a href="#ref-N"> markup


# A link to a page of this site in sanitized HTML (nh3 writes href first, double-quoted, already escaped).
INTERNAL_LINK = re.compile(r'<a href="(/[^"/][^"]*|/)"')


@register.filter
def site_url(path):
    """`{{ page.get_absolute_url|site_url }}`: the full address on the real domain, e.g. for print."""
    return site_address(path)


@register.inclusion_tag("includes/print_header.html", takes_context=True)
def print_header(context):
    """What a printed page starts with: the clinic, how to call it, the page's address and a QR code of it."""
    address = site_address(context["request"].path)
    return {
        "clinic": context.get("clinic"),
        "address": address,
        "qr": qr_svg(address, _("QR code of this page's address: %(address)s") % {"address": address}),
    }


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, *crumbs):
    """`{% breadcrumbs "Conditions" condition_list_url "Sciatica" %}`: pairs of label and URL; the last has no URL.

    Shown as a labelled <nav> and given to search engines as a schema.org BreadcrumbList.
    """
    items = []
    crumbs = list(crumbs)
    while crumbs:
        label = crumbs.pop(0)
        url = crumbs.pop(0) if crumbs else None
        items.append({"label": label, "url": url})
    request = context["request"]
    return {
        "items": items,
        "breadcrumb_data": breadcrumb_list(request, [(item["label"], item["url"]) for item in items]),
    }


@register.filter
def json_ld(data):
    """`data` as JSON safe inside <script type="application/ld+json">: <, > and & escaped, as json_script does."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Rendered template output is already escaped: keep it as it is.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}` renders once and keeps the text, e.g. a block used twice."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
