"""Search engines read the pages as medical content: JSON-LD parsed with extruct, plus the social/SEO tags."""

import extruct
import pytest

from conditions.models import Condition, ResearchArticle, Treatment

from ..factories import ConditionFactory

pytestmark = pytest.mark.django_db

# The schema.org types and properties the site uses, as schema.org defines them (https://schema.org/<Type>).
SCHEMA_ORG = {
    "MedicalWebPage": {"name", "url", "description", "about", "audience", "dateModified", "publisher",
                       "lastReviewed", "reviewedBy"},
    "MedicalCondition": {"name", "description", "url", "alternateName", "signOrSymptom", "cause",
                         "possibleTreatment", "associatedAnatomy"},
    "MedicalSignOrSymptom": {"name"},
    "MedicalCause": {"name"},
    "MedicalTherapy": {"name", "url", "description", "mainEntityOfPage"},
    "MedicalProcedure": {"name", "url", "description", "mainEntityOfPage"},
    "AnatomicalStructure": {"name"},
    "Person": {"name"},
    "Physician": {"name", "url", "description", "knowsAbout", "image"},
    "ProfilePage": {"name", "url", "mainEntity", "dateModified", "publisher", "lastReviewed", "reviewedBy"},
    "MedicalOrganization": {"name", "url", "telephone", "email", "logo", "medicalSpecialty", "location"},
    "MedicalClinic": {"name", "address", "telephone", "openingHours", "hasMap"},
    "PostalAddress": {"streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"},
    "Patient": set(),
    "CollectionPage": {"name", "description", "url", "publisher"},
    "SearchResultsPage": {"url"},
    "WebSite": {"name", "url", "potentialAction"},
    "SearchAction": {"target", "query-input"},
    "EntryPoint": {"urlTemplate"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
}  # fmt: skip
REQUIRED = {
    "MedicalWebPage": {"name", "url"},
    "MedicalCondition": {"name", "alternateName", "description", "signOrSymptom", "cause", "possibleTreatment"},
    "BreadcrumbList": {"itemListElement"},
}


def json_ld(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return extruct.extract(response.content.decode(), base_url="http://testserver", syntaxes=["json-ld"])["json-ld"]


def check_schema(node, path="$"):
    """Every @type is a schema.org type this site knows and every property belongs to it."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_schema(item, f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    if kind is not None:
        assert kind in SCHEMA_ORG, f"{path}: unknown type {kind}"
        unknown = set(node) - SCHEMA_ORG[kind] - {"@type", "@context"}
        assert not unknown, f"{path} ({kind}): not schema.org properties: {unknown}"
        missing = REQUIRED.get(kind, set()) - set(node)
        assert not missing, f"{path} ({kind}): missing {missing}"
    for key, value in node.items():
        check_schema(value, f"{path}.{key}")


def by_type(items, kind):
    return [item for item in items if item.get("@type") == kind]


def test_condition_page_is_a_medical_web_page_about_a_medical_condition(client, demo_clinic):
    items = json_ld(client, "/conditions/post-laminectomy-syndrome/")
    check_schema(items)
    (page,) = by_type(items, "MedicalWebPage")
    condition = page["about"]
    assert condition["@type"] == "MedicalCondition" and condition["name"] == "Post Laminectomy Syndrome"
    assert "Failed Back Surgery Syndrome" in condition["alternateName"]
    assert len(condition["signOrSymptom"]) >= 3 and len(condition["cause"]) >= 3
    kinds = {therapy["@type"] for therapy in condition["possibleTreatment"]}
    assert kinds <= {"MedicalProcedure", "MedicalTherapy"} and "MedicalProcedure" in kinds
    assert condition["associatedAnatomy"]["name"] == "Lumbar spine"
    assert page["reviewedBy"]["name"] and page["lastReviewed"] and page["about"]
    (breadcrumbs,) = by_type(items, "BreadcrumbList")
    assert [crumb["name"] for crumb in breadcrumbs["itemListElement"]] == [
        "Home", "Conditions", "Post Laminectomy Syndrome"
    ]  # fmt: skip


def test_treatment_pages_are_procedures_or_therapies(client, demo_clinic):
    for treatment in Treatment.objects.published():
        items = json_ld(client, treatment.get_absolute_url())
        check_schema(items)
        main = [item for item in items if item["@type"] in {"MedicalProcedure", "MedicalTherapy"}]
        assert len(main) == 1 and main[0]["name"] == treatment.name
    assert by_type(json_ld(client, "/treatments/spinal-cord-stimulation/"), "MedicalProcedure")
    assert by_type(json_ld(client, "/treatments/physical-therapy/"), "MedicalTherapy")


@pytest.mark.parametrize("url", ["/", "/conditions/", "/treatments/", "/research/", "/search/?q=back"])
def test_every_other_public_page_has_valid_json_ld(client, demo_clinic, url):
    items = json_ld(client, url)
    assert items
    check_schema([item for item in items if item.get("@type") != "ScholarlyArticle"])


def test_every_condition_page_parses(client, demo_clinic):
    for condition in Condition.objects.published():
        check_schema(json_ld(client, condition.get_absolute_url()))


def test_social_and_seo_tags(client, demo_clinic):
    condition = Condition.objects.get(slug="lumbar-radiculopathy")
    page = client.get(condition.get_absolute_url()).content.decode()
    data = extruct.extract(page, base_url="http://testserver", syntaxes=["opengraph"])["opengraph"][0]
    properties = dict(data["properties"])
    assert properties["og:title"].startswith(condition.name)
    assert properties["og:description"] == condition.summary
    assert properties["og:url"] == f"http://testserver{condition.get_absolute_url()}"
    assert f'<meta name="description" content="{condition.summary}">' in page
    assert f'<link rel="canonical" href="http://testserver{condition.get_absolute_url()}">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_json_ld_cannot_break_out_of_its_script(client):
    condition = ConditionFactory(name="Pain </script><script>alert(1)</script>", summary="A & B <b>")
    page = client.get(condition.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    assert "\\u003C/script\\u003E" in page


def test_research_pages_still_render(client, demo_clinic):
    article = ResearchArticle.objects.published().first()
    assert client.get(article.get_absolute_url()).status_code == 200
