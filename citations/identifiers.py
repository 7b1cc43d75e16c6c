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
