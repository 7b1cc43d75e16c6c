"""Rich text is reduced to the allowlist on every way in (save, update, bulk, admin) and on the way out (the page).

The payloads are real XSS vectors (OWASP cheat sheet, PortSwigger, DOMPurify's mXSS cases). A payload passes when
nothing in it can run: no script element, no event handler, no script/data URL, no embedding or page-changing
element, whatever text of it remains.
"""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.template import Context, Template
from django_ckeditor_5.fields import CKEditor5Field

from conditions.fields import RichTextField
from conditions.models import ClinicianProfile, Condition, Status, Treatment
from conditions.sanitize import clean_html

from ..factories import ClinicianFactory, ClinicianProfileFactory, ConditionFactory, TreatmentFactory
from ..helpers import admin_form_data, admin_url

PAYLOADS = [
    ("script", "<script>alert(1)</script>"),
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("a-javascript", '<a href="javascript:alert(1)">click</a>'),
    ("a-javascript-mixed-case", '<a href="JaVaScRiPt:alert(1)">click</a>'),
    ("a-javascript-entity", '<a href="&#106;avascript:alert(1)">click</a>'),
    ("a-javascript-hex-entity-colon", '<a href=" &#x6A;avascript&colon;alert(1)">click</a>'),
    ("a-javascript-tab", '<a href="java\tscript:alert(1)">click</a>'),
    ("a-javascript-encoded-tab", '<a href="jav&#x09;ascript:alert(1)">click</a>'),
    ("a-vbscript", '<a href="vbscript:msgbox(1)">click</a>'),
    ("a-data-html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>'),
    ("img-data-html", '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">'),
    ("img-svg-data", '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">'),
    ("img-slash-separators", "<img/src/onerror=alert(1)>"),
    ("img-eval-src", "<img src=x:alert(1) onerror=eval(src)>"),
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("iframe-external", '<iframe src="https://evil.example/"></iframe>'),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-xlink", '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">click</text></a></svg>'),
    ("svg-animate", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
    ("close-script", "</script><script>alert(1)</script>"),
    ("nested-script", "<<script>script>alert(1)<</script>/script>"),
    ("mxss-math-style", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    (
        "mxss-math-comment",
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">',
    ),
    ("mxss-noscript", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'),
    ("mxss-xmp", '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>'),
    ("mxss-textarea", '<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>'),
    ("mxss-comment", '<!--<img src="--><img src=x onerror=alert(1)//">'),
    ("template-script", "<template><script>alert(1)</script></template>"),
    ("details-ontoggle", "<details open ontoggle=alert(1)>"),
    ("body-onload", "<body onload=alert(1)>"),
    ("object-data", '<object data="javascript:alert(1)"></object>'),
    ("embed-src", '<embed src="javascript:alert(1)">'),
    ("form-action", '<form action="javascript:alert(1)"><input type=submit></form>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">click</button>'),
    ("input-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("style-import", '<style>@import "javascript:alert(1)";</style>'),
    ("style-attribute-div", '<div style="background:url(javascript:alert(1))">text</div>'),
    ("style-attribute-p", '<p style="background-image:url(&quot;javascript:alert(1)&quot;)">text</p>'),
    ("link-stylesheet", '<link rel=stylesheet href="javascript:alert(1)">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="javascript:alert(1)//">'),
    ("p-onclick", '<p onclick="alert(1)">text</p>'),
    ("a-onmouseover", '<a href="https://example.org" onmouseover="alert(1)">click</a>'),
    ("abbr-onmouseover", '<abbr title="x" onmouseover=alert(1)>x</abbr>'),
    ("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    ("video-source-onerror", '<video><source onerror="alert(1)"></video>'),
    ("marquee-onstart", "<marquee onstart=alert(1)>text</marquee>"),
]
PAYLOAD_PARAMS = [pytest.param(payload, id=name) for name, payload in PAYLOADS]

RICH_TEXT_FIELDS = [(model, name) for model in (Condition, Treatment, ClinicianProfile) for name in model.sections]
FIELD_PARAMS = [pytest.param(model, name, id=f"{model._meta.model_name}.{name}") for model, name in RICH_TEXT_FIELDS]
CONDITION_RICH_TEXT = [name for model, name in RICH_TEXT_FIELDS if model is Condition]
FACTORIES = {Condition: ConditionFactory, Treatment: TreatmentFactory, ClinicianProfile: ClinicianProfileFactory}

# --- What "nothing can run" means ---------------------------------------------------------------------------

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "svg", "math", "object", "embed", "applet", "style", "link", "meta",
    "base", "form", "input", "button", "textarea", "select", "noscript", "template", "xmp", "body", "html", "head",
    "details", "video", "audio", "source", "marquee", "animate", "set",
}  # fmt: skip
FORBIDDEN_SCHEMES = {"javascript", "vbscript", "data"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def url_scheme(value):
    """The scheme a browser sees: leading/trailing controls and spaces ignored, tabs and newlines removed."""
    match = SCHEME.match(re.sub(r"[\t\n\r]", "", value).strip(C0_AND_SPACE))
    return match[1].lower() if match else ""


class ActiveContent(HTMLParser):
    """Every feature of an HTML document that could run script or change the page: tags, handlers, URLs."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            elif name in {"style", "http-equiv", "srcdoc", "formaction"}:
                self.found.append(f"{tag}[{name}]")
            if value and url_scheme(value) in FORBIDDEN_SCHEMES:
                self.found.append(f"{tag}[{name}={url_scheme(value)}:]")

    handle_startendtag = handle_starttag


def active_content(html):
    return ActiveContent(html).found


def assert_inert(html):
    """No markup in `html` can run: checked on the parsed tree and, for the tags that matter most, the raw text."""
    assert active_content(html) == [], html
    lowered = html.lower()
    for tag in ("<script", "<iframe", "<svg", "<math", "<object", "<embed", "<style", "<meta", "<base", "<form"):
        assert tag not in lowered, html


def stored(obj, field_name):
    return type(obj).objects.values_list(field_name, flat=True).get(pk=obj.pk)


def draft(model):
    return FACTORIES[model](status=Status.DRAFT, published_at=None)


# --- The checker itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_every_payload_is_active_content_before_sanitizing(payload):
    """Guards the test: each payload really contains something the checks catch."""
    found = bool(active_content(payload)) or any(
        tag in payload.lower() for tag in ("<script", "<iframe", "<svg", "<math", "<style", "<meta", "<base")
    )
    assert found, payload


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("javascript:alert(1)", "javascript"), (" \x01JaVa\tScript:alert(1)", "javascript"), ("data:text/html,x", "data"),
     ("/media/editor/x.png", ""), ("`javascript:alert(1)`", ""), ("https://example.org", "https")],
)  # fmt: skip
def test_url_scheme_reads_urls_as_browsers_do(url, scheme):
    assert url_scheme(url) == scheme


# --- Every way into the database ------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
@pytest.mark.parametrize(("model", "field_name"), FIELD_PARAMS)
def test_saving_with_the_orm_stores_inert_html(db, model, field_name, payload):
    obj = draft(model)
    setattr(obj, field_name, payload)
    obj.save()
    assert_inert(stored(obj, field_name))
    assert_inert(getattr(obj, field_name))  # the instance holds what was stored, not the payload


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
@pytest.mark.parametrize(("model", "field_name"), FIELD_PARAMS)
def test_queryset_update_stores_inert_html(db, model, field_name, payload):
    obj = draft(model)
    model.objects.filter(pk=obj.pk).update(**{field_name: payload})
    assert_inert(stored(obj, field_name))


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_creating_a_condition_stores_inert_html(db, payload):
    condition = Condition.objects.create(
        name="Sciatica", slug="sciatica", summary="Leg pain.", body_region="leg-foot", overview=payload
    )
    assert_inert(stored(condition, "overview"))


@pytest.mark.parametrize(("model", "field_name"), FIELD_PARAMS)
def test_bulk_create_and_bulk_update_store_inert_html(db, model, field_name):
    payloads = [payload for _name, payload in PAYLOADS]
    template = draft(model)
    model.objects.filter(pk=template.pk).delete()
    # A clinician has one profile: each bulk profile is about another clinician.
    own = (lambda: {"clinician_id": ClinicianFactory().pk}) if model is ClinicianProfile else dict
    created = model.objects.bulk_create(
        [model(**{**_copyable_fields(template), **own(), "slug": f"bulk-{index}", field_name: payload})
         for index, payload in enumerate(payloads)]
    )  # fmt: skip
    for obj in model.objects.filter(slug__startswith="bulk-"):
        assert_inert(getattr(obj, field_name))

    for obj, payload in zip(created, reversed(payloads), strict=True):
        setattr(obj, field_name, payload)
    model.objects.bulk_update(created, [field_name])
    for obj in model.objects.filter(slug__startswith="bulk-"):
        assert_inert(getattr(obj, field_name))


def _copyable_fields(obj):
    skip = {"id", "created_at", "updated_at"}
    return {
        field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields if field.attname not in skip
    }


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_admin_change_form_stores_inert_html(login, reviewer, payload):
    condition = draft(Condition)
    client = login(reviewer)
    url = admin_url(Condition, "change", condition.pk)
    response = client.post(url, admin_form_data(client.get(url), overview=payload))
    assert response.status_code == 302
    assert_inert(stored(condition, "overview"))


@pytest.mark.parametrize(("model", "field_name"), FIELD_PARAMS)
def test_admin_change_form_sanitizes_every_rich_text_field(login, reviewer, model, field_name):
    obj = draft(model)
    client = login(reviewer)
    url = admin_url(model, "change", obj.pk)
    payload = "<p>Kept.</p>" + "".join(payload for _name, payload in PAYLOADS[:12])
    response = client.post(url, admin_form_data(client.get(url), **{field_name: payload}))
    assert response.status_code == 302
    value = stored(obj, field_name)
    assert_inert(value)
    assert value.startswith("<p>Kept.</p>")


def test_editor_admin_add_form_stores_inert_html(login, editor):
    client = login(editor)
    data = admin_form_data(
        client.get(admin_url(Condition, "add")),
        name="Sciatica",
        slug="sciatica",
        summary="Leg pain.",
        body_region="leg-foot",
        **{name: "<p>Text</p>" + "".join(payload for _name, payload in PAYLOADS) for name in CONDITION_RICH_TEXT},
    )
    assert client.post(admin_url(Condition, "add"), data).status_code == 302
    condition = Condition.objects.get(slug="sciatica")
    for name in CONDITION_RICH_TEXT:
        assert_inert(getattr(condition, name))


def test_every_ckeditor_field_is_a_sanitizing_rich_text_field():
    """A new CKEditor field must be a RichTextField (and be added to RICH_TEXT_FIELDS, so these tests cover it)."""
    found = {
        (model, field.name)
        for model in apps.get_app_config("conditions").get_models()
        for field in model._meta.fields
        if isinstance(field, CKEditor5Field)
    }
    assert found == set(RICH_TEXT_FIELDS)
    assert all(isinstance(model._meta.get_field(name), RichTextField) for model, name in found)


# --- The public page ------------------------------------------------------------------------------------------


PAGE_FIELDS = {Condition: CONDITION_RICH_TEXT, Treatment: ["body"]}
PAGE_MODELS = pytest.mark.parametrize("model", list(PAGE_FIELDS), ids=lambda model: model._meta.model_name)


def page_html(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def published_page(model, html):
    """A published page of `model` with `html` in every rich-text section it shows."""
    return FACTORIES[model](name="Sciatica", **dict.fromkeys(PAGE_FIELDS[model], html))


def new_on_page(client, obj):
    """Active content on `obj`'s page that the same kind of page with harmless rich text does not have."""
    baseline = published_page(type(obj), "<p>Harmless text.</p>")
    on_page = Counter(active_content(page_html(client, obj)))
    from_template = Counter(active_content(page_html(client, baseline)))
    return sorted((on_page - from_template).elements())


@PAGE_MODELS
@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_public_page_shows_no_active_content_from_saved_rich_text(client, db, model, payload):
    obj = published_page(model, f"<p>Text.</p>{payload}")
    assert new_on_page(client, obj) == []
    assert payload not in page_html(client, obj)


@PAGE_MODELS
@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_public_page_sanitizes_rich_text_that_bypassed_the_model(client, db, model, payload):
    """Rows written by raw SQL (an import, a restore, a future bug) are still cleaned when rendered."""
    obj = published_page(model, "<p>Text.</p>")
    fields = PAGE_FIELDS[model]
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # names come from the model, values are parameters
            [f"<p>Text.</p>{payload}"] * len(fields) + [obj.pk],
        )
    assert stored(obj, fields[0]) == f"<p>Text.</p>{payload}"  # really unsanitized in the database
    assert new_on_page(client, obj) == []
    assert payload not in page_html(client, obj)


def test_public_page_renders_allowed_rich_text_as_html(client, db):
    condition = ConditionFactory(overview="<h3>Who gets it</h3><p>Adults <strong>over 40</strong>.</p>")
    html = page_html(client, condition)
    assert "<h3>Who gets it</h3><p>Adults <strong>over 40</strong>.</p>" in html
    assert "&lt;h3&gt;" not in html


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_rich_text_filter_renders_inert_html(payload):
    rendered = Template("{% load clinic %}{{ value|rich_text }}").render(Context({"value": payload}))
    assert_inert(rendered)


# --- The allowlist keeps what a medical article needs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param("<h3>Symptoms</h3><h4>In the legs</h4>", "<h3>Symptoms</h3><h4>In the legs</h4>", id="h3-h4"),
        pytest.param("<h2>Section</h2>", "<h2>Section</h2>", id="h2"),
        pytest.param(
            "<ul><li>Numbness</li><li>Weakness</li></ul>", "<ul><li>Numbness</li><li>Weakness</li></ul>", id="ul"
        ),
        pytest.param('<ol start="3" type="a"><li>Rest</li></ol>', '<ol start="3" type="a"><li>Rest</li></ol>', id="ol"),
        pytest.param("<blockquote><p>Pain is what the patient says it is.</p></blockquote>",
                     "<blockquote><p>Pain is what the patient says it is.</p></blockquote>", id="blockquote"),
        pytest.param('<abbr title="Spinal cord stimulation">SCS</abbr>',
                     '<abbr title="Spinal cord stimulation">SCS</abbr>', id="abbr"),
        pytest.param("<p><strong>Bold</strong>, <em>italic</em>, H<sub>2</sub>O, m<sup>2</sup>, <cite>Pain Pract</cite>"
                     "</p>", "<p><strong>Bold</strong>, <em>italic</em>, H<sub>2</sub>O, m<sup>2</sup>, "
                     "<cite>Pain Pract</cite></p>", id="inline"),
        pytest.param(
            '<figure class="image"><img src="/media/editor/abc.png" alt="MRI of the lumbar spine" width="600" '
            'height="400"><figcaption>Lumbar MRI</figcaption></figure>',
            '<figure><img src="/media/editor/abc.png" alt="MRI of the lumbar spine" width="600" height="400">'
            "<figcaption>Lumbar MRI</figcaption></figure>",
            id="figure-img-alt",
        ),
        pytest.param(
            '<figure class="table"><table><caption>Doses</caption><thead><tr><th scope="col">Drug</th>'
            '<th scope="col">Dose</th></tr></thead><tbody><tr><td rowspan="2">Gabapentin</td><td>300 mg</td></tr>'
            '<tr><td>600 mg</td></tr><tr><td colspan="2">Ask your doctor</td></tr></tbody></table></figure>',
            '<figure><table><caption>Doses</caption><thead><tr><th scope="col">Drug</th><th scope="col">Dose</th>'
            '</tr></thead><tbody><tr><td rowspan="2">Gabapentin</td><td>300 mg</td></tr><tr><td>600 mg</td></tr>'
            '<tr><td colspan="2">Ask your doctor</td></tr></tbody></table></figure>',
            id="table",
        ),
    ],
)  # fmt: skip
def test_allowlist_keeps_what_medical_articles_need(db, html, expected):
    assert clean_html(html) == expected
    condition = ConditionFactory(overview=html)
    assert stored(condition, "overview") == expected


@pytest.mark.parametrize(
    "href",
    ["https://pubmed.ncbi.nlm.nih.gov/23682788/", "http://example.org/", "mailto:info@clinic.example",
     "tel:+15555550123", "/treatments/spinal-cord-stimulation/", "#symptoms"],
)  # fmt: skip
def test_links_keep_safe_urls_and_get_noopener(href):
    assert clean_html(f'<a href="{href}" target="_blank">link</a>') == (
        f'<a href="{href}" rel="noopener noreferrer">link</a>'
    )


def test_attribute_values_cannot_break_out_of_their_quotes():
    cleaned = clean_html('<a title="&quot; onclick=alert(1) x=&quot;" href="https://example.org">click</a>')
    assert cleaned == (
        '<a title="&quot; onclick=alert(1) x=&quot;" href="https://example.org" rel="noopener noreferrer">click</a>'
    )
    assert_inert(cleaned)


def test_links_cannot_choose_their_own_rel():
    assert clean_html('<a href="https://example.org" rel="opener">x</a>') == (
        '<a href="https://example.org" rel="noopener noreferrer">x</a>'
    )


def test_tags_outside_the_allowlist_keep_their_text():
    assert clean_html('<h1>Title</h1><div class="x"><span style="color:red">Text</span></div>') == "TitleText"


def test_classes_and_ids_are_dropped():
    assert clean_html('<p class="lead" id="main-content">Text</p>') == "<p>Text</p>"


def test_script_and_style_content_is_dropped_not_shown_as_text():
    assert clean_html("<p>Before</p><script>var secret = 1;</script><style>p{}</style><p>After</p>") == (
        "<p>Before</p><p>After</p>"
    )


def test_blank_editor_output_is_stored_empty(db):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None, overview="<p>&nbsp;</p>")
    assert stored(condition, "overview") == ""


# --- Idempotence --------------------------------------------------------------------------------------------------

IDEMPOTENCE_SAMPLES = [payload for _name, payload in PAYLOADS] + [
    "<p>Tom &amp; Jerry &lt;3 &quot;quotes&quot; &nbsp;x</p>",
    '<figure class="image"><img src="/media/editor/a.png" alt="A &quot;quoted&quot; alt"></figure>',
    '<p><a href="https://example.org/?a=1&amp;b=2">link</a></p>',
    "<table><tr><td>no tbody</td></tr></table>",
    "<ul><li>unclosed<li>items</ul><p>unclosed paragraph",
]


@pytest.mark.parametrize("html", IDEMPOTENCE_SAMPLES)
def test_sanitizing_is_idempotent(html):
    once = clean_html(html)
    assert clean_html(once) == once


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_saving_again_does_not_change_stored_html(db, payload):
    condition = ConditionFactory(overview=f"<p>Intro &amp; more</p>{payload}")
    first = stored(condition, "overview")
    condition.refresh_from_db()
    condition.save()
    Condition.objects.filter(pk=condition.pk).update(overview=first)
    assert stored(condition, "overview") == first
