"""Nothing an editor does is lost: history, restore, recovery, edit conflicts, draft copies, old URLs."""

import html

import pytest
from django.contrib.redirects.models import Redirect
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from conditions.models import Condition, ConditionTreatment, Status

from ..factories import ConditionFactory, ConditionTreatmentFactory, StaffUserFactory, TreatmentFactory
from ..helpers import admin_form_data, admin_url, form_errors

pytestmark = pytest.mark.django_db


def save_through_admin(client, condition, **changes):
    data = admin_form_data(client.get(admin_url(Condition, "change", condition.pk)), **changes)
    return client.post(admin_url(Condition, "change", condition.pk), data)


def test_every_save_is_kept_as_a_revision_with_who_and_when(login, reviewer):
    condition = ConditionFactory(summary="First summary.")  # a save outside the admin counts too
    client = login(reviewer)
    assert save_through_admin(client, condition, summary="Second summary.").status_code == 302
    versions = list(Version.objects.get_for_object(condition).select_related("revision__user"))
    assert len(versions) == 2
    assert versions[0].field_dict["summary"] == "Second summary." and versions[0].revision.user == reviewer
    assert versions[1].field_dict["summary"] == "First summary."


def test_restoring_a_revision_brings_back_the_exact_old_text(login, reviewer):
    condition = ConditionFactory(overview="<p>The original <strong>overview</strong>.</p>")
    client = login(reviewer)
    save_through_admin(client, condition, overview="<p>A rewrite that lost nuance.</p>")
    original = Version.objects.get_for_object(condition).last()

    revision_url = reverse("admin:conditions_condition_revision", args=[condition.pk, original.pk])
    response = client.post(revision_url, admin_form_data(client.get(revision_url), "restore-form"))
    assert response.status_code == 302
    copy = Condition.objects.get(draft_of=condition)  # the live page is restored through its draft copy
    assert copy.overview == "<p>The original <strong>overview</strong>.</p>"
    compare = client.get(reverse("admin:conditions_condition_compare_live", args=[copy.pk]))
    client.post(
        reverse("admin:conditions_condition_publish_copy", args=[copy.pk]), admin_form_data(compare, "publish-copy")
    )
    condition.refresh_from_db()
    assert condition.overview == "<p>The original <strong>overview</strong>.</p>"


def test_history_page_lists_versions_and_compares_two_of_them(login, reviewer):
    condition = ConditionFactory(summary="Pain after spine surgery.")
    client = login(reviewer)
    save_through_admin(client, condition, summary="Lasting pain after spine surgery.")
    history = client.get(reverse("admin:conditions_condition_history", args=[condition.pk]))
    assert history.status_code == 200
    newer, older = [row["version"] for row in history.context["version_rows"]]

    compare = client.get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]), {"from": older.pk, "to": newer.pk}
    )
    assert compare.status_code == 200
    assert "<ins>Lasting pain</ins>" in compare.content.decode() or "<ins>Lasting</ins>" in compare.content.decode()
    assert [change.label for change in compare.context["changes"]] == ["Summary"]


def test_a_deleted_page_can_be_recovered_from_the_admin(login, reviewer):
    condition = ConditionFactory(name="Occipital neuralgia", slug="occipital-neuralgia")
    client = login(reviewer)
    delete_url = admin_url(Condition, "delete", condition.pk)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Condition.objects.filter(slug="occipital-neuralgia").exists()

    recover_list = client.get(reverse("admin:conditions_condition_recoverlist"))
    assert "Occipital neuralgia" in recover_list.content.decode()
    version = Version.objects.get_deleted(Condition).get()
    recover_url = reverse("admin:conditions_condition_recover", args=[version.pk])
    assert client.post(recover_url, admin_form_data(client.get(recover_url), "restore-form")).status_code == 302
    recovered = Condition.objects.get(slug="occipital-neuralgia")
    assert recovered.name == "Occipital neuralgia" and recovered.status == Status.DRAFT  # a reviewer publishes it


