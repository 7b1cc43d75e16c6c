"""Issue 10, replayed through HTTP as a browser does (the admin's real forms, CSRF enforced): nothing reaches patients
unreviewed, and nothing an editor types is lost. Each test is one observed bypass or loss."""

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from clinic.backup import create_backup, read_archive
from conditions.models import Condition, ConditionArticle, ResearchArticle, Status
from conditions.previews import make_token
from conditions.publishing import publish

from ..factories import (
    ConditionArticleFactory,
    ConditionFactory,
    ResearchArticleFactory,
    StaffUserFactory,
    TreatmentFactory,
)
from ..helpers import action_data, admin_form_data, admin_url, browser_client, csrf_token_from, press

pytestmark = pytest.mark.django_db


def public(path):
    return Client().get(path)


def changelist_action(client, model, action, *objects):
    """Tick `objects` on the list and run `action`, as a reviewer does (one request: one revision for all)."""
    changelist = admin_url(model, "changelist")
    token = csrf_token_from(client.get(changelist))
    return client.post(changelist, {"csrfmiddlewaretoken": token, **action_data(action, *objects)})


def confirm_action(client, response):
    """Press the confirmation button of an action's intermediate page (publish / mark reviewed)."""
    if response.status_code == 302:  # (the old admin published without a confirmation page)
        return response
    return client.post(response.wsgi_request.path, admin_form_data(response, form_id="action-confirmation"))


def _form_fields(page):
    """Whatever form the page shows (the old restore page was the change form), as a browser would post it."""
    for form_id in ("restore-form", "condition_form"):
        try:
            return admin_form_data(page, form_id=form_id)
        except AssertionError:
            continue
    return {}


def save(client, obj, button="_save", **changes):
    url = admin_url(type(obj), "change", obj.pk)
    return client.post(url, admin_form_data(client.get(url), **{**changes, button: "1"}))


# --- 1. History restore and recover across objects ------------------------------------------------------


def test_restoring_a_batch_revision_never_brings_back_another_page_of_the_batch(reviewer, editor):
    """Two pages published in one action share a revision; restoring one must not republish the other."""
    first = ConditionFactory(status=Status.REVIEW, slug="first")
    second = ConditionFactory(status=Status.REVIEW, slug="second")
    reviewer_client = browser_client(reviewer)
    confirm_action(reviewer_client, changelist_action(reviewer_client, Condition, "publish_selected", first, second))
    assert public("/conditions/second/").status_code == 200
    changelist_action(reviewer_client, Condition, "unpublish_selected", second)
    assert public("/conditions/second/").status_code == 404

    batch = Version.objects.get_for_object(first).filter(revision__version__object_id=str(second.pk)).first()
    assert batch is not None, "the publish action saved both pages in one revision"
    client = browser_client(editor)
    url = reverse("admin:conditions_condition_revision", args=[first.pk, batch.pk])
    page = client.get(url)
    assert page.status_code == 200
    client.post(url, {"csrfmiddlewaretoken": csrf_token_from(page), **_form_fields(page)})

    assert public("/conditions/second/").status_code == 404
    second.refresh_from_db()
    assert second.status == Status.DRAFT


def test_a_version_of_another_model_cannot_be_restored_through_a_page_url(reviewer, editor):
    """`/condition/<pk>/history/<version of a Treatment>/` must not revert the treatment."""
    condition = ConditionFactory()
    # A treatment whose primary key equals the condition's, so its versions carry the same object id.
    treatment = TreatmentFactory(id=condition.pk, slug="nerve-block")
    treatment_version = Version.objects.get_for_object(treatment).first()
    assert treatment_version.field_dict["status"] == Status.PUBLISHED
    treatment.status = Status.DRAFT  # withdrawn
    treatment.save()
    assert public("/treatments/nerve-block/").status_code == 404

    client = browser_client(editor)
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, treatment_version.pk])
    response = client.get(url)
    assert response.status_code == 404
    client.post(url, {"csrfmiddlewaretoken": csrf_token_from(client.get(admin_url(Condition, "changelist")))})
    assert public("/treatments/nerve-block/").status_code == 404


