"""Site search across conditions, treatments and research articles.

PostgreSQL: a stored, GIN-indexed tsvector per page (name and alternate names weighted above the summary, above
the body), matched with `websearch_to_tsquery`, plus pg_trgm word similarity on names so misspellings
("lamenectomy", "sciatia") still find the page. SQLite: every word must appear in some field; name and
alternate-name matches rank first. Both give the same results for exact words and alternate names.
"""

import html
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, connections
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Value, When, Window
from django.db.models.functions import Greatest
from django.db.models.signals import post_save
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clinic.backup import site_restored

from .models import ArticleAuthor, Condition, ResearchArticle, Treatment
from .sanitize import plain_text

PER_KIND_PREVIEW = 5
PAGE_SIZE = 20
MAX_WORDS = 10
SNIPPET_LENGTH = 220

KINDS = {
    "conditions": (Condition, ("name", "alternate_names"), "summary"),
    "treatments": (Treatment, ("name",), "summary"),
    "articles": (ResearchArticle, ("title",), "abstract"),
}
# Every text field a word may be found in, for the SQLite fallback.
FALLBACK_FIELDS = {
    kind: tuple(name for names in model.search_weights.values() for name in names)
    for kind, (model, _title_fields, _snippet) in KINDS.items()
}  # the same fields as PostgreSQL's vectors


def uses_postgres():
    return connection.vendor == "postgresql"


# --- Keeping the index current -----------------------------------------------------------------------


def search_vector_expression(model):
    parts = [
        SearchVector(name, weight=weight, config="english")
        for weight, names in model.search_weights.items()
        for name in names
    ]
    return reduce(lambda left, right: left + right, parts)


def update_search_vector(instance):
    """Recompute one page's stored vector (one UPDATE; nothing on SQLite, which has no tsvector)."""
    update_search_vectors(type(instance), [instance.pk])


def update_search_vectors(model, pks):
    """Recompute the stored vectors of these pages in one UPDATE (pages created in bulk send no post_save)."""
    if values := search_vector_values(model):
        model.objects.filter(pk__in=pks).update(**values)


def search_vector_values(model):
    """The column values of an UPDATE that recomputes the stored vector ({} on SQLite, which has no tsvector): for an
    UPDATE that changes other columns too, so each row is rewritten once."""
    return {"search_vector": search_vector_expression(model)} if uses_postgres() else {}


def index_for_search(sender, instance, raw, **kwargs):
    if not raw:
        update_search_vector(instance)


def reindex_all(using="default", **kwargs):
    """Recompute every page's vector (after a restore: a backup made on SQLite has none)."""
    if connections[using].vendor == "postgresql":
        for model in (Condition, Treatment, ResearchArticle):
            model.objects.using(using).update(search_vector=search_vector_expression(model))


def connect():
    """Keep every page's stored vector current, and rebuild them after a restore (ConditionsConfig.ready)."""
    for model in (Condition, Treatment, ResearchArticle):
        post_save.connect(index_for_search, sender=model, dispatch_uid=f"search-index-{model._meta.label}")
    site_restored.connect(reindex_all, dispatch_uid="search-reindex-after-restore")


# --- Querying ----------------------------------------------------------------------------------------


@dataclass
class KindResults:
    kind: str
    total: int
    items: list = field(default_factory=list)
    page: int = 1

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page * PAGE_SIZE < self.total


@dataclass
class SearchResults:
    query: str
    groups: list = field(default_factory=list)
    kind: str = ""

    @property
    def count(self):
        return sum(group.total for group in self.groups)

    def group(self, kind):
        return next((group for group in self.groups if group.kind == kind), None)


# --- Reading the query -----------------------------------------------------------------------------------
# What a visitor types is read here, never handed to the database as it is: PostgreSQL's websearch_to_tsquery
# nests one NOT per `-` ("--------…a" is 33 nested NOTs) and fails with "tsquery stack too small". The query is
# rebuilt from its words and quoted phrases, each at most once negated, so the tsquery is never deeper than that.

#: A word: letters and digits, joined by the characters words keep inside them (x-ray, o'brien, l4/l5, covid-19).
_WORD = re.compile(r"\w+(?:['’./-]\w+)*")
#: A quoted phrase (a missing closing quote ends it at the end of the query) or a bare word, excluded when a `-`
#: comes right before it ("pain -surgery"; "--(surgery" too: one `-` however many follow, as PostgreSQL reads it).
_TERM = re.compile(rf'(?:(?P<minus>-)[^\w\s"]*)?(?:"(?P<phrase>[^"]*)"?|(?P<word>{_WORD.pattern}))')


@dataclass(frozen=True)
class ParsedQuery:
    websearch: str  # the query for websearch_to_tsquery: words, "phrases", `or` and single `-`, nothing else
    words: tuple = ()  # the words looked for (first MAX_WORDS), for name similarity, authors and highlighting
    excluded: tuple = ()  # the words and phrases after a `-`


