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
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Greatest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    "conditions": ("name", "alternate_names", "summary", "overview", "symptoms", "causes", "diagnosis"),
    "treatments": ("name", "summary", "body"),
    "articles": ("title", "abstract", "journal"),
}


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
    if uses_postgres():
        model = type(instance)
        model.objects.filter(pk=instance.pk).update(search_vector=search_vector_expression(model))


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


def matching(kind, query):
    """Published pages of `kind` that match `query`, best first."""
    model, title_fields, _snippet_field = KINDS[kind]
    pages = model.objects.published()
    words = query.split()[:MAX_WORDS]
    if uses_postgres():
        return postgres_matching(pages, kind, query, words, title_fields)
    return fallback_matching(pages, kind, words, title_fields)


def postgres_matching(pages, kind, query, words, title_fields):
    tsquery = SearchQuery(query, search_type="websearch", config="english")
    matches = Q(search_vector=tsquery)  # GIN index on the stored vector
    if kind == "articles":
        matches |= by_author(words)  # titles are long and many: no trigram matching there
        similarity = Value(0.0, output_field=FloatField())
    else:
        # `query <% name`: a word of the name is like the query (pg_trgm, GIN-indexed), for misspellings.
        matches |= reduce(or_, (Q(**{f"{name}__trigram_word_similar": query}) for name in title_fields))
        similarities = [TrigramWordSimilarity(query, name) for name in title_fields]
        similarity = Greatest(*similarities, output_field=FloatField()) if len(similarities) > 1 else similarities[0]
    return (
        pages.filter(matches)
        .annotate(score=SearchRank(F("search_vector"), tsquery) + similarity)
        .order_by("-score", "pk")
    )


def fallback_matching(pages, kind, words, title_fields):
    def word_anywhere(word):
        found = reduce(or_, (Q(**{f"{name}__icontains": word}) for name in FALLBACK_FIELDS[kind]))
        return found | by_author([word]) if kind == "articles" else found

    phrase = " ".join(words)
    in_title = reduce(or_, (Q(**{f"{name}__icontains": phrase}) for name in title_fields))
    return (
        pages.filter(reduce(and_, (word_anywhere(word) for word in words)))
        .annotate(score=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-score", "pk")
    )


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
        total = found.count()
        start = (page - 1) * PAGE_SIZE if results.kind else 0
        size = PAGE_SIZE if results.kind else PER_KIND_PREVIEW
        items = list(found[start : start + size])
        for item in items:
            item.snippet = snippet(getattr(item, KINDS[name][2]), query)
        results.groups.append(KindResults(name, total, items, page if results.kind else 1))
    return results


def snippet(text, query):
    """Up to SNIPPET_LENGTH characters of plain text around the first match, query words in <mark>."""
    text = plain_text(text)
    words = [re.escape(word) for word in query.split()[:MAX_WORDS] if len(word) > 1]
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
