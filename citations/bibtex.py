"""BibTeX (`.bib`): Zotero, Mendeley, JabRef, EndNote, Cochrane, Google Scholar. Read with bibtexparser 2.x.

The parse stack is bibtexparser's own middlewares where they exist (field names in any case, enclosing braces,
co-authors, name parts, LaTeX to Unicode with pylatexenc) and three small ones of ours for what it leaves out:
`@string` expressions joined with `#` (its resolver only replaces a whole value), `crossref` inheritance (a TODO in
bibtexparser), and Cochrane's comma-only author lists. Names are split before LaTeX is decoded, so a braced group
author (`{North American Spine Society}`) stays one name.
"""

import functools
import logging
import re

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.exceptions import PartialMiddlewareException
from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import BlockMiddleware, LibraryMiddleware
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)

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
    unique_keywords,
)

WARNINGS = "clinic_warnings"  # an entry's parser_metadata key: what our middlewares left out, one sentence each
#: BibTeX's predefined macros (the month names), used when a file does not define them.
MONTHS = {m[:3].lower(): m for m in ("January February March April May June July August September October "
                                     "November December").split()}  # fmt: skip
KEYLESS = re.compile(r"^(\s*@\s*(?!string|preamble|comment)[A-Za-z]+\s*[{(])\s*,", re.IGNORECASE | re.MULTILINE)
INITIALS = re.compile(r"^(?:[A-Z]\.?[- ]?){1,4}$")
LATEX_SPECIAL = re.compile(r"[\\{}$~]")  # a value without any of these has no LaTeX to decode


def looks_like(text: str) -> bool:
    return re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.MULTILINE) is not None


def _warn(entry, sentence):
    entry.parser_metadata.setdefault(WARNINGS, []).append(sentence)


def _split_expression(value: str):
    """`jean # " " # cesar` as its parts (`jean`, `" "`, `cesar`); `#` inside braces or quotes is text."""
    parts, depth, quoted, current = [], 0, False, []
    for character in value:
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        elif character == '"' and depth == 0:
            quoted = not quoted
        elif character == "#" and depth == 0 and not quoted:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(character)
    parts.append("".join(current).strip())
    return parts


class ResolveStringExpressions(LibraryMiddleware):
    """`@string` macros resolved in whole values and in `#` expressions (`jean # " " # cesar`); the month macros
    predefined. A value naming an undefined macro is left out of its entry with a warning, never kept as text.
    Runs where bibtexparser's `ResolveStringReferencesMiddleware` would: before `RemoveEnclosingMiddleware`."""

    def transform(self, library: Library) -> Library:
        macros = dict(MONTHS)
        for string in library.strings:  # in file order: a macro may use the ones defined before it
            value, _ = self._resolve(string.value, macros)
            macros[string.key.lower()] = value if value is not None else ""
        for entry in library.entries:
            for field in list(entry.fields):
                if not isinstance(field.value, str):
                    continue
                value, undefined = self._resolve(field.value, macros)
                if undefined:
                    entry.fields.remove(field)
                    _warn(entry, f"{field.key} left out: it names “{undefined}”, which no @string defines")
                else:
                    field.value = "{" + value + "}"  # enclosed again: RemoveEnclosingMiddleware takes it off
        return library

    @staticmethod
    def _resolve(value, macros):
        """(the text, "") or (None, the undefined macro)."""
        value = value.strip()
        parts = _split_expression(value) if "#" in value else [value]  # most values: one braced text
        texts = []
        for part in parts:
            if part[:1] in ('"', "{") and part[-1:] == {'"': '"', "{": "}"}[part[:1]]:
                texts.append(part[1:-1])
            elif not part[:1].isalpha():  # a number, or a bare `12--15`: text (a macro's name starts with a letter)
                texts.append(part)
            elif part.lower() in macros:
                texts.append(macros[part.lower()])
            else:
                return None, part
        return "".join(texts), ""


class ResolveCrossref(LibraryMiddleware):
    """An entry with `crossref = {key}` inherits the fields it lacks from that entry (a chapter its book's year and
    publisher; the book's title becomes its `booktitle`), as BibTeX does."""

    def transform(self, library: Library) -> Library:
        by_key = {entry.key.lower(): entry for entry in library.entries}
        for entry in library.entries:
            reference = entry.fields_dict.get("crossref")
            if reference is None:
                continue
            parent = by_key.get(str(reference.value).strip().lower())
            if parent is None or parent is entry:
                _warn(entry, f"crossref “{reference.value}” left out: no entry has that key")
                continue
            own = set(entry.fields_dict)
            inherited = {("booktitle" if field.key == "title" else field.key): field for field in parent.fields}
            for key, field in inherited.items():
                if key not in own and key not in {"crossref", "ids"}:
                    entry.set_field(Field(key, field.value))
        return library


