"""Fuzzing with Hypothesis: random paths, query strings, headers, invalid UTF-8 and huge inputs never give a 500;
a damaged WordPress export gives a clear error, never a crash or a half-written page.

Examples per test: FUZZ_EXAMPLES (default 100; the importer runs a third of that). Nothing is stored between
runs (database=None), so a run is repeatable only through its printed seed: `pytest --hypothesis-seed=N`.
"""

import io
import os
import string
from urllib.parse import quote

import pytest
from django.contrib.redirects.models import Redirect
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conditions.models import Condition, ResearchArticle, Treatment

from ..factories import ArticleAuthorFactory, ConditionArticleFactory, ConditionFactory, ConditionTreatmentFactory
from ..helpers import TEST_FILES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

pytestmark = pytest.mark.django_db

PREFIXES = ["/", "/conditions/", "/treatments/", "/research/", "/search/", "/preview/", "/sitemap.xml", "/robots.txt"]
PUBLIC_PAGES = ["/", "/conditions/", "/conditions/sciatica/", "/treatments/", "/research/", "/search/", "/sitemap.xml"]


@pytest.fixture
def site(client):
    """A little published content, so detail pages and filters have something to find."""
    condition = ConditionFactory(name="Sciatica", slug="sciatica", body_region="low-back")
    link = ConditionTreatmentFactory(condition=condition)
    article = ConditionArticleFactory(condition=condition).article
    article.treatments.add(link.treatment)
    ArticleAuthorFactory(article=article)
    return client


def percent_encoded(data: bytes) -> str:
    """Bytes as %XX escapes: the server sees them raw, invalid UTF-8 included."""
    return "".join(f"%{byte:02X}" for byte in data)


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what!r}"


# Text of every kind: control characters, surrogates written as escapes, emoji, RTL marks, NUL.
any_text = st.text(st.characters(codec="utf-8"), max_size=300)
raw_bytes = st.binary(max_size=300)
segment = st.one_of(
    any_text.map(lambda text: quote(text, safe="")),
    raw_bytes.map(percent_encoded),
    st.text(string.ascii_letters + string.digits + "-_.~!$&'()*+,;=:@", max_size=200),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "a" * n),  # very long
)


@fuzz
@given(prefix=st.sampled_from(PREFIXES), segments=st.lists(segment, max_size=4), slash=st.booleans())
@example(prefix="/conditions/", segments=["%FF%FE"], slash=True)
@example(prefix="/conditions/", segments=["%C0%AF..%C0%AF"], slash=True)
@example(prefix="/research/", segments=["%00"], slash=True)
@example(prefix="/preview/", segments=["x" * 5000], slash=True)
def test_random_paths_never_give_a_server_error(site, prefix, segments, slash):
    path = prefix + "/".join(segments) + ("/" if slash else "")
    assert_no_server_error(site.get(path), path)


query_key = st.sampled_from(["q", "region", "condition", "year", "page", "kind", "sort", "utm_source"]) | any_text
query_value = st.one_of(
    any_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "1e9", "NaN", "low-back", "sciatica", "2014", "conditions", "%", "\x00"]),
    st.integers(min_value=1, max_value=100_000).map(lambda n: "x" * n),
)


@fuzz
@given(page=st.sampled_from(PUBLIC_PAGES), query=st.lists(st.tuples(query_key, query_value), max_size=6))
def test_random_query_strings_never_give_a_server_error(site, page, query):
    query_string = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in query)
    url = f"{page}?{query_string}"
    assert_no_server_error(site.get(url), url)


@fuzz
@given(page=st.sampled_from(PUBLIC_PAGES), query=raw_bytes)
@example(page="/search/", query=b"q=\xff\xfe\xfd")
@example(page="/research/", query=b"year=\xc0\x80&page=\xed\xa0\x80")
@example(page="/conditions/", query=b"region=%ZZ&&&==;;")
def test_raw_and_invalid_utf8_query_strings_never_give_a_server_error(site, page, query):
    # Straight into the WSGI environ, as a server hands over bytes it could not decode (PEP 3333: latin-1).
    response = site.generic("GET", page, QUERY_STRING=query.decode("latin-1"))
    assert_no_server_error(response, (page, query))


