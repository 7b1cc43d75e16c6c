"""BibTeX (`.bib`): Zotero, Mendeley, JabRef, Google Scholar. Read with bibtexparser 2.x.

Names are split (`SplitNameParts`) before LaTeX is decoded, so a braced group author (`{North American Spine
Society}`) stays one name; accents (`M{\\"u}ller`) are decoded with pylatexenc, bibtexparser's own dependency.
"""

import logging
import re

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text

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

_latex = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)


def looks_like(text: str) -> bool:
    return re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.MULTILINE) is not None


def decode(value) -> str:
    text = str(value or "")
    if "\\" in text or "{" in text or "~" in text:
        try:
            text = _latex.latex_to_text(text)
        except Exception:  # noqa: BLE001 - undecodable LaTeX is kept as typed
            text = text.replace("{", "").replace("}", "")
    return text


def parse(text: str) -> list[ParsedRecord]:
    # bibtexparser logs each failed block as a warning; the failures are reported per record below instead.
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(
            text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
        )
    finally:
        logger.setLevel(previous)
    records = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, Entry):
            records.append(ParsedRecord(len(records) + 1, line, citation_from_entry(block)))
        elif isinstance(block, ParsingFailedBlock):
            records.append(ParsedRecord(len(records) + 1, line, error=failure_reason(block)))
    return records


def failure_reason(block) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        return f"the citation key “{block.key}” is used twice in the file"
    if isinstance(block, DuplicateFieldKeyBlock):
        return f"a field appears twice in the entry ({', '.join(sorted(block.duplicate_keys))})"
    if isinstance(block, MiddlewareErrorBlock):
        return f"the author list cannot be read ({block.error})"
    raw = (block.raw or "").lstrip()
    key = re.match(r"@\s*\w+\s*[{(]\s*([^,\s]*)", raw)
    what = f"the entry “{key.group(1)}”" if key and key.group(1) else "this entry"
    return f"{what} is not valid BibTeX (an unclosed brace or quote?)"


def _field(entry: Entry, *names):
    for name in names:
        field = entry.fields_dict.get(name)
        if field is not None and field.value not in ("", None):
            return field.value
    return ""


def _text(entry, *names):
    return clean_text(decode(_field(entry, *names)))


def authors(entry: Entry):
    result = []
    for name in _field(entry, "author") or []:
        if isinstance(name, str):  # SplitNameParts could not split it: keep the whole name
            result.append(Author(clean_text(decode(name))))
            continue
        family = clean_text(decode(" ".join([*name.von, *name.last])))
        given = clean_text(decode(" ".join(name.first)))
        if name.jr:
            given = f"{given}, {clean_text(decode(' '.join(name.jr)))}".strip(", ")
        if family:
            result.append(Author(family, given))
    return result


def citation_from_entry(entry: Entry) -> Citation:
    keyword_text = _text(entry, "keywords", "mesh")
    keywords = re.split(r"\s*;\s*" if ";" in keyword_text else r"\s*,\s*", keyword_text) if keyword_text else []
    pmid = _text(entry, "pmid")
    if not pmid and (match := PMID_NOTE.search(_text(entry, "note", "annote", "extra"))):
        pmid = match.group(1)
    return Citation(
        title=clean_title(_text(entry, "title")),
        authors=authors(entry),
        journal=_text(entry, "journal", "journaltitle", "booktitle"),
        journal_abbreviation=_text(entry, "shortjournal", "journal-iso", "journalabbreviation"),
        year=clean_year(_text(entry, "year", "date")),
        volume=_text(entry, "volume"),
        issue=_text(entry, "number", "issue"),
        pages=clean_pages(_text(entry, "pages")),
        doi=_text(entry, "doi"),
        pmid=pmid,
        url=_text(entry, "url"),
        abstract=clean_abstract(decode(_field(entry, "abstract"))),
        keywords=unique_keywords(keywords),
    )


# --- Writing (the article page's "Download citation") ------------------------------------------------------

# LaTeX specials; braces are handled by `escape`.
_SPECIAL = str.maketrans({"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"})
_UNPAIRED_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def escape(value: str) -> str:
    r"""A field value on one line (a line starting with `@` begins a new entry for many readers), LaTeX specials
    escaped. Braces that pair up become `\{` `\}`; a lone one becomes a command without an unbalanced brace:
    BibTeX counts every brace, escaped or not, so one `}` would end the field and what follows would be read as
    new fields or entries."""
    text = clean_text(value)
    opened, paired = [], set()
    for index, character in enumerate(text):
        if character == "{":
            opened.append(index)
        elif character == "}" and opened:
            paired.update((opened.pop(), index))
    return "".join(
        (f"\\{character}" if index in paired else _UNPAIRED_BRACE[character])
        if character in _UNPAIRED_BRACE
        else character.translate(_SPECIAL)
        for index, character in enumerate(text)
    )


def citation_key(article) -> str:
    first_author = next(iter(article.authors.all()), None)
    family = re.sub(r"[^a-z]", "", (first_author.family_name if first_author else "").casefold())
    word = next((w for w in re.findall(r"[a-z]+", article.title.casefold()) if len(w) > 3), "article")
    return f"{family or 'anon'}{article.year or ''}{word}"


def dumps(article) -> str:
    """One article as a BibTeX @article, UTF-8 (biber, Zotero and Mendeley read it); the title's case protected."""
    names = " and ".join(
        f"{escape(a.family_name)}, {escape(a.given_names)}" if a.given_names else f"{{{escape(a.family_name)}}}"
        for a in article.authors.all()
    )
    values = {
        "author": names,
        "title": f"{{{escape(article.title)}}}",
        "journal": escape(article.journal or article.journal_abbreviation),
        "shortjournal": escape(article.journal_abbreviation),
        "year": str(article.year or ""),
        "volume": escape(article.volume),
        "number": escape(article.issue),
        "pages": escape(article.pages.replace("-", "--")),
        "doi": escape(article.doi),
        "pmid": escape(article.pmid),
        "url": escape(article.url or article.doi_url),
        "keywords": escape(", ".join(article.keyword_list)),
        "abstract": escape(article.abstract),
    }
    fields = [Field(name, value) for name, value in values.items() if value]  # the writer adds the braces
    library = Library([Entry("article", citation_key(article), fields)])
    return bibtexparser.write_string(library)
