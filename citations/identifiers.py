"""Identifiers of research articles: DOIs and PubMed IDs, written once for every reader, importer and form."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """`https://doi.org/10.1/X` and `doi:10.1/X` both become `10.1/X` (DOIs compare case-insensitively)."""
    return DOI_PREFIXES.sub("", (value or "").strip())


def validate_doi(value):
    if not DOI_PATTERN.match(normalize_doi(value)):
        raise ValidationError(
            _('"%(value)s" is not a DOI. A DOI looks like 10.1111/papr.12088.'),
            code="invalid_doi",
            params={"value": value},
        )


validate_pmid = RegexValidator(r"^[1-9]\d{0,8}$", _("A PubMed ID is a number of up to 9 digits, e.g. 23682788."))

PMID_FIELD = re.compile(r"^(?:pmid|pubmed(?:\s*id)?)?\s*:?\s*(\d+)(?:\s*\[(?:pubmed|pmid)[^\]]*\])?$", re.IGNORECASE)


def normalize_pmid(value: str) -> str:
    """`PMID: 23374545` and `23374545 [PubMed - indexed for MEDLINE]` (as some tools fill a PubMed ID field) become
    `23374545`; anything else is returned as it is (and then fails `validate_pmid`)."""
    value = " ".join((value or "").split())
    match = PMID_FIELD.match(value)
    return match.group(1).lstrip("0") if match else value


def normalize_url(value: str) -> str:
    """A scheme-less `//www.sciencedirect.com/…` (Elsevier's exports) gets `https:`; other values are unchanged."""
    value = (value or "").strip()
    return f"https:{value}" if value.startswith("//") else value
