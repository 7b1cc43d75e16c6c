"""Fast on a cheap phone: no JavaScript to read a page, and a small transfer for the condition page."""

import gzip
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from practice.models import clinic

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 60 * 1024  # HTML + CSS + JS + fonts, compressed


def test_the_condition_page_transfers_under_60_kb_compressed(client, demo_clinic):
    html = client.get("/conditions/post-laminectomy-syndrome/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert assets, "the page links its stylesheet"
    total = len(gzip.compress(html))
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as file:
            total += len(gzip.compress(file.read()))
    assert total < BUDGET_BYTES, f"{total} bytes"


@pytest.mark.parametrize("url", ["/", "/conditions/", "/conditions/post-laminectomy-syndrome/", "/treatments/",
                                 "/research/", "/search/?q=back"])  # fmt: skip
def test_public_pages_need_no_javascript_and_no_web_fonts(client, demo_clinic, url):
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all('type="application/ld+json"' in tag for tag in scripts), scripts
    assert "@font-face" not in html and ".woff" not in html


def test_home_and_a_to_z_index_stay_under_60_kb_with_1000_conditions(
    client, demo_clinic, django_assert_max_num_queries
):
    call_command("scale_demo_content", "--conditions", "1000", stdout=io.StringIO())
    clinic()  # the clinic's details in the shared cache, as after any site's first page
    # Home: the first conditions, then (too many) their regions and letters; treatments; latest articles + authors.
    pages = {"/": 6, "/conditions/": 2, "/conditions/?letter=C": 2, "/conditions/?letter=C&page=2": 2,
             "/conditions/?region=low-back": 2}  # fmt: skip
    for url, queries in pages.items():
        with django_assert_max_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < 60 * 1024, (url, len(response.content))
    # Still every condition within reach without JavaScript: each letter links to its page, and pages link on.
    index = client.get("/conditions/").content.decode()
    assert 'href="?letter=C"' in index and 'href="?letter=S"' in index
    letter_c = client.get("/conditions/?letter=C").content.decode()
    assert 'aria-current="page">C</a>' in letter_c and 'href="?letter=C&amp;page=2" rel="next"' in letter_c
    assert "Cervical Radiculopathy" in letter_c and "Sciatica" not in letter_c
    home = client.get("/").content.decode()
    assert 'href="/conditions/?region=low-back"' in home and 'href="/conditions/?letter=P"' in home
