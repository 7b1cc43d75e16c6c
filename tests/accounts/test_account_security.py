"""Issue 10, items 8, 9 and 15: what an Administrator may do to accounts, lockouts behind the proxy, weak passwords,
and the site's own domain in production.

Each test drives the admin as a browser does: the real forms with their CSRF token (tests/helpers.py).
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.core import checks, mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..factories import PASSWORD, StaffUserFactory
from ..helpers import admin_form_data, browser_client, csrf_token_from
from ..servers import ROOT, settings_in_subprocess

User = get_user_model()

pytestmark = pytest.mark.django_db


def user_url(user, view="change"):
    return reverse(f"admin:auth_user_{view}", args=[user.pk])


def permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role(name):
    return Group.objects.get(name=name)


def post_user_form(client, user, **changes):
    """Open `user`'s change form in the admin and save it with `changes` (forged fields included)."""
    return client.post(user_url(user), admin_form_data(client.get(user_url(user)), **changes))


# --- Item 8: the Administrator role cannot escalate -------------------------------------------------------------


def test_an_administrator_cannot_make_themselves_superuser_or_give_themselves_roles(administrator):
    client = browser_client(administrator)
    every_group = [str(group.pk) for group in Group.objects.all()]
    response = post_user_form(
        client,
        administrator,
        is_superuser="on",
        groups=every_group,
        user_permissions=[str(permission("conditions.publish_condition").pk)],
    )
    assert response.status_code == 302  # the rest of the form (name, e-mail) still saves

    administrator = User.objects.get(pk=administrator.pk)
    assert not administrator.is_superuser
    assert list(administrator.groups.values_list("name", flat=True)) == ["Administrator"]
    assert not administrator.user_permissions.exists()
    assert not administrator.has_perm("conditions.change_condition")
    condition_page = client.get(reverse("admin:conditions_condition_changelist"))
    assert condition_page.status_code == 200  # may read content ...
    assert reverse("admin:conditions_condition_add") not in condition_page.content.decode()  # ... but not add


def test_an_administrator_sees_their_own_roles_read_only(administrator):
    page = browser_client(administrator).get(user_url(administrator))
    form = page.context["adminform"].form
    assert {"is_superuser", "groups", "user_permissions", "is_staff", "is_active"}.isdisjoint(form.fields)
    assert "Administrator" in page.content.decode()  # shown, not editable


def test_an_administrator_gives_roles_to_others_but_never_superuser_or_raw_permissions(administrator, editor):
    client = browser_client(administrator)
    reviewer_role = role("Medical reviewer")
    response = post_user_form(
        client,
        editor,
        groups=[str(reviewer_role.pk)],
        is_superuser="on",
        user_permissions=[str(permission("auth.change_group").pk)],
    )
    assert response.status_code == 302

    editor = User.objects.get(pk=editor.pk)
    assert list(editor.groups.all()) == [reviewer_role]
    assert not editor.is_superuser
    assert not editor.user_permissions.exists()


def test_an_administrator_cannot_change_what_a_role_may_do(administrator):
    client = browser_client(administrator)
    group = role("Administrator")
    url = reverse("admin:auth_group_change", args=[group.pk])
    page = client.get(url)
    assert page.status_code == 200  # roles can be read ...
    publish = [str(permission(f"conditions.publish_{model}").pk) for model in ("condition", "treatment")]
    forged = {
        "csrfmiddlewaretoken": csrf_token_from(client.get(reverse("admin:auth_user_changelist"))),
        "name": group.name,
        "permissions": [str(pk) for pk in group.permissions.values_list("pk", flat=True)] + publish,
        "_save": "Save",
    }
    assert client.post(url, forged).status_code == 403  # ... never changed
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    assert not User.objects.get(pk=administrator.pk).has_perm("conditions.publish_condition")


def test_an_administrator_cannot_touch_a_superuser_account(administrator):
    superuser = User.objects.create_superuser("owner", "owner@clinic.example", PASSWORD)
    client = browser_client(administrator)
    token = csrf_token_from(client.get(reverse("admin:auth_user_changelist")))

    page = client.get(user_url(superuser))
    assert page.status_code == 200 and "adminform" in page.context  # read-only view
    assert not page.context["has_change_permission"]
    takeover = {"csrfmiddlewaretoken": token, "username": "owner", "email": "attacker@evil.example", "_save": "Save"}
    assert client.post(user_url(superuser), takeover).status_code == 403
    password = {"csrfmiddlewaretoken": token, "password1": "a password I chose", "password2": "a password I chose"}
    assert client.get(reverse("admin:auth_user_password_change", args=[superuser.pk])).status_code == 403
    assert client.post(reverse("admin:auth_user_password_change", args=[superuser.pk]), password).status_code == 403
    assert client.post(user_url(superuser, "delete"), {"csrfmiddlewaretoken": token, "post": "yes"}).status_code == 403
    bulk_delete = {
        "csrfmiddlewaretoken": token,
        "action": "delete_selected",
        "_selected_action": [superuser.pk],
        "post": "yes",
    }
    client.post(reverse("admin:auth_user_changelist"), bulk_delete)

    superuser = User.objects.get(pk=superuser.pk)
    assert superuser.email == "owner@clinic.example"
    assert superuser.check_password(PASSWORD)


