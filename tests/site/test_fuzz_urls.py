"""Every URL pattern of the project, public and admin, with hostile values: never a 500 (issue 10, item 11).

The patterns come from the URLconf itself (`get_resolver()`), so a URL added tomorrow is walked too. Each pattern's
path converters and regex groups are filled with ordinary values (a real object's id, slug, version, token) and
hostile ones (non-numeric and huge ids, NUL, lone surrogates, unicode, very long text, SQL and tsquery operators);
query strings and POST bodies carry the same. It runs as an anonymous visitor, as an Editor and as a superuser.

Two parts: a walk that visits every pattern with a fixed set of hostile values (so every URL is covered on every
run), and a Hypothesis search over random combinations (FUZZ_EXAMPLES per role, default 100). Every request runs in
its own savepoint, rolled back after it, so a POST that deletes or logs out does not change what the next one sees.
"""

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import quote

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from accounts.models import SecurityPolicy
from conditions.models import Condition, ResearchArticle, Status, Treatment
from conditions.previews import make_token

from ..factories import (
    ArticleAuthorFactory,
    ConditionArticleFactory,
    ConditionFactory,
    ConditionTreatmentFactory,
    StaffUserFactory,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

pytestmark = pytest.mark.django_db


# --- The URLconf as templates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hole:
    """A value the address takes: a path converter (`int`, `slug`, `str`, `path`...) or a regex group."""

    kind: str
    name: str


@dataclass(frozen=True)
class Endpoint:
    parts: tuple  # literal text and Holes, in order
    name: str

    @property
    def holes(self):
        return [part for part in self.parts if isinstance(part, Hole)]

    def before(self, hole):
        """The literal address up to `hole` (what the value means depends on it: `.../history/<id>/`)."""
        text = ""
        for part in self.parts:
            if part is hole:
                return text
            text += part if isinstance(part, str) else "<>"
        return text

    def __str__(self):
        return "/" + "".join(part if isinstance(part, str) else f"<{part.kind}:{part.name}>" for part in self.parts)


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")  # Django's own route syntax
_FORMAT_PARAMETER = re.compile(r"%\((\w+)\)s")


def pattern_parts(pattern):
    if isinstance(pattern, RoutePattern):
        route, parts, position = str(pattern), [], 0
        for match in _PARAMETER.finditer(route):
            parts += [route[position : match.start()], Hole(match["converter"] or "str", match["parameter"])]
            position = match.end()
        return [*parts, route[position:]]
    if isinstance(pattern, RegexPattern):
        template, _params = normalize(pattern.regex.pattern)[0]  # reverse()'s own reading of the regex
        parts, position = [], 0
        for match in _FORMAT_PARAMETER.finditer(template):
            parts += [template[position : match.start()].replace("%%", "%"), Hole("regex", match[1])]
            position = match.end()
        return [*parts, template[position:].replace("%%", "%")]
    raise TypeError(f"unknown URL pattern type {type(pattern)!r}")


def endpoints(resolver=None, prefix=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        parts = (*prefix, *pattern_parts(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from endpoints(entry, parts)
        else:
            merged = []  # neighbouring literals joined, empty ones dropped
            for part in parts:
                if isinstance(part, str) and merged and isinstance(merged[-1], str):
                    merged[-1] += part
                elif part != "":
                    merged.append(part)
            yield Endpoint(tuple(merged), entry.name or "")


ENDPOINTS = sorted(set(endpoints()), key=str)


def test_the_walk_covers_the_public_and_admin_patterns():
    addresses = {str(endpoint) for endpoint in ENDPOINTS}
    assert "/search/" in addresses and "/research/<slug:slug>/cite.ris" in addresses
    assert "/admin/conditions/condition/<path:object_id>/history/" in addresses
    assert "/admin/conditions/condition/<regex:_0>/history/<regex:_1>/" in addresses  # django-reversion's revision
    assert "/admin/conditions/condition/recover/<regex:_0>/" in addresses
    assert len(ENDPOINTS) > 100


# --- Values ---------------------------------------------------------------------------------------------------


class Raw(str):
    """Already percent-encoded: sent as it is (invalid UTF-8, an encoded lone surrogate)."""


ORDINARY = "<ordinary>"  # replaced by a real object's id, slug, version or token for that address
HUGE = "99999999999999999999"  # past bigint
HOSTILE = [
    "abc",
    HUGE,
    "-1",
    "0",
    "9223372036854775808",
    "1e309",
    "\x00",
    Raw("%ED%A0%80"),  # a lone surrogate, UTF-8 encoded (invalid)
    Raw("%FF%FE"),
    "a" * 3000,
    "😀\u202e\u200b",
    "' OR '1'='1' --",
    "-" * 40 + "a",
    '"unclosed phrase -(-(-(',
    "../../etc/passwd",
    "%00",
]
WALKED = ["abc", "-1", HUGE, "\x00", Raw("%ED%A0%80")]  # each hole of each pattern, every run
QUERY_KEYS = [
    "q", "p", "o", "e", "_changelist_filters", "_to_field", "_popup", "term", "app_label", "model_name",
    "field_name", "from", "to", "page", "kind", "year", "region", "condition", "treatment", "sort", "next",
    "status__exact", "body_region__exact", "category__exact", "year__exact", "conditions__id__exact",
    "owner__id__exact", "owner", "review", "updated_at__year", "updated_at__month", "updated_at__day",
    "is_staff__exact", "groups__id__exact", "all",
]  # fmt: skip
FORM_KEYS = [
    "name", "slug", "summary", "title", "doi", "pmid", "username", "password", "password1", "password2",
    "old_password", "new_password1", "new_password2", "email", "token", "action", "_selected_action", "index",
    "select_across", "post", "status", "published_at_0", "published_at_1", "seen_edit_version", "identifier",
    "upload", "file", "confirm", "condition", "draft", "_save", "_continue", "old_path", "new_path", "domain",
    "ids", "from", "to", "otp_token",
]  # fmt: skip


def encoded(value, safe=""):
    return value if isinstance(value, Raw) else quote(value, safe=safe)


def hostile_value():
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(codec="utf-8"), max_size=60),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
    )


def query_string(pairs):
    return "&".join(f"{encoded(key)}={encoded(value)}" for key, value in pairs)


HOSTILE_QUERIES = [
    [("q", "\x00")],
    [(key, HUGE) for key in QUERY_KEYS],
    [(key, "abc") for key in QUERY_KEYS],
    [(key, Raw("%ED%A0%80")) for key in QUERY_KEYS],
    [("q", "-" * 40 + "a"), ("p", "-1"), ("o", "99.abc"), ("all", "")],
    [(key, "x" * 5000) for key in ("q", "term", "next", "_changelist_filters")],
]
HOSTILE_FORM = [(key, value) for key, value in zip(FORM_KEYS, HOSTILE * 3, strict=False)]
# Without NUL too: a NUL anywhere answers 400 before the view, and the view's own handling is what is tested here.
WITHOUT_NUL = [value for value in HOSTILE if value != "\x00"]
HOSTILE_FORMS = [HOSTILE_FORM, [(key, value) for key, value in zip(FORM_KEYS, WITHOUT_NUL[3:] * 3, strict=False)]]


# --- The site to walk --------------------------------------------------------------------------------------------


@pytest.fixture
def site(db):
    """One object of each kind the addresses name, with revisions, a deleted page to recover, tokens; three users."""
    users = {
        "editor": StaffUserFactory(role="Editor", username="fuzz-editor"),
        "superuser": StaffUserFactory(is_superuser=True, username="fuzz-root"),
    }
    other = StaffUserFactory(role="Administrator", username="fuzz-other")
    with reversion.create_revision():
        condition = ConditionFactory(name="Sciatica", slug="sciatica", owner=users["editor"])
        link = ConditionTreatmentFactory(condition=condition)
        article = ConditionArticleFactory(condition=condition).article
        article.treatments.add(link.treatment)
        ArticleAuthorFactory(article=article)
        condition.save()
    with reversion.create_revision():
        condition.summary = "Pain along the sciatic nerve."
        condition.save()
    with reversion.create_revision():
        deleted = ConditionFactory(name="Withdrawn page", slug="withdrawn-page")
    deleted_version = Version.objects.get_for_object(deleted).first()
    deleted.delete()
    draft = ConditionFactory(name="Draft page", slug="draft-page", status=Status.DRAFT)
    objects = {
        "conditions.condition": condition,
        "conditions.treatment": link.treatment,
        "conditions.researcharticle": article,
        "auth.user": other,
        "auth.group": Group.objects.get(name="Editor"),
        "sites.site": condition._meta.apps.get_model("sites", "Site").objects.get(pk=1),
        "redirects.redirect": Redirect.objects.create(site_id=1, old_path="/old/", new_path="/conditions/sciatica/"),
        "axes.accessattempt": AccessAttempt.objects.create(username="x", ip_address="::1", failures_since_start=1),
        "axes.accesslog": AccessLog.objects.create(username="x", ip_address="127.0.0.1"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(username="x", ip_address="127.0.0.1"),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=other, name="phone", confirmed=True),
        "accounts.securitypolicy": SecurityPolicy.current(),
    }
    versions = {
        label: Version.objects.get_for_object(obj).first()
        for label, obj in objects.items()
        if label.startswith("conditions.")
    }
    return {
        "users": users,
        "objects": objects,
        "versions": versions,
        "deleted_version": deleted_version,
        "preview": make_token(draft),
        "reset": (urlsafe_base64_encode(force_bytes(other.pk)), default_token_generator.make_token(other)),
        "content_type": ContentType.objects.get_for_model(Condition),
    }


ADMIN_MODEL = re.compile(r"^admin/(\w+)/(\w+)/")


def ordinary_value(site, endpoint, hole):
    """A value that names something real at this address."""
    before = endpoint.before(hole)
    index = endpoint.holes.index(hole)
    if before.startswith("reset/"):
        return site["reset"][index]
    if before.startswith("preview/"):
        return site["preview"]
    if before.startswith("admin/r/"):
        return str(site["content_type"].pk) if index == 0 else str(site["objects"]["conditions.condition"].pk)
    if hole.name == "app_label":
        return "conditions"
    if before == "admin/":
        return "no-such-page/"
    match = ADMIN_MODEL.match(before)
    if match:
        label = f"{match[1]}.{match[2]}"
        if before.endswith("recover/"):
            return str(site["deleted_version"].pk)
        if before.endswith("history/") and label in site["versions"]:
            return str(site["versions"][label].pk)
        obj = site["objects"].get(label)
        return str(obj.pk) if obj is not None else "1"
    for prefix, model in (("conditions/", Condition), ("treatments/", Treatment), ("research/", ResearchArticle)):
        if before.startswith(prefix):
            return model.objects.published().order_by("pk").values_list("slug", flat=True).first()
    return "1"


def address(site, endpoint, values):
    """The path with each hole filled (`values` may hold ORDINARY)."""
    path, holes = "/", iter(values)
    for part in endpoint.parts:
        if isinstance(part, str):
            path += part
            continue
        value = next(holes)
        if value == ORDINARY:
            value = ordinary_value(site, endpoint, part)
        path += encoded(value, safe="/" if part.kind in {"path", "regex"} and value != "\x00" else "")
    return path


# --- Requests --------------------------------------------------------------------------------------------------


def clients(site, role):
    client = Client()
    if role != "anonymous":
        client.force_login(site["users"][role])
    return client


def request(client, method, path, query=(), form=()):
    """(status or the exception) of one request, in a savepoint rolled back afterwards; the session kept."""
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    url = f"{path}?{query_string(query)}" if query else path
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                body = query_string(form)
                response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
            transaction.set_rollback(True)
        return response.status_code
    except Exception as error:  # noqa: BLE001 - every crash is reported with the request that caused it
        return f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"
    finally:
        client.cookies = cookies


def server_error(outcome):
    return not isinstance(outcome, int) or outcome >= 500


ROLES = ["anonymous", "editor", "superuser"]


@pytest.mark.parametrize("role", ROLES)
def test_every_url_pattern_with_hostile_values_never_gives_a_server_error(site, role):
    client = clients(site, role)
    failures = []
    for number, endpoint in enumerate(ENDPOINTS):
        holes = endpoint.holes
        plans = [([ORDINARY] * len(holes), HOSTILE_QUERIES[number % len(HOSTILE_QUERIES)])]
        for position in range(len(holes)):
            for value in WALKED:
                values = [ORDINARY] * len(holes)
                values[position] = value
                plans.append((values, ()))
        for values, query in plans:
            path = address(site, endpoint, values)
            outcome = request(client, "GET", path, query)
            if server_error(outcome):
                failures.append(f"GET {path[:200]}?{query_string(query)[:100]} -> {outcome}")
        path = address(site, endpoint, [ORDINARY] * len(holes))
        for form in HOSTILE_FORMS:
            outcome = request(client, "POST", path, form=form)
            if server_error(outcome):
                failures.append(f"POST {path[:200]} {query_string(form)[:100]} -> {outcome}")
    assert not failures, f"{len(failures)} server error(s) as {role}:\n" + "\n".join(failures)


@st.composite
def fuzzed_requests(draw):
    endpoint = draw(st.sampled_from(ENDPOINTS))
    values = [draw(st.one_of(st.just(ORDINARY), st.just(ORDINARY), hostile_value())) for _ in endpoint.holes]
    pairs = st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_KEYS + FORM_KEYS), hostile_value()), hostile_value()))
    method = draw(st.sampled_from(["GET", "GET", "POST"]))
    return endpoint, values, method, draw(pairs.map(lambda items: items[:8]))


