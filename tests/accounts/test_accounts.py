"""Staff accounts: who may manage them, how passwords are kept, brute force, two-factor, password reset."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityPolicy
from clinic.settings import base

from ..factories import PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_URLS = [
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
    "/admin/auth/group/add/",
]


@pytest.mark.parametrize("role", ["editor", "reviewer"])
@pytest.mark.parametrize("url", ACCOUNT_URLS)
def test_editors_and_reviewers_cannot_touch_accounts(request, login, role, url):
    assert login(request.getfixturevalue(role)).get(url).status_code == 403


def test_editors_and_reviewers_cannot_change_a_user_or_their_own_groups(login, editor):
    other = StaffUserFactory()
    client = login(editor)
    assert client.get(f"/admin/auth/user/{other.pk}/change/").status_code == 403
    assert client.post(f"/admin/auth/user/{editor.pk}/change/", {"is_superuser": "on"}).status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_administrators_manage_accounts_and_see_the_roles(login, administrator):
    client = login(administrator)
    for url in ACCOUNT_URLS:
        # Only superusers define roles (tests/accounts/test_account_security.py); administrators read them.
        expected = 403 if url == "/admin/auth/group/add/" else 200
        assert client.get(url).status_code == expected, url
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "new.editor", "password1": "a long enough passphrase", "password2": "a long enough passphrase",
         "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="new.editor").exists()


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user("argon", password="a long enough passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_production_hasher_order_puts_argon2_first():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize("password", ["short1!", "elevenchars", "123456789012", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_twelve_character_passphrase_is_accepted():
    validate_password("violet river stone")


def login_attempt(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})


def test_admin_login_locks_after_the_configured_failures_and_an_administrator_can_unlock(client, settings, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_attempt(client, reviewer.username, "wrong password").status_code == 200
    locked = login_attempt(client, reviewer.username, "wrong password")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Locked even with the right password now.
    assert login_attempt(client, reviewer.username, PASSWORD).status_code == 429

    # An administrator unlocks the account by deleting the attempts (the admin's AccessAttempt page).
    admin_client = type(client)()
    admin_client.force_login(StaffUserFactory(role="Administrator"))
    attempt = AccessAttempt.objects.get(username=reviewer.username)
    assert admin_client.get("/admin/axes/accessattempt/").status_code == 200
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert login_attempt(client, reviewer.username, PASSWORD).status_code == 302


def test_a_successful_login_is_not_locked(client, reviewer):
    response = login_attempt(client, reviewer.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def enrol(client):
    """Go through the two-factor set-up page; returns the confirmed device."""
    page = client.get(reverse("accounts:two-factor"))
    assert page.status_code == 200 and page.context["enrolling"]
    assert "<svg" in page.content.decode()  # the QR code to scan
    device = TOTPDevice.objects.get(user=page.wsgi_request.user)
    response = client.post(reverse("accounts:two-factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_administrators_can_require_two_factor_for_privileged_staff(client, reviewer, editor):
    SecurityPolicy(require_two_factor_for_privileged=True).save()
    assert login_attempt(client, reviewer.username, PASSWORD).status_code == 302
    # Signed in with the password, but the admin sends a reviewer to set up two-factor first.
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor"))
    enrol(client)
    assert client.get("/admin/").status_code == 200

    # An editor cannot publish or manage accounts: the policy does not apply.
    editor_client = type(client)()
    login_attempt(editor_client, editor.username, PASSWORD)
    assert editor_client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_must_give_a_code_at_each_sign_in(client, reviewer):
    login_attempt(client, reviewer.username, PASSWORD)
    client.get("/admin/")
    device = enrol(client)
    client.post(reverse("admin:logout"))

    login_attempt(client, reviewer.username, PASSWORD)
    assert client.get("/admin/conditions/condition/").status_code == 302
    wrong_code = "000000" if totp(device.bin_key) != 0 else "111111"
    wrong = client.post(reverse("accounts:two-factor"), {"token": wrong_code})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above started a short back-off
    device.throttling_failure_timestamp = None
    device.save()
    # The code of the next 30-second step: a code is accepted once only, and enrolment used the current one.
    next_code = f"{totp(device.bin_key, drift=1):06d}"
    assert client.post(reverse("accounts:two-factor"), {"token": next_code}).status_code == 302
    assert client.get("/admin/conditions/condition/").status_code == 200


def test_only_administrators_change_the_security_policy(login, administrator, reviewer):
    assert login(reviewer).get("/admin/accounts/securitypolicy/1/change/").status_code in (302, 403)
    client = login(administrator)
    assert client.get("/admin/accounts/securitypolicy/").status_code == 302
    response = client.post("/admin/accounts/securitypolicy/1/change/", {"require_two_factor_for_privileged": "on"})
    assert response.status_code == 302
    assert SecurityPolicy.current().require_two_factor_for_privileged


def test_password_reset_sends_an_email_with_a_working_link(client, reviewer):
    response = client.post(reverse("admin_password_reset"), {"email": reviewer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [reviewer.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    path = link[link.index("/reset/") :]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password("a brand new passphrase")


def test_the_admin_login_page_offers_password_reset(client):
    assert reverse("admin_password_reset") in client.get(reverse("admin:login")).content.decode()


def test_sessions_expire_after_the_idle_time(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
