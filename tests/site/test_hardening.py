"""Issue 10, items 11, 13 and 14: hostile input gets a 4xx or a clear message, never a 500 or a forged record.

Each test replays what was observed: the request a browser (or an attacker's script) sends, through the real
middleware, with the admin's CSRF checks where a form is involved.
"""

import io
from datetime import timedelta

import bibtexparser
import bibtexparser.middlewares
import pytest
import rispy
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from citations.bibtex import citation_key
from conditions.models import Condition, ResearchArticle

from ..factories import (
    ArticleAuthorFactory,
    ConditionFactory,
    ResearchArticleFactory,
    StaffUserFactory,
    TreatmentFactory,
)
from ..helpers import (
    admin_form_data,
    admin_url,
    browser_client,
    new_article_data,
    new_condition_data,
    press,
)

pytestmark = pytest.mark.django_db
HUGE_ID = "99999999999999999999"  # past PostgreSQL's bigint


# --- Site search: websearch_to_tsquery operators ---------------------------------------------------------------


@pytest.fixture
def searchable(db):
    ConditionFactory(name="Lumbar Radiculopathy", alternate_names="Sciatica", summary="Pain running down one leg.")
    ConditionFactory(name="Failed Back Surgery Syndrome", summary="Back pain that continues after spine surgery.")
    return Condition.objects.count()


def found_names(response):
    assert response.status_code == 200
    results = response.context["results"]
    return [item.name for item in results.group("conditions").items] if results else []


@pytest.mark.parametrize(
    "query",
    [
        "-" * 33 + "a",  # as reported: `tsquery stack too small` on PostgreSQL
        "-" * 150 + "sciatica",
        "-(" * 60 + "pain",
        "-)" * 60 + "pain",
        "(x)" + "-" * 60 + "y",
        "x " + "-(" * 60 + "y",
    ],
    ids=["33-dashes", "150-dashes", "dash-paren", "dash-close-paren", "after-a-word", "after-a-space"],
)
def test_runs_of_search_operators_get_a_results_page_not_a_server_error(client, searchable, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert b"Search" in response.content


def test_real_searches_still_work_after_the_query_is_cleaned(client, searchable):
    assert found_names(client.get("/search/", {"q": "sciatica"})) == ["Lumbar Radiculopathy"]
    assert found_names(client.get("/search/", {"q": '"spine surgery"'})) == ["Failed Back Surgery Syndrome"]
    assert found_names(client.get("/search/", {"q": '"spine surgery'})) == ["Failed Back Surgery Syndrome"]  # unclosed
    assert found_names(client.get("/search/", {"q": "pain --((sciatica"})) == ["Failed Back Surgery Syndrome"]


def test_a_leading_minus_still_excludes_a_word(client, searchable):
    assert found_names(client.get("/search/", {"q": "pain -surgery"})) == ["Lumbar Radiculopathy"]
    assert found_names(client.get("/search/", {"q": "pain ---surgery"})) == ["Lumbar Radiculopathy"]
    assert found_names(client.get("/search/", {"q": 'pain -"spine surgery"'})) == ["Lumbar Radiculopathy"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="`or` is websearch syntax, which only PostgreSQL has")
def test_or_still_widens_a_search(client, searchable):
    assert sorted(found_names(client.get("/search/", {"q": "sciatica or surgery"}))) == [
        "Failed Back Surgery Syndrome",
        "Lumbar Radiculopathy",
    ]


# --- Staff requests: the upload endpoint, admin ids, NUL bytes ---------------------------------------------------


def test_the_image_upload_endpoint_without_a_file_says_so(editor, media_root):
    client = browser_client(editor)
    response = press(client, admin_url(Condition, "add"), reverse("ck_editor_5_upload_file"))
    assert response.status_code == 400
    assert response.json() == {"error": {"message": "Choose an image to upload."}}


@pytest.fixture
def superuser(db):
    return StaffUserFactory(is_superuser=True, username="root")


@pytest.fixture
def page_with_history(reviewer):
    """A condition saved through the admin, so it has a revision to look at."""
    client = browser_client(reviewer)
    data = new_condition_data(client)
    assert client.post(admin_url(Condition, "add"), data).status_code == 302
    return Condition.objects.get()


@pytest.mark.parametrize("who", ["editor", "reviewer", "superuser"])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/conditions/condition/abc/history/",
        "/admin/conditions/treatment/abc/history/",
        "/admin/conditions/researcharticle/abc/history/",
        "/admin/conditions/condition/abc/history/{version}/",
        "/admin/conditions/condition/99999999999999999999/history/",
        "/admin/conditions/condition/-1/history/",  # found by tests/site/test_fuzz_urls.py
        "/admin/conditions/condition/%EF%BC%91/history/",  # a full-width 1, which int() accepts
        "/admin/conditions/condition/%201/history/",
        "/admin/conditions/condition/99999999999999999999/history/{version}/",
        "/admin/conditions/condition/{pk}/history/99999999999999999999/",
        "/admin/conditions/condition/{pk}/history/compare/?from=abc&to=99999999999999999999",
        "/admin/conditions/condition/recover/99999999999999999999/",
        "/admin/conditions/condition/99999999999999999999/change/",
        "/admin/conditions/condition/99999999999999999999/draft-copy/",
        "/admin/conditions/condition/99999999999999999999/compare-live/",
        "/admin/auth/user/abc/password/",
        "/admin/auth/user/99999999999999999999/password/",
        "/admin/r/abc/def/",
    ],
)
def test_a_malformed_id_in_an_admin_address_is_not_found(request, page_with_history, who, path):
    version = Version.objects.get_for_object(page_with_history).first()
    url = path.format(pk=page_with_history.pk, version=version.pk)
    response = browser_client(request.getfixturevalue(who)).get(url)
    assert response.status_code in {302, 403, 404}, (url, response.status_code)


