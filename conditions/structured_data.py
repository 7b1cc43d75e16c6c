"""schema.org JSON-LD for the public pages, so search engines read them as medical content.

Condition pages are a `MedicalWebPage` about a `MedicalCondition`; treatment pages a `MedicalProcedure`
(surgery, injections, neuromodulation) or a `MedicalTherapy`; index pages `CollectionPage`s; the home page the
clinic as a `MedicalClinic` with its `WebSite`. Breadcrumbs are added by the breadcrumbs template tag.
"""

import re

from citations.ama import ama_citation
from citations.tokens import strip_citation_tokens
from practice.models import clinic

from .models import BodyRegion, TreatmentCategory
from .sanitize import plain_text

CONTEXT = "https://schema.org"
LIST_ITEM = re.compile(r"<li[^>]*>(.*?)</li>", re.IGNORECASE | re.DOTALL)

# Where in the body each region is, for `associatedAnatomy`.
ANATOMY = {
    BodyRegion.HEAD: "Head",
    BodyRegion.NECK: "Cervical spine",
    BodyRegion.SHOULDER_ARM: "Shoulder and arm",
    BodyRegion.MID_BACK: "Thoracic spine",
    BodyRegion.LOW_BACK: "Lumbar spine",
    BodyRegion.HIP_PELVIS: "Pelvis",
    BodyRegion.LEG_FOOT: "Lower limb",
    BodyRegion.WHOLE_BODY: "Nervous system",
}


def plain(fragment):
    fragment = strip_citation_tokens(fragment)  # [cite:slug] tokens become reference numbers on the page only
    return plain_text(fragment)


def list_items(rich_text):
    """The text of each <li> of a rich-text field: a symptom or a cause each."""
    return [text for text in (plain(item) for item in LIST_ITEM.findall(rich_text or "")) if text]


def absolute(request, path):
    return request.build_absolute_uri(path)


def publisher(request):
    """The clinic as the publisher of a page: who it is and how to reach it (the home page gives its locations)."""
    details = clinic()
    data = {"@type": "MedicalOrganization", "name": details.name, "url": absolute(request, "/")}
    if details.phone:
        data["telephone"] = details.phone
    return data


def clinic_location(location, details):
    place = {
        "@type": "MedicalClinic",
        "name": location.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "addressLocality": location.locality,
            "addressRegion": location.region,
            "postalCode": location.postal_code,
            "addressCountry": location.country,
        },
        "hasMap": location.map_link,
    }
    if phone := location.phone or details.phone:
        place["telephone"] = phone
    if hours := location.opening_hours_list:
        place["openingHours"] = hours
    return place


def clinic_organization(request):
    """The clinic with its contact details and every location (a MedicalClinic each), for the home page."""
    details = clinic()
    data = {"@context": CONTEXT, **publisher(request), "medicalSpecialty": "PainMedicine"}
    if details.email:
        data["email"] = details.email
    if details.logo:
        data["logo"] = absolute(request, details.logo.url)
    if details.locations:
        data["location"] = [clinic_location(location, details) for location in details.locations]
    return data


def therapy(treatment, request):
    kind = "MedicalProcedure" if TreatmentCategory(treatment.category).is_procedure else "MedicalTherapy"
    return {"@type": kind, "name": treatment.name, "url": absolute(request, treatment.get_absolute_url())}


def condition_page(condition, request):
    url = absolute(request, condition.get_absolute_url())
    about = {
        "@type": "MedicalCondition",
        "name": condition.name,
        "description": condition.summary,
        "url": url,
    }
    if condition.alternate_name_list:
        about["alternateName"] = condition.alternate_name_list
    if symptoms := list_items(condition.symptoms):
        about["signOrSymptom"] = [{"@type": "MedicalSignOrSymptom", "name": text} for text in symptoms]
    if causes := list_items(condition.causes):
        about["cause"] = [{"@type": "MedicalCause", "name": text} for text in causes]
    if links := condition.published_treatment_links:
        about["possibleTreatment"] = [therapy(link.treatment, request) for link in links]
    if anatomy := ANATOMY.get(condition.body_region):
        about["associatedAnatomy"] = {"@type": "AnatomicalStructure", "name": anatomy}
    page = {
        "@context": CONTEXT,
        "@type": "MedicalWebPage",
        "name": condition.name,
        "url": url,
        "description": condition.summary,
        "about": about,
        "audience": {"@type": "Patient"},
        "dateModified": condition.updated_at.isoformat(),
        "publisher": publisher(request),
    }
    if condition.last_reviewed:
        page["lastReviewed"] = condition.last_reviewed.isoformat()
    if condition.reviewed_by:
        page["reviewedBy"] = reviewer(condition, request)
    return page


def reviewer(page, request):
    """The medical reviewer of a page as a schema.org Physician, with their profile page when they have one."""
    data = {"@type": "Physician", "name": page.reviewed_by}
    if page.reviewer_url:
        data["url"] = absolute(request, page.reviewer_url)
    return data


