"""Targeted purges: a change purges only the pages that show what changed; the changed pages are warmed at once."""

import io
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from clinic.cache import content_changed
from conditions.models import Condition, ConditionRegion, ResearchArticle, Status, Treatment

from ..factories import ConditionFactory, ConditionTreatmentFactory, ResearchArticleFactory, TreatmentFactory
from ..helpers import admin_url, new_condition_data

pytestmark = pytest.mark.django_db


def cache_state(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response["X-Page-Cache"]


def site_urls():
    """Every public page of the site, as a visitor or crawler walks it."""
    urls = ["/", "/conditions/", "/treatments/", "/research/", "/research/feed/", "/sitemap.xml"]
    urls += [f"/conditions/?letter={letter}" for letter in Condition.objects.published().first_letters()]
    for model in (Condition, Treatment, ResearchArticle):
        urls += [page.get_absolute_url() for page in model.objects.published().only("slug")]
    return urls


def test_saving_one_condition_of_1000_keeps_99_percent_of_the_other_pages_cached(client, demo_clinic, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "OPTIONS": {"MAX_ENTRIES": 100_000}}}  # fmt: skip
    call_command("scale_demo_content", "--conditions", "1000", stdout=io.StringIO())
    urls = site_urls()
    assert len(urls) > 1000
    assert {cache_state(client, url) for url in urls} == {"miss"}

    condition = Condition.objects.get(slug="post-laminectomy-syndrome")
    condition.overview += "<p>A new paragraph.</p>"
    condition.save()

    response = client.get(condition.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "A new paragraph." in response.content.decode()
    others = [url for url in urls if url != condition.get_absolute_url()]
    states = [cache_state(client, url) for url in others]
    hits = states.count("hit")
    assert hits / len(others) >= 0.99, f"{hits} of {len(others)} other pages still cached"
    # Its text changed, not what listings show: the A–Z index and the home page stay cached.
    assert cache_state(client, "/conditions/?letter=P") == "hit" and cache_state(client, "/") == "hit"


def test_a_listed_change_purges_the_listings_and_the_pages_linking_it_but_not_other_pages(client):
    treatment = TreatmentFactory(name="Spinal cord stimulation")
    changed, other = ConditionFactory(name="Sciatica"), ConditionFactory(name="Neck pain")
    ConditionTreatmentFactory(condition=changed, treatment=treatment)
    urls = ["/", "/conditions/", "/sitemap.xml", treatment.get_absolute_url(), changed.get_absolute_url(),
            other.get_absolute_url(), "/treatments/", "/research/"]  # fmt: skip
    for url in urls:
        cache_state(client, url)

    changed.name = "Lumbar radiculopathy (sciatica)"
    changed.save()
    assert cache_state(client, "/sitemap.xml") == "miss"  # its lastmod
    # The research list names conditions in its filter.
    for url in ["/", "/conditions/", treatment.get_absolute_url(), changed.get_absolute_url(), "/research/"]:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Lumbar radiculopathy (sciatica)" in response.content.decode(), url
    for url in [other.get_absolute_url(), "/treatments/"]:
        assert cache_state(client, url) == "hit", url


def test_withdrawing_takes_a_condition_off_every_page_at_once_and_leaves_the_others_cached(client):
    treatment = TreatmentFactory()
    withdrawn, other = ConditionFactory(name="Withdrawn condition"), ConditionFactory()
    ConditionTreatmentFactory(condition=withdrawn, treatment=treatment)
    for url in ["/", "/conditions/", treatment.get_absolute_url(), withdrawn.get_absolute_url(),
                other.get_absolute_url()]:  # fmt: skip
        cache_state(client, url)

    withdrawn.status = Status.DRAFT
    withdrawn.save()
    assert client.get(withdrawn.get_absolute_url()).status_code == 404
    for url in ["/", "/conditions/", treatment.get_absolute_url(), "/sitemap.xml"]:
        assert "Withdrawn condition" not in client.get(url).content.decode(), url
    assert cache_state(client, other.get_absolute_url()) == "hit"


def test_a_new_article_shows_on_the_pages_it_is_about_and_leaves_the_others_cached(client, settings):
    treatment, unrelated = TreatmentFactory(), ConditionFactory()
    condition = ConditionFactory(name="Piriformis syndrome")
    ConditionTreatmentFactory(condition=condition, treatment=treatment)
    for url in [condition.get_absolute_url(), treatment.get_absolute_url(), unrelated.get_absolute_url()]:
        cache_state(client, url)

    # Suggested on the condition its keywords name; listed on the treatment it is about.
    ResearchArticleFactory(title="A new stimulation trial", treatments=[treatment], keywords="Piriformis syndrome")
    assert "A new stimulation trial" in client.get(condition.get_absolute_url()).content.decode()
    assert "A new stimulation trial" in client.get(treatment.get_absolute_url()).content.decode()
    assert cache_state(client, unrelated.get_absolute_url()) == "hit"


def test_a_cited_article_appears_once_it_is_published(client):
    article = ResearchArticleFactory(title="A trial cited early", slug="cited-early", status=Status.DRAFT)
    condition = ConditionFactory(overview="<p>Shown in a trial [cite:cited-early].</p>")
    assert "A trial cited early" not in client.get(condition.get_absolute_url()).content.decode()

    article.status = Status.PUBLISHED
    article.signoff = ResearchArticleFactory().signoff
    article.save()
    assert "A trial cited early" in client.get(condition.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_pages_a_publish_changes_are_cached_before_the_first_patient_asks(reviewer):
    staff = Client()
    staff.force_login(reviewer)
    response = staff.post(admin_url(Condition, "add"), new_condition_data(staff, _publish="1"))
    assert response.status_code == 302

    visitor = Client()
    for url in ["/conditions/failed-back-surgery-syndrome/", "/"]:
        response = visitor.get(url)
        assert response["X-Page-Cache"] == "hit", url
        assert "Failed back surgery syndrome" in response.content.decode()


def test_a_bulk_change_purges_every_page_without_an_error(client, caplog):
    condition = ConditionFactory()
    cache_state(client, condition.get_absolute_url())
    assert cache_state(client, condition.get_absolute_url()) == "hit"
    content_changed(ResearchArticle)  # what an import says after writing articles in bulk
    assert cache_state(client, condition.get_absolute_url()) == "miss"
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_a_condition_given_another_body_region_shows_on_that_regions_index_at_once(client):
    """Other body regions are rows of their own (edited inline): saving one purged nothing, so the region's cached
    A–Z page went on without the condition (and a removed region kept listing it)."""
    sciatica = ConditionFactory(name="Sciatica", body_region="low-back")
    ConditionFactory(name="Plantar fasciitis", body_region="leg-foot")
    url = "/conditions/?region=leg-foot"
    assert cache_state(client, url) == "miss" and cache_state(client, url) == "hit"
    assert "Sciatica" not in client.get(url).content.decode()

    region = ConditionRegion.objects.create(condition=sciatica, region="leg-foot")
    assert "Sciatica" in client.get(url).content.decode()

    region.delete()
    assert "Sciatica" not in client.get(url).content.decode()


def test_an_index_page_reuses_the_letters_and_entries_until_a_listed_change(
    client, settings, django_assert_num_queries
):
    """The A–Z's letters, regions and a letter's entries read every published condition: kept under the conditions'
    list tag, so another page of the index (or a query string the cache does not store) reads only its own rows;
    a listed change, a withdrawal or a scheduled page going live shows at once."""
    settings.CONDITION_INDEX_PAGE_SIZE = 2
    for name in ("Sciatica", "Spinal stenosis", "Spondylolisthesis", "Knee pain"):
        ConditionFactory(name=name)
    assert cache_state(client, "/conditions/?letter=S") == "miss"
    with django_assert_num_queries(1):  # this page's conditions
        page_two = client.get("/conditions/?letter=S&page=2").content.decode()
    assert "Spondylolisthesis" in page_two
    caches["default"].clear()  # a fresh cache, and addresses it never stores (no page names the tags yet)
    client.get("/conditions/?letter=S&utm_source=mail")
    with django_assert_num_queries(1):
        client.get("/conditions/?letter=S&utm_source=newsletter")
    sciatica = Condition.objects.get(name="Sciatica")
    sciatica.overview += "<p>More detail.</p>"  # not what the index shows: its letters and entries are kept
    sciatica.save()
    with django_assert_num_queries(1):
        client.get("/conditions/?letter=S&utm_source=feed")

    ConditionFactory(name="Sacroiliac joint pain")
    assert "Sacroiliac joint pain" in client.get("/conditions/?letter=S").content.decode()
    assert "Spinal stenosis" in client.get("/conditions/?letter=S&page=2").content.decode()

    stenosis = Condition.objects.get(name="Spinal stenosis")
    stenosis.status = Status.DRAFT
    stenosis.save()
    pages = "".join(
        client.get(url).content.decode() for url in ("/conditions/?letter=S", "/conditions/?letter=S&page=2")
    )
    assert "Spinal stenosis" not in pages and "Spondylolisthesis" in pages

    soon = ConditionFactory(name="Sports injury", published_at=timezone.now() + timedelta(seconds=2))
    assert "Sports injury" not in client.get("/conditions/?letter=S&page=2").content.decode()
    time.sleep(max(0, (soon.published_at - timezone.now()).total_seconds()) + 0.2)
    assert "Sports injury" in client.get("/conditions/?letter=S&page=2").content.decode()
