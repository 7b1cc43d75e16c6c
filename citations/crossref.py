"""Crossref's REST API answer for one DOI (`GET https://api.crossref.org/works/{doi}`) as a citation."""

import html
import json
import re

from .records import (
    Author,
    Citation,
    ParsedRecord,
    clean_abstract,
    clean_pages,
    clean_text,
    clean_title,
    clean_year,
    unique_keywords,
)

JATS_TAG = re.compile(r"<[^>]+>")


def looks_like(text: str) -> bool:
    return text.lstrip().startswith("{") and '"message"' in text[:2000]


def _first(value):
    if isinstance(value, list):
        return value[0] if value else ""
    return value or ""


def _plain(value) -> str:
    return html.unescape(JATS_TAG.sub(" ", str(value or "")))


def parse(text: str) -> list[ParsedRecord]:
    try:
        data = json.loads(text)
    except ValueError as error:
        return [ParsedRecord(1, error=f"Crossref's answer is not JSON ({error})")]
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        return [ParsedRecord(1, error="Crossref's answer has no record")]
    return [ParsedRecord(1, citation=citation_from_message(message))]


def _year(message):
    for key in ("published-print", "published-online", "issued", "published", "created"):
        parts = (message.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            return clean_year(parts[0][0])
    return None


def citation_from_message(message: dict) -> Citation:
    authors = []
    for person in message.get("author") or []:
        if person.get("family"):
            authors.append(Author(clean_text(person["family"]), clean_text(person.get("given"))))
        elif person.get("name"):
            authors.append(Author(clean_text(person["name"])))
    abstract = re.sub(r"^\s*Abstract\s+", "", _plain(message.get("abstract")))
    return Citation(
        title=clean_title(_plain(_first(message.get("title")))),
        authors=authors,
        journal=clean_text(_plain(_first(message.get("container-title")))),
        journal_abbreviation=clean_text(_first(message.get("short-container-title"))),
        year=_year(message),
        volume=clean_text(message.get("volume")),
        issue=clean_text(message.get("issue")),
        pages=clean_pages(message.get("page")),
        doi=clean_text(message.get("DOI")),
        abstract=clean_abstract(abstract),
        keywords=unique_keywords(message.get("subject") or []),
    )