def test_administrators_still_create_accounts_assign_roles_and_deactivate_people(administrator):
    client = browser_client(administrator)
    add_page = client.get(reverse("admin:auth_user_add"))
    response = client.post(
        reverse("admin:auth_user_add"),
        admin_form_data(
            add_page,
            username="new.editor",
            usable_password="true",
            password1="violet river stone",
            password2="violet river stone",
        ),
    )
    assert response.status_code == 302
    new = User.objects.get(username="new.editor")
    post_user_form(client, new, is_staff="on", groups=[str(role("Editor").pk)])
    new.refresh_from_db()
    assert new.is_staff and list(new.groups.all()) == [role("Editor")]

    leaver = StaffUserFactory(role="Medical reviewer")
    form = admin_form_data(client.get(user_url(leaver)))
    form.pop("is_active")  # an unticked checkbox is not sent
    assert client.post(user_url(leaver), form).status_code == 302
    assert not User.objects.get(pk=leaver.pk).is_active


def test_only_a_superuser_grants_superuser_status():
    owner = User.objects.create_superuser("owner", "owner@clinic.example", PASSWORD)
    colleague = StaffUserFactory(role="Administrator")
    client = browser_client(owner)
    assert post_user_form(client, colleague, is_superuser="on").status_code == 302
    assert User.objects.get(pk=colleague.pk).is_superuser


def test_every_role_change_is_in_the_account_history(administrator):
    person = StaffUserFactory(role="Editor")
    client = browser_client(administrator)
    post_user_form(client, person, groups=[str(role("Medical reviewer").pk)])
    post_user_form(client, person, groups=[str(role("Medical reviewer").pk), str(role("Administrator").pk)])

    history = client.get(user_url(person, "history"))
    assert history.status_code == 200
    rows = [(entry.user, entry.get_change_message()) for entry in history.context["action_list"]]
    assert rows[0] == (administrator, "Added the role Medical reviewer. Removed the role Editor.")
    assert rows[1] == (administrator, "Added the role Administrator.")
    text = history.content.decode()
    assert "Added the role Medical reviewer. Removed the role Editor." in text
    assert administrator.username in text


def test_superuser_status_changes_are_in_the_account_history():
    owner = User.objects.create_superuser("owner", "owner@clinic.example", PASSWORD)
    colleague = StaffUserFactory(role="Administrator")
    post_user_form(browser_client(owner), colleague, is_superuser="on")
    history = browser_client(owner).get(user_url(colleague, "history"))
    assert [entry.get_change_message() for entry in history.context["action_list"]] == ["Made a superuser."]


def test_an_administrator_never_sees_anyones_authenticator_secret(administrator, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="Authenticator app", confirmed=True)
    client = browser_client(administrator)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200  # they may look and delete it (a lost phone) ...
    assert device.key not in page.content.decode()  # ... but never copy it into their own authenticator app
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403


# --- Item 9: failures from one address never lock out another -------------------------------------------------


def production_setting(name):
    """`name` as production computes it by default (clinic.settings.prod refuses to be imported into this process)."""
    return settings_in_subprocess([name], unset=[name])[name]


@pytest.fixture(scope="module")
def production_proxy_count():
    return production_setting("TRUSTED_PROXY_COUNT")


@pytest.fixture
def behind_nginx(settings, production_proxy_count):
    """This process, configured as production is behind deploy/nginx.conf."""
    settings.TRUSTED_PROXY_COUNT = production_proxy_count
    return settings


def through_nginx(client_address, forged_header=None):
    """A browser at `client_address` as the app sees it through deploy/nginx.conf: nginx connects from 127.0.0.1
    and sets X-Forwarded-For to `$proxy_add_x_forwarded_for` (what the client sent, then the address it saw)."""
    forwarded = f"{forged_header}, {client_address}" if forged_header else client_address
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="127.0.0.1", headers={"x-forwarded-for": forwarded})