def physician(profile, request):
    data = {
        "@type": "Physician",
        "name": str(profile.clinician),
        "url": absolute(request, profile.get_absolute_url()),
        "description": profile.summary,
    }
    if specialties := profile.specialty_list:
        data["knowsAbout"] = specialties
    if profile.hero_image:
        data["image"] = absolute(request, profile.hero_image.url)
    return data


def profile_page(profile, request):
    data = physician(profile, request)
    page = {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "name": str(profile.clinician),
        "url": data["url"],
        "mainEntity": data,
        "dateModified": profile.updated_at.isoformat(),
        "publisher": publisher(request),
    }
    if profile.last_reviewed:
        page["lastReviewed"] = profile.last_reviewed.isoformat()
    if profile.reviewed_by:
        page["reviewedBy"] = reviewer(profile, request)
    return page


def treatment_page(treatment, request):
    data = {"@context": CONTEXT, **therapy(treatment, request), "description": treatment.summary}
    data["mainEntityOfPage"] = {
        "@type": "MedicalWebPage",
        "name": treatment.name,
        "url": data["url"],
        "dateModified": treatment.updated_at.isoformat(),
        "publisher": publisher(request),
        **({"lastReviewed": treatment.last_reviewed.isoformat()} if treatment.last_reviewed else {}),
        **({"reviewedBy": reviewer(treatment, request)} if treatment.reviewed_by else {}),
    }
    return data


def collection_page(request, name, description=""):
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": absolute(request, request.path),
        "publisher": publisher(request),
    }


def home_page(request):
    home = absolute(request, "/")
    return [
        {
            "@context": CONTEXT,
            "@type": "WebSite",
            "name": clinic().name,
            "url": home,
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": f"{home}search/?q={{search_term_string}}"},
                "query-input": "required name=search_term_string",
            },
        },
        clinic_organization(request),
    ]


def search_page(request):
    return {"@context": CONTEXT, "@type": "SearchResultsPage", "url": absolute(request, request.get_full_path())}


def breadcrumb_list(request, items):
    """`items`: [(name, url or None)], the current page last (its URL is the request's)."""
    elements = [{"@type": "ListItem", "position": 1, "name": "Home", "item": absolute(request, "/")}]
    for position, (name, url) in enumerate(items, start=2):
        elements.append(
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": absolute(request, url or request.path),
            }
        )
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": elements}


# --- Research articles: schema.org ScholarlyArticle (Google Scholar and search engines) ----------------------

GROUP_WORDS = ("group", "society", "investigators", "association", "collaboration", "consortium", "committee")


def person_or_organization(author):
    if not author.given_names and any(word in author.family_name.casefold() for word in GROUP_WORDS):
        return {"@type": "Organization", "name": author.family_name}
    person = {"@type": "Person", "name": f"{author.given_names} {author.family_name}".strip()}
    person["familyName"] = author.family_name
    if author.given_names:
        person["givenName"] = author.given_names
    return person


def periodical(article):
    """Periodical ⊃ PublicationVolume ⊃ PublicationIssue, as far as they are known (schema.org's nesting)."""
    if not (article.journal or article.journal_abbreviation):
        return None
    part = {"@type": "Periodical", "name": article.journal or article.journal_abbreviation}
    if article.journal and article.journal_abbreviation and article.journal_abbreviation != article.journal:
        part["alternateName"] = article.journal_abbreviation
    if article.volume:
        part = {"@type": "PublicationVolume", "volumeNumber": article.volume, "isPartOf": part}
    if article.issue:
        part = {"@type": "PublicationIssue", "issueNumber": article.issue, "isPartOf": part}
    return part


def scholarly_article(article, request, author_profiles=None):
    """`author_profiles`: {author pk: ClinicianProfile} of the authors who are the clinic's clinicians."""
    author_profiles = author_profiles or {}
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": CONTEXT,
        "@type": "ScholarlyArticle",
        "headline": article.title if len(article.title) <= 110 else f"{article.title[:109]}…",
        "name": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "author": [
            physician(author_profiles[author.pk], request)
            if author.pk in author_profiles
            else person_or_organization(author)
            for author in article.authors.all()
        ],  # fmt: skip
        "citation": ama_citation(article),
    }
    if article.year:
        data["datePublished"] = str(article.year)
    if part := periodical(article):
        data["isPartOf"] = part
    if article.pages:
        data["pagination"] = article.pages
        start, dash, end = article.pages.partition("-")
        if dash:
            data["pageStart"], data["pageEnd"] = start, end
    identifiers = []
    if article.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi})
    if article.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": article.pmid})
    if identifiers:
        data["identifier"] = identifiers
    same_as = [link for link in (article.doi_url, article.pubmed_url) if link]
    if same_as:
        data["sameAs"] = same_as
    if article.abstract:
        data["abstract"] = article.abstract
    if keywords := article.keyword_list:
        data["keywords"] = ", ".join(keywords)
    return data