def test_recover_only_takes_a_deleted_page_of_its_own_model_and_gives_a_draft(reviewer, editor):
    treatment = TreatmentFactory(slug="withdrawn-treatment")
    live_version = Version.objects.get_for_object(treatment).first()
    treatment.status = Status.DRAFT
    treatment.save()
    condition = ConditionFactory(slug="deleted-page")
    browser_client(reviewer)  # the reviewer deletes the live page
    press(
        browser_client(reviewer),
        admin_url(Condition, "delete", condition.pk),
        admin_url(Condition, "delete", condition.pk),
        {"post": "yes"},
    )
    assert not Condition.objects.filter(slug="deleted-page").exists()
    client = browser_client(editor)

    # A version of a (not deleted) treatment through the conditions' recover URL: refused, nothing reverted.
    wrong = reverse("admin:conditions_condition_recover", args=[live_version.pk])
    assert client.get(wrong).status_code == 404
    client.post(wrong, {"csrfmiddlewaretoken": csrf_token_from(client.get(admin_url(Condition, "changelist")))})
    assert public("/treatments/withdrawn-treatment/").status_code == 404

    # The deleted condition itself comes back, as a draft: an editor never puts a page back online.
    deleted = Version.objects.get_deleted(Condition).get()
    url = reverse("admin:conditions_condition_recover", args=[deleted.pk])
    response = client.post(url, _form_fields(client.get(url)))
    assert response.status_code == 302
    recovered = Condition.objects.get(slug="deleted-page")
    assert recovered.status == Status.DRAFT
    assert public("/conditions/deleted-page/").status_code == 404
    comment = Version.objects.get_for_object(recovered).select_related("revision").first().revision.get_comment()
    assert "Recovered" in comment and editor.username in comment or editor.get_username() in comment


def test_restoring_an_old_version_of_a_live_page_gives_a_draft_copy_and_is_recorded(reviewer, editor):
    condition = ConditionFactory(slug="sciatica", summary="The reviewed wording.")
    condition.summary = "An older, withdrawn wording."
    condition.status = Status.DRAFT
    condition.save()
    old = Version.objects.get_for_object(condition).first()
    condition.summary = "The reviewed wording."
    condition.save()
    # (published again by a reviewer)

    publish(condition, reviewer)
    client = browser_client(editor)
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, old.pk])
    response = client.post(url, _form_fields(client.get(url)))
    assert response.status_code == 302
    assert "The reviewed wording." in public("/conditions/sciatica/").content.decode()
    copy = Condition.objects.get(draft_of=condition)
    assert copy.summary == "An older, withdrawn wording." and copy.status == Status.DRAFT
    comment = Version.objects.get_for_object(copy).select_related("revision").first().revision.get_comment()
    assert f"version {old.pk}" in comment.lower() or f"#{old.pk}" in comment


# --- 2. Comparisons show links, images and related items ---------------------------------------------------


def test_comparing_a_draft_copy_shows_a_changed_link_address(reviewer):
    live = ConditionFactory(overview='<p>See <a href="https://clinic.example/help">our help page</a>.</p>')
    copy = live.make_draft_copy()
    copy.overview = '<p>See <a href="https://phishing.example/login">our help page</a>.</p>'
    copy.save()
    page = browser_client(reviewer).get(reverse("admin:conditions_condition_compare_live", args=[copy.pk]))
    text = html.unescape(page.content.decode())
    assert "No differences" not in text
    assert "phishing.example/login" in text and "clinic.example/help" in text


def test_comparing_revisions_shows_a_changed_image_and_alt_text(reviewer):
    condition = ConditionFactory(overview='<p><img src="/media/editor/a.png" alt="A spine"></p>')
    first = Version.objects.get_for_object(condition).first()
    condition.overview = '<p><img src="/media/editor/b.png" alt="A knee"></p>'
    condition.save()
    second = Version.objects.get_for_object(condition).first()
    page = browser_client(reviewer).get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]), {"from": first.pk, "to": second.pk}
    )
    text = html.unescape(page.content.decode())
    assert "No differences" not in text
    assert "b.png" in text and "knee" in text and "a.png" in text


