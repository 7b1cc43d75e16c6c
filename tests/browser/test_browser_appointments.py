"""A patient without JavaScript requests an appointment in Chromium: the form works as plain HTML."""

import pytest
from django.core.management import call_command

from practice.models import AppointmentRequest, Location

from .helpers import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_without_javascript_requests_an_appointment(browser, live_server, transactional_db):
    call_command("load_demo_content", verbosity=0)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/conditions/post-laminectomy-syndrome/")
    page.get_by_role("link", name="Request an appointment").last.click()
    page.wait_for_url(f"{live_server.url}/appointments/request/", timeout=TIMEOUT_MS)

    # First without a way to reach them: the form comes back with the error and what was typed.
    page.get_by_label("Your name").fill("Maria Lopez")
    page.get_by_label("Reason for your visit").fill("Leg pain since my operation")
    page.get_by_label("I agree that the clinic contacts me").check()
    page.get_by_role("button", name="Send my request").click()
    assert "Give a phone number or an e-mail address" in page.content()
    assert page.get_by_label("Your name").input_value() == "Maria Lopez"

    page.get_by_label("Phone", exact=True).fill("(555) 010-7788")
    page.get_by_label("Preferred location").select_option(label="Northgate clinic")
    page.get_by_label("Afternoon").check()
    page.get_by_label("I agree that the clinic contacts me").check()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(f"{live_server.url}/appointments/request/thanks/", timeout=TIMEOUT_MS)
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you: we received your request"
    context.close()

    saved = AppointmentRequest.objects.get()
    assert (saved.name, saved.phone, saved.location, saved.preferred_time) == (
        "Maria Lopez", "(555) 010-7788", Location.objects.get(slug="northgate"), "afternoon"
    )  # fmt: skip
