"""The admin: every page opens, the roles can do what they should and no more, and bad content is refused."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from conditions.models import ArticleAuthor, Condition, ResearchArticle, Status, Treatment

from ..factories import (
    ArticleAuthorFactory,
    ConditionFactory,
    ConditionTreatmentFactory,
    ResearchArticleFactory,
    TreatmentFactory,
)
from ..helpers import (
    action_data,
    admin_form_data,
    admin_url,
    form_errors,
    new_article_data,
    new_condition_data,
    png_file,
)

# --- Smoke tests: every admin page opens ---------------------------------------------------------------

FACTORIES = {Condition: ConditionFactory, Treatment: TreatmentFactory, ResearchArticle: ResearchArticleFactory}
MODELS = pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model._meta.model_name)


@MODELS
def test_changelist_opens(admin_client, model):
    FACTORIES[model]()
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


@MODELS
def test_changelist_search_opens(admin_client, model):
    FACTORIES[model]()
    response = admin_client.get(admin_url(model, "changelist"), {"q": "pain"})
    assert response.status_code == 200


@MODELS
def test_add_form_opens(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@MODELS
def test_change_form_opens(admin_client, model):
    obj = FACTORIES[model]()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_changelist_search_finds_a_condition_by_an_alternate_name(admin_client):
    ConditionFactory(name="Failed back surgery syndrome", alternate_names="Post-laminectomy syndrome")
    ConditionFactory(name="Sciatica")
    response = admin_client.get(admin_url(Condition, "changelist"), {"q": "laminectomy"})
    assert [c.name for c in response.context["cl"].result_list] == ["Failed back surgery syndrome"]


def test_changelist_search_finds_an_article_by_author_family_name(admin_client):
    ResearchArticleFactory(title="Found", authors=[("Erdek",)])
    ResearchArticleFactory(title="Not found")
    response = admin_client.get(admin_url(ResearchArticle, "changelist"), {"q": "erdek"})
    assert [a.title for a in response.context["cl"].result_list] == ["Found"]


# --- The rich-text widget -------------------------------------------------------------------------------

RICH_TEXT_FORM_FIELDS = [(model, name) for model in (Condition, Treatment) for name in model.sections]


def editor_config(response, field_name):
    """The JSON config django-ckeditor-5 renders next to the field's textarea (`<script id="id_<field>_script">`)."""
    marker = f'id="id_{field_name}_script" type="application/json">'
    html = response.content.decode()
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize(
    ("model", "field_name"), RICH_TEXT_FORM_FIELDS, ids=[f"{m._meta.model_name}.{f}" for m, f in RICH_TEXT_FORM_FIELDS]
)
def test_rich_text_fields_render_the_ckeditor5_widget(admin_client, model, field_name):
    response = admin_client.get(admin_url(model, "add"))
    html = response.content.decode()
    assert f'name="{field_name}" class="django_ckeditor_5"' in html
    assert "django_ckeditor_5/dist/bundle.js" in html
    assert f'id="id_{field_name}_script-ck-editor-5-upload-url"' in html
    assert "Check the correct settings.CKEDITOR_5_CONFIGS" not in html


@pytest.mark.parametrize(
    ("model", "field_name"), RICH_TEXT_FORM_FIELDS, ids=[f"{m._meta.model_name}.{f}" for m, f in RICH_TEXT_FORM_FIELDS]
)
def test_editor_toolbar_offers_no_source_editing_or_html_embed(admin_client, model, field_name):
    config = editor_config(admin_client.get(admin_url(model, "add")), field_name)
    toolbar = config["toolbar"]["items"] if isinstance(config["toolbar"], dict) else config["toolbar"]
    lowered = {item.lower() for item in toolbar}
    assert "bold" in lowered  # the config really is ours, not the package's default
    assert not lowered & {"sourceediting", "htmlembed", "mediaembed", "codeblock"}
    assert {"SourceEditing", "HtmlEmbed", "Markdown"} <= set(config["removePlugins"])


