"""A condition page's text into the Condition's structure. Pure functions: no database here.

The clinic's pages follow one pattern (see the seed page "Post Laminectomy Syndrome"):

    Description:            -> overview (paragraphs)
      <unlabelled list>     -> symptoms (the first list under Description)
      <unlabelled list>     -> causes   (the second)
    Screening and Diagnosis: -> diagnosis (its first paragraph; a later paragraph about treatment -> treatment_notes)
    Surgical options:        -> treatments of category "surgical", one per bullet
    Injection Therapy:       -> "injection"
    Advanced treatment:      -> "advanced"
    sidebar: Related Research Articles, "Title: / Authors: / Journal:" lines -> research articles

Explicit "Symptoms:" / "Causes:" headings, "When to see a doctor:" and the other treatment categories are read
too. Text that fits nowhere (the seed's trailing "post laminectomy syndrome ss") is returned as `stray`.
"""

import html
import re
from dataclasses import dataclass, field

from citations.records import Author, Citation
from conditions.models import BodyRegion, Condition, TreatmentCategory

from .blocks import BulletList, Heading, Other, Paragraph, plain, to_blocks

TEXT_FIELDS = Condition.sections  # what a WordPress page can fill: every section of a condition

# Headings, matched against the whole heading text (lower case, without the trailing colon).
SECTION_HEADINGS = [
    ("overview", r"description|overview|about (?:the|this) condition|what is .{3,60}"),
    ("symptoms", r"(?:signs and |common )?symptoms(?: include| may include)?"),
    ("causes", r"(?:common )?causes(?: include| may include| and risk factors)?|risk factors"),
    ("diagnosis", r"(?:screening and )?diagnosis|diagnosing .{3,60}|how (?:is it|it is) diagnosed"),
    ("treatment_notes", r"treatments?(?: options)?|how (?:is it|it is) treated"),
    ("when_to_see_doctor", r"when to (?:see|call) (?:a|your) doctor|when to seek (?:medical )?(?:help|care)"),
    (
        "urgent_warning",
        r"urgent(?: warning)?(?: signs)?|red flags|(?:emergency|warning) signs"
        r"|seek (?:urgent|emergency|immediate) (?:care|help)",
    ),
    ("research", r"(?:related )?research(?: articles)?|related articles|publications"),
]
TREATMENT_HEADINGS = [
    (TreatmentCategory.SURGICAL, r"surgical(?: options| treatments?)?|surgery(?: options)?"),
    (TreatmentCategory.INJECTION, r"injections?(?: therapy| therapies| treatments?)?"),
    (TreatmentCategory.ADVANCED, r"advanced(?: treatments?| therapies| options)?|neuromodulation"),
    (TreatmentCategory.MEDICATION, r"medications?|medicines?|medication management|drug (?:therapy|treatment)"),
    (
        TreatmentCategory.REHABILITATION,
        r"(?:physical therapy|physiotherapy)(?: and rehabilitation)?|rehabilitation|exercise(?: therapy)?",
    ),
    (TreatmentCategory.PSYCHOLOGICAL, r"psycholog\w*(?: support| therapy| treatment)?|pain psychology|self-management"),
]
_SECTION_RES = [(key, re.compile(pattern)) for key, pattern in SECTION_HEADINGS]
_TREATMENT_RES = [(f"treatments:{category.value}", re.compile(pattern)) for category, pattern in TREATMENT_HEADINGS]
TREATS = re.compile(r"\btreat", re.IGNORECASE)

CITATION_LINE = re.compile(
    r"^(?P<key>title|authors?|journal|year|doi|pmid|pubmed(?: id)?|link|url)\s*:\s*(?P<value>.*)$", re.I
)
JOURNAL_YEAR = re.compile(r"^(?P<journal>.*?)[\s,.;]+(?P<year>(?:18|19|20)\d{2})\b(?P<rest>.*)$")
LOCATOR = re.compile(r"^\W*(?P<volume>\w+)(?:\((?P<issue>[\w-]+)\))?(?::\s*(?P<pages>[\w-]+))?")
CREDENTIAL = re.compile(
    r"^(?:M\.?D|D\.?O|Ph\.?D|M\.?B\.?B\.?S|M\.?B|B\.?S|M\.?S|M\.?Sc|B\.?Sc|M\.?P\.?H|R\.?N|N\.?P|P\.?A(?:-C)?|D\.?C"
    r"|D\.?P\.?T|P\.?T|Pharm\.?D|Dr\.?PH|D\.?N\.?P|C\.?R\.?N\.?A|J\.?D|MBA|[A-Z]{2,7})\.?$"
)
NAME_PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "le", "la", "dos", "ten", "ter"}
ALSO_CALLED = re.compile(
    r"\((?:also|sometimes|often) (?:called|known as) (?P<paren>[^)]+)\)"
    r"|(?:also|sometimes|often) (?:called|known as) (?P<free>[A-Z][\w'’ -]*[\w])",
)


