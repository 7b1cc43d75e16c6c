"""Patients can reach the clinic from every page: its phone and locations in the header and footer, a call to action
on condition and treatment pages, and schema.org for search engines. Administrators edit it all in the admin."""

import extruct
import pytest
from django.urls import reverse

from practice.models import ClinicDetails, Location, clinic

from ..helpers import admin_form_data, browser_client, form_errors

pytestmark = pytest.mark.django_db


def json_ld(response):
    return extruct.extract(response.content.decode(), base_url="http://testserver", syntaxes=["json-ld"])["json-ld"]


def test_every_page_shows_the_clinic_phone_and_both_locations(client, demo_clinic):
    for url in ["/", "/conditions/", "/conditions/post-laminectomy-syndrome/", "/treatments/physical-therapy/"]:
        page = client.get(url).content.decode()
        assert 'href="tel:5550102040"' in page, url
        assert "120 River Road, Suite 300" in page and "45 Northgate Avenue" in page, url
        assert "Monday – Friday" in page and "8:00 – 17:00" in page, url


def test_map_links_need_no_script(client, demo_clinic):
    page = client.get("/").content.decode()
    assert 'href="https://www.openstreetmap.org/search?query=120+River+Road' in page
    assert "<iframe" not in page and "<script src" not in page


@pytest.mark.parametrize("url", ["/conditions/post-laminectomy-syndrome/", "/treatments/spinal-cord-stimulation/"])
def test_condition_and_treatment_pages_end_with_a_call_to_action(client, demo_clinic, url):
    page = client.get(url).content.decode()
    cta = page[page.index('class="cta"') :]
    assert "Talk to us about" in cta[:400]
    assert "Call (555) 010-2040" in cta[:2000]


def test_home_page_describes_the_clinic_and_its_locations_in_schema_org(client, demo_clinic):
    (organization,) = [item for item in json_ld(client.get("/")) if item["@type"] == "MedicalOrganization"]
    assert organization["name"] == "Riverside Pain & Spine Clinic"
    assert organization["telephone"] == "(555) 010-2040"
    assert organization["email"] == "hello@riverside-pain.example"
    locations = organization["location"]
    assert [location["@type"] for location in locations] == ["MedicalClinic", "MedicalClinic"]
    northgate = locations[1]
    assert northgate["address"]["@type"] == "PostalAddress"
    assert northgate["address"]["streetAddress"] == "45 Northgate Avenue"
    assert northgate["openingHours"] == ["Mo-Th 09:00-17:00", "Fr 09:00-13:00"]
    assert northgate["telephone"] == "(555) 010-2055"
    assert northgate["hasMap"].startswith("https://www.openstreetmap.org/")


def test_condition_page_names_the_clinic_as_its_publisher(client, demo_clinic):
    items = json_ld(client.get("/conditions/post-laminectomy-syndrome/"))
    (page,) = [item for item in items if item["@type"] == "MedicalWebPage"]
    assert page["publisher"] == {
        "@type": "MedicalOrganization", "name": "Riverside Pain & Spine Clinic", "url": "http://testserver/",
        "telephone": "(555) 010-2040",
    }  # fmt: skip


def test_an_administrator_changes_the_phone_and_every_page_shows_it(client, demo_clinic, administrator):
    assert "(555) 010-2040" in client.get("/").content.decode()  # now in the page cache and the clinic's cache
    staff = browser_client(administrator)
    url = reverse("admin:practice_clinicdetails_change", args=[ClinicDetails.objects.get().pk])
    response = staff.post(url, admin_form_data(staff.get(url), phone="(555) 010-9999"))
    assert response.status_code == 302
    page = client.get("/conditions/post-laminectomy-syndrome/").content.decode()
    assert "Call (555) 010-9999" in page and "Call (555) 010-2040" not in page


def test_a_new_location_appears_in_the_footer(client, demo_clinic, administrator):
    client.get("/")
    staff = browser_client(administrator)
    url = reverse("admin:practice_location_add")
    data = {"name": "Eastside", "slug": "eastside", "position": "3", "street_address": "9 East Street",
            "locality": "Springfield", "region": "IL", "postal_code": "62703", "country": "US",
            "opening_hours": "Sa 09:00-12:00"}  # fmt: skip
    assert staff.post(url, admin_form_data(staff.get(url), **data)).status_code == 302
    page = client.get("/").content.decode()
    assert "9 East Street" in page and "Saturday" in page


def test_opening_hours_in_another_form_are_refused_with_an_example(demo_clinic, administrator):
    staff = browser_client(administrator)
    url = reverse("admin:practice_location_change", args=[Location.objects.get(slug="riverside").pk])
    response = staff.post(url, admin_form_data(staff.get(url), opening_hours="weekdays 8 to 5"))
    assert "Mo-Fr 08:00-17:00" in " ".join(form_errors(response)["opening_hours"])


def test_the_clinic_has_one_row_of_details(demo_clinic, administrator):
    staff = browser_client(administrator)
    assert staff.get(reverse("admin:practice_clinicdetails_add")).status_code == 403


def test_the_clinic_details_are_read_once_then_come_from_the_shared_cache(demo_clinic, django_assert_num_queries):
    with django_assert_num_queries(2):  # the details, the locations
        assert len(clinic().locations) == 2
    with django_assert_num_queries(0):
        assert clinic().name == "Riverside Pain & Spine Clinic"


def test_before_any_details_are_entered_the_site_uses_the_clinic_name_setting(client, settings):
    settings.CLINIC_NAME = "Lakeside Pain Centre"
    page = client.get("/").content.decode()
    assert "Lakeside Pain Centre" in page and "tel:" not in page