# --- Validation ---------------------------------------------------------------------------------------------


def test_bad_doi_is_refused_with_a_field_error(login, reviewer):
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(ResearchArticle, "add"), new_article_data(client, doi="papr.12088")))
    assert "is not a DOI" in errors["doi"][0]
    assert not ResearchArticle.objects.exists()


@pytest.mark.parametrize(
    "duplicate",
    ["10.1111/papr.12088", "10.1111/PAPR.12088", "https://doi.org/10.1111/papr.12088", "doi:10.1111/Papr.12088"],
)
def test_duplicate_doi_is_refused(login, reviewer, duplicate):
    ResearchArticleFactory(doi="10.1111/papr.12088")
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(ResearchArticle, "add"), new_article_data(client, doi=duplicate)))
    assert errors["doi"] == ["Another article already has this DOI."]
    assert ResearchArticle.objects.count() == 1


def test_doi_is_stored_without_the_resolver_prefix(login, reviewer):
    client = login(reviewer)
    data = new_article_data(client, doi="https://doi.org/10.1111/papr.12088")
    assert client.post(admin_url(ResearchArticle, "add"), data).status_code == 302
    article = ResearchArticle.objects.get()
    assert article.doi == "10.1111/papr.12088"
    assert article.doi_url == "https://doi.org/10.1111/papr.12088"


def test_duplicate_pmid_is_refused(login, reviewer):
    ResearchArticleFactory(pmid="23682788")
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(ResearchArticle, "add"), new_article_data(client, pmid="23682788")))
    assert errors["pmid"] == ["Another article already has this PubMed ID."]


@pytest.mark.parametrize("pmid", ["PMC3682788", "2368-2788", "0123", "1234567890"])
def test_non_numeric_pmid_is_refused(login, reviewer, pmid):
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(ResearchArticle, "add"), new_article_data(client, pmid=pmid)))
    assert "pmid" in errors


def test_editing_an_article_keeps_its_own_doi_and_pmid(login, reviewer):
    article = ResearchArticleFactory(doi="10.1111/papr.12088", pmid="23682788")
    client = login(reviewer)
    data = admin_form_data(client.get(admin_url(ResearchArticle, "change", article.pk)), pages="64-79")
    assert client.post(admin_url(ResearchArticle, "change", article.pk), data).status_code == 302
    article.refresh_from_db()
    assert article.pages == "64-79"


def test_article_authors_are_saved_through_the_inline(login, reviewer):
    client = login(reviewer)
    data = new_article_data(
        client,
        **{
            "authors-TOTAL_FORMS": "2",
            "authors-0-position": "1",
            "authors-0-family_name": "Hussain",
            "authors-0-given_names": "Arif",
            "authors-0-credentials": "DO",
            "authors-1-position": "2",
            "authors-1-family_name": "Erdek",
            "authors-1-given_names": "Michael J.",
        },
    )
    assert client.post(admin_url(ResearchArticle, "add"), data).status_code == 302
    assert ResearchArticle.objects.get().author_list == "Hussain A, Erdek MJ"


def test_duplicate_condition_slug_is_refused(login, reviewer):
    ConditionFactory(slug="sciatica")
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(Condition, "add"), new_condition_data(client, slug="sciatica")))
    assert "slug" in errors
    assert Condition.objects.count() == 1


def test_hero_image_without_alt_text_is_refused(login, reviewer):
    client = login(reviewer)
    data = new_condition_data(client, hero_image=png_file("spine.png"), hero_image_alt="  ")
    errors = form_errors(client.post(admin_url(Condition, "add"), data))
    assert "hero_image_alt" in errors
    assert not Condition.objects.exists()


