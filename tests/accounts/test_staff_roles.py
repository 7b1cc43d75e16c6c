"""Roles make staff; the account form shows roles; invitations; a sign-in error that says what is wrong."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from ..factories import PASSWORD, StaffUserFactory, role_group
from ..helpers import admin_form_data


def test_giving_a_role_makes_someone_staff_and_taking_the_last_one_away_ends_it(db):
    person = User.objects.create_user("ayesha", password=PASSWORD)
    person.groups.add(role_group("Editor"))
    person.refresh_from_db()
    assert person.is_staff
    person.groups.add(role_group("Medical reviewer"))
    person.groups.remove(role_group("Editor"))
    person.refresh_from_db()
    assert person.is_staff  # still a reviewer
    person.groups.clear()
    person.refresh_from_db()
    assert not person.is_staff


def test_a_role_given_from_the_roles_side_makes_staff_too(db):
    person = User.objects.create_user("ayesha", password=PASSWORD)
    role_group("Editor").user_set.add(person)
    person.refresh_from_db()
    assert person.is_staff


def test_the_account_form_shows_roles_with_what_they_mean_not_permissions(login, administrator):
    person = StaffUserFactory(role="Editor")
    response = login(administrator).get(reverse("admin:auth_user_change", args=[person.pk]))
    html = response.content.decode()
    assert "user_permissions" not in html
    assert 'type="checkbox" name="groups"' in html
    assert "Medical reviewer: everything an editor does, plus signing off and publishing pages" in html


def test_an_administrator_gives_a_role_in_the_form_and_the_person_becomes_staff(login, administrator):
    person = User.objects.create_user("ayesha", email="ayesha@clinic.example", password=PASSWORD)
    client = login(administrator)
    url = reverse("admin:auth_user_change", args=[person.pk])
    response = client.post(url, admin_form_data(client.get(url), groups=[str(role_group("Editor").pk)]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff


def test_a_new_account_gets_an_invitation_to_choose_a_password(login, administrator):
    client = login(administrator)
    add = reverse("admin:auth_user_add")
    data = admin_form_data(
        client.get(add), username="ayesha", email="ayesha@clinic.example", groups=[str(role_group("Editor").pk)]
    )
    assert client.post(add, data).status_code == 302

    person = User.objects.get(username="ayesha")
    assert person.is_staff and not person.has_usable_password()
    [invitation] = mail.outbox
    assert invitation.to == ["ayesha@clinic.example"] and "invited" in invitation.subject
    link = re.search(r"https?://[^/]+(/reset/\S+)", invitation.body).group(1)
    assert "Your username: ayesha" in invitation.body

    form = client.get(link, follow=True)
    new_password = "violet river stone path"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new_password)


def test_an_invitation_needs_an_address(login, administrator):
    client = login(administrator)
    add = reverse("admin:auth_user_add")
    response = client.post(add, admin_form_data(client.get(add), username="ayesha"))
    assert "The invitation is sent to this address" in response.content.decode()
    assert not User.objects.filter(username="ayesha").exists()


@pytest.mark.parametrize(
    ("active", "role", "message"),
    [
        (False, "Editor", "This account has been deactivated."),
        (True, None, "this account has no role in the admin yet"),
    ],
)
def test_the_sign_in_page_says_why_a_right_password_does_not_let_someone_in(client, db, active, role, message):
    person = User.objects.create_user("ayesha", password=PASSWORD, is_active=active)
    if role:
        person.groups.add(role_group(role))
    login_url = reverse("admin:login")
    response = client.post(login_url, {"username": "ayesha", "password": PASSWORD})
    assert message in response.content.decode()
    wrong = client.post(login_url, {"username": "ayesha", "password": "not the password"})
    assert message not in wrong.content.decode()  # the account's state only for whoever knows its password
