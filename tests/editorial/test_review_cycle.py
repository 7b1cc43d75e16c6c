"""The medical review cycle: submit for review, the reviewers' queue, review dates, reminders, preview links."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions.models import Condition, Status, Treatment, add_months
from conditions.previews import make_token

from ..factories import ConditionFactory, StaffUserFactory, TreatmentFactory
from ..helpers import admin_form_data, new_condition_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_an_editor_submits_drafts_for_review_and_reviewers_find_them_in_their_queue(login, editor, reviewer):
    draft = ConditionFactory(status=Status.DRAFT, name="Piriformis syndrome")
    response = login(editor).post(
        "/admin/conditions/condition/", {"action": "submit_for_review", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW and not Condition.objects.published().filter(pk=draft.pk).exists()

    client = login(reviewer)
    queue = client.get("/admin/conditions/condition/", {"status__exact": "review"})
    assert list(queue.context["cl"].result_list) == [draft]
    panel = client.get("/admin/").content.decode()
    assert "1 page waiting for review" in panel and "Piriformis syndrome" in panel


def test_the_admin_home_shows_overdue_and_due_soon_reviews(login, reviewer):
    ConditionFactory(name="Overdue page", last_reviewed=TODAY - timedelta(days=400),
                     next_review_due=TODAY - timedelta(days=35), reviewed_by="A")  # fmt: skip
    TreatmentFactory(name="Due soon page", last_reviewed=TODAY - timedelta(days=350),
                     next_review_due=TODAY + timedelta(days=15), reviewed_by="A")  # fmt: skip
    ConditionFactory(name="Fine page", last_reviewed=TODAY, reviewed_by="A")
    panel = login(reviewer).get("/admin/").content.decode()
    assert "1 review overdue" in panel and "Overdue page" in panel
    assert "1 review due within 30 days" in panel and "Due soon page" in panel
    assert "Fine page" not in panel[panel.index("review-panel") : panel.index("</table>")]


@pytest.mark.parametrize(("value", "expected"), [("overdue", ["Overdue"]), ("due-soon", ["Soon"])])
def test_review_filters(login, reviewer, value, expected):
    ConditionFactory(name="Overdue", next_review_due=TODAY - timedelta(days=1))
    ConditionFactory(name="Soon", next_review_due=TODAY + timedelta(days=10))
    ConditionFactory(name="Later", next_review_due=TODAY + timedelta(days=200))
    response = login(reviewer).get("/admin/conditions/condition/", {"review": value})
    assert [c.name for c in response.context["cl"].result_list] == expected


def test_next_review_defaults_to_twelve_months_after_the_review(settings):
    condition = ConditionFactory(last_reviewed=date(2026, 2, 28), reviewed_by="Arif Hussain, DO")
    assert condition.next_review_due == date(2027, 2, 28)
    settings.REVIEW_INTERVAL_MONTHS = 6
    treatment = TreatmentFactory(last_reviewed=date(2026, 8, 31), reviewed_by="Arif Hussain, DO")
    assert treatment.next_review_due == date(2027, 2, 28)


def test_add_months_handles_month_ends():
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_marking_pages_reviewed_is_one_action_recorded_in_history(login, reviewer, editor):
    reviewer.first_name, reviewer.last_name = "Arif", "Hussain, DO"
    reviewer.save()
    page = ConditionFactory(last_reviewed=TODAY - timedelta(days=400), reviewed_by="Someone",
                            next_review_due=TODAY - timedelta(days=35))  # fmt: skip
    changelist = "/admin/conditions/condition/"
    client = login(reviewer)
    confirmation = client.post(changelist, {"action": "mark_reviewed", "_selected_action": [page.pk], "index": "0"})
    assert confirmation.status_code == 200  # the reviewer confirms what they sign off
    assert client.post(changelist, admin_form_data(confirmation, "action-confirmation")).status_code == 302
    page.refresh_from_db()
    assert page.last_reviewed == TODAY and page.reviewed_by == "Arif Hussain, DO"
    assert page.next_review_due == add_months(TODAY, 12)
    assert page.signoff.reviewer == reviewer
    latest = Version.objects.get_for_object(page).first()
    assert "Medically reviewed and signed off by Arif Hussain, DO" in latest.revision.get_comment()

    # Editors are not offered the action, and posting it anyway changes nothing.
    other = ConditionFactory(status=Status.DRAFT, last_reviewed=None)
    login(editor).post(changelist, {"action": "mark_reviewed", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.last_reviewed is None


def test_the_public_page_shows_the_review_line(client):
    page = ConditionFactory(last_reviewed=date(2026, 1, 12), reviewed_by="Arif Hussain, DO")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "Last reviewed 12 January 2026 by Arif Hussain, DO." in html and "Next review due 12 January 2027." in html


def run_review_due(*args):
    out = StringIO()
    try:
        call_command("review_due", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def test_review_due_lists_overdue_pages_and_exits_non_zero():
    ConditionFactory(name="Overdue condition", next_review_due=TODAY - timedelta(days=3))
    TreatmentFactory(name="Soon treatment", next_review_due=TODAY + timedelta(days=20))
    ConditionFactory(name="Draft overdue", status=Status.DRAFT, next_review_due=TODAY - timedelta(days=3))
    code, out, error = run_review_due()
    assert code == 1 and "1 page(s) overdue" in error
    assert "OVERDUE" in out and "Overdue condition" in out
    assert "DUE SOON" in out and "Soon treatment" in out
    assert "Draft overdue" not in out  # only published pages have a review cycle


def test_review_due_exits_zero_when_nothing_is_overdue():
    ConditionFactory(next_review_due=TODAY + timedelta(days=100))
    code, out, _error = run_review_due()
    assert code == 0 and "0 overdue" in out


def test_reminders_go_to_owners_before_the_due_date_and_to_reviewers_once_overdue():
    owner = StaffUserFactory(role="Editor", email="owner@clinic.example")
    StaffUserFactory(role="Medical reviewer", email="reviewer@clinic.example")
    ConditionFactory(name="Due in 30 days", owner=owner, next_review_due=TODAY + timedelta(days=30))
    ConditionFactory(name="Overdue page", owner=owner, next_review_due=TODAY - timedelta(days=1))

    run_review_due("--send-reminders")
    assert sorted(message.to[0] for message in mail.outbox) == ["owner@clinic.example", "reviewer@clinic.example"]
    owner_mail = next(m for m in mail.outbox if m.to == ["owner@clinic.example"])
    assert "Due in 30 days" in owner_mail.subject
    reviewer_mail = next(m for m in mail.outbox if m.to == ["reviewer@clinic.example"])
    assert "Overdue page" in reviewer_mail.body

    run_review_due("--send-reminders")  # tomorrow's cron run: nothing new to say
    assert len(mail.outbox) == 2


def test_a_signed_preview_link_shows_a_draft_to_someone_without_an_account():
    draft = ConditionFactory(status=Status.DRAFT, name="Draft for the visiting physician")
    visitor = Client()
    url = reverse("conditions:preview", kwargs={"token": make_token(draft)})
    response = visitor.get(url)
    assert response.status_code == 200 and "Draft for the visiting physician" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex, nofollow"
    assert visitor.get(draft.get_absolute_url()).status_code == 404  # the public URL stays closed


def test_a_forged_or_expired_preview_link_does_not_open(settings):
    draft = TreatmentFactory(status=Status.DRAFT)
    token = make_token(draft)
    visitor = Client()
    assert visitor.get(reverse("conditions:preview", kwargs={"token": token + "x"})).status_code == 404
    assert visitor.get(reverse("conditions:preview", kwargs={"token": "treatment:1:abc"})).status_code == 404
    settings.PREVIEW_LINK_MAX_AGE_DAYS = -1
    expired = visitor.get(reverse("conditions:preview", kwargs={"token": token}))
    assert expired.status_code == 410 and "expired" in expired.content.decode()


def test_staff_get_a_preview_link_from_the_admin(login, editor):
    draft = TreatmentFactory(status=Status.DRAFT)
    response = login(editor).get(reverse("admin:conditions_treatment_preview_link", args=[draft.pk]), follow=True)
    message = next(str(m) for m in response.context["messages"])
    link = message[message.index("http") : message.index("'>")]
    assert Client().get(link).status_code == 200


def test_new_pages_are_owned_by_their_author(login, editor):
    client = login(editor)
    assert client.post("/admin/conditions/condition/add/", new_condition_data(client)).status_code == 302
    assert Condition.objects.get().owner == editor
    assert Treatment.objects.count() == 0
