"""The live preview: the public page from the unsaved form, for staff who may edit, and nothing is saved."""

import re

from django.urls import reverse
from reversion.models import Version

from conditions.models import Condition

from ..factories import ConditionArticleFactory, ConditionFactory, ResearchArticleFactory, TreatmentFactory
from ..helpers import admin_form_data, admin_url, browser_client, new_condition_data


def preview_url(condition=None):
    name = "admin:conditions_condition_live_preview"
    return reverse(name, args=[condition.pk]) if condition else reverse(name)


def test_the_preview_shows_the_unsaved_text_and_saves_nothing(login, editor):
    client = login(editor)
    data = new_condition_data(client, overview="<p>The piriformis muscle presses on the nerve.</p>")
    response = client.post(preview_url(), data)

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    result = response.json()
    assert "The piriformis muscle presses on the nerve." in result["html"]
    assert "Failed back surgery syndrome" in result["html"]  # the public template, with the typed name
    assert "<script" not in result["html"]
    assert "Flesch–Kincaid grade" in result["readability"]
    assert not Condition.objects.exists() and not Version.objects.exists()


def test_the_preview_of_a_page_shows_its_unsaved_treatment_rows_and_leaves_the_page_alone(login, reviewer):
    condition = ConditionFactory(overview="<p>Saved text.</p>")
    treatment = TreatmentFactory(name="Radiofrequency ablation")
    versions = Version.objects.count()
    client = login(reviewer)
    data = admin_form_data(
        client.get(admin_url(Condition, "change", condition.pk)),
        overview="<p>Typed, not saved.</p>",
        **{"condition_treatments-TOTAL_FORMS": "1", "condition_treatments-0-treatment": str(treatment.pk),
           "condition_treatments-0-position": "1", "condition_treatments-0-note": "When injections stop helping."},
    )  # fmt: skip
    html = client.post(preview_url(condition), data).json()["html"]

    assert "Typed, not saved." in html and "Saved text." not in html
    assert "Radiofrequency ablation" in html and "When injections stop helping." in html
    condition.refresh_from_db()
    assert condition.overview == "<p>Saved text.</p>" and not condition.condition_treatments.exists()
    assert Version.objects.count() == versions


def test_the_preview_of_a_page_cites_its_linked_articles_with_their_authors(login, reviewer):
    """The sidebar's articles come from the form's rows in a preview, not from the page's one query for articles:
    a preview of any page with a linked article answered 500 when that query came to carry the authors."""
    condition = ConditionFactory()
    saved = ResearchArticleFactory(title="Saved link", authors=[("Hussain", "Arif")])
    ConditionArticleFactory(condition=condition, article=saved)
    typed = ResearchArticleFactory(title="Typed link", authors=[("Erdek", "Michael A.")])
    client = login(reviewer)
    data = admin_form_data(
        client.get(admin_url(Condition, "change", condition.pk)),
        **{"condition_articles-TOTAL_FORMS": "2", "condition_articles-1-article": str(typed.pk),
           "condition_articles-1-position": "2"},
    )  # fmt: skip
    response = client.post(preview_url(condition), data)

    assert response.status_code == 200
    html = re.sub(r"<[^>]+>", "", response.json()["html"])
    assert "Hussain A. Saved link." in html and "Erdek MA. Typed link." in html


def test_the_preview_needs_a_signed_in_person_who_may_edit(client, administrator, login):
    condition = ConditionFactory()
    anonymous = client.post(preview_url(condition), {"name": "x"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    # An Administrator may read content but not write it: no preview of a new page.
    assert login(administrator).post(preview_url(), {"name": "x"}).status_code == 403


def test_the_preview_is_a_post_with_the_forms_csrf_token(editor):
    client = browser_client(editor)
    assert client.post(preview_url(), {"name": "x"}).status_code == 403
    assert client.get(preview_url()).status_code == 405


def test_a_half_filled_or_nonsense_form_still_previews(login, editor):
    client = login(editor)
    nonsense = {"slug": "not a slug!", "name": "x" * 500, "body_region": "nowhere", "summary": "<p>Half a sentence"}
    for data in ({}, nonsense):
        response = client.post(preview_url(), data)
        assert response.status_code == 200 and "html" in response.json()


def test_a_new_treatment_previews_before_its_first_save_and_says_what_is_missing(login, editor):
    url = reverse("admin:conditions_treatment_live_preview")
    client = login(editor)
    typed = {"name": "Genicular nerve block", "slug": "nerve-block", "summary": "An injection.", "body": "<p>How.</p>"}
    assert "Genicular nerve block" in client.post(url, {**typed, "category": "injection"}).json()["html"]
    missing = client.post(url, typed).json()["html"]  # no category yet: the page cannot be drawn
    assert "The preview appears once the page has what it needs" in missing and "Category" in missing


def test_a_new_article_preview_waits_for_its_first_save(login, editor):
    url = reverse("admin:conditions_researcharticle_live_preview")
    response = login(editor).post(url, {"title": "Nerve block outcomes", "slug": "nerve-block", "year": "2020"})
    assert response.status_code == 200 and "The preview appears once" in response.json()["html"]
