"""The A–Z index as patients look things up: other names point to the page, a condition is under each of its body
regions, and regions without conditions are not offered."""

import re

import pytest

from conditions.models import ConditionRegion

from ..factories import ConditionFactory

pytestmark = pytest.mark.django_db


def main(client, url):
    page = client.get(url).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_other_names_are_entries_that_point_to_the_page(client):
    names = "Sciatica\nPinched nerve"
    ConditionFactory(name="Lumbar Radiculopathy", slug="lumbar-radiculopathy", alternate_names=names)
    page = main(client, "/conditions/")
    see = re.sub(r"\s+", " ", page[page.index('id="letter-S"') :])
    assert 'Sciatica, <em>see</em> <a href="/conditions/lumbar-radiculopathy/">Lumbar Radiculopathy</a>' in see
    assert 'id="letter-P"' in page  # "Pinched nerve" has its own letter


def test_a_condition_is_listed_under_each_of_its_regions(client):
    condition = ConditionFactory(name="Sciatica", body_region="low-back")
    ConditionRegion.objects.create(condition=condition, region="leg-foot")
    assert "Sciatica" in main(client, "/conditions/?region=leg-foot")
    assert "Sciatica" in main(client, "/conditions/?region=low-back")


def test_only_regions_with_conditions_are_offered(client):
    ConditionFactory(body_region="neck")
    select = main(client, "/conditions/")
    select = select[select.index("<select") : select.index("</select>")]
    assert re.findall(r'<option value="([a-z-]*)"', select) == ["", "neck"]
    response = client.get("/conditions/?region=mid-back")
    assert response.status_code == 200 and "not in the list" in response.content.decode()


def test_the_demo_a_to_z(client, demo_clinic):
    page = main(client, "/conditions/")
    assert "Failed Back Surgery Syndrome, <em>see</em>" in page
    assert "Post Laminectomy Syndrome" in main(client, "/conditions/?region=leg-foot")


def test_a_large_index_pages_every_entry_of_a_letter_names_and_other_names_alike(client, settings):
    """With a "see" entry for each of many conditions' other names, letter S came to 79 KB at 1,000 conditions (all
    its "X, see Y" entries on the first page), and other names past the first page's conditions were never listed."""
    settings.CONDITION_INDEX_PAGE_SIZE = 4
    for number in range(1, 7):
        ConditionFactory(name=f"Spinal condition {number}", alternate_names=f"Slipped thing {number}")
    for number in range(1, 4):
        ConditionFactory(name=f"Knee condition {number}", alternate_names=f"Sore knee {number}\nKnock knee {number}")
    pages, page = [], 1
    while True:
        html = main(client, f"/conditions/?letter=S&page={page}")
        listing = html[html.index('<ul class="az-list">') :]
        listing = listing[: listing.index("</ul>")]
        pages.append(re.findall(r"<li(?: class=\"az-list__see\")?>\s*(?:<a [^>]*>)?([^<,]+)", listing))
        if 'rel="next"' not in html:
            break
        page += 1
    entries = [entry.strip() for page_entries in pages for entry in page_entries]
    expected = sorted([f"Spinal condition {n}" for n in range(1, 7)] + [f"Slipped thing {n}" for n in range(1, 7)]
                      + [f"Sore knee {n}" for n in range(1, 4)], key=str.casefold)  # fmt: skip
    assert entries == expected
    assert all(len(page_entries) <= 4 for page_entries in pages)


def test_a_large_index_lists_names_that_do_not_start_with_a_letter_under_hash(client, settings):
    settings.CONDITION_INDEX_PAGE_SIZE = 2
    for name in ("Sciatica", "Knee pain", "Neck pain"):
        ConditionFactory(name=name, alternate_names="1st rib syndrome")
    ConditionFactory(name="3rd occipital nerve pain")
    listing = main(client, "/conditions/?letter=%23")
    listing = listing[listing.index('<ul class="az-list">') :]
    assert "3rd occipital nerve pain" in listing and "Sciatica" not in listing
    assert "1st rib syndrome" not in listing  # "X, see Y" entries are listed under letters only


def test_a_large_index_offers_a_letter_that_only_other_names_start(client, settings):
    """ "Quadriceps tendinopathy, see Jumper's knee" was out of reach: the letter menu offered only the letters of
    condition names, and ?letter=Q fell back to the first letter."""
    settings.CONDITION_INDEX_PAGE_SIZE = settings.HOME_CONDITION_LIMIT = 2
    ConditionFactory(name="Jumper's knee", slug="jumpers-knee", alternate_names="Quadriceps tendinopathy")
    for name in ("Knee pain", "Neck pain"):
        ConditionFactory(name=name)
    assert re.findall(r'href="\?letter=([^"&]+)"', main(client, "/conditions/")) == ["J", "K", "N", "Q"]
    assert 'href="/conditions/?letter=Q"' in main(client, "/")
    listing = main(client, "/conditions/?letter=Q")
    assert 'aria-current="page">Q</a>' in listing
    see = re.sub(r"\s+", " ", listing[listing.index('<ul class="az-list">') :])
    assert 'Quadriceps tendinopathy, <em>see</em> <a href="/conditions/jumpers-knee/">Jumper&#x27;s knee</a>' in see
    assert "Knee pain" not in see
