"""One citation as a file or a web service gives it, before it becomes a ResearchArticle, and how it is checked."""

import re
from dataclasses import dataclass, field

YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")
# Pages: "64--78" (BibTeX), "64–78" (en dash), "64 - 78" all become "64-78".
PAGE_DASHES = re.compile(r"\s*(?:-{1,3}|[‐‑‒–—])\s*")


@dataclass
class Author:
    """A person (family name and given names as the source spells them out) or a group (family name only)."""

    family: str
    given: str = ""
    credentials: str = ""  # "DO", "MD, PhD": a WordPress page names the clinic's physicians with theirs

    def as_fields(self):
        return {"family_name": self.family, "given_names": self.given, "credentials": self.credentials}


@dataclass
class Citation:
    title: str = ""
    authors: list[Author] = field(default_factory=list)
    journal: str = ""
    journal_abbreviation: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    #: What the reader or the checks left out of this record, one sentence each ("the link … was dropped: …").
    warnings: list[str] = field(default_factory=list)

    def article_fields(self):
        return {
            "title": self.title,
            "journal": self.journal,
            "journal_abbreviation": self.journal_abbreviation,
            "year": self.year,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "doi": self.doi,
            "pmid": self.pmid,
            "url": self.url,
            "abstract": self.abstract,
            "keywords": "\n".join(self.keywords),
        }


@dataclass
class ParsedRecord:
    """A record of a file: its number (1 = first in the file), the line it starts on, the citation or the error."""

    number: int
    line: int | None = None
    citation: Citation | None = None
    error: str = ""

    @property
    def title(self):
        return self.citation.title if self.citation else ""

    @property
    def label(self):
        where = f"record {self.number}" + (f" (line {self.line})" if self.line else "")
        if self.title:
            title = self.title if len(self.title) <= 60 else f"{self.title[:59]}…"
            where += f" “{title}”"
        elif self.citation and (self.citation.authors or self.citation.year):
            first = self.citation.authors[0].family if self.citation.authors else ""
            where += f" ({', '.join(str(part) for part in (first, self.citation.year) if part)})"
        return where


#: Values some sources write where they have nothing ("No-Specified" from ProQuest, "n/a"): they are no value.
PLACEHOLDERS = {"no-specified", "not specified", "not-specified", "unspecified", "n/a", "n.a.", "na", "none",
                "unknown", "-", "--", "?"}  # fmt: skip


def is_placeholder(value) -> bool:
    return clean_text(value).casefold() in PLACEHOLDERS


# --- Cleaning values ------------------------------------------------------------------------------------


def clean_text(value) -> str:
    """One line of text: a list joined, whitespace collapsed."""
    if isinstance(value, list | tuple):
        value = " ".join(str(item) for item in value)
    return " ".join(str(value or "").split())


def clean_title(value) -> str:
    """PubMed ends titles with a period, which the AMA citation adds itself; "[Translated title]" loses its brackets."""
    title = clean_text(value)
    if title.startswith("[") and title.endswith(("].", "]")):
        title = title.lstrip("[").rstrip(".").rstrip("]")
    return title.removesuffix(".") if title.endswith(".") and not title.endswith("..") else title


def clean_year(value) -> int | None:
    match = YEAR.search(clean_text(value))
    return int(match.group(1)) if match else None


def clean_pages(first, last="") -> str:
    """`64-78` from a start and an end page or a range; PubMed's `2245-56` in full (`2245-2256`), as AMA wants."""
    first, last = clean_text(first), clean_text(last)
    pages = f"{first}-{last}" if first and last and not PAGE_DASHES.search(first) else first or last
    pages = PAGE_DASHES.sub("-", pages.split(";")[0].split(",")[0].strip())  # "98-106; discussion 106-7"
    start, dash, end = pages.partition("-")
    if dash and start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end
        pages = f"{start}-{end}"
    return pages


def clean_abstract(value) -> str:
    """Paragraphs kept (blank lines), lines inside a paragraph joined."""
    if isinstance(value, list | tuple):
        value = "\n\n".join(str(item) for item in value)
    paragraphs = re.split(r"\n\s*\n", str(value or ""))
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs if paragraph.strip())


def person_from_text(text: str) -> Author | None:
    """`Hussain, Arif` or `Hussain A` (initials) or a group name ("North American Spine Society")."""
    text = clean_text(text).strip(" ,;")
    if not text:
        return None
    if "," in text:
        family, _, given = text.partition(",")
        given = given.strip().strip(",").strip()
        # "Smith, John, Jr": keep the suffix with the given names, where it does not become an initial.
        return Author(family.strip(), given)
    words = text.split()
    if len(words) >= 2 and re.fullmatch(r"[A-Z]{1,3}", words[-1]):
        return Author(" ".join(words[:-1]), initials_as_given(words[-1]))
    return Author(text)


def initials_as_given(initials: str) -> str:
    """`MA` (MEDLINE's initials) becomes `M. A.`, which `ArticleAuthor.short_name` reads back as "MA"."""
    return " ".join(f"{letter}." for letter in initials if letter.isalpha())


def unique_keywords(keywords) -> list[str]:
    seen, result = set(), []
    for keyword in keywords:
        keyword = clean_text(keyword).strip(" ,;")
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            result.append(keyword)
    return result