@dataclass
class TreatmentEntry:
    category: str
    text: str  # plain text of the bullet or paragraph


@dataclass
class ConditionPage:
    sections: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in TEXT_FIELDS})
    treatments: list[TreatmentEntry] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    found: set[str] = field(default_factory=set)  # structural headings the page has

    def html(self, name):
        return "\n".join(self.sections[name])

    @property
    def is_condition(self):
        """A Description with something condition-like under or after it, or a diagnosis with treatments."""
        has_lists = bool(self.sections["symptoms"] or self.sections["causes"])
        if "overview" in self.found:
            return bool(self.found & {"diagnosis", "treatments", "symptoms", "causes"}) or has_lists
        return {"diagnosis", "treatments"} <= self.found


def heading_key(text: str) -> str | None:
    """The section a heading opens: "Surgical options:" -> "treatments:surgical", "Diagnosis" -> "diagnosis"."""
    label = " ".join(plain(text).casefold().split()).rstrip(":： ").strip()
    if not label or len(label) > 70:
        return None
    for key, pattern in _SECTION_RES + _TREATMENT_RES:
        if pattern.fullmatch(label):
            return key
    return None


def _group(key):
    return "treatments" if key.startswith("treatments:") else key


def map_page(main: str, sidebar: str = "") -> ConditionPage:
    page = ConditionPage()
    _Main(page).read(main)
    citations = _Citations(page)
    for line in _lines(to_blocks(sidebar)):
        citations.line(line)
    return page


def _lines(blocks):
    for block in blocks:
        if isinstance(block, Heading):
            yield html.escape(block.text)
        elif isinstance(block, Paragraph):
            yield from block.lines
        elif isinstance(block, BulletList):
            yield from block.items
        else:
            yield block.html


