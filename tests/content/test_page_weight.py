"""Fast on a cheap phone: no JavaScript to read a page, and a small transfer for the condition page."""

import gzip
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conditions.models import ResearchArticle, Status
from practice.models import clinic

from ..factories import ResearchArticleFactory

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
    # A–Z: the regions offered, the letters' counts, the letter's entries, the conditions of this page's entries.
    pages = {"/": 6, "/conditions/": 4, "/conditions/?letter=C": 4, "/conditions/?letter=C&page=2": 4,
             "/conditions/?region=low-back": 4}  # fmt: skip
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
    assert "Sciatica" not in letter_c
    page, pages = 1, [letter_c]
    while 'rel="next"' in pages[-1] and page < 20:
        page += 1
        pages.append(client.get(f"/conditions/?letter=C&page={page}").content.decode())
    assert any(">Cervical Radiculopathy</a>" in html for html in pages)
    for url in ("/conditions/?letter=S", "/conditions/?letter=L"):  # many "X, see Y" entries: paged like the rest
        assert len(client.get(url).content) < 60 * 1024, url
    home = client.get("/").content.decode()
    assert 'href="/conditions/?region=low-back"' in home and 'href="/conditions/?letter=P"' in home


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index-only scans and covering indexes are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # VACUUM cannot run in a transaction
def test_the_a_to_z_index_and_home_page_are_answered_from_the_listing_indexes(client, demo_clinic, settings):
    """A condition's rich text makes each row kilobytes wide: at 1,000 conditions every listing query read the whole
    table (about 2 ms each, four per A–Z page, three on the home page). The published rows' names, letters, regions
    and summaries are in two small indexes that can answer each of those queries. (A letter's entries read the other
    names, which are not in them: kept under the conditions' list tag instead, `clinic.cache.derived`.)"""
    settings.PAGE_CACHE_SECONDS = 0  # every query on every request
    call_command("scale_demo_content", "--conditions", "1000", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE conditions_condition")  # as autovacuum keeps it: index-only scans need it
    for url in ("/conditions/", "/conditions/?letter=C", "/"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        listings = [
            query["sql"]
            for query in captured
            if 'FROM "conditions_condition"' in query["sql"]
            and '"alternate_names" AS "alternate_names"' not in query["sql"]  # the entries, as said above
            and '"conditions_condition"."id" IN (' not in query["sql"]  # a page's rows by key
        ]
        assert listings, url
        with connection.cursor() as cursor:
            for sql in listings:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "condition_listing_" in plan, (url, sql, plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan checked is PostgreSQL's")
def test_the_latest_articles_are_read_in_order_not_sorted_after_an_import():
    """An import publishes thousands of articles at the same moment: the home page's and the feed's "latest" then
    sorted every one of them by title (1.4 ms of a 7 ms page at 10,000 articles)."""
    article = ResearchArticleFactory()
    ResearchArticle.objects.bulk_create(
        ResearchArticle(title=f"Imported study {n}", slug=f"imported-{n}", status=Status.PUBLISHED,
                        published_at=article.published_at, signoff=article.signoff)
        for n in range(1500)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE conditions_researcharticle")
        sql, params = ResearchArticle.objects.newest()[:5].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "research_newest" in plan and "Sort" not in plan, plan
