"""RIS (`.ris`): Zotero, EndNote, Mendeley, publishers' "Download citation". Read with rispy, record by record.

The file is cut into records here (`TY  -` … `ER  -`), so a broken record is reported with its number and line
and the others are read; rispy reads each record's tags.
"""

import re

import rispy

from .records import (
    Citation,
    ParsedRecord,
    clean_abstract,
    clean_pages,
    clean_text,
    clean_title,
    clean_year,
    is_placeholder,
    person_from_text,
    unique_keywords,
)

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
#: rispy's tags plus two old title tags it does not know: CT (title of an unpublished work) and BT (book title,
#: which older EndNote and Reference Manager exports use as the only title).
MAPPING = {**rispy.TAG_KEY_MAPPING, "CT": "unpublished_title", "BT": "book_title"}
#: Where a record's title may be, in order: the standard fallbacks when TI is missing (ST, the short title, last).
TITLE_KEYS = ("title", "primary_title", "unpublished_title", "book_title", "short_title")
TITLE_TAGS = {"TI", "T1", "CT", "BT", "ST"}
DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/", re.IGNORECASE)


def looks_like(text: str) -> bool:
    return re.search(r"^TY  -", text, re.MULTILINE) is not None


def split_records(text: str):
    """Yield (number, first line, lines, error) per record; lines between records are ignored."""
    number, start, lines = 0, None, []
    for line_number, line in enumerate(text.splitlines(), start=1):
        match = TAG_LINE.match(line.rstrip())
        tag = match.group(1) if match else None
        if tag == "TY":
            if start is not None:
                yield number, start, lines, "no “ER  -” line before the next record: the record is incomplete"
            number, start, lines = number + 1, line_number, [line.rstrip()]
        elif start is not None:
            lines.append(line.rstrip())
            if tag == "ER":
                yield number, start, lines, ""
                start, lines = None, []
    if start is not None:
        yield number, start, lines, "the file ends before this record's “ER  -” line (is it cut short?)"


def parse(text: str) -> list[ParsedRecord]:
    records = []
    for number, line, lines, error in split_records(text):
        if error:
            title = next((m.group(2) for m in map(TAG_LINE.match, lines) if m and m.group(1) in TITLE_TAGS), "")
            records.append(ParsedRecord(number, line, Citation(title=clean_title(title)), error=error))
            continue
        try:
            entries = rispy.loads("\n".join(lines), mapping=MAPPING, skip_unknown_tags=True)
        except Exception as exc:  # noqa: BLE001 - whatever rispy trips on is this record's problem
            records.append(ParsedRecord(number, line, error=f"unreadable RIS: {exc}"))
            continue
        if len(entries) != 1:
            records.append(ParsedRecord(number, line, error="unreadable RIS record"))
            continue
        records.append(ParsedRecord(number, line, citation_from_entry(entries[0])))
    return records


def _first(entry, *keys):
    for key in keys:
        value = clean_text(entry.get(key))
        if value and not is_placeholder(value):  # "No-Specified" gives way to the next tag
            return value
    return ""


def citation_from_entry(entry: dict) -> Citation:
    journal = _first(entry, "secondary_title", "alternate_title3", "journal_name")
    abbreviation = _first(entry, "alternate_title1", "alternate_title2")
    if not abbreviation and entry.get("journal_name") and clean_text(entry["journal_name"]) != journal:
        abbreviation = clean_text(entry["journal_name"])
    urls = [url for url in entry.get("urls", []) if url]
    doi = _first(entry, "doi") or next((url for url in urls if DOI_URL.match(url)), "")
    # The PubMed ID only from its identifier field (AN, the accession number, of a PubMed record), never from notes:
    # a ProQuest note's "PMID: 155333" named another paper.
    accession = clean_text(entry.get("accession_number"))
    provider = f"{entry.get('name_of_database', '')} {entry.get('database_provider', '')}".lower()
    pmid = accession if any(name in provider for name in ("pubmed", "nlm", "medline")) else ""
    people = [*entry.get("authors", []), *entry.get("first_authors", [])]
    return Citation(
        title=clean_title(_first(entry, *TITLE_KEYS)),
        authors=[author for author in map(person_from_text, people) if author],
        journal=journal,
        journal_abbreviation=abbreviation,
        year=clean_year(_first(entry, "year", "publication_year", "date")),
        volume=_first(entry, "volume"),
        issue=_first(entry, "number"),
        pages=clean_pages(entry.get("start_page", ""), entry.get("end_page", "")),
        doi=doi,
        pmid=pmid,
        url=next((url for url in urls if not DOI_URL.match(url)), ""),
        abstract=clean_abstract(entry.get("abstract") or entry.get("notes_abstract")),
        keywords=unique_keywords(entry.get("keywords", [])),
    )


# --- Writing (the article page's "Download citation") ------------------------------------------------------


def one_line(value):
    """RIS is one field per line: a line break inside a value would start a forged field (`UR  - …`) or record
    (`ER  - ` then `TY  - `). Every value is folded onto one line (abstract paragraphs too)."""
    return [clean_text(item) for item in value] if isinstance(value, list) else clean_text(value)


def dumps(article) -> str:
    """One article as a RIS record (JOUR), with its authors in order, each value on one line."""
    entry = {"type_of_reference": "JOUR", "title": article.title}
    entry["authors"] = [
        f"{author.family_name}, {author.given_names}" if author.given_names else author.family_name
        for author in article.authors.all()
    ]
    optional = {
        "secondary_title": article.journal,
        "alternate_title1": article.journal_abbreviation,
        "year": str(article.year or ""),
        "volume": article.volume,
        "number": article.issue,
        "doi": article.doi,
        "abstract": article.abstract,
        "urls": [url for url in (article.doi_url, article.pubmed_url, article.url) if url],
        "keywords": article.keyword_list,
    }
    start, _, end = article.pages.partition("-")
    optional.update(start_page=start, end_page=end)
    if article.pmid:
        optional["accession_number"] = article.pmid
        optional["name_of_database"] = "PubMed"
    entry.update({key: value for key, value in optional.items() if value})
    return rispy.dumps([{key: one_line(value) for key, value in entry.items()}], skip_unknown_tags=True)
