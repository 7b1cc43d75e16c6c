"""The roles in the admin: editors write, medical reviewers publish, administrators manage accounts; no more."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conditions.models import Condition, Status

from ..factories import (
    ConditionFactory,
)
from ..helpers import (
    action_data,
    admin_form_data,
    admin_url,
    form_errors,
    message_texts,
    new_condition_data,
    offered_actions,
)

# --- Roles: Editor ---------------------------------------------------------------------------------------


def test_editor_can_add_a_condition(login, editor):
    client = login(editor)
    response = client.post(admin_url(Condition, "add"), new_condition_data(client))
    assert response.status_code == 302
    assert Condition.objects.filter(slug="failed-back-surgery-syndrome").exists()


def test_editor_may_only_save_a_draft_or_submit_it_for_review(login, editor):
    client = login(editor)
    response = client.get(admin_url(Condition, "add"))
    form = response.context["adminform"].form
    assert "status" not in form.fields and "published_at" not in form.fields  # no status drop-down to set
    buttons = [name for name, _label, _css in response.context["workflow_buttons"]]
    assert buttons == ["_save", "_submit"]
    assert 'name="_publish"' not in response.content.decode()


def test_editor_cannot_publish_a_new_condition_by_forging_the_status(login, editor):
    client = login(editor)
    past = timezone.localtime() - timedelta(days=1)
    data = new_condition_data(
        client,
        status="published",
        published_at_0=past.strftime("%Y-%m-%d"),
        published_at_1=past.strftime("%H:%M:%S"),
        _publish="1",
    )
    response = client.post(admin_url(Condition, "add"), data)
    assert "Only a medical reviewer can publish" in str(form_errors(response))
    assert not Condition.objects.filter(slug="failed-back-surgery-syndrome").exists()

    del data["_publish"]
    data["_submit"] = "1"
    assert client.post(admin_url(Condition, "add"), data).status_code == 302
    condition = Condition.objects.get(slug="failed-back-surgery-syndrome")
    assert condition.status == Status.REVIEW
    assert condition.published_at is None  # the forged date is ignored: the field is read-only for editors
    assert not Condition.objects.published().filter(pk=condition.pk).exists()


def test_editor_cannot_publish_an_existing_draft_through_the_form(login, editor):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None)
    client = login(editor)
    data = admin_form_data(client.get(admin_url(Condition, "change", condition.pk)), _publish="1")
    data["summary"] = "Edited by the editor."
    response = client.post(admin_url(Condition, "change", condition.pk), data)
    assert "Only a medical reviewer can publish" in str(form_errors(response))
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert condition.summary != "Edited by the editor."  # nothing saved; the editor's text is still in the form
    assert "Edited by the editor." in response.content.decode()


def test_editor_sees_a_published_condition_read_only(login, editor):
    condition = ConditionFactory()
    response = login(editor).get(admin_url(Condition, "change", condition.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert any("only a medical reviewer can change it" in text for text in message_texts(response))


def test_editor_cannot_change_a_published_condition(login, editor):
    condition = ConditionFactory(summary="Reviewed summary.")
    client = login(editor)
    data = admin_form_data(client.get(admin_url(Condition, "change", condition.pk)), summary="Unreviewed edit.")
    data |= {"name": condition.name, "slug": condition.slug, "body_region": condition.body_region}
    response = client.post(admin_url(Condition, "change", condition.pk), data)
    assert response.status_code == 403
    condition.refresh_from_db()
    assert condition.summary == "Reviewed summary."


def test_editor_cannot_set_review_dates(login, editor):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None)
    client = login(editor)
    data = admin_form_data(
        client.get(admin_url(Condition, "change", condition.pk)),
        last_reviewed="2026-01-05",
        next_review_due="2027-01-05",
        reviewed_by="Someone, MD",
    )
    client.post(admin_url(Condition, "change", condition.pk), data)
    condition.refresh_from_db()
    assert (condition.last_reviewed, condition.next_review_due, condition.signoff) == (None, None, None)


def test_editor_is_not_offered_the_publish_action(login, editor):
    ConditionFactory(status=Status.DRAFT, published_at=None)
    response = login(editor).get(admin_url(Condition, "changelist"))
    actions = offered_actions(response)
    assert "publish_selected" not in actions
    assert "unpublish_selected" not in actions


def test_editor_publish_action_post_is_refused(login, editor):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None)
    client = login(editor)
    response = client.post(admin_url(Condition, "changelist"), action_data("publish_selected", condition))
    assert response.status_code in {200, 302}
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT


def test_editor_cannot_delete_a_condition(login, editor):
    condition = ConditionFactory()
    response = login(editor).post(admin_url(Condition, "delete", condition.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Condition.objects.filter(pk=condition.pk).exists()


# --- Roles: Medical reviewer ------------------------------------------------------------------------------


def test_reviewer_can_publish_through_the_form(login, reviewer):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None)
    client = login(reviewer)
    data = admin_form_data(client.get(admin_url(Condition, "change", condition.pk)), _publish="1")
    response = client.post(admin_url(Condition, "change", condition.pk), data)
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == Status.PUBLISHED
    assert condition.published_at is not None
    assert condition.signoff.reviewer == reviewer and condition.signoff.content_digest
    assert Condition.objects.published().filter(pk=condition.pk).exists()


def test_reviewer_can_publish_a_new_condition(login, reviewer):
    client = login(reviewer)
    response = client.post(admin_url(Condition, "add"), new_condition_data(client, _publish="1"))
    assert response.status_code == 302
    assert Condition.objects.published().filter(slug="failed-back-surgery-syndrome").exists()


def test_reviewer_can_publish_with_the_bulk_action(login, reviewer):
    first = ConditionFactory(status=Status.DRAFT, published_at=None)
    second = ConditionFactory(status=Status.DRAFT, published_at=None)
    client = login(reviewer)
    confirmation = client.post(admin_url(Condition, "changelist"), action_data("publish_selected", first, second))
    assert confirmation.status_code == 200  # what goes online is shown before the sign-off
    response = client.post(admin_url(Condition, "changelist"), admin_form_data(confirmation, "action-confirmation"))
    assert response.status_code == 302
    assert set(Condition.objects.published().values_list("pk", flat=True)) == {first.pk, second.pk}
    assert "2 items published." in message_texts(response)


def test_reviewer_is_offered_the_publish_action(login, reviewer):
    response = login(reviewer).get(admin_url(Condition, "changelist"))
    actions = offered_actions(response)
    assert {"publish_selected", "unpublish_selected"} <= actions


def test_publish_action_refuses_a_condition_without_an_overview(login, reviewer):
    empty = ConditionFactory(name="Empty page", status=Status.DRAFT, published_at=None, overview="<p>&nbsp;</p>")
    ready = ConditionFactory(status=Status.DRAFT, published_at=None)
    client = login(reviewer)
    confirmation = client.post(admin_url(Condition, "changelist"), action_data("publish_selected", empty, ready))
    response = client.post(admin_url(Condition, "changelist"), admin_form_data(confirmation, "action-confirmation"))
    messages = message_texts(response)
    assert any("Empty page" in text and "not published" in text and "overview" in text for text in messages)
    empty.refresh_from_db()
    ready.refresh_from_db()
    assert empty.status == Status.DRAFT
    assert ready.status == Status.PUBLISHED


def test_unpublish_action_withdraws_a_page(login, reviewer):
    condition = ConditionFactory()
    client = login(reviewer)
    client.post(admin_url(Condition, "changelist"), action_data("unpublish_selected", condition))
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert not Condition.objects.published().filter(pk=condition.pk).exists()


def test_form_refuses_to_publish_a_condition_without_an_overview(login, reviewer):
    client = login(reviewer)
    data = new_condition_data(client, _publish="1", overview="<p>&nbsp;</p>")
    errors = form_errors(client.post(admin_url(Condition, "add"), data))
    assert "overview" in errors
    assert not Condition.objects.exists()


# --- Roles: accounts ----------------------------------------------------------------------------------------

ACCOUNT_URLS = [
    "admin:auth_user_changelist",
    "admin:auth_group_changelist",
    "admin:auth_user_add",
    "admin:auth_group_add",
]


@pytest.mark.parametrize("url_name", ACCOUNT_URLS)
@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_content_roles_cannot_open_user_and_group_admin(db, request, login, role, url_name):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_content_roles_cannot_edit_their_own_account(db, request, login, role):
    user = request.getfixturevalue(role)
    client = login(user)
    assert client.get(reverse("admin:auth_user_change", args=[user.pk])).status_code == 403


@pytest.mark.parametrize("url_name", ACCOUNT_URLS)
def test_administrator_can_manage_users_and_see_groups(login, administrator, url_name):
    # Only superusers define roles (tests/accounts/test_account_security.py); administrators read them.
    expected = 403 if url_name == "admin:auth_group_add" else 200
    assert login(administrator).get(reverse(url_name)).status_code == expected


def test_administrator_sees_conditions_read_only(login, administrator):
    condition = ConditionFactory()
    response = login(administrator).get(admin_url(Condition, "change", condition.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_administrator_cannot_change_a_condition(login, administrator):
    condition = ConditionFactory(summary="Original summary.")
    client = login(administrator)
    response = client.post(
        admin_url(Condition, "change", condition.pk),
        {"name": condition.name, "slug": condition.slug, "summary": "Changed.", "body_region": "neck", "_save": "Save"},
    )
    assert response.status_code == 403
    condition.refresh_from_db()
    assert condition.summary == "Original summary."


def test_administrator_cannot_add_a_condition(login, administrator):
    assert login(administrator).get(admin_url(Condition, "add")).status_code == 403


def test_administrator_cannot_publish_with_the_bulk_action(login, administrator):
    condition = ConditionFactory(status=Status.DRAFT, published_at=None)
    login(administrator).post(admin_url(Condition, "changelist"), action_data("publish_selected", condition))
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
