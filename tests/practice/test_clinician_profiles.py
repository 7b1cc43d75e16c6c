"""Clinician profiles: public pages about the clinic's physicians, published through the medical review workflow;
"Reviewed by" links to them and search engines read reviewers and authors as physicians."""

from datetime import timedelta

import extruct
import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.models import Clinician
from conditions import publishing
from conditions.models import ClinicianProfile, Status

from ..factories import ConditionFactory
from ..helpers import admin_form_data, browser_client

pytestmark = pytest.mark.django_db


def json_ld(response):
    return extruct.extract(response.content.decode(), base_url="http://testserver", syntaxes=["json-ld"])["json-ld"]


def test_the_list_shows_the_three_demo_clinicians(client, demo_clinic):
    page = client.get("/clinicians/").content.decode()
    for name in ("Arif Hussain, DO", "Michael Erdek, MD", "Richard North, MD"):
        assert name in page


def test_a_profile_shows_who_they_are_where_they_work_what_they_treat_and_wrote(client, demo_clinic):
    page = client.get("/clinicians/arif-hussain/").content.decode()
    assert "Arif Hussain" in page and "DO" in page
    assert "Pain medicine · Interventional spine care" in page
    assert "Riverside main clinic" in page and "Northgate clinic" in page
    assert 'href="/conditions/post-laminectomy-syndrome/"' in page
    # Matched to the research articles' authors ("Hussain A").
    assert "Interventional pain management for failed back surgery syndrome" in page
    assert "Last reviewed" in page


def test_articles_are_matched_to_authors_by_family_name_and_initial(client, demo_clinic):
    page = client.get("/clinicians/richard-north/").content.decode()
    assert page.count('class="article-summary"') == 2  # both papers by "North RB" in the demo library
    assert "Interventional pain management" not in page


def test_reviewed_by_links_to_the_reviewers_profile(client, demo_clinic):
    page = client.get("/conditions/post-laminectomy-syndrome/").content.decode()
    assert '<a href="/clinicians/arif-hussain/">Arif Hussain, DO</a>' in page


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_reviewed_by_names_a_reviewer_whose_profile_is_not_public_without_a_link(client, demo_clinic, status):
    profile = ClinicianProfile.objects.get(slug="arif-hussain")
    if status == "draft":
        profile.status = Status.DRAFT
    else:
        profile.published_at = timezone.now() + timedelta(days=1)
    profile.save()
    for url in ["/conditions/post-laminectomy-syndrome/", "/treatments/spinal-cord-stimulation/"]:
        page = client.get(url).content.decode()
        assert "Arif Hussain, DO" in page, url
        assert "/clinicians/arif-hussain/" not in page, url


def test_json_ld_gives_the_reviewer_as_a_physician_with_their_profile(client, demo_clinic):
    for url in ["/conditions/post-laminectomy-syndrome/", "/treatments/spinal-cord-stimulation/"]:
        items = json_ld(client.get(url))
        page = next(item.get("mainEntityOfPage", item) for item in items if "MedicalWebPage" in str(item.get("@type"))
                    or item.get("mainEntityOfPage"))  # fmt: skip
        assert page["reviewedBy"] == {
            "@type": "Physician", "name": "Arif Hussain, DO", "url": "http://testserver/clinicians/arif-hussain/"
        }, url  # fmt: skip


def test_article_authors_who_are_our_clinicians_are_physicians_with_their_profile(client, demo_clinic):
    url = "/research/interventional-pain-management-for-failed-back-surgery-syndrome/"
    response = client.get(url)
    assert '<a href="/clinicians/arif-hussain/">Arif Hussain, DO</a>' in response.content.decode()
    (article,) = [item for item in json_ld(response) if item["@type"] == "ScholarlyArticle"]
    assert [author["@type"] for author in article["author"]] == ["Physician", "Physician"]
    assert article["author"][1]["url"] == "http://testserver/clinicians/michael-erdek/"


def test_profile_page_json_ld(client, demo_clinic):
    items = json_ld(client.get("/clinicians/michael-erdek/"))
    (page,) = [item for item in items if item["@type"] == "ProfilePage"]
    assert page["mainEntity"]["@type"] == "Physician"
    assert page["mainEntity"]["knowsAbout"] == ["Pain medicine", "Anesthesiology"]
    assert page["reviewedBy"]["@type"] == "Physician"


def test_a_draft_profile_is_not_public_and_not_linked(client, demo_clinic):
    profile = ClinicianProfile.objects.get(slug="richard-north")
    profile.status = Status.DRAFT
    profile.save()
    assert client.get("/clinicians/richard-north/").status_code == 404
    assert "Richard North" not in client.get("/clinicians/").content.decode()


def test_an_editor_writes_a_profile_and_only_a_reviewer_publishes_it(demo_clinic, editor, reviewer):
    clinician = Clinician.objects.create(name="Jane Roe", credentials="MD")
    staff = browser_client(editor)
    url = reverse("admin:conditions_clinicianprofile_add")
    data = {"clinician": clinician.pk, "slug": "jane-roe", "summary": "Treats neck pain.",
            "biography": "<p>Dr Roe treats neck pain.</p>", "_publish": "Publish"}  # fmt: skip
    response = staff.post(url, admin_form_data(staff.get(url), **data))
    profile = ClinicianProfile.objects.filter(slug="jane-roe").first()
    assert profile is None or profile.status != Status.PUBLISHED, response.status_code
    profile = profile or ClinicianProfile.objects.create(
        clinician=clinician, slug="jane-roe", summary="Treats neck pain.", biography="<p>Dr Roe treats neck pain.</p>"
    )
    published = publishing.publish(profile, reviewer)
    assert published.signoff.reviewer == reviewer and published.is_published


def test_a_reviewer_with_a_profile_signs_off_in_their_name_and_the_page_links_it(client, demo_clinic, reviewer):
    Clinician.objects.filter(name="Michael Erdek").update(user=reviewer)
    condition = ConditionFactory(status=Status.DRAFT)
    publishing.publish(condition, reviewer)
    page = client.get(condition.get_absolute_url()).content.decode()
    assert '<a href="/clinicians/michael-erdek/">Michael Erdek, MD</a>' in page