class _Main:
    """Reads the main column's blocks in order, switching section at each recognised heading."""

    def __init__(self, page):
        self.page = page
        self.section = "overview"
        self.unlabelled_lists = 0
        self.citations = _Citations(page)

    def read(self, text):
        events = list(self._events(to_blocks(text)))
        explicit = {_group(event[1]) for event in events if event[0] == "heading" and event[1]}
        self.list_slots = [name for name in ("symptoms", "causes") if name not in explicit]
        for kind, value, *rest in events:
            if kind == "heading":
                self.heading(value, *rest)
            elif kind == "paragraph":
                self.paragraph(value)
            elif kind == "list":
                self.bullet_list(value, *rest)
            else:
                self.other(value)

    def _events(self, blocks):
        for block in blocks:
            if isinstance(block, Heading):
                yield ("heading", heading_key(block.text), block.text)
            elif isinstance(block, Paragraph):
                lines = []
                for line in block.lines:
                    key = heading_key(line)
                    if key:
                        if lines:
                            yield ("paragraph", "<br>".join(lines))
                            lines = []
                        yield ("heading", key, plain(line))
                    else:
                        lines.append(line)
                if lines:
                    yield ("paragraph", "<br>".join(lines))
            elif isinstance(block, BulletList):
                yield ("list", block.items, block.ordered)
            elif isinstance(block, Other):
                yield ("other", block.html)

    def heading(self, key, text):
        if key:
            self.section = key
            self.page.found.add(_group(key))
        elif self.section in TEXT_FIELDS:
            self.page.sections[self.section].append(f"<h3>{html.escape(text.rstrip(':'))}</h3>")
        else:
            self.page.stray.append(text)

    def paragraph(self, fragment):
        section = self.section
        if section.startswith("treatments:"):
            self.page.treatments.append(TreatmentEntry(section.split(":", 1)[1], plain(fragment)))
        elif section == "research":
            for line in fragment.split("<br>"):
                self.citations.line(line)
        else:
            if section == "diagnosis" and self.page.sections["diagnosis"] and TREATS.search(plain(fragment)):
                section = self.section = "treatment_notes"  # "Treatment depends on the cause" after the diagnosis
            self.page.sections[section].append(f"<p>{fragment}</p>")

    def bullet_list(self, items, ordered=False):
        section = self.section
        if section.startswith("treatments:"):
            category = section.split(":", 1)[1]
            self.page.treatments += [TreatmentEntry(category, plain(item)) for item in items]
            return
        if section == "research":
            for item in items:
                self.citations.line(item)
            return
        if section == "overview" and self.unlabelled_lists < len(self.list_slots):
            section = self.list_slots[self.unlabelled_lists]  # the seed's unlabelled lists: symptoms, then causes
            self.unlabelled_lists += 1
        tag = "ol" if ordered else "ul"
        self.page.sections[section].append(f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>")

    def other(self, fragment):
        if self.section in TEXT_FIELDS:
            self.page.sections[self.section].append(fragment)
        else:
            self.page.stray.append(plain(fragment))


class _Citations:
    """Citation lines (Title:, Authors:, Journal:, Year:, DOI:, PMID:) into `Citation`s; other lines are stray."""

    def __init__(self, page):
        self.page = page
        self.current = None

    def line(self, fragment):
        text = plain(fragment)
        if not text or heading_key(text) == "research":
            return
        match = CITATION_LINE.match(text)
        if not match or not match["value"].strip():
            self.page.stray.append(text)
            return
        key, value = match["key"].lower(), match["value"].strip()
        if key == "title":
            href = re.search(r'href="(https?://[^"]+)"', fragment)
            self.current = Citation(title=value, url=html.unescape(href[1]) if href else "")
            self.page.citations.append(self.current)
        elif self.current is None:
            self.page.stray.append(text)  # an "Authors:" line with no "Title:" before it
        elif key.startswith("author"):
            self.current.authors = split_authors(value)
        elif key == "journal":
            self._journal(value)
        elif key == "year" and re.fullmatch(r"(18|19|20)\d{2}", value):
            self.current.year = int(value)
        elif key == "doi":
            self.current.doi = value
        elif key in {"pmid", "pubmed", "pubmed id"}:
            self.current.pmid = re.sub(r"\D", "", value)
        elif key in {"link", "url"} and value.startswith(("http://", "https://")):
            self.current.url = value
        else:
            self.page.stray.append(text)

    def _journal(self, value):
        """Journal, and year/volume/issue/pages when given: "Pain Practice", "Pain Pract. 2014;14(1):64-78"."""
        match = JOURNAL_YEAR.match(value)
        if not match:
            self.current.journal = value.rstrip(" .")
            return
        self.current.journal = match["journal"].rstrip(" .,;")
        self.current.year = int(match["year"])
        locator = LOCATOR.match(match["rest"]) if match["rest"].strip(" .") else None
        if locator:
            self.current.volume = locator["volume"] or ""
            self.current.issue = locator["issue"] or ""
            self.current.pages = locator["pages"] or ""


def split_authors(value: str) -> list[Author]:
    """Authors in order, with credentials: "Arif Hussain, DO; Michael Erdek, MD" gives two.

    Without semicolons, commas separate authors and a credential belongs to the name before it:
    "Arif Hussain, DO, Michael Erdek, MD" and "Hussain A, Erdek M" work too. "et al." is dropped.
    """
    value = re.sub(r",?\s*et al\.?\s*$", "", value.strip())
    groups = (
        [part.split(",") for part in value.split(";")]
        if ";" in value
        else [[part] for part in re.split(r",|\band\b", value)]
    )
    authors = []
    for group in groups:
        tokens = [token.strip() for token in group if token.strip()]
        for token in tokens:
            if authors and CREDENTIAL.match(token.replace(" ", "")):
                previous = authors[-1]
                previous.credentials = ", ".join(filter(None, [previous.credentials, token]))[:50]
            elif token:
                authors.append(split_name(token))
    return authors


def split_name(name: str) -> Author:
    """Split a name: "Michael J. Erdek", "Hans van Houwelingen" (family: "van Houwelingen"), "Hussain A"."""
    tokens = name.split()
    if len(tokens) == 1:
        return Author(family=tokens[0][:100])
    if re.fullmatch(r"[A-Z]{1,3}", tokens[-1]):  # citation style: initials after the family name
        return Author(family=" ".join(tokens[:-1])[:100], given=" ".join(tokens[-1]))
    start = next((i for i in range(1, len(tokens) - 1) if tokens[i].lower() in NAME_PARTICLES), len(tokens) - 1)
    return Author(family=" ".join(tokens[start:])[:100], given=" ".join(tokens[:start])[:100])


# --- Derived fields ---------------------------------------------------------------------------------------


def summary_from(overview_html: str, limit: int = 300) -> str:
    """The overview's first sentence (and the second, if both are short), at most `limit` characters."""
    text = plain(overview_html)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    summary = ""
    for sentence in sentences:
        candidate = f"{summary} {sentence}".strip()
        if summary and (len(candidate) > limit or len(summary) >= 120):
            break
        summary = candidate
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return summary


def alternate_names_from(overview_html: str, name: str) -> list[str]:
    """Other names: "(also called Failed Back Surgery Syndrome)" in the overview, "(Sciatica)" in the title."""
    names = []
    found = [match["paren"] or match["free"] or "" for match in ALSO_CALLED.finditer(plain(overview_html))]
    title_aside = re.search(r"\(([^)]+)\)\s*$", name)
    if title_aside:
        found.insert(0, title_aside[1])
    for text in found:
        for candidate in re.split(r",| or ", text):
            candidate = candidate.strip(" .'\"")
            if candidate and candidate.casefold() != name.casefold() and candidate not in names and len(candidate) < 80:
                names.append(candidate)
    return names


REGION_WORDS = [
    (BodyRegion.HEAD, r"head(?:aches?)?|migraines?|fac(?:e|ial)|trigeminal|jaw|occipital"),
    (BodyRegion.NECK, r"neck|cervical|whiplash"),
    (BodyRegion.SHOULDER_ARM, r"shoulders?|arms?|elbows?|wrists?|hands?|carpal"),
    (BodyRegion.MID_BACK, r"thoracic|mid[- ]back|ribs?"),
    (BodyRegion.LOW_BACK, r"low(?:er)? back|lumbar|sciatica|laminectomy|sacroiliac|failed back|back surgery"),
    (BodyRegion.HIP_PELVIS, r"hips?|pelvi\w*|groin|coccyx|tailbone"),
    (BodyRegion.LEG_FOOT, r"knees?|legs?|feet|foot|ankles?"),
    (BodyRegion.WHOLE_BODY, r"fibromyalgia|complex regional|crps|neuropath\w*|shingles|widespread"),
]
_REGION_RES = [(region, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for region, pattern in REGION_WORDS]


def guess_body_region(name: str, overview_html: str) -> tuple[str, bool]:
    """(region, sure): a region named in the page's title wins; else the one the overview names most."""
    for region, pattern in _REGION_RES:
        if pattern.search(name):
            return region.value, True
    text = plain(overview_html)
    scores = {region: len(pattern.findall(text)) for region, pattern in _REGION_RES}
    best = max(scores, key=scores.get)
    if scores[best]:
        return best.value, False
    return BodyRegion.WHOLE_BODY.value, False


TREATMENT_WORD = re.compile(
    r"^(?:surger(?:y|ies)|fusion|decompression|\w+ectomy|\w+otomy|\w+plasty|injections?|blocks?|ablation|"
    r"stimulation|stimulators?|pumps?|therap(?:y|ies)|medications?|implants?|programmes?|programs?)$",
    re.IGNORECASE,
)
STOP_WORDS = frozenset(
    """a an the of to for and or with can be is are may might will such as in on by at this that these those which
    where when if your their our its one most more some also it then than from through into often usually being
    been has have had not no only other both each many few who whom what how why after before during so
    guided simple gentle regular further another additional repeat repeated specific short long course new""".split()
)


def treatment_name_from(text: str) -> str | None:
    """A short treatment name in a sentence: "...corrective surgery can be done..." -> "Corrective surgery".

    The first treatment word (surgery, injection, block, ablation, stimulation, therapy, -ectomy...) with up to three
    describing words before it. None when the sentence names no treatment.
    """
    tokens = re.findall(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]", text)
    for index, token in enumerate(tokens):
        if not TREATMENT_WORD.match(token):
            continue
        start = index
        while start > 0 and index - start < 3:
            previous = tokens[start - 1]
            if not previous[0].isalpha() or previous.lower() in STOP_WORDS:
                break
            start -= 1
        name = " ".join(tokens[start : index + 1])
        return name[0].upper() + name[1:]
    return None