def sign_in(client, username, password):
    login_url = reverse("admin:login")
    token = csrf_token_from(client.get(login_url))
    return client.post(
        login_url, {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    )


def test_wrong_passwords_from_one_address_do_not_lock_out_the_owner_at_another(behind_nginx, reviewer):
    attacker = through_nginx("203.0.113.7")
    statuses = [sign_in(attacker, reviewer.username, "wrong password").status_code for _ in range(7)]
    limit = behind_nginx.AXES_FAILURE_LIMIT
    assert statuses == [200] * (limit - 1) + [429] * (7 - limit + 1)

    owner = through_nginx("198.51.100.20")
    response = sign_in(owner, reviewer.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert owner.get("/admin/").status_code == 200

    assert sign_in(attacker, reviewer.username, PASSWORD).status_code == 429  # the attacker's address stays locked


def test_a_forged_x_forwarded_for_does_not_dodge_the_lockout(behind_nginx, reviewer):
    statuses = [
        sign_in(through_nginx("203.0.113.7", forged_header=f"8.8.{n}.8"), reviewer.username, "wrong").status_code
        for n in range(7)
    ]
    assert statuses[-1] == 429
    assert sign_in(through_nginx("203.0.113.7", "9.9.9.9"), reviewer.username, PASSWORD).status_code == 429
    assert sign_in(through_nginx("198.51.100.20", "203.0.113.7"), reviewer.username, PASSWORD).status_code == 302


def test_without_a_proxy_the_connection_address_counts(settings, reviewer):
    settings.TRUSTED_PROXY_COUNT = 0  # runserver, or gunicorn reached directly: X-Forwarded-For is the client's word
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7", headers={"x-forwarded-for": f"8.8.{n}.8"})
        sign_in(forged, reviewer.username, "wrong")
    locked = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7", headers={"x-forwarded-for": "9.9.9.9"})
    assert sign_in(locked, reviewer.username, PASSWORD).status_code == 429


# --- Item 15: passwords of one repeated character ------------------------------------------------------------

WEAK = ["aaaaaaaaaaaa", "ZZZZZZZZZZZZZZZZZZZZ", "............", "abababababab"]


@pytest.mark.parametrize("password", WEAK)
def test_the_admin_refuses_a_password_of_one_repeated_character(administrator, password):
    client = browser_client(administrator)
    add_page = client.get(reverse("admin:auth_user_add"))
    data = admin_form_data(add_page, username="weak", usable_password="true", password1=password, password2=password)
    response = client.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["password2"])
    assert "different characters" in errors
    assert not User.objects.filter(username="weak").exists()


def test_changing_a_password_in_the_admin_refuses_a_repeated_character(administrator, editor):
    client = browser_client(administrator)
    url = reverse("admin:auth_user_password_change", args=[editor.pk])
    token = csrf_token_from(client.get(url))
    data = {"csrfmiddlewaretoken": token, "password1": "a" * 16, "password2": "a" * 16, "usable_password": "true"}
    response = client.post(url, data)
    assert response.status_code == 200 and "different characters" in response.content.decode()
    assert User.objects.get(pk=editor.pk).check_password(PASSWORD)


def test_password_reset_refuses_a_repeated_character(reviewer):
    client = browser_client()
    token = csrf_token_from(client.get(reverse("admin_password_reset")))
    client.post(reverse("admin_password_reset"), {"csrfmiddlewaretoken": token, "email": reviewer.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    form_page = client.get(link[link.index("/reset/") :], follow=True)
    data = {"csrfmiddlewaretoken": csrf_token_from(form_page), "new_password1": "a" * 12, "new_password2": "a" * 12}
    response = client.post(form_page.redirect_chain[-1][0], data)
    assert response.status_code == 200 and "different characters" in response.content.decode()
    assert User.objects.get(pk=reviewer.pk).check_password(PASSWORD)


# --- Item 15: the site's own domain ---------------------------------------------------------------------------


def deploy_check(**environment):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_DOMAIN"}}
    env.update(DJANGO_SETTINGS_MODULE="clinic.settings.prod", SECRET_KEY=secrets.token_urlsafe(50), **environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_deployment_check_fails_while_site_domain_is_not_set():
    result = deploy_check()
    assert result.returncode != 0
    assert "(accounts.E001) SITE_DOMAIN is not set" in result.stderr


def test_the_deployment_check_passes_with_a_real_site_domain():
    result = deploy_check(SITE_DOMAIN="www.example-clinic.org")
    assert result.returncode == 0, result.stdout + result.stderr


def site_domain_errors(databases):
    return [
        message for message in checks.run_checks(include_deployment_checks=True, databases=databases)
        if message.id and message.id.startswith("accounts.")
    ]  # fmt: skip


@pytest.mark.parametrize("domain", ["", "127.0.0.1:8000", "example.com", "localhost", "LOCALHOST:8000", "[::1]:8000"])
def test_the_deployment_check_refuses_every_default_domain(settings, domain):
    settings.SITE_DOMAIN = domain
    assert [error.id for error in site_domain_errors(databases=None)] == ["accounts.E001"]


def test_the_deployment_check_reads_the_site_row_when_asked_to(settings):
    settings.SITE_DOMAIN = "www.example-clinic.org"
    Site.objects.filter(pk=settings.SITE_ID).update(domain="127.0.0.1:8000")
    assert site_domain_errors(databases=None) == []  # no database access unless --database is given
    errors = site_domain_errors(databases=["default"])
    assert [error.id for error in errors] == ["accounts.E003"]
    assert "127.0.0.1:8000" in errors[0].msg

    call_command("migrate", verbosity=0)  # "set SITE_DOMAIN, then migrate" fixes the row
    assert Site.objects.get(pk=settings.SITE_ID).domain == "www.example-clinic.org"
    assert site_domain_errors(databases=["default"]) == []


def test_migrate_keeps_a_domain_set_in_the_admin(settings):
    settings.SITE_DOMAIN = "www.example-clinic.org"
    Site.objects.filter(pk=settings.SITE_ID).update(domain="clinic.example-hospital.org")
    call_command("migrate", verbosity=0)
    assert Site.objects.get(pk=settings.SITE_ID).domain == "clinic.example-hospital.org"