def parse_query(query):
    terms, words, excluded = [], [], []
    for match in _TERM.finditer(query):
        found = _WORD.findall(match["phrase"] if match["phrase"] is not None else match["word"])
        if not found:
            continue
        if match["word"] and found[0].casefold() == "or" and not match["minus"]:
            terms.append("or")
            continue
        text = f'"{" ".join(found)}"' if match["phrase"] is not None else found[0]
        if match["minus"]:
            terms.append(f"-{text}")
            excluded.append(" ".join(found))
        else:
            terms.append(text)
            words.extend(found)
    return ParsedQuery(" ".join(terms), tuple(words[:MAX_WORDS]), tuple(excluded[:MAX_WORDS]))


def matching(kind, query):
    """Published pages of `kind` that match `query`, best first."""
    model, title_fields, _snippet_field = KINDS[kind]
    pages = model.objects.published()
    parsed = parse_query(query)
    if not parsed.websearch:
        return pages.none()
    if uses_postgres():
        return postgres_matching(pages, kind, parsed, title_fields)
    return fallback_matching(pages, kind, parsed, title_fields)


def postgres_matching(pages, kind, parsed, title_fields):
    tsquery = SearchQuery(parsed.websearch, search_type="websearch", config="english")
    matches = Q(search_vector=tsquery)  # GIN index on the stored vector
    text = " ".join(parsed.words)
    similarity = Value(0.0, output_field=FloatField())
    if kind == "articles":
        if parsed.words:
            matches |= by_author(parsed.words)  # titles are long and many: no trigram matching there
    elif text:
        # `text <% name`: a word of the name is like the query (pg_trgm, GIN-indexed), for misspellings.
        matches |= reduce(or_, (Q(**{f"{name}__trigram_word_similar": text}) for name in title_fields))
        similarities = [TrigramWordSimilarity(text, name) for name in title_fields]
        similarity = Greatest(*similarities, output_field=FloatField()) if len(similarities) > 1 else similarities[0]
    found = pages.filter(matches)
    if parsed.excluded:  # the name-similarity and author matches leave out excluded words too
        phrases = " or ".join(f'"{excluded}"' for excluded in parsed.excluded)
        unwanted = SearchQuery(phrases, search_type="websearch", config="english")
        found = found.exclude(search_vector=unwanted)
    return found.annotate(score=SearchRank(F("search_vector"), tsquery) + similarity).order_by("-score", "pk")


def fallback_matching(pages, kind, parsed, title_fields):
    def word_anywhere(word):
        found = reduce(or_, (Q(**{f"{name}__icontains": word}) for name in FALLBACK_FIELDS[kind]))
        return found | by_author([word]) if kind == "articles" else found

    found = pages.filter(reduce(and_, (word_anywhere(word) for word in parsed.words))) if parsed.words else pages
    for excluded in parsed.excluded:
        found = found.exclude(word_anywhere(excluded))
    phrase = " ".join(parsed.words)
    in_title = reduce(or_, (Q(**{f"{name}__icontains": phrase}) for name in title_fields))
    return found.annotate(
        score=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-score", "pk")


def by_author(words):
    """Articles by an author of this family name (a subquery, so no duplicate rows from the join)."""
    return reduce(
        or_, (Q(pk__in=ArticleAuthor.objects.filter(family_name__iexact=word).values("article_id")) for word in words)
    )


def search_site(query, kind="", page=1):
    """Grouped results: the first few of each kind, or one page of a single kind when `kind` is given."""
    results = SearchResults(query=query, kind=kind if kind in KINDS else "")
    for name in KINDS:
        if results.kind and name != results.kind:
            continue
        found = matching(name, query)
        if name == "articles":
            found = found.prefetch_related("authors")
        start = (page - 1) * PAGE_SIZE if results.kind else 0
        size = PAGE_SIZE if results.kind else PER_KIND_PREVIEW
        # The number of matches comes with the page of them (a window over the whole match), not from a second
        # query that would match and rank every page again.
        items = list(found.annotate(total=Window(Count("pk")))[start : start + size])
        total = items[0].total if items else (found.count() if start else 0)
        for item in items:
            item.snippet = snippet(getattr(item, KINDS[name][2]), query)
        results.groups.append(KindResults(name, total, items, page if results.kind else 1))
    return results


def snippet(text, query):
    """Up to SNIPPET_LENGTH characters of plain text around the first match, query words in <mark>."""
    text = plain_text(text)
    words = [re.escape(word) for word in parse_query(query).words if len(word) > 1]
    pattern = re.compile(r"\b(" + "|".join(words) + r")", re.IGNORECASE) if words else None
    start = 0
    if pattern and (first := pattern.search(text)):
        start = max(0, text.rfind(" ", 0, max(0, first.start() - 60)) + 1)
    excerpt = text[start : start + SNIPPET_LENGTH]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_LENGTH < len(text) else ""
    if not pattern:
        return format_html("{}{}{}", prefix, excerpt, suffix)
    pieces = pattern.split(excerpt)  # odd positions are the matches
    marked = "".join(format_html("<mark>{}</mark>", piece) if index % 2 else html.escape(piece)
                     for index, piece in enumerate(pieces))  # fmt: skip
    return mark_safe(f"{html.escape(prefix)}{marked}{html.escape(suffix)}")  # noqa: S308 - every piece escaped
