"""An administrator invites a new editor, who chooses a password and signs in; a deactivated person is told why."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from ..factories import PASSWORD, StaffUserFactory
from .helpers import TIMEOUT_MS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    return page


def test_an_invited_editor_chooses_a_password_and_signs_in(page, live_server, transactional_db):
    log_in(page, live_server.url, StaffUserFactory(role="Administrator"))
    page.goto(f"{live_server.url}/admin/auth/user/add/")
    page.fill("#id_username", "ayesha")
    page.fill("#id_email", "ayesha@clinic.example")
    page.get_by_role("checkbox", name=re.compile(r"Editor: writes and edits")).check()
    assert page.get_by_label("Send an invitation e-mail: they choose their own password").is_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("An invitation to choose a password was sent to ayesha@clinic.example").wait_for()
    page.context.clear_cookies()  # the administrator signs out; the new editor opens the e-mail

    path = re.search(r"https?://[^/\s]+(/reset/\S+)", mail.outbox[-1].body).group(1)  # the Site's domain in production
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_new_password1", "violet river stone path")
    page.fill("#id_new_password2", "violet river stone path")
    page.get_by_role("button", name=re.compile("Change my password|Set password|Reset password")).click()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "ayesha")
    page.fill("#id_password", "violet river stone path")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert User.objects.get(username="ayesha").is_staff


def test_a_deactivated_person_is_told_their_account_is_off(page, live_server, transactional_db):
    person = StaffUserFactory(role="Editor", is_active=False)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert "This account has been deactivated" in page.locator(".errornote").inner_text()
