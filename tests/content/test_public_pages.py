"""What a patient sees: published pages, in a fixed number of queries; drafts and unknown pages are 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conditions.forms import ResearchFilterForm
from conditions.models import Status, TreatmentCategory

from ..factories import (
    ConditionArticleFactory,
    ConditionFactory,
    ConditionTreatmentFactory,
    ResearchArticleFactory,
    TreatmentFactory,
    condition_with_related,
)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("related_count", [2, 40])
def test_condition_page_runs_two_queries_whatever_the_number_of_related_items(
    client, django_assert_num_queries, related_count, settings
):
    settings.SIDEBAR_ARTICLE_LIMIT = 50
    condition = condition_with_related(related_count)
    # Suggested (its keywords name the condition), cited and unpublished articles too: still the same queries.
    cited = ResearchArticleFactory(authors=related_count)
    condition.overview = f"<p>As shown [cite:{cited.slug}] and [cite:not-yet].</p>"
    condition.save()
    ResearchArticleFactory(slug="not-yet", status=Status.DRAFT)
    ResearchArticleFactory(keywords=condition.name, authors=related_count)
    ConditionArticleFactory(condition=condition, article=ResearchArticleFactory(status=Status.DRAFT), position=99)
    # The condition (with its sign-off, its reviewer's profile and its treatment links with their treatments), then
    # every article the page shows (pinned, suggested, cited: conditions/research.py) with the authors it prints.
    with django_assert_num_queries(2):
        response = client.get(condition.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="article-summary"') == related_count + 1  # pinned, then the suggestion
    assert page.count('<li id="ref-') == 1  # the cited one; pinned articles stay in the sidebar, never twice


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("related_count", [2, 40])
def test_treatment_page_runs_four_queries_whatever_the_number_of_related_items(
    client, django_assert_num_queries, related_count
):
    treatment = TreatmentFactory()
    for _ in range(related_count):
        ConditionTreatmentFactory(treatment=treatment)
        ResearchArticleFactory(treatments=[treatment], authors=1)
    with django_assert_num_queries(4):
        response = client.get(treatment.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("related_count", [2, 40])
def test_article_page_runs_five_queries_whatever_the_number_of_related_items(
    client, django_assert_num_queries, related_count
):
    article = ResearchArticleFactory(authors=related_count)
    for _ in range(related_count):
        ConditionArticleFactory(article=article)
        article.treatments.add(TreatmentFactory())
    # The article, its authors, its conditions, its treatments, the clinicians among its authors.
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("related_count", [2, 40])
def test_index_pages_run_a_constant_number_of_queries(client, django_assert_num_queries, related_count):
    condition_with_related(related_count)
    with django_assert_num_queries(4):  # conditions, treatments, latest articles, their authors
        assert client.get("/").status_code == 200
    with django_assert_num_queries(3):  # the regions offered, the first letters (with their counts), the conditions
        assert client.get("/conditions/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/treatments/").status_code == 200


def html(response):
    return response.content.decode()


def test_condition_page_shows_the_seed_layout(client):
    condition = ConditionFactory(
        name="Post Laminectomy Syndrome",
        slug="post-laminectomy-syndrome",
        alternate_names="Failed Back Surgery Syndrome\nFailed Back Syndrome\n",
        urgent_warning="<ul><li>New problems controlling your bladder or bowels</li></ul>",
        last_reviewed=timezone.localdate() - timedelta(days=10),
        next_review_due=timezone.localdate() + timedelta(days=355),
        reviewed_by="Arif Hussain, DO",
    )
    article = ResearchArticleFactory(
        title="Interventional Pain Management for Failed Back Surgery Syndrome",
        authors=[("Hussain", "Arif"), ("Erdek", "Michael")],
    )
    ConditionArticleFactory(condition=condition, article=article)

    page = html(client.get("/conditions/post-laminectomy-syndrome/"))

    assert page.count("<h1") == 1
    assert "Also called:" in page and "Failed Back Surgery Syndrome, Failed Back Syndrome" in page
    assert 'class="care-card care-card--same-day"' in page and "bladder or bowels" in page
    assert "by Arif Hussain, DO" in page and "Next review due" in page
    aside = page[page.index("<aside") : page.index("</aside>")]
    assert "Related Research Articles" in aside
    # The sidebar cites in AMA style: sentence-case title, NLM journal abbreviation (citations/ama.py).
    assert "Hussain A, Erdek M." in aside
    assert "Interventional pain management for failed back surgery syndrome." in aside
    assert "<cite>Pain Pract</cite>. 2014;14(1):64-78." in aside
    assert page.index("</article>") < page.index("<aside"), "on a phone the sidebar follows the content"


def test_condition_page_lists_conservative_treatments_first_then_in_the_editors_order(client):
    condition = ConditionFactory()
    order = [
        ("Revision surgery", TreatmentCategory.SURGICAL),
        ("Epidural steroid injection", TreatmentCategory.INJECTION),
        ("Spinal cord stimulation", TreatmentCategory.ADVANCED),
        ("Facet joint injection", TreatmentCategory.INJECTION),
        ("Physical therapy", TreatmentCategory.REHABILITATION),
        ("Gabapentin", TreatmentCategory.MEDICATION),
    ]
    for position, (name, category) in enumerate(order):
        ConditionTreatmentFactory(
            condition=condition,
            treatment=TreatmentFactory(name=name, category=category),
            position=position,
            note=f"Note on {name}" if position == 0 else "",
        )
    page = html(client.get(condition.get_absolute_url()))
    page = page[page.index("<main") :]  # the visible page, not the structured data in <head>
    positions = [
        page.index(text)
        for text in (
            '<h3 class="treatment-group__title">Medication',
            "Gabapentin",
            "Physical therapy and rehabilitation",
            "Injection therapy",
            "Epidural steroid injection",  # the editor put it before the facet joint injection
            "Facet joint injection",
            "Advanced treatment",
            "Spinal cord stimulation",
            "Surgical options",
            "Revision surgery",
            "Note on Revision surgery",
        )
    ]
    assert positions == sorted(positions)


def test_unpublished_treatments_and_articles_stay_off_a_published_page(client):
    condition = ConditionFactory()
    ConditionTreatmentFactory(
        condition=condition, treatment=TreatmentFactory(name="Secret draft therapy", status=Status.DRAFT)
    )
    ConditionArticleFactory(
        condition=condition, article=ResearchArticleFactory(title="Unpublished study", status=Status.DRAFT)
    )
    # Minutes either side of now: the times read back with the page's row (clinic/json_rows.py) keep their zone.
    for name, minutes in (("Scheduled therapy", 5), ("Therapy published just now", -5)):
        treatment = TreatmentFactory(name=name, published_at=timezone.now() + timedelta(minutes=minutes))
        ConditionTreatmentFactory(condition=condition, treatment=treatment)
    page = html(client.get(condition.get_absolute_url()))
    assert "Secret draft therapy" not in page and "Unpublished study" not in page
    assert "Scheduled therapy" not in page and "Therapy published just now" in page


@pytest.mark.parametrize(
    "factory,prefix",
    [(ConditionFactory, "/conditions/"), (TreatmentFactory, "/treatments/"), (ResearchArticleFactory, "/research/")],
)
def test_drafts_and_scheduled_pages_are_hidden_from_the_public(client, factory, prefix):
    draft = factory(status=Status.DRAFT)
    scheduled = factory(published_at=timezone.now() + timedelta(days=2))
    assert client.get(f"{prefix}{draft.slug}/").status_code == 404
    assert client.get(f"{prefix}{scheduled.slug}/").status_code == 404
    listing = html(client.get(prefix))
    assert draft.get_absolute_url() not in listing and scheduled.get_absolute_url() not in listing


def test_a_scheduled_page_goes_live_when_its_time_comes_without_any_job(client):
    condition = ConditionFactory(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(condition.get_absolute_url()).status_code == 404
    type(condition).objects.filter(pk=condition.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(condition.get_absolute_url()).status_code == 200


def test_staff_preview_drafts_on_the_public_url_and_it_is_never_cached(login, editor):
    draft = ConditionFactory(status=Status.DRAFT, name="Draft condition")
    response = login(editor).get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this page is a draft" in html(response)
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_unknown_pages_answer_a_friendly_404(client):
    response = client.get("/conditions/no-such-condition/")
    assert response.status_code == 404
    assert "We could not find that page" in html(response)
    assert "Conditions A–Z" in html(response)


def test_index_is_grouped_by_letter_and_filtered_by_body_region(client):
    ConditionFactory(name="Sciatica", body_region="low-back")
    ConditionFactory(name="Spinal stenosis", body_region="low-back")
    ConditionFactory(name="Cervical radiculopathy", body_region="neck")
    page = html(client.get("/conditions/"))
    assert 'id="letter-C"' in page and 'id="letter-S"' in page
    assert page.index("Cervical radiculopathy") < page.index("Sciatica") < page.index("Spinal stenosis")

    neck = html(client.get("/conditions/?region=neck"))
    assert "Cervical radiculopathy" in neck and "Sciatica" not in neck


def test_an_unknown_body_region_shows_every_condition_with_a_message(client):
    ConditionFactory(name="Sciatica")
    response = client.get("/conditions/?region=%3Cscript%3E")
    assert response.status_code == 200
    assert "Sciatica" in html(response) and "not in the list" in html(response)


def test_research_index_filters_by_condition_and_year_and_paginates(client, settings):
    condition = ConditionFactory(slug="sciatica")
    for year in (2010, 2014):
        ConditionArticleFactory(condition=condition, article=ResearchArticleFactory(year=year, title=f"Linked {year}"))
    ResearchArticleFactory(year=2014, title="Unlinked 2014")
    for _ in range(settings.RESEARCH_PAGE_SIZE):
        ResearchArticleFactory(year=2001)

    by_condition = html(client.get("/research/?condition=sciatica"))
    assert "Linked 2010" in by_condition and "Linked 2014" in by_condition and "Unlinked 2014" not in by_condition
    both = html(client.get("/research/?condition=sciatica&year=2014"))
    assert "Linked 2014" in both and "Linked 2010" not in both

    first = client.get("/research/")
    assert first.context["paginator"].num_pages == 2
    second = client.get("/research/?page=2")
    assert second.status_code == 200
    assert client.get("/research/?page=99").status_code == 404
    assert client.get("/research/?page=abc").status_code == 404


def test_a_page_published_after_the_server_started_is_a_choice_of_the_research_filter(client):
    """The filter's choices are read per request: factories backdate pages, so a page published *now* shows it."""
    assert ResearchFilterForm  # the form's module is loaded (the server started) before the page is published
    condition = ConditionFactory(slug="new-page", name="New page", published_at=timezone.now())
    ConditionArticleFactory(condition=condition, article=ResearchArticleFactory(title="About the new page"))
    page = html(client.get("/research/?condition=new-page"))
    assert "not recognised" not in page and "About the new page" in page
    assert '<option value="new-page" selected>' in page


