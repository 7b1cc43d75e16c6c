"""A printed page is a handout: the clinic, its phone and the page's address with a QR code on top, internal links as
full addresses, each DOI once. The sitemap, the feed and e-mails use the site's real domain. The site has an icon."""

import re
from pathlib import Path

import pytest
from django.contrib.sites.models import Site
from django.core import mail

from clinic.qr import _qr_path

from ..factories import ConditionFactory, ResearchArticleFactory, TreatmentFactory
from ..helpers import browser_client, csrf_token_from

pytestmark = pytest.mark.django_db
PRINT_CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "print.css").read_text()


@pytest.fixture
def real_domain(db):
    Site.objects.update_or_create(pk=1, defaults={"domain": "www.example-clinic.org", "name": "Clinic"})
    Site.objects.clear_cache()
    yield "https://www.example-clinic.org"
    Site.objects.clear_cache()


def test_a_printed_page_starts_with_the_clinic_the_address_and_a_qr_code(client, demo_clinic, real_domain):
    page = client.get("/conditions/post-laminectomy-syndrome/").content.decode()
    header = page[page.index('<div class="print-header">') :]
    header = header[: header.index("</svg>")]
    assert "Riverside Pain &amp; Spine Clinic" in header and "Phone (555) 010-2040" in header
    assert f"This page: {real_domain}/conditions/post-laminectomy-syndrome/" in header
    assert '<svg class="qr-code"' in header
    assert f'aria-label="QR code of this page&#x27;s address: {real_domain}' in header
    assert ".print-header { display: flex !important;" in PRINT_CSS


def test_the_qr_code_encodes_the_pages_address(client, real_domain):
    """Decoded in the browser test of the print view would need a camera; here: it changes with the address."""
    first = client.get(ConditionFactory(slug="first").get_absolute_url()).content.decode()
    second = client.get(ConditionFactory(slug="second").get_absolute_url()).content.decode()
    path = re.compile(r'<svg class="qr-code".*?<path d="([^"]+)"')
    assert path.search(first)[1] != path.search(second)[1]


def test_each_address_is_drawn_as_a_qr_code_once(client, real_domain, settings):
    """Drawing a code tried eight masks on every render: ~20 ms, several times the rest of the condition page."""
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    condition = ConditionFactory(slug="drawn-once")
    _qr_path.cache_clear()
    pages = [client.get(condition.get_absolute_url()).content for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert (_qr_path.cache_info().misses, _qr_path.cache_info().hits) == (1, 2)


def test_internal_links_print_as_full_addresses(client, real_domain):
    treatment = TreatmentFactory(slug="physical-therapy", name="Physical therapy")
    condition = ConditionFactory(overview='<p>See <a href="/treatments/physical-therapy/">therapy</a>.</p>')
    condition.condition_treatments.create(treatment=treatment)
    page = client.get(condition.get_absolute_url()).content.decode()
    address = f"{real_domain}/treatments/physical-therapy/"
    assert f'<a href="/treatments/physical-therapy/" data-print-href="{address}">' in page
    assert 'a[data-print-href]::after { content: " (" attr(data-print-href) ")";' in PRINT_CSS


def test_each_doi_prints_once(client):
    article = ResearchArticleFactory(doi="10.1111/papr.12035")
    condition = ConditionFactory()
    condition.condition_articles.create(article=article)
    page = client.get(condition.get_absolute_url()).content.decode()
    assert page.count("10.1111/papr.12035</a>") == 1  # the citation shows it as text once
    assert 'a[href^="https://doi.org/"]::after, a[href^="https://pubmed.ncbi.nlm.nih.gov/"]::after { content: none' in (
        PRINT_CSS
    )


def test_the_footer_is_never_a_page_of_its_own():
    assert ".footer-locations, .footer-contact" in PRINT_CSS and "break-before: avoid" in PRINT_CSS


def test_the_sitemap_and_the_feed_use_the_real_domain(client, demo_clinic, real_domain):
    sitemap = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(location.startswith("http://www.example-clinic.org/") for location in locations)
    assert "http://www.example-clinic.org/clinicians/arif-hussain/" in locations
    feed = client.get("/research/feed/").content.decode()
    assert "<link>http://www.example-clinic.org/research/</link>" in feed


def test_emails_use_the_real_domain(demo_clinic, real_domain, django_capture_on_commit_callbacks):
    client = browser_client()
    token = csrf_token_from(client.get("/appointments/request/"))
    data = {"name": "Ann", "phone": "5550101234", "consent": "on", "preferred_time": "any"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/appointments/request/", {**data, "csrfmiddlewaretoken": token})
    assert f"{real_domain}/admin/practice/appointmentrequest/" in mail.outbox[0].body


def test_the_site_has_an_icon(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").status_code == 200
