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
