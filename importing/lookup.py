"""Fill a citation from its DOI (Crossref) or PubMed ID (NCBI E-utilities), when the server is online.

Plain `urllib.request` with a short timeout, no new dependency. Every failure (offline, timeout, an HTTP error, an
answer that cannot be read) becomes `LookupFailed` with a sentence an editor can act on: the admin shows it and
the fields are filled by hand. Tests replace `urlopen` with recorded answers (tests/fixtures/citations/).
"""

import re
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings

from citations.files import FORMATS, CitationFile
from citations.identifiers import normalize_doi

CROSSREF_URL = "https://api.crossref.org/works/{doi}"
EFETCH_URL = (
    "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pubmed&id={pmid}&rettype=medline&retmode=text"
)
PMID = re.compile(r"^(?:PMID:?\s*)?([1-9]\d{0,8})$", re.IGNORECASE)
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
MAX_ANSWER_BYTES = 2 * 1024 * 1024


class LookupFailed(Exception):
    """The record could not be fetched; the message says what to do."""


def timeout():
    return float(settings.CITATION_LOOKUP_TIMEOUT)


def user_agent():
    contact = settings.CITATION_LOOKUP_CONTACT or settings.DEFAULT_FROM_EMAIL
    return f"ClinicCMS/1.0 (citation look-up; mailto:{contact})"


def identify(identifier: str):
    """("doi", "10.1111/papr.12035") or ("pmid", "23374545"); LookupFailed when it is neither."""
    value = (identifier or "").strip()
    doi = normalize_doi(value)
    if DOI.match(doi):
        return "doi", doi
    if match := PMID.match(value):
        return "pmid", match.group(1)
    raise LookupFailed(f"“{value[:60]}” is neither a DOI (10.1111/papr.12035) nor a PubMed ID (23374545).")


def fetch(url: str, service: str) -> str:
    request = Request(url, headers={"User-Agent": user_agent(), "Accept": "application/json, text/plain"})
    try:
        with urlopen(request, timeout=timeout()) as response:  # noqa: S310 - fixed https URLs only
            data = response.read(MAX_ANSWER_BYTES + 1)
    except HTTPError as error:
        if error.code == 404:
            raise LookupFailed(
                f"{service} has no record for this identifier: check it, or fill the fields by hand."
            ) from None
        raise LookupFailed(f"{service} answered with an error ({error.code}); fill the fields by hand.") from None
    except (URLError, TimeoutError, OSError):  # offline, refused, timed out
        raise LookupFailed(f"Could not reach {service}; fill the fields by hand.") from None
    if len(data) > MAX_ANSWER_BYTES:
        raise LookupFailed(f"{service}'s answer is unexpectedly large; fill the fields by hand.")
    return data.decode("utf-8", errors="replace")


def lookup(identifier: str) -> CitationFile:
    """The record for a DOI or PMID, as a one-record citation file ready for the import preview."""
    kind, value = identify(identifier)
    if kind == "doi":
        text = fetch(CROSSREF_URL.format(doi=quote(value, safe="/")), "Crossref")
        fmt, name = FORMATS["crossref"], f"Crossref {value}"
    else:
        text = fetch(EFETCH_URL.format(pmid=value), "PubMed")
        fmt, name = FORMATS["medline"], f"PubMed {value}"
    records = fmt.reader.parse(text)
    citation = records[0].citation if len(records) == 1 else None
    if citation is None or not (citation.title or records[0].error):
        service = "Crossref" if kind == "doi" else "PubMed"
        raise LookupFailed(f"{service} has no usable record for {value}; fill the fields by hand.")
    if kind == "doi" and not citation.doi:
        citation.doi = value
    return CitationFile(name=name, format=fmt, text=text, records=records)


def fill_article(article, citation) -> list[str]:
    """Copy into `article` what it lacks (empty fields only; authors when it has none). The names of the fields."""
    filled = []
    for name, value in citation.article_fields().items():
        if value and not getattr(article, name):
            setattr(article, name, value)
            filled.append(str(type(article)._meta.get_field(name).verbose_name))
    return filled