def test_comparing_revisions_shows_changed_treatments_their_order_and_notes(reviewer):
    condition = ConditionFactory()
    first_treatment, second_treatment = TreatmentFactory(name="Nerve block"), TreatmentFactory(name="Surgery")
    client = browser_client(reviewer)
    url = admin_url(Condition, "change", condition.pk)
    data = admin_form_data(client.get(url))
    data.update(
        {
            "condition_treatments-TOTAL_FORMS": "2",
            "condition_treatments-0-treatment": str(first_treatment.pk),
            "condition_treatments-0-position": "0",
            "condition_treatments-0-note": "First choice.",
            "condition_treatments-1-treatment": str(second_treatment.pk),
            "condition_treatments-1-position": "1",
            "condition_treatments-1-note": "",
        }
    )
    assert client.post(url, data).status_code == 302
    data = admin_form_data(client.get(url))
    data["condition_treatments-0-note"] = "Only after six weeks."
    assert client.post(url, data).status_code == 302
    newer, older = list(Version.objects.get_for_object(condition))[:2]
    page = client.get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]), {"from": older.pk, "to": newer.pk}
    )
    text = html.unescape(page.content.decode())
    assert "No differences" not in text and "Only after six weeks." in text


def test_the_edit_conflict_message_shows_a_changed_link(editor):
    condition = ConditionFactory(status=Status.DRAFT, overview='<p><a href="https://a.example/">Help</a></p>')
    other = StaffUserFactory(role="Editor")
    first, second = browser_client(editor), browser_client(other)
    url = admin_url(Condition, "change", condition.pk)
    first_form, second_form = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    first_form["overview"] = '<p><a href="https://phishing.example/">Help</a></p>'
    assert first.post(url, first_form).status_code == 302
    second_form["summary"] = "A new summary."
    refused = second.post(url, second_form)
    assert refused.status_code == 200
    assert "phishing.example" in html.unescape(str(refused.context["adminform"].form.errors["__all__"]))


# --- 3. Publish what you saw -----------------------------------------------------------------------------


def test_publishing_a_copy_that_changed_after_the_comparison_is_refused_with_the_new_differences(editor, reviewer):
    live = ConditionFactory(slug="knee", summary="Reviewed summary.")
    copy = live.make_draft_copy(editor)
    copy.summary = "Edited summary the reviewer read."
    copy.save()
    reviewer_client = browser_client(reviewer)
    compare = reviewer_client.get(reverse("admin:conditions_condition_compare_live", args=[copy.pk]))
    publish_form = admin_form_data(compare, form_id="publish-copy")

    # Meanwhile the editor changes the copy.
    copy.refresh_from_db()
    copy.summary = "Unreviewed text slipped in later."
    copy.save()

    response = reviewer_client.post(reverse("admin:conditions_condition_publish_copy", args=[copy.pk]), publish_form)
    assert "Unreviewed text" not in public("/conditions/knee/").content.decode()
    live.refresh_from_db()
    assert live.summary == "Reviewed summary."
    assert response.status_code == 200
    assert "Unreviewed text slipped in later." in html.unescape(response.content.decode())


# --- 4. A draft copy never becomes a page of its own ---------------------------------------------------------


def test_a_draft_copy_set_to_published_on_its_own_form_never_becomes_a_second_public_page(reviewer):
    live = ConditionFactory(slug="sciatica", summary="Live summary.")
    copy = live.make_draft_copy()
    client = browser_client(reviewer)
    save(client, copy, status=Status.PUBLISHED, summary="Copy summary.")  # a forged or old-style status
    assert public(f"/conditions/{copy.slug}/").status_code == 404
    assert public("/conditions/sciatica/").status_code == 200
    assert Condition.objects.published().filter(draft_of__isnull=False).count() == 0

    # Publishing from the copy's own form merges it onto the live page, at the live address.
    copy.refresh_from_db()
    response = save(client, copy, button="_publish")
    assert response.status_code == 302
    assert "Copy summary." in public("/conditions/sciatica/").content.decode()
    assert not Condition.objects.filter(draft_of=live).exists()


# --- 5. Importing citations into a live sidebar --------------------------------------------------------------

RIS = b"""TY  - JOUR
TI  - Spinal cord stimulation after spine surgery
AU  - Kumar, Krishna
PY  - 2007
JO  - Pain
DO  - 10.1016/j.pain.2007.07.028
ER  -
"""


def test_an_editors_citation_import_changes_a_draft_copy_of_a_live_sidebar_not_the_live_page(
    editor, settings, tmp_path
):
    settings.CITATION_IMPORT_DIR = tmp_path
    condition = ConditionFactory(slug="post-laminectomy")
    ResearchArticleFactory(title="Spinal cord stimulation after spine surgery", doi="10.1016/j.pain.2007.07.028")
    client = browser_client(editor)
    url = reverse("admin:conditions_researcharticle_import")
    token = csrf_token_from(client.get(url))

    preview = client.post(
        url,
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("kumar.ris", RIS), "conditions": [condition.pk]},
    )
    assert preview.status_code == 200
    client.post(url, {"csrfmiddlewaretoken": token, "confirm": "1", "token": preview.context["token"]})

    assert "Spinal cord stimulation after spine surgery" not in public("/conditions/post-laminectomy/").content.decode()
    assert not ConditionArticle.objects.filter(condition=condition).exists()
    copy = Condition.objects.get(draft_of=condition)
    assert copy.condition_articles.filter(article__doi="10.1016/j.pain.2007.07.028").exists()


