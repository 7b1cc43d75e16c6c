"""Fast on a cheap phone: no JavaScript to read a page, and a small transfer for the condition page."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

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