@pytest.mark.parametrize("role", ROLES)
@fuzz
@given(fuzzed=fuzzed_requests())
def test_random_hostile_requests_to_any_url_pattern_never_give_a_server_error(site, role, fuzzed):
    endpoint, values, method, pairs = fuzzed
    client = clients(site, role)
    path = address(site, endpoint, values)
    outcome = request(client, method, path, query=pairs if method == "GET" else (), form=pairs)
    assert not server_error(outcome), (role, method, path[:300], pairs, outcome)


def test_the_walk_finds_the_real_objects(site):
    """The ordinary values are real: the condition's history and revision pages open for a superuser."""
    client = clients(site, "superuser")
    revision = next(e for e in ENDPOINTS if str(e) == "/admin/conditions/condition/<regex:_0>/history/<regex:_1>/")
    history = next(e for e in ENDPOINTS if str(e) == "/admin/conditions/condition/<path:object_id>/history/")
    detail = next(e for e in ENDPOINTS if str(e) == "/conditions/<slug:slug>/")
    preview = next(e for e in ENDPOINTS if str(e) == "/preview/<str:token>/")
    for endpoint in (revision, history, detail, preview):
        assert client.get(address(site, endpoint, [ORDINARY] * len(endpoint.holes))).status_code == 200, endpoint
    assert site["deleted_version"] is not None and timezone.now() - site["deleted_version"].revision.date_created < (
        timedelta(minutes=5)
    )