NUL_REQUESTS = [
    ("/admin/conditions/condition/", {"status__exact": "draft\x00"}),
    ("/admin/conditions/condition/", {"body_region__exact": "\x00"}),
    ("/admin/conditions/condition/", {"q": "sciatica\x00"}),
    ("/admin/conditions/condition/", {"owner": "\x00"}),
    ("/admin/conditions/researcharticle/", {"year": "\x00"}),
    ("/admin/conditions/researcharticle/", {"q": "\x00"}),
    ("/admin/auth/user/", {"q": "\x00"}),
    (
        "/admin/autocomplete/",
        {"app_label": "conditions", "model_name": "researcharticle", "field_name": "treatments", "term": "x\x00"},
    ),  # fmt: skip
    ("/admin/autocomplete/", {"app_label": "conditions\x00", "model_name": "condition", "field_name": "x"}),
    ("/search/", {"q": "pain\x00"}),
    ("/research/", {"condition": "\x00"}),
]


@pytest.mark.parametrize("path,query", NUL_REQUESTS)
def test_a_nul_byte_in_a_query_string_is_a_bad_request(superuser, path, query):
    TreatmentFactory()
    response = browser_client(superuser).get(path, query)
    assert response.status_code == 400


def test_a_nul_byte_in_a_posted_form_is_a_bad_request(superuser):
    client = browser_client(superuser)
    data = admin_form_data(client.get(admin_url(Condition, "add")), name="Sciatica\x00", slug="sciatica")
    assert client.post(admin_url(Condition, "add"), data).status_code == 400
    assert not Condition.objects.exists()