# What a WSGI server hands over (PEP 3333): the header's bytes decoded as latin-1, whatever the client meant.
as_wsgi = st.one_of(any_text.map(str.encode), raw_bytes).map(lambda data: data.decode("latin-1"))
header_value = st.one_of(as_wsgi, st.just("x" * 20_000))


@fuzz
@given(
    page=st.sampled_from(PUBLIC_PAGES),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "Accept",
                "Accept-Language",
                "Accept-Encoding",
                "Cookie",
                "If-Modified-Since",
                "If-None-Match",
                "Range",
                "Referer",
                "User-Agent",
                "X-Forwarded-For",
                "X-Forwarded-Proto",
                "X-Request-ID",
                "Authorization",
            ]
        ),
        header_value,
        max_size=5,
    ),
    cookies=st.dictionaries(st.sampled_from(["sessionid", "csrftoken", "messages"]), header_value, max_size=3),
)
@example(page="/", headers={"Cookie": "sessionid=\xff\xfe; csrftoken=" + "a" * 5000}, cookies={})
@example(page="/conditions/", headers={}, cookies={"sessionid": "abcdefgh\x00ijkl"})  # PostgreSQL refuses NUL
def test_odd_headers_and_cookies_never_give_a_server_error(site, page, headers, cookies):
    for name, value in cookies.items():
        site.cookies[name] = value
    response = site.get(page, headers=headers)
    assert_no_server_error(response, (page, headers, cookies))
    site.cookies.clear()


@fuzz
@given(host=as_wsgi, page=st.sampled_from(PUBLIC_PAGES))
@example(host="evil.example.com", page="/")
@example(host="127.0.0.1:99999999999", page="/conditions/")
def test_any_host_header_is_refused_or_served_never_a_server_error(site, settings, host, page):
    settings.ALLOWED_HOSTS = ["www.example-clinic.org"]
    response = site.get(page, HTTP_HOST=host)
    assert_no_server_error(response, host)
    if "example-clinic" not in host.lower():
        assert response.status_code == 400, host  # a host not in ALLOWED_HOSTS is refused


@fuzz
@given(
    method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]),
    page=st.sampled_from(PUBLIC_PAGES),
    body=raw_bytes,
    content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data", "application/json"]),
)
def test_other_methods_and_bodies_never_give_a_server_error(site, method, page, body, content_type):
    response = site.generic(method, page, data=body, content_type=content_type)
    assert_no_server_error(response, (method, page))


# --- The WordPress importer ----------------------------------------------------------------------------------

EXPORT = TEST_FILES / "wordpress" / "clinic-export.xml"


@st.composite
def damaged(draw, sources, junk=(b"<", b"]]>", b"&bogus;", b"[vc_row]", b"[/vc_column", b"<wp:post_id>x")):
    """A real file, damaged the way files get damaged: cut short, bytes changed, junk inserted, markup broken."""
    data = bytearray(draw(st.sampled_from(sources)).read_bytes())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "replace-text"]))
        position = draw(st.integers(min_value=0, max_value=max(0, len(data) - 1)))
        if kind == "truncate":
            del data[position:]
        elif kind == "flip" and data:
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[position:position] = draw(st.one_of(raw_bytes, st.sampled_from(junk)))
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=200))]
        elif kind == "replace-text":
            text = draw(any_text).encode()
            data[position : position + len(text)] = text
    return bytes(data)


def import_file(path, command="import_wordpress"):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, stdout.getvalue()


def snapshot():
    media = sorted(default_storage.listdir("")[1]) if default_storage.exists("") else []
    return (
        sorted(Condition.objects.values_list("wordpress_id", "slug", "updated_at")),
        Treatment.objects.count(),
        Redirect.objects.count(),
        media,
    )


