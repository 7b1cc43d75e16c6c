"""The review workflow in Chromium, as the clinic's staff use it: the buttons in the bar that stays in view, a
reviewer's request for changes that the editor reads, and the sign-off that patients see on the page."""

import pytest
from django.core import mail

from clinicians.models import Clinician
from conditions.models import Condition, Status

from ..factories import ConditionFactory, StaffUserFactory
from .helpers import TIMEOUT_MS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    return page


def bar_button(page, name):
    return page.locator(".workflow-bar-sticky").get_by_role("button", name=name, exact=True)


def test_submit_request_changes_resubmit_and_sign_off(page, live_server, settings):
    editor = StaffUserFactory(role="Editor", username="amira", email="amira@clinic.example")
    reviewer = StaffUserFactory(role="Medical reviewer", username="drhussain", email="hussain@clinic.example")
    Clinician.objects.create(user=reviewer, name="Arif Hussain", credentials="DO")
    draft = ConditionFactory(status=Status.DRAFT, published_at=None, owner=editor, name="Piriformis syndrome",
                             slug="piriformis-syndrome")  # fmt: skip
    change_url = f"{live_server.url}/admin/conditions/condition/{draft.pk}/change/"

    # The editor scrolls to the bottom of the long form: the workflow bar is still on screen.
    log_in(page, live_server.url, editor)
    page.goto(change_url)
    page.mouse.wheel(0, 20_000)
    page.wait_for_timeout(200)
    submit = bar_button(page, "Submit for review")
    assert submit.is_visible()
    box = submit.bounding_box()
    assert box is not None and 0 <= box["y"] <= page.viewport_size["height"]
    assert bar_button(page, "Sign off and publish").count() == 0  # an editor cannot publish
    submit.click()
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert [message.to for message in mail.outbox] == [["hussain@clinic.example"]]  # reviewers are told

    # The reviewer sends it back with a comment.
    page.context.clear_cookies()
    log_in(page, live_server.url, reviewer)
    page.goto(change_url)
    page.locator("details.request-changes summary").click()
    page.fill("#id_review_comment", "Please say when sitting pain needs a doctor.")
    page.get_by_role("button", name="Send back to the editor").click()
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert mail.outbox[-1].to == ["amira@clinic.example"]

    # The editor reads it on the page, fixes the text and submits again.
    page.context.clear_cookies()
    log_in(page, live_server.url, editor)
    page.goto(change_url)
    assert "Please say when sitting pain needs a doctor." in page.locator(".change-request").inner_text()
    page.fill("#id_summary", "Buttock pain from a tight piriformis muscle; see a doctor if sitting hurts for weeks.")
    bar_button(page, "Submit for review").click()
    page.wait_for_load_state()

    # The reviewer signs it off: the page is live, with the reviewer's name and credentials from their profile.
    page.context.clear_cookies()
    log_in(page, live_server.url, reviewer)
    page.goto(change_url)
    assert page.locator(".change-request").count() == 0  # resolved by the new submission
    bar_button(page, "Sign off and publish").click()
    page.wait_for_url(f"{live_server.url}/admin/conditions/condition/", timeout=TIMEOUT_MS)
    condition = Condition.objects.get(pk=draft.pk)
    assert condition.status == Status.PUBLISHED
    assert condition.signoff.reviewer == reviewer and condition.signoff.reviewer_line == "Arif Hussain, DO"

    page.goto(f"{live_server.url}/admin/conditions/condition/{draft.pk}/history/")
    assert "Arif Hussain, DO" in page.locator("#sign-offs").inner_text()

    visitor = page.context.browser.new_context()
    try:
        public = visitor.new_page()
        public.goto(f"{live_server.url}/conditions/piriformis-syndrome/")
        assert "by Arif Hussain, DO" in public.locator(".review-line").inner_text()
    finally:
        visitor.close()