class SplitCommaOnlyAuthors(BlockMiddleware):
    """Cochrane writes `Smith, SR, Newton, K, Jones, A` (no "and"): read as "Smith, SR and Newton, K and Jones, A"
    before `SeparateCoAuthors`, which would otherwise give one name with too many commas."""

    def __init__(self):
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=True)

    def transform_entry(self, entry, library):
        for key in ("author", "editor"):
            field = entry.fields_dict.get(key)
            if field is None or not isinstance(field.value, str) or field.value.count(",") < 2:
                continue
            if re.search(r"\sand\s", field.value, re.IGNORECASE):
                continue
            parts = [part.strip() for part in field.value.split(",")]
            if len(parts) % 2 == 0 and all(INITIALS.match(given) for given in parts[1::2]):
                pairs = zip(parts[::2], parts[1::2], strict=True)
                field.value = " and ".join(f"{family}, {given}" for family, given in pairs)
            elif all(re.fullmatch(r".+\s[A-Z]{1,4}", part) for part in parts):  # "Smith SR, Newton K, Jones A"
                field.value = " and ".join(part.rsplit(" ", 1)[0] + ", " + part.rsplit(" ", 1)[1] for part in parts)
        return entry


class DecodeLatex(middlewares.LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding with math converted too (`1.55$\\mu$m` -> `1.55μm`); values without LaTeX
    are left alone (most of a large file: abstracts are long, decoding them is what takes time)."""

    def __init__(self):
        super().__init__(keep_math_mode=False)

    def transform_entry(self, entry, library):
        """Also the names of a list (its parent class decodes one name only: SeparateCoAuthors makes lists)."""
        errors = []
        for field in entry.fields:
            if isinstance(field.value, list):
                for name in (value for value in field.value if isinstance(value, NameParts)):
                    for part in ("first", "von", "last", "jr"):
                        setattr(name, part, self._transform_all_strings(getattr(name, part), errors))
        block = super().transform_entry(entry, library)
        if any(errors) and not isinstance(block, MiddlewareErrorBlock):
            return MiddlewareErrorBlock(block=entry, error=PartialMiddlewareException([e for e in errors if e]))
        return block

    def _transform_python_value_string(self, python_string):
        if LATEX_SPECIAL.search(python_string) is None:
            return python_string, ""
        return self._decoded(python_string)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one decoder per parse; names and journals repeat in a library
    def _decoded(self, python_string):
        return super()._transform_python_value_string(python_string)


def parse_stack():
    return [
        middlewares.NormalizeFieldKeys(),
        ResolveStringExpressions(),
        middlewares.RemoveEnclosingMiddleware(),
        ResolveCrossref(),
        SplitCommaOnlyAuthors(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
        DecodeLatex(),
    ]


def give_keys(text: str) -> str:
    """Keyless entries (`@article{,` from Mendeley and EndNote) get a key of their own, so every one is read."""
    counter = iter(range(1, 1_000_000))
    return KEYLESS.sub(lambda match: f"{match.group(1)}keyless-entry-{next(counter)},", text)


def parse(text: str) -> list[ParsedRecord]:
    # bibtexparser logs each failed block as a warning; the failures are reported per record below instead.
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(give_keys(text), parse_stack=parse_stack())
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
        return f"the entry cannot be read ({block.error})"
    raw = (block.raw or "").lstrip()
    key = re.match(r"@\s*\w+\s*[{(]\s*([^,\s]*)", raw)
    what = (
        f"the entry “{key.group(1)}”" if key and key.group(1) and "keyless-entry" not in key.group(1) else "this entry"
    )
    return f"{what} is not valid BibTeX (an unclosed brace or quote?)"


def _field(fields, *names):
    """The first of these fields with a value, in `fields` (an entry's `fields_dict`, built once per entry)."""
    for name in names:
        field = fields.get(name)
        if field is not None and field.value not in ("", None):
            return field.value
    return ""


def _text(fields, *names):
    return clean_text(_field(fields, *names))


def _given(first):
    """Given names; Cochrane's `SR` (initials without periods) become "S. R.", as MEDLINE's do."""
    given = clean_text(" ".join(first))
    return initials_as_given(given) if re.fullmatch(r"[A-Z]{1,4}", given) else given


def authors(fields):
    result = []
    for name in _field(fields, "author") or []:
        if isinstance(name, str):  # SplitNameParts could not split it: keep the whole name
            result.append(Author(clean_text(name)))
            continue
        family = clean_text(" ".join([*name.von, *name.last]))
        given = _given(name.first)
        if name.jr:
            given = f"{given}, {clean_text(' '.join(name.jr))}".strip(", ")
        if family:
            result.append(Author(family, given))
    return result


def citation_from_entry(entry: Entry) -> Citation:
    """A citation from the entry's own fields. Identifiers come only from identifier fields (`doi`, `pmid`), never
    from notes: a "PMID: 155333" in a note may name another paper."""
    fields = entry.fields_dict
    keyword_text = _text(fields, "keywords", "mesh")
    keywords = re.split(r"\s*;\s*" if ";" in keyword_text else r"\s*,\s*", keyword_text) if keyword_text else []
    return Citation(
        title=clean_title(_text(fields, "title")),
        authors=authors(fields),
        journal=_text(fields, "journal", "journaltitle", "booktitle"),
        journal_abbreviation=_text(fields, "shortjournal", "journal-iso", "journalabbreviation"),
        year=clean_year(_text(fields, "year", "date")),
        volume=_text(fields, "volume"),
        issue=_text(fields, "number", "issue"),
        pages=clean_pages(_text(fields, "pages")),
        doi=_text(fields, "doi"),
        pmid=_text(fields, "pmid"),
        url=_text(fields, "url"),
        abstract=clean_abstract(_field(fields, "abstract")),
        keywords=unique_keywords(keywords),
        warnings=list(entry.parser_metadata.get(WARNINGS, [])),
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