@settings(parent=fuzz, max_examples=max(10, EXAMPLES // 3))
@given(export=damaged([EXPORT]))
@example(export=b"")
@example(export=b"\xef\xbb\xbf<?xml version='1.0'?><rss")
@example(export=EXPORT.read_bytes()[:5000])
def test_a_damaged_wordpress_export_gives_a_clear_error_and_no_half_written_page(db, tmp_path_factory, export):
    path = tmp_path_factory.mktemp("wxr") / "export.xml"
    path.write_bytes(export)
    before = snapshot()

    status, message = import_file(path)  # any other exception fails the test: a crash

    assert status in {0, 1, 2}, (status, message)
    assert message.strip(), "the importer always says what happened"
    if status == 2:  # unreadable: nothing may have been written
        assert snapshot() == before
    for condition in Condition.objects.exclude(wordpress_id=None):
        # Whatever landed is whole: a page with its name, address and text, never a stub.
        assert condition.name.strip() and condition.slug and condition.summary is not None, condition.pk


# --- The citation importer (RIS, BibTeX, PubMed) -------------------------------------------------------------

CITATIONS = sorted((TEST_FILES / "citations").glob("*.*"))
CITATION_JUNK = (
    b"TY  - ",
    b"ER  - ",
    b"\nDO  - 10.",
    b"@article{",
    b"}",
    b"{{{",
    b"PMID- ",
    b"AU  - ,",
    b"PY  - 99999",
)

ris_tag = st.sampled_from(["TY", "TI", "T1", "AU", "A1", "PY", "Y1", "DA", "DO", "AN", "JO", "T2", "J2", "VL", "IS",
                           "SP", "EP", "AB", "KW", "UR", "ER", "XX", "  ", "ÄÖ"])  # fmt: skip
ris_value = st.one_of(
    any_text.map(lambda text: text.replace("\n", " ")),
    st.sampled_from(["10.1111/papr.12035", "doi:10.1/x", "not a doi", "2014", "0", "-5", "99999", "2014/13/45"]),
    st.integers(min_value=1, max_value=50_000).map(lambda n: "x" * n),
)


@st.composite
def ris_files(draw):
    """Made-up RIS records: every tag in any order, any value, records left open."""
    lines = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        lines.append("TY  - " + draw(st.sampled_from(["JOUR", "BOOK", "GEN", "", "???"])))
        for tag, value in draw(st.lists(st.tuples(ris_tag, ris_value), max_size=12)):
            lines.append(f"{tag}  - {value}")
        if draw(st.booleans()):
            lines.append("ER  - ")
    return ("\r\n" if draw(st.booleans()) else "\n").join(lines).encode(draw(st.sampled_from(["utf-8", "utf-16"])))


def articles_snapshot():
    return sorted(ResearchArticle.objects.values_list("slug", "title", "updated_at"))


@pytest.mark.skipif(not CITATIONS, reason="no citation importer fixtures")
@settings(parent=fuzz, max_examples=max(10, EXAMPLES // 2))
@given(
    content=st.one_of(damaged(CITATIONS, junk=CITATION_JUNK), ris_files(), raw_bytes),
    suffix=st.sampled_from([".ris", ".bib", ".nbib", ".txt"]),
)
@example(content=b"", suffix=".ris")
@example(content=b"\xff\xfe\x00\x00garbage", suffix=".bib")
@example(content=b"TY  - JOUR\nTI  - " + b"x" * 100_000 + b"\nER  - \n", suffix=".ris")
@example(content=b"@article{a, title={Unclosed", suffix=".bib")
def test_a_bad_citation_file_gives_a_clear_error_and_no_half_written_article(db, tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("citations") / f"library{suffix}"
    path.write_bytes(content)
    before = articles_snapshot()

    status, message = import_file(path, "import_citations")  # any other exception fails the test: a crash

    assert status in {0, 1, 2}, (status, message)
    assert message.strip(), "the importer always says what happened"
    if status == 2:
        assert articles_snapshot() == before, "an unreadable file or a failed import writes nothing"
    for article in ResearchArticle.objects.all():
        assert article.title.strip() and article.slug, article.pk