def test_next_review_cannot_be_due_before_the_last_review(login, reviewer):
    condition = ConditionFactory(last_reviewed=date(2026, 3, 1), next_review_due=date(2027, 3, 1))
    client = login(reviewer)
    data = admin_form_data(client.get(admin_url(Condition, "change", condition.pk)), next_review_due="2026-02-01")
    errors = form_errors(client.post(admin_url(Condition, "change", condition.pk), data))
    assert errors["next_review_due"] == ["The next review cannot be due before the last review."]


def test_publishing_signs_off_today_and_sets_the_next_review(login, reviewer):
    client = login(reviewer)
    assert client.post(admin_url(Condition, "add"), new_condition_data(client, _publish="1")).status_code == 302
    condition = Condition.objects.get()
    today = timezone.localdate()
    assert condition.last_reviewed == today
    assert condition.next_review_due == today.replace(year=today.year + 1)
    assert condition.reviewed_by == reviewer.get_username()  # no clinician profile: the account's name


def test_a_reviewer_may_set_a_later_next_review_when_publishing(login, reviewer):
    client = login(reviewer)
    data = new_condition_data(client, _publish="1", next_review_due="2030-06-01")
    assert client.post(admin_url(Condition, "add"), data).status_code == 302
    assert Condition.objects.get().next_review_due == date(2030, 6, 1)


def test_condition_inlines_save_treatments_and_articles(login, reviewer):
    treatment = TreatmentFactory()
    article = ResearchArticleFactory()
    client = login(reviewer)
    data = new_condition_data(
        client,
        **{
            "condition_treatments-TOTAL_FORMS": "1",
            "condition_treatments-0-position": "1",
            "condition_treatments-0-treatment": str(treatment.pk),
            "condition_treatments-0-note": "First choice for leg pain.",
            "condition_articles-TOTAL_FORMS": "1",
            "condition_articles-0-position": "1",
            "condition_articles-0-article": str(article.pk),
        },
    )
    assert client.post(admin_url(Condition, "add"), data).status_code == 302
    condition = Condition.objects.get()
    assert list(condition.treatments.all()) == [treatment]
    assert list(condition.research_articles.all()) == [article]


# --- Scheduling ----------------------------------------------------------------------------------------------


def test_published_excludes_drafts(db):
    ConditionFactory(status=Status.DRAFT, published_at=None)
    live = ConditionFactory()
    assert list(Condition.objects.published()) == [live]


def test_published_excludes_a_scheduled_page_until_its_time(db):
    scheduled = ConditionFactory(published_at=timezone.now() + timedelta(days=1))
    assert not Condition.objects.published().filter(pk=scheduled.pk).exists()
    assert scheduled.is_scheduled and not scheduled.is_published

    # The time passes: no job runs, the same row is now live.
    Condition.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    scheduled.refresh_from_db()
    assert Condition.objects.published().filter(pk=scheduled.pk).exists()
    assert scheduled.is_published and not scheduled.is_scheduled


def test_a_draft_with_a_past_publish_date_stays_hidden(db):
    draft = ConditionFactory(status=Status.DRAFT, published_at=timezone.now() - timedelta(days=3))
    assert not Condition.objects.published().filter(pk=draft.pk).exists()


def test_saving_as_published_without_a_date_publishes_now(db):
    before = timezone.now()
    condition = ConditionFactory(published_at=None)
    after = timezone.now()
    condition.refresh_from_db()
    assert before <= condition.published_at <= after
    assert Condition.objects.published().filter(pk=condition.pk).exists()


def test_saving_a_draft_leaves_the_publish_date_empty(db):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None)
    condition.refresh_from_db()
    assert condition.published_at is None


def test_reviewer_can_schedule_a_page_through_the_form(login, reviewer):
    client = login(reviewer)
    later = timezone.localtime() + timedelta(days=7)
    data = new_condition_data(
        client,
        _publish="1",
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1=later.strftime("%H:%M:%S"),
    )
    assert client.post(admin_url(Condition, "add"), data).status_code == 302
    condition = Condition.objects.get()
    assert condition.is_scheduled
    assert not Condition.objects.published().exists()


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model._meta.model_name)
def test_every_content_type_is_scheduled_the_same_way(db, model):
    FACTORIES[model](published_at=timezone.now() + timedelta(hours=1))
    FACTORIES[model](status=Status.DRAFT, published_at=None)
    live = FACTORIES[model]()
    assert list(model.objects.published()) == [live]