def test_a_stale_save_from_a_second_editor_is_refused_and_shows_what_changed(client, django_user_model):
    """Two real sessions open the same page; the second save must not silently overwrite the first."""
    condition = ConditionFactory(status=Status.DRAFT, summary="Pain that continues after surgery.")
    first, second = Client(), Client()
    first.force_login(StaffUserFactory(role="Editor", username="amira"))
    second.force_login(StaffUserFactory(role="Editor", username="ben"))
    first_form = admin_form_data(first.get(admin_url(Condition, "change", condition.pk)))
    second_form = admin_form_data(second.get(admin_url(Condition, "change", condition.pk)))

    first_form["summary"] = "Amira's careful wording."
    assert first.post(admin_url(Condition, "change", condition.pk), first_form).status_code == 302

    second_form["symptoms"] = "<ul><li>Ben's new symptom list</li></ul>"
    refused = second.post(admin_url(Condition, "change", condition.pk), second_form)
    errors = form_errors(refused)
    message = str(errors["__all__"][0])
    assert "Not saved: amira saved this page" in message
    assert "Amira" in message and "careful wording" in message  # what the other editor changed
    condition.refresh_from_db()
    assert condition.summary == "Amira's careful wording."  # the first save survives
    assert "Ben's new symptom list" in html.unescape(refused.content.decode())  # still in the form

    # Having seen the differences, saving again is a deliberate choice and goes through.
    again = admin_form_data(refused)
    assert second.post(admin_url(Condition, "change", condition.pk), again).status_code == 302
    condition.refresh_from_db()
    assert "Ben's new symptom list" in condition.symptoms


def test_deleting_a_treatment_that_pages_use_names_those_pages(login, reviewer):
    treatment = TreatmentFactory(name="Spinal cord stimulation")
    ConditionTreatmentFactory(treatment=treatment, condition=ConditionFactory(name="Post Laminectomy Syndrome"))
    response = login(reviewer).post(admin_url(type(treatment), "delete", treatment.pk), {"post": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Post Laminectomy Syndrome" in page and "protected" in page
    assert type(treatment).objects.filter(pk=treatment.pk).exists()


def test_editors_change_a_live_page_through_a_draft_copy_that_a_reviewer_compares_and_publishes(
    login, editor, reviewer
):
    patient = Client()
    live = ConditionFactory(name="Sciatica", slug="sciatica", summary="Leg pain from a pinched nerve.")
    ConditionTreatmentFactory(condition=live, treatment=TreatmentFactory(name="Physical therapy"))
    editor_client = login(editor)

    response = editor_client.post(reverse("admin:conditions_condition_draft_copy", args=[live.pk]))
    copy = Condition.objects.get(draft_of=live)
    assert response.url == admin_url(Condition, "change", copy.pk)
    assert copy.status == Status.DRAFT and copy.condition_treatments.count() == 1
    assert (
        save_through_admin(editor_client, copy, summary="Leg pain caused by an irritated nerve root.").status_code
        == 302
    )

    # Patients still read the live text.
    assert "Leg pain from a pinched nerve." in patient.get("/conditions/sciatica/").content.decode()
    assert patient.get(copy.get_absolute_url()).status_code == 404

    reviewer_client = login(reviewer)
    compare = reviewer_client.get(reverse("admin:conditions_condition_compare_live", args=[copy.pk]))
    assert [change.label for change in compare.context["changes"]] == ["Summary"]
    assert compare.context["can_publish_copy"]

    publish_form = admin_form_data(compare, "publish-copy")
    assert (
        reviewer_client.post(
            reverse("admin:conditions_condition_publish_copy", args=[copy.pk]), publish_form
        ).status_code
        == 302
    )
    live.refresh_from_db()
    assert live.summary == "Leg pain caused by an irritated nerve root." and live.slug == "sciatica"
    assert not Condition.objects.filter(draft_of=live).exists()
    assert ConditionTreatment.objects.filter(condition=live).count() == 1
    assert "irritated nerve root" in patient.get("/conditions/sciatica/").content.decode()


def test_editors_cannot_publish_a_draft_copy(login, editor):
    copy = ConditionFactory().make_draft_copy()
    response = login(editor).post(reverse("admin:conditions_condition_publish_copy", args=[copy.pk]))
    assert response.status_code == 403


def test_renaming_a_published_page_keeps_the_old_address_with_a_301(client, login, reviewer):
    condition = ConditionFactory(slug="failed-back-syndrome")
    assert save_through_admin(login(reviewer), condition, slug="post-laminectomy-syndrome").status_code == 302
    client.logout()
    response = client.get("/conditions/failed-back-syndrome/")
    assert response.status_code == 301 and response["Location"] == "/conditions/post-laminectomy-syndrome/"

    # Renamed again: the first address goes straight to the newest one, never through a chain.
    condition.refresh_from_db()
    condition.slug = "failed-back-surgery-syndrome"
    condition.save()
    assert client.get("/conditions/failed-back-syndrome/")["Location"] == "/conditions/failed-back-surgery-syndrome/"
    assert Redirect.objects.count() == 2


def test_renaming_a_draft_creates_no_redirect():
    condition = ConditionFactory(status=Status.DRAFT, slug="old-draft")
    condition.slug = "new-draft"
    condition.save()
    assert not Redirect.objects.exists()
