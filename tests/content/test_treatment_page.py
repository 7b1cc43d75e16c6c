"""Treatment pages in sections, like condition pages: what it is, who it helps, how it is done, recovery, risks,
with the review line."""

import re

import pytest

from ..factories import TreatmentFactory

pytestmark = pytest.mark.django_db


def main(client, url):
    page = client.get(url).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_treatment_page_reads_in_sections_with_on_this_page_links(client, demo_clinic):
    page = main(client, "/treatments/epidural-steroid-injection/")
    headings = re.findall(r'<h2 id="([a-z-]+)-title">([^<]+)</h2>', page)
    assert [heading for _anchor, heading in headings[:6]] == [
        "On this page", "What it is", "Who it can help", "How it is done", "Recovery", "Risks and side effects"
    ]  # fmt: skip
    nav = page[page.index('<nav class="on-this-page"') : page.index("</nav>")]
    assert re.findall(r'href="#([a-z-]+)"', nav) == re.findall(r'<section class="section" id="([a-z-]+)"', page)[:5]


def test_a_treatment_page_has_the_review_line(client, demo_clinic):
    page = main(client, "/treatments/spinal-cord-stimulation/")
    assert "Last reviewed" in page and '<a href="/clinicians/arif-hussain/">Arif Hussain, DO</a>' in page


def test_the_demo_kept_its_text_when_moved_into_sections(client, demo_clinic):
    page = main(client, "/treatments/revision-spine-surgery/")
    what = page[page.index('id="what-it-is"') : page.index('id="who-it-helps"')]
    how = page[page.index('id="how-it-is-done"') : page.index('id="recovery"')]
    assert "Revision surgery corrects a problem" in what and "<strong>What it is.</strong>" not in page
    assert "A spine surgeon plans the operation" in how


def test_empty_sections_are_left_out(client):
    treatment = TreatmentFactory(body="<p>Only what it is.</p>")
    page = main(client, treatment.get_absolute_url())
    assert "What it is" in page and "Who it can help" not in page and "On this page" not in page
