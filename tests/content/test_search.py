"""A patient types what they know, spelt as they can, and lands on the right page."""

import pytest
from django.db import connection

from conditions.models import ArticleAuthor, Condition, ResearchArticle, Status
from conditions.search import by_author

from ..factories import ConditionFactory, ResearchArticleFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="misspelling tolerance uses PostgreSQL's pg_trgm (CI runs it)"
)


def first_condition(client, query):
    results = client.get("/search/", {"q": query}).context["results"]
    items = results.group("conditions").items
    return items[0].name if items else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("failed back syndrome", "Post Laminectomy Syndrome"),
        ("Failed Back Surgery Syndrome", "Post Laminectomy Syndrome"),
        ("post laminectomy", "Post Laminectomy Syndrome"),
        ("spinal stenosis", "Lumbar Spinal Stenosis"),
        ("sciatica", "Lumbar Radiculopathy"),
        ("CRPS", "Complex Regional Pain Syndrome"),
    ],
)
def test_exact_words_and_alternate_names_land_on_the_right_page(client, demo_clinic, query, expected):
    assert first_condition(client, query) == expected


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lamenectomy", "Post Laminectomy Syndrome"),
        ("sciatia", "Lumbar Radiculopathy"),
        ("stenossis", "Lumbar Spinal Stenosis"),
        ("radiculopaty", None),  # two conditions are radiculopathies: either is right, one must be found
    ],
)
def test_misspellings_still_find_the_page(client, demo_clinic, query, expected):
    found = first_condition(client, query)
    assert found is not None
    if expected:
        assert found == expected


def test_results_are_grouped_by_kind_with_highlighted_snippets(client, demo_clinic):
    response = client.get("/search/", {"q": "spinal cord stimulation"})
    results = response.context["results"]
    assert [group.kind for group in results.groups] == ["conditions", "treatments", "articles"]
    assert results.group("treatments").items[0].name == "Spinal Cord Stimulation"
    assert results.group("articles").total >= 2
    page = response.content.decode()
    assert "<mark>" in page and 'id="results-treatments"' in page


def test_drafts_never_appear_in_search(client):
    ConditionFactory(name="Secret draft syndrome", status=Status.DRAFT)
    assert first_condition(client, "secret draft syndrome") is None


def test_articles_are_found_by_author(client):
    ResearchArticleFactory(title="Outcomes after revision surgery", authors=[("Erdek",)])
    results = client.get("/search/", {"q": "erdek"}).context["results"]
    assert [a.title for a in results.group("articles").items] == ["Outcomes after revision surgery"]


def test_one_kind_is_paginated(client):
    for number in range(25):
        ConditionFactory(name=f"Back pain variant {number:02d}")
    first = client.get("/search/", {"q": "back pain", "kind": "conditions"})
    group = first.context["results"].group("conditions")
    assert group.total == 25 and len(group.items) == 20 and group.has_next
    second = client.get("/search/", {"q": "back pain", "kind": "conditions", "page": 2}).context["results"]
    assert len(second.group("conditions").items) == 5
    overview = client.get("/search/", {"q": "back pain"})
    assert len(overview.context["results"].group("conditions").items) == 5
    assert "See all 25" in overview.content.decode()


@pytest.mark.parametrize("params", [{"kind": "nonsense"}, {"page": "-3"}, {"page": "abc"}, {"page": "99999"}])
def test_hand_edited_search_urls_still_answer(client, params):
    ConditionFactory(name="Sciatica")
    response = client.get("/search/", {"q": "sciatica", **params})
    assert response.status_code == 200 and "Sciatica" in response.content.decode()


def test_the_index_is_kept_current_on_save(client):
    condition = ConditionFactory(name="Piriformis syndrome")
    assert first_condition(client, "piriformis") == "Piriformis syndrome"
    condition.alternate_names = "Deep gluteal syndrome"
    condition.save()
    assert first_condition(client, "deep gluteal") == "Piriformis syndrome"
    if connection.vendor == "postgresql":
        assert Condition.objects.filter(pk=condition.pk, search_vector__isnull=False).exists()


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("count", [1, 30])
def test_search_runs_one_query_per_kind_whatever_the_number_of_matches(client, django_assert_num_queries, count):
    for number in range(count):
        ConditionFactory(name=f"Knee pain {number}", slug=f"knee-pain-{number}")
        ResearchArticleFactory(title=f"Knee pain trial {number}", authors=2)
    # Conditions, treatments, articles (each with its number of matches, counted in the same query), their authors.
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": "knee pain"})
    results = response.context["results"]
    assert results.group("conditions").total == count and results.group("articles").total == count
    assert len(results.group("conditions").items) == min(count, 5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan checked is PostgreSQL's")
def test_searching_by_an_authors_name_reads_the_authors_index_not_every_author():
    """Every search looks for articles by an author of that family name: at 25,000 authors, a scan of all of them."""
    ResearchArticleFactory(authors=3)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small: ask whether the index *can* serve
        sql, params = ResearchArticle.objects.filter(by_author(["erdek"])).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "author_family_name_upper" in "\n".join(row[0] for row in cursor.fetchall())
    assert ArticleAuthor.objects.exists()
