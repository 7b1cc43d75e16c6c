"""Issue 10, item 10: a staff member who must use two-factor sign-in has no staff privileges anywhere (admin, draft
previews on the public site, citation downloads of drafts, image uploads) until the session has passed the code.

Sign-in goes through the real admin login form, with CSRF enforced, as in a browser.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityPolicy
from conditions.models import Status

from ..factories import PASSWORD, ConditionFactory, ResearchArticleFactory, StaffUserFactory
from ..helpers import csrf_token_from, png_file

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/ckeditor5/image_upload/"


def password_only_session(user):
    """A browser signed in with `user`'s password through the admin login form, no code given yet."""
    client = Client(enforce_csrf_checks=True)
    login_url = reverse("admin:login")
    token = csrf_token_from(client.get(login_url))
    response = client.post(login_url, {"csrfmiddlewaretoken": token, "username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def give_the_code(client, device):
    token = csrf_token_from(client.get(reverse("accounts:two-factor")))
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:two-factor"), {"csrfmiddlewaretoken": token, "token": code})
    assert response.status_code == 302


def upload(client):
    """CKEditor 5's upload as a browser sends it from an admin page opened earlier (the CSRF cookie's token)."""
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(UPLOAD_URL, {"upload": png_file(), "csrfmiddlewaretoken": token})


@pytest.fixture
def drafts():
    return {
        "condition": ConditionFactory(slug="draft-condition", status=Status.DRAFT, published_at=None),
        "article": ResearchArticleFactory(slug="draft-study", status=Status.DRAFT, published_at=None),
    }


@pytest.fixture
def reviewer_with_authenticator(reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="Authenticator app", confirmed=True)
    return reviewer, device


def draft_urls(drafts):
    return [
        drafts["condition"].get_absolute_url(),
        reverse("conditions:article-detail", args=[drafts["article"].slug]),
        reverse("conditions:article-ris", args=[drafts["article"].slug]),
    ]


def test_a_password_only_session_cannot_preview_drafts(drafts, reviewer_with_authenticator):
    reviewer, device = reviewer_with_authenticator
    client = password_only_session(reviewer)
    for url in draft_urls(drafts):
        response = client.get(url)
        assert response.status_code == 404, url
        assert drafts["condition"].name.encode() not in response.content

    give_the_code(client, device)
    for url in draft_urls(drafts):
        assert client.get(url).status_code == 200, url


def test_a_password_only_session_cannot_upload_images(media_root, reviewer_with_authenticator):
    reviewer, device = reviewer_with_authenticator
    client = password_only_session(reviewer)
    refused = upload(client)
    assert refused.status_code == 403
    assert "authenticator" in refused.json()["error"]["message"]
    assert not any(media_root.rglob("*.png"))

    give_the_code(client, device)
    accepted = upload(client)
    assert accepted.status_code == 200, accepted.content
    assert len(list(media_root.rglob("*.png"))) == 1


def test_the_policy_applies_outside_the_admin_too(drafts, reviewer):
    SecurityPolicy(require_two_factor_for_privileged=True).save()
    client = password_only_session(reviewer)  # no authenticator yet: the policy asks them to set one up
    assert client.get(drafts["condition"].get_absolute_url()).status_code == 404
    assert upload(client).status_code == 403
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:two-factor"))


def test_staff_the_policy_does_not_cover_keep_their_previews(drafts, editor):
    SecurityPolicy(require_two_factor_for_privileged=True).save()  # an editor cannot publish: not covered
    client = password_only_session(editor)
    assert client.get(drafts["condition"].get_absolute_url()).status_code == 200
    assert upload(client).status_code == 200


def test_an_administrator_without_the_code_gets_no_account_pages():
    administrator = StaffUserFactory(role="Administrator")
    TOTPDevice.objects.create(user=administrator, name="Authenticator app", confirmed=True)
    client = password_only_session(administrator)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor"))
