"""The link chooser's search and the /go/ links it writes: they follow a page whose address changes."""

from django.test import Client
from django.urls import reverse

from conditions.models import Condition
from conditions.sanitize import clean_html

from ..factories import ConditionFactory, ResearchArticleFactory, StaffUserFactory, TreatmentFactory

CHOOSER = "admin:conditions_condition_choose_link"


def choices(client, **params):
    response = client.get(reverse(CHOOSER), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_chooser_finds_pages_of_every_kind_by_name_with_what_tells_them_apart(login, editor):
    ConditionFactory(name="Sciatica")
    TreatmentFactory(name="Sciatic nerve block")
    ResearchArticleFactory(title="Sciatica outcomes after epidural steroid injection", year=2019, journal="Pain")
    ResearchArticleFactory(title="Sciatica outcomes after epidural steroid injection", year=2021, journal="Spine")
    results = choices(login(editor), q="sciat")

    assert {result["kind"] for result in results} == {"condition", "treatment", "article"}
    articles = [(r["title"], r["detail"]) for r in results if r["kind"] == "article"]
    assert sorted(articles) == [
        ("Sciatica outcomes after epidural steroid injection", "2019, Pain"),
        ("Sciatica outcomes after epidural steroid injection", "2021, Spine"),
    ]
    assert choices(login(editor), q="sciat", kind="article") == [r for r in results if r["kind"] == "article"]


def test_the_chooser_is_for_staff_who_may_view_the_pages(client, login, db):
    ConditionFactory(name="Sciatica")
    assert client.get(reverse(CHOOSER), {"q": "sciat"}).status_code == 302  # to the sign-in page
    no_role = StaffUserFactory()
    assert choices(login(no_role), q="sciat") == []  # staff, but may view no content


def test_a_chosen_link_still_arrives_after_the_page_is_renamed(client, editor):
    condition = ConditionFactory(name="Sciatica", slug="sciatica")
    staff = Client()
    staff.force_login(editor)
    link = choices(staff, q="Sciatica")[0]["url"]
    assert link == f"/go/condition/{condition.pk}/"
    assert f'href="{link}"' in clean_html(f'<p><a href="{link}">Sciatica</a></p>')  # the sanitizer keeps it
    assert client.get(link)["Location"] == "/conditions/sciatica/"

    Condition.objects.filter(pk=condition.pk).update(slug="sciatica-leg-pain")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/conditions/sciatica-leg-pain/"


def test_a_link_to_a_page_patients_cannot_see_is_not_found(client, db):
    draft = ConditionFactory(status="draft")
    assert client.get(reverse("conditions:go", kwargs={"kind": "condition", "pk": draft.pk})).status_code == 404
    assert client.get("/go/nonsense/1/").status_code == 404
