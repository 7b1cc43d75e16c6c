"""Filling citations from Crossref (DOI) and NCBI (PMID). These machines are offline: the services' answers are
recorded under tests/fixtures/citations/ and served by a fake `urlopen`; a failure must be polite."""

import io
import socket
from urllib.error import HTTPError, URLError

import pytest

from conditions.models import ArticleAuthor, ResearchArticle, Status
from importing import lookup

from ..factories import ResearchArticleFactory
from ..helpers import TEST_FILES

pytestmark = pytest.mark.django_db

FIXTURES = TEST_FILES / "citations"
RECORDED = {
    "https://api.crossref.org/works/10.1111/papr.12035": "crossref_10.1111_papr.12035.json",
    "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pubmed&id=17845835&rettype=medline&retmode=text": (
        "efetch_17845835.txt"
    ),
}
IMPORT_URL = "/admin/conditions/researcharticle/import/"


class Recorded:
    """Plays the recorded answers; anything else is a 404, as the services answer for unknown identifiers."""

    def __init__(self):
        self.requests = []

    def __call__(self, request, timeout):
        self.requests.append((request.full_url, request.get_header("User-agent"), timeout))
        name = RECORDED.get(request.full_url)
        if name is None:
            raise HTTPError(request.full_url, 404, "Not Found", {}, io.BytesIO(b"Resource not found."))
        return io.BytesIO((FIXTURES / name).read_bytes())


@pytest.fixture
def online(monkeypatch):
    recorded = Recorded()
    monkeypatch.setattr(lookup, "urlopen", recorded)
    return recorded


@pytest.fixture(params=[URLError(socket.gaierror(-3, "Temporary failure in name resolution")), TimeoutError()])
def offline(monkeypatch, request):
    def unreachable(request_, timeout):
        raise request.param

    monkeypatch.setattr(lookup, "urlopen", unreachable)


def test_identifiers_are_recognised():
    assert lookup.identify(" https://doi.org/10.1111/papr.12035 ") == ("doi", "10.1111/papr.12035")
    assert lookup.identify("PMID: 17845835") == ("pmid", "17845835")
    with pytest.raises(lookup.LookupFailed, match="neither a DOI"):
        lookup.identify("Hussain 2014")


def test_a_doi_is_filled_from_crossref(online, settings):
    settings.CITATION_LOOKUP_TIMEOUT = 3
    citation = lookup.lookup("10.1111/papr.12035").records[0].citation
    assert citation.title == "Interventional Pain Management for Failed Back Surgery Syndrome"
    assert [(a.family, a.given) for a in citation.authors] == [("Hussain", "Arif"), ("Erdek", "Michael")]
    assert (citation.journal, citation.journal_abbreviation) == ("Pain Practice", "Pain Pract")
    assert (citation.year, citation.volume, citation.issue, citation.pages) == (2014, "14", "1", "64-78")
    assert citation.abstract.startswith("Failed back surgery syndrome (FBSS) is a common problem after lumbar spine")
    assert "&" in citation.abstract and "<jats" not in citation.abstract
    url, agent, timeout = online.requests[0]
    assert "mailto:" in agent and timeout == 3


def test_a_pmid_is_filled_from_pubmed(online):
    citation = lookup.lookup("17845835").records[0].citation
    assert citation.title.startswith("Spinal cord stimulation versus conventional medical management")
    assert citation.doi == "10.1016/j.pain.2007.07.028" and citation.pages == "179-188"
    assert len(citation.authors) == 8 and citation.authors[7].family == "O'Callaghan"


def test_offline_lookups_fail_politely(offline):
    with pytest.raises(lookup.LookupFailed, match=r"^Could not reach Crossref; fill the fields by hand\.$"):
        lookup.lookup("10.1111/papr.12035")
    with pytest.raises(lookup.LookupFailed, match=r"^Could not reach PubMed; fill the fields by hand\.$"):
        lookup.lookup("17845835")


def test_an_unknown_identifier_says_so(online):
    with pytest.raises(lookup.LookupFailed, match="Crossref has no record for this identifier"):
        lookup.lookup("10.9999/does-not-exist")


def test_admin_adds_an_article_from_its_pmid(online, login, reviewer, settings, tmp_path):
    settings.CITATION_IMPORT_DIR = tmp_path
    client = login(reviewer)
    preview = client.post(IMPORT_URL, {"identifier": "17845835", "lookup": "1"})
    page = preview.content.decode()
    assert "1 new, 0 duplicates, 0 errors." in page
    assert (
        "Kumar K, Taylor RS, Jacques L, et al. Spinal cord stimulation versus conventional medical management" in page
    )
    response = client.post(IMPORT_URL, {"confirm": "1", "token": preview.context["token"]})
    article = ResearchArticle.objects.get(pmid="17845835")
    assert response.status_code == 302 and response["Location"].endswith(f"/{article.pk}/change/")
    assert article.status == Status.PUBLISHED and article.authors.count() == 8


def test_admin_lookup_offline_shows_a_polite_message(offline, admin_client):
    response = admin_client.post(IMPORT_URL, {"identifier": "10.1111/papr.12035", "lookup": "1"})
    assert response.status_code == 200
    assert "Could not reach Crossref; fill the fields by hand." in response.content.decode()
    assert not ResearchArticle.objects.exists()


def test_admin_fills_the_empty_fields_of_an_article_from_its_doi(online, login, reviewer):
    article = ResearchArticleFactory(
        title="Our own title", doi="10.1111/papr.12035", journal="", journal_abbreviation="", year=None,
        volume="", issue="", pages="", status=Status.DRAFT,
    )  # fmt: skip
    client = login(reviewer)
    change = f"/admin/conditions/researcharticle/{article.pk}/change/"
    assert f'action="/admin/conditions/researcharticle/{article.pk}/fill/"' in client.get(change).content.decode()
    response = client.post(f"/admin/conditions/researcharticle/{article.pk}/fill/", follow=True)
    assert "Filled from Crossref 10.1111/papr.12035" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Our own title"  # what the editor wrote is kept
    assert (article.journal_abbreviation, article.year, article.pages) == ("Pain Pract", 2014, "64-78")
    assert list(ArticleAuthor.objects.filter(article=article).values_list("family_name", flat=True)) == [
        "Hussain",
        "Erdek",
    ]


def test_admin_fill_offline_changes_nothing_and_says_so(offline, login, reviewer):
    article = ResearchArticleFactory(doi="10.1111/papr.12035", journal="", status=Status.DRAFT)
    response = login(reviewer).post(f"/admin/conditions/researcharticle/{article.pk}/fill/", follow=True)
    assert "Could not reach Crossref; fill the fields by hand." in response.content.decode()
    article.refresh_from_db()
    assert article.journal == "" and not article.authors.exists()


def test_fill_needs_a_post_and_the_change_permission(online, login, editor, reviewer):
    published = ResearchArticleFactory(doi="10.1111/papr.12035")
    url = f"/admin/conditions/researcharticle/{published.pk}/fill/"
    assert login(reviewer).get(url).status_code == 405
    assert login(editor).post(url).status_code == 403  # live pages are read-only for editors