# --- 7. An edit conflict never loses the second editor's text ------------------------------------------------


def test_an_edit_conflict_on_a_page_with_an_owner_keeps_the_second_editors_text(editor):
    other = StaffUserFactory(role="Editor", username="ben")
    client = browser_client(editor)
    add = admin_url(Condition, "add")
    data = admin_form_data(
        client.get(add),
        name="Occipital neuralgia",
        slug="occipital-neuralgia",
        summary="Head pain from the occipital nerves.",
        body_region="head-face",
        overview="<p>Overview.</p>",
    )
    assert client.post(add, data).status_code == 302
    condition = Condition.objects.get(slug="occipital-neuralgia")
    assert condition.owner == editor
    url = admin_url(Condition, "change", condition.pk)
    second = browser_client(other)
    first_form, second_form = admin_form_data(client.get(url)), admin_form_data(second.get(url))
    first_form["summary"] = "Amira's summary."
    assert client.post(url, first_form).status_code == 302
    second_form["symptoms"] = "<p>Ben's long list of symptoms.</p>"
    refused = second.post(url, second_form)
    assert refused.status_code == 200
    assert "Ben's long list of symptoms." in html.unescape(refused.content.decode())
    again = second.post(url, admin_form_data(refused))
    assert again.status_code == 302
    condition.refresh_from_db()
    assert "Ben's long list" in condition.symptoms


# --- 11. A draft copy of an article with a DOI or PubMed ID ---------------------------------------------------


def test_a_draft_copy_of_an_article_with_a_doi_and_pmid_opens(editor):
    article = ResearchArticleFactory(doi="10.1111/papr.12035", pmid="23374545")
    ConditionArticleFactory(article=article)
    client = browser_client(editor)
    response = press(
        client, admin_url(ResearchArticle, "change", article.pk), admin_url(ResearchArticle, "draft_copy", article.pk)
    )
    assert response.status_code == 302
    copy = ResearchArticle.objects.get(draft_of=article)
    assert copy.doi == "10.1111/papr.12035" and copy.pmid == "23374545"


# --- The sign-off record ---------------------------------------------------------------------------------------


def test_the_database_refuses_a_published_page_without_a_sign_off_and_a_published_draft_copy():
    draft = ConditionFactory(status=Status.DRAFT, published_at=None)
    draft.status = Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()
    live = ConditionFactory()
    copy = live.make_draft_copy()
    with pytest.raises(IntegrityError), transaction.atomic():
        Condition.objects.filter(pk=copy.pk).update(status=Status.PUBLISHED, signoff=live.signoff)


def test_sign_offs_are_append_only_and_kept_in_backups(tmp_path):
    page = ConditionFactory()
    signoff = page.signoff
    with pytest.raises(ValueError):
        signoff.note = "changed"
        signoff.save()
    with pytest.raises(ValueError):
        signoff.delete()
    archive = tmp_path / "site.tar.gz"
    create_backup(archive)
    _manifest, data, _media = read_archive(archive)
    rows = json.loads(data["data/site.clinicjson"])
    kept = [row for row in rows if row["model"] == "conditions.signoff"]
    assert [row["fields"]["reviewer_name"] for row in kept] == ["Arif Hussain"]


def test_a_revoked_preview_link_stops_working(editor):
    draft = ConditionFactory(status=Status.DRAFT, published_at=None, slug="draft-page")
    link = reverse("conditions:preview", kwargs={"token": make_token(draft)})
    assert public(link).status_code == 200
    client = browser_client(editor)
    change = admin_url(Condition, "change", draft.pk)
    assert (
        press(client, change, reverse("admin:conditions_condition_preview_revoke", args=[draft.pk])).status_code == 302
    )
    assert public(link).status_code == 410
    draft.refresh_from_db()
    assert public(reverse("conditions:preview", kwargs={"token": make_token(draft)})).status_code == 200