# --- Citation helpers (AMA style) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_names", "family_name", "expected"),
    [
        ("Michael J.", "Erdek", "Erdek MJ"),
        ("Michael J", "Erdek", "Erdek MJ"),
        ("Arif", "Hussain", "Hussain A"),
        ("Jean-Paul", "Sartre", "Sartre JP"),
        ("", "International Association for the Study of Pain", "International Association for the Study of Pain"),
    ],
)
def test_author_short_name_is_family_name_and_initials(given_names, family_name, expected):
    assert ArticleAuthor(given_names=given_names, family_name=family_name).short_name == expected


def test_author_full_name_has_credentials():
    author = ArticleAuthor(given_names="Arif", family_name="Hussain", credentials="DO")
    assert author.full_name == "Arif Hussain, DO"


def test_author_list_follows_the_editors_order(db):
    article = ResearchArticleFactory()
    ArticleAuthorFactory(article=article, position=2, family_name="Erdek", given_names="Michael J.")
    ArticleAuthorFactory(article=article, position=1, family_name="Hussain", given_names="Arif")
    assert ResearchArticle.objects.with_authors().get(pk=article.pk).author_list == "Hussain A, Erdek MJ"


def test_citation_source_is_ama_style(db):
    article = ResearchArticleFactory(
        journal="Pain Practice", journal_abbreviation="Pain Pract", year=2014, volume="14", issue="1", pages="64-78"
    )
    assert article.citation_source == "Pain Pract. 2014;14(1):64-78."


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"journal_abbreviation": "", "journal": "Pain Medicine"}, "Pain Medicine. 2014;14(1):64-78."),
        ({"issue": ""}, "Pain Pract. 2014;14:64-78."),
        ({"volume": "", "issue": "", "pages": ""}, "Pain Pract. 2014."),
        ({"journal_abbreviation": "", "journal": ""}, "2014;14(1):64-78."),
    ],
)
def test_citation_source_leaves_out_what_is_unknown(fields, expected):
    base = {"journal": "Pain Practice", "journal_abbreviation": "Pain Pract", "year": 2014}
    base |= {"volume": "14", "issue": "1", "pages": "64-78"}
    assert ResearchArticle(**(base | fields)).citation_source == expected


# --- Deleting protected content --------------------------------------------------------------------------------


def test_deleting_a_treatment_in_use_shows_the_protected_conditions(login, reviewer):
    link = ConditionTreatmentFactory(
        condition=ConditionFactory(name="Failed back surgery syndrome"),
        treatment=TreatmentFactory(name="Spinal cord stimulation"),
    )
    client = login(reviewer)
    url = admin_url(Treatment, "delete", link.treatment.pk)

    response = client.get(url)
    assert response.status_code == 200
    assert response.context["protected"]
    html = response.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert "Failed back surgery syndrome" in html

    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Treatment.objects.filter(pk=link.treatment.pk).exists()


def test_bulk_deleting_a_treatment_in_use_is_refused(login, reviewer):
    link = ConditionTreatmentFactory(condition=ConditionFactory(name="Failed back surgery syndrome"))
    client = login(reviewer)
    response = client.post(
        admin_url(Treatment, "changelist"), action_data("delete_selected", link.treatment) | {"post": "yes"}
    )
    assert response.status_code == 200
    assert "Failed back surgery syndrome" in response.content.decode()
    assert Treatment.objects.filter(pk=link.treatment.pk).exists()


def test_deleting_an_unused_treatment_works(login, reviewer):
    treatment = TreatmentFactory()
    response = login(reviewer).post(admin_url(Treatment, "delete", treatment.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Treatment.objects.filter(pk=treatment.pk).exists()
