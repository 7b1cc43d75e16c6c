"""Request an appointment: a form any patient can send without JavaScript, stored for the front desk alone, announced
by an e-mail that carries no health details, protected against spam and floods, and deleted after the retention."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from practice.models import AppointmentRequest, Location

from ..factories import StaffUserFactory
from ..helpers import browser_client, csrf_token_from

pytestmark = pytest.mark.django_db
URL = "/appointments/request/"
REASON = "Burning pain down my left leg since my back operation"


def send(client, **changes):
    """Open the form and send it, as a browser does (with the page's CSRF token)."""
    token = csrf_token_from(client.get(URL))
    data = {"name": "Maria Lopez", "phone": "(555) 010-7788", "email": "", "location": "", "preferred_time": "morning",
            "reason": REASON, "consent": "on", "website": "", "csrfmiddlewaretoken": token}  # fmt: skip
    data.update(changes)
    return client.post(URL, {key: value for key, value in data.items() if value is not None})


@pytest.fixture
def front_desk(db):
    return StaffUserFactory(role="Front desk", email="desk@example.org")


def test_a_request_is_stored_and_the_patient_thanked(demo_clinic):
    location = Location.objects.get(slug="northgate")
    response = send(browser_client(), location=str(location.pk))
    assert response.status_code == 302 and response["Location"] == "/appointments/request/thanks/"
    saved = AppointmentRequest.objects.get()
    assert (saved.name, saved.phone, saved.location) == ("Maria Lopez", "(555) 010-7788", location)
    assert saved.reason == REASON
    assert saved.consent is True


def test_the_front_desk_is_emailed_without_the_reason_or_contact_details(
    demo_clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(browser_client(), email="maria@example.org")
    (message,) = mail.outbox
    assert message.to == ["frontdesk@riverside-pain.example"]  # the clinic's front desk address
    for private in (REASON, "left leg", "Maria", "010-7788", "maria@example.org"):
        assert private not in message.subject + message.body
    assert "/admin/practice/appointmentrequest/" in message.body


def test_without_a_front_desk_address_the_front_desk_role_is_emailed(front_desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(browser_client())
    assert [message.to for message in mail.outbox] == [["desk@example.org"]]


def test_a_phone_or_an_email_is_needed(demo_clinic):
    response = send(browser_client(), phone="", email="")
    assert response.status_code == 400
    assert "Give a phone number or an e-mail address" in response.content.decode()
    assert not AppointmentRequest.objects.exists()


def test_consent_is_needed(demo_clinic):
    response = send(browser_client(), consent=None)
    assert response.status_code == 400 and "only contact you with your consent" in response.content.decode()
    assert not AppointmentRequest.objects.exists()


def test_the_honeypot_stores_nothing_and_tells_the_robot_nothing(demo_clinic):
    response = send(browser_client(), website="http://spam.example")
    assert response.status_code == 302 and not AppointmentRequest.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(demo_clinic):
    response = browser_client().post(URL, {"name": "X", "phone": "5550107788", "consent": "on"})
    assert response.status_code == 403 and not AppointmentRequest.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "x" * 5000}, {"reason": "y" * 5000}, {"email": "not-an-address"}, {"phone": "call me maybe"},
        {"location": "999999"}, {"location": "abc"}, {"preferred_time": "midnight"}, {"name": ""},
        {"name": ["a", "b"]}, {"consent": "maybe"}, {"reason": "<script>alert(1)</script>", "name": "' OR 1=1 --"},
    ],
)  # fmt: skip
def test_bad_input_never_gives_a_500(demo_clinic, changes):
    response = send(browser_client(), **changes)
    assert response.status_code in {302, 400}
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_one_address_is_rate_limited_and_told_to_call(demo_clinic, settings):
    settings.APPOINTMENT_REQUEST_RATE = "3/h"
    client = browser_client()
    statuses = [send(client, name=f"Patient {number}").status_code for number in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert AppointmentRequest.objects.count() == 3
    response = send(client)
    assert "Please call us instead" in response.content.decode() and "(555) 010-2040" in response.content.decode()
    other = browser_client()
    other.defaults["REMOTE_ADDR"] = "203.0.113.9"  # another address still gets through
    assert send(other).status_code == 302


def test_the_form_page_has_a_privacy_notice_with_the_retention(client, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 60
    page = client.get(URL).content.decode()
    assert "Requests are deleted 60 days after they arrive." in page
    assert "never sent by e-mail" in page


def test_only_the_front_desk_and_superusers_see_requests_in_the_admin(demo_clinic, front_desk, admin_user, editor,
                                                                      reviewer, administrator):  # fmt: skip
    send(browser_client())
    changelist = reverse("admin:practice_appointmentrequest_changelist")
    assert browser_client(front_desk).get(changelist).status_code == 200
    assert "Maria Lopez" in browser_client(admin_user).get(changelist).content.decode()
    for user in (editor, reviewer, administrator):
        assert browser_client(user).get(changelist).status_code == 403, user
        index = browser_client(user).get(reverse("admin:index")).content.decode()
        assert "Appointment requests" not in index


def test_the_daily_command_deletes_requests_past_the_retention(demo_clinic, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 30
    now = timezone.now()
    old = AppointmentRequest.objects.create(name="Old", phone="5550100000", consent=True,
                                            created_at=now - timedelta(days=31))  # fmt: skip
    recent = AppointmentRequest.objects.create(name="Recent", phone="5550100001", consent=True,
                                               created_at=now - timedelta(days=29))  # fmt: skip
    out = StringIO()
    call_command("delete_old_appointment_requests", stdout=out)
    assert "Deleted 1 appointment request(s) older than 30 days." in out.getvalue()
    assert list(AppointmentRequest.objects.all()) == [recent]
    assert not AppointmentRequest.objects.filter(pk=old.pk).exists()


def test_every_page_links_to_the_form(client, demo_clinic):
    for url in ["/", "/conditions/post-laminectomy-syndrome/", "/treatments/physical-therapy/"]:
        assert f'href="{URL}"' in client.get(url).content.decode()