def test_a_nul_byte_in_the_login_form_is_a_bad_request(client, superuser):
    response = client.post(reverse("admin:login"), {"username": "root\x00", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/conditions/%00/", "/admin/conditions/condition/%00/history/1/", "/x%00y/"])
def test_a_nul_byte_in_the_address_is_a_bad_request(superuser, path):
    assert browser_client(superuser).get(path).status_code == 400


# --- Citation downloads: one record, the whole field ---------------------------------------------------------------

INJECTED_TITLE = "Pain after surgery\nER  - \nTY  - JOUR\nTI  - Injected"
INJECTED_ABSTRACT = "First paragraph.\r\n\r\nER  - \r\nTY  - JOUR\r\nUR  - https://phishing.example/\u2028KW  - x"
BIBTEX_TITLE = "Braces } and { @misc{evil, title={Injected}}\n@article{evil2, title = {Injected}}"


def folded(text):
    """The text on one line, as the download gives it (line breaks and runs of spaces become single spaces)."""
    return " ".join(text.split())


@pytest.fixture
def article_from_the_admin(reviewer):
    """A published article whose title and abstract hold line breaks, saved through the admin's form."""
    client = browser_client(reviewer)
    data = new_article_data(client, title=INJECTED_TITLE, abstract=INJECTED_ABSTRACT, _publish="1")
    data["published_at_0"], data["published_at_1"] = "2020-01-01", "00:00:00"
    response = client.post(admin_url(ResearchArticle, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = ResearchArticle.objects.get()
    assert article.title == INJECTED_TITLE and article.is_published
    ArticleAuthorFactory(article=article, family_name="Hussain\nER  - ", given_names="Arif")
    return article


def test_a_line_break_in_a_title_or_abstract_cannot_add_ris_records_or_fields(client, article_from_the_admin):
    response = client.get(f"/research/{article_from_the_admin.slug}/cite.ris")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("TY  - ") == 1 and text.count("ER  - ") == 1, text
    (record,) = rispy.loads(text)
    assert record["title"] == folded(INJECTED_TITLE)
    assert record["abstract"] == folded(INJECTED_ABSTRACT)
    assert record["authors"] == [folded("Hussain\nER  - , Arif")]
    assert "https://phishing.example/" not in record.get("urls", [])
    assert "keywords" not in record


def strictly_balanced_fields(bibtex):
    """Each `name = {value}` line as BibTeX itself reads it: every brace counts, a backslash escapes none."""
    fields = {}
    for line in bibtex.splitlines()[1:-1]:
        name, _, value = line.strip().rstrip(",").partition(" = ")
        depth = 0
        for position, character in enumerate(value):
            depth += {"{": 1, "}": -1}.get(character, 0)
            assert depth > 0 or position == len(value) - 1, f"{name} ends early: {value[: position + 1]}"
        fields[name] = value
    return fields


@pytest.mark.parametrize(
    "title,abstract",
    [
        ("Pairs {like} these\n@misc{evil, title={Injected}}", "Ends here {x}\n@misc{evil3, note={y}}"),
        (BIBTEX_TITLE, "Ends here }}\n@misc{evil3,"),
    ],
    ids=["balanced-braces", "lone-braces"],
)
def test_braces_at_signs_and_line_breaks_cannot_end_a_bibtex_entry(client, title, abstract):
    article = ResearchArticleFactory(title=title, abstract=abstract, journal="J {Pain")
    response = client.get(f"/research/{article.slug}/cite.bib")
    assert response.status_code == 200
    text = response.content.decode()
    assert set(strictly_balanced_fields(text)) >= {"title", "abstract", "journal", "year"}
    library = bibtexparser.parse_string(
        text, append_middleware=[bibtexparser.middlewares.LatexDecodingMiddleware()]
    )  # as a reference manager reads it: LaTeX decoded
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == article_citation_key(article)
    if "{like}" in title:  # braces that pair up come back as they were
        assert entry["title"] == folded(title)
        assert entry["abstract"] == folded(abstract)
    else:  # a lone brace is printed by LaTeX but dropped by plain-text readers; the rest of the text is all there
        assert entry["title"] == "Braces  and  @misc{evil, title={Injected}} @article{evil2, title = {Injected}}"


def article_citation_key(article):
    return citation_key(article)


# --- Review reminders: one page's problem is that page's alone -----------------------------------------------------


def due_soon(name, owner):
    today = timezone.localdate()
    return ConditionFactory(name=name, owner=owner, last_reviewed=today - timedelta(days=340),
                            next_review_due=today + timedelta(days=10), reviewed_by="Dr A")  # fmt: skip


def run_review_due(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("review_due", *args, stdout=stdout, stderr=stderr)
    except CommandError as error:
        return error.returncode, stdout.getvalue(), stderr.getvalue() + str(error)
    return 0, stdout.getvalue(), stderr.getvalue()


def test_a_line_break_in_a_page_name_is_folded_in_the_reminder_subject(mailoutbox):
    owner = StaffUserFactory(email="owner@clinic.example")
    due_soon("Sciatica\nBcc: everyone@example.com", owner)
    due_soon("Lumbar stenosis", owner)

    status, _out, _err = run_review_due("--send-reminders")

    assert status == 0
    subjects = sorted(message.subject for message in mailoutbox)
    assert len(subjects) == 2
    assert subjects[1].endswith(": Sciatica Bcc: everyone@example.com")
    assert all("\n" not in subject for subject in subjects)
    assert [message.to for message in mailoutbox] == [["owner@clinic.example"]] * 2
    assert run_review_due("--send-reminders")[0] == 0 and len(mailoutbox) == 2, "each reminder once per cycle"


def test_a_reminder_that_cannot_be_sent_is_reported_and_the_others_are_still_sent(mailoutbox):
    broken = StaffUserFactory(email="owner@clinic.example\nBcc: everyone@example.com")
    fine = StaffUserFactory(email="fine@clinic.example")
    first = due_soon("Piriformis syndrome", broken)
    due_soon("Lumbar stenosis", fine)

    status, _out, err = run_review_due("--send-reminders")

    assert status == 1
    assert [message.to for message in mailoutbox] == [["fine@clinic.example"]]
    assert "Piriformis syndrome" in err and first.get_absolute_url() in err
    assert "1 reminder(s) could not be sent" in err
    first.refresh_from_db()
    assert first.review_reminder_sent_for is None, "tried again on the next run"


# --- Found by tests/site/test_fuzz_urls.py ----------------------------------------------------------------------------


def test_a_superuser_can_add_a_second_site_in_the_admin(superuser):
    """PostgreSQL: migration 0004 wrote Site 1 with its id, so the id sequence still said 1 (IntegrityError)."""
    client = browser_client(superuser)
    add = reverse("admin:sites_site_add")
    response = press(client, add, add, {"domain": "staging.example-clinic.org", "name": "Staging"})
    assert response.status_code == 302
    assert Site.objects.filter(domain="staging.example-clinic.org").exists()


def test_an_unknown_id_in_django_otps_device_pages_is_not_found(superuser):
    client = browser_client(superuser)
    for view in ("config", "qrcode"):
        # 404, or 403 where the device pages are hidden altogether (OTP_ADMIN_HIDE_SENSITIVE_DATA): never a 500.
        assert client.get(f"/admin/otp_totp/totpdevice/{HUGE_ID}/{view}/").status_code in {403, 404}
