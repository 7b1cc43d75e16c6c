"""PubMed's MEDLINE format (`.nbib` from "Cite → Download .nbib", `.txt` from "Save → Format: PubMed"), and
NCBI efetch's `rettype=medline`. No library for it is kept up to date, so this is a small parser.

A record is a block of lines `TAG - value` (the tag padded to four characters), continuation lines indented by
six spaces, records separated by blank lines. Each starts with `PMID- `.
"""

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
    initials_as_given,
    person_from_text,
    unique_keywords,
)

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
CONTINUATION = re.compile(r"^ {2,}\S")
DOI_ID = re.compile(r"^(10\.\S+)\s+\[doi\]$", re.IGNORECASE)


def looks_like(text: str) -> bool:
    return re.search(r"^PMID- ?\d", text, re.MULTILINE) is not None


def split_records(text: str):
    """Yield (number, first line, [(tag, value, line)], error) per record."""
    number, start, fields, error = 0, None, [], ""
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if not line.strip():
            if start is not None:
                yield number, start, fields, error
                start, fields, error = None, [], ""
            continue
        tag_match = TAG_LINE.match(line) if line[4:6] == "- " or line[4:5] == "-" else None
        if start is None:
            number, start = number + 1, line_number
        if tag_match:
            fields.append([tag_match.group(1), tag_match.group(2).strip(), line_number])
        elif CONTINUATION.match(line) and fields:
            fields[-1][1] = f"{fields[-1][1]} {line.strip()}"
        elif not error:
            error = f"line {line_number} is not a MEDLINE line (“TAG - value”): “{line[:40]}”"
    if start is not None:
        yield number, start, fields, error


def parse(text: str) -> list[ParsedRecord]:
    records = []
    for number, line, fields, error in split_records(text):
        citation = citation_from_fields(fields)
        if error:
            records.append(ParsedRecord(number, line, citation, error=error))
        elif not any(tag == "PMID" for tag, _, _ in fields) and not citation.title:
            records.append(ParsedRecord(number, line, citation, error="no PMID and no title: not a PubMed record"))
        else:
            records.append(ParsedRecord(number, line, citation))
    return records


def citation_from_fields(fields) -> Citation:
    values = {}
    for tag, value, _ in fields:
        values.setdefault(tag, []).append(value)

    def first(tag):
        return clean_text(values.get(tag, [""])[0])

    doi = ""
    for value in values.get("LID", []) + values.get("AID", []):
        if match := DOI_ID.match(clean_text(value)):
            doi = match.group(1)
            break
    return Citation(
        title=clean_title(first("TI") or first("BTI")),
        authors=authors_in_order(fields),
        journal=first("JT"),
        journal_abbreviation=first("TA"),
        year=clean_year(first("DP")),
        volume=first("VI"),
        issue=first("IP"),
        pages=clean_pages(first("PG")),
        doi=doi,
        pmid=first("PMID"),
        abstract=clean_abstract("\n\n".join(values.get("AB", []))),
        keywords=unique_keywords(
            [heading.split("/")[0].replace("*", "") for heading in values.get("MH", [])] + values.get("OT", [])
        ),
    )


def authors_in_order(fields):
    """Full names (FAU) when the record has them, else AU's "Family Initials"; group authors (CN) where they stand."""
    has_full_names = any(tag == "FAU" for tag, _, _ in fields)
    authors = []
    for tag, value, _ in fields:
        if tag == "CN":
            authors.append(Author(clean_text(value)))
        elif tag == "FAU" and has_full_names:
            if author := person_from_text(value):
                authors.append(author)
        elif tag == "AU" and not has_full_names:
            words = clean_text(value).split()
            if len(words) >= 2 and words[-1].isupper():
                authors.append(Author(" ".join(words[:-1]), initials_as_given(words[-1])))
            elif words:
                authors.append(Author(" ".join(words)))
    return authors