@pytest.mark.parametrize("query", ["condition=nope", "year=abc", "year=1066"])  # NUL: 400, tests/site/test_hardening.py
def test_research_index_ignores_bad_filters_with_a_message(client, query):
    ResearchArticleFactory(title="Still listed")
    response = client.get(f"/research/?{query}")
    assert response.status_code == 200
    assert "Still listed" in html(response) and "not recognised" in html(response)


def test_article_page_shows_citation_and_links(client):
    article = ResearchArticleFactory(
        doi="10.1111/papr.12035", pmid="23374545", abstract="First part.\n\nSecond part.",
        authors=[("Hussain", "Arif", "DO"), ("Erdek", "Michael", "MD")],
    )  # fmt: skip
    page = html(client.get(article.get_absolute_url()))
    assert "Hussain A, Erdek M." in page
    assert "Pain Pract. 2014;14(1):64-78." in page
    assert 'href="https://doi.org/10.1111/papr.12035"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/23374545/"' in page
    assert "<p>First part.</p>" in page and "<p>Second part.</p>" in page


def test_search_finds_conditions_by_name_and_alternate_name(client):
    ConditionFactory(
        name="Post Laminectomy Syndrome", alternate_names="Failed Back Surgery Syndrome\nFailed Back Syndrome"
    )
    ConditionFactory(name="Sciatica")
    by_alternate = client.get("/search/", {"q": "failed back syndrome"})
    assert by_alternate.status_code == 200
    assert [c.name for c in by_alternate.context["results"].group("conditions").items] == ["Post Laminectomy Syndrome"]
    assert "Sciatica" in html(client.get("/search/", {"q": "sciatica"}))


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 201, '"', "%", "&", "'; DROP TABLE conditions_condition; --", "背痛", "%%__", "\\"],
)  # a NUL byte answers 400 before the search runs: tests/site/test_hardening.py
def test_odd_searches_answer_200_with_a_helpful_message(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = html(response)
    assert "Search" in page
    if not query.strip() or len(query) > 200 or not any(c.isalnum() for c in query):
        assert 'role="alert"' in page


def test_search_without_results_points_to_the_a_to_z_index(client):
    page = html(client.get("/search/", {"q": "zzzzqqq"}))
    assert "Nothing matched" in page and 'href="/conditions/"' in page


def test_sitemap_lists_only_published_pages_with_lastmod(client):
    published = ConditionFactory()
    draft = ConditionFactory(status=Status.DRAFT)
    sitemap = html(client.get("/sitemap.xml"))
    assert published.get_absolute_url() in sitemap and draft.get_absolute_url() not in sitemap
    assert "<lastmod>" in sitemap


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in html(response) and "Sitemap: http://testserver/sitemap.xml" in html(response)


def test_health_endpoints(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok" and ready.json()["cache"] == "ok"


def test_every_public_page_has_a_skip_link_landmarks_and_one_h1(client):
    condition = condition_with_related(2)
    treatment = condition.treatments.first()
    article = condition.research_articles.first()
    for url in [
        "/",
        "/conditions/",
        condition.get_absolute_url(),
        "/treatments/",
        treatment.get_absolute_url(),
        "/research/",
        article.get_absolute_url(),
        "/search/?q=condition",
        "/conditions/missing/",
    ]:
        page = html(client.get(url))
        assert 'href="#main-content"' in page and 'id="main-content"' in page, url
        assert page.count("<h1") == 1, url
        assert 'role="search"' in page, url
        assert '<html lang="en' in page, url


@pytest.mark.usefixtures("clinic_cached")
def test_on_postgresql_a_pages_queries_are_prepared_once_and_still_planned_for_their_own_values(client, settings):
    """Server-side binding and psycopg's prepared statements (settings/base.py): PostgreSQL parses each of a page's
    queries once per connection, and plans every run for its values (a generic plan slowed the research query)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.PAGE_CACHE_SECONDS = 0  # every visit renders
    condition = condition_with_related(2)
    for _ in range(connection.settings_dict["OPTIONS"]["prepare_threshold"] + 3):
        assert client.get(condition.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    row_queries = [row for row in prepared if 'FROM "conditions_condition"' in row[0]]
    assert row_queries and row_queries[0][2] >= 1
    # Planned for their values: no generic plan for a statement with parameters (one without has only that one).
    assert all(generic == 0 for statement, generic, _ in prepared if "$1" in statement)
