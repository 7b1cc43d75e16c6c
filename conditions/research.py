"""The research on a condition or treatment page: its sidebar, its numbered References, its inline citations.

**Sidebar (condition pages).** The editor's pinned articles (ConditionArticle) first, in their order; then, up to
SIDEBAR_ARTICLE_LIMIT, suggestions: published articles about one of the condition's treatments, then published
articles with a keyword equal to the condition's name or one of its "also called" names; newest first within each
group. Pinned articles are never suggested again. Treatment pages show the articles linked to the treatment.

**References.** Articles cited inline with `[cite:slug]` are numbered in order of first citation across the page's
sections in page order (`sections`); then the page's own related articles that are not cited inline (the pinned
articles of a condition, the linked articles of a treatment) continue the numbering. Automatic suggestions are
never references. A token whose slug names no published article is dropped from the page (the admin refuses
unknown slugs on save; a draft article's number appears once it is published).

**Queries.** Constant, whatever the number of articles: one query for the suggested and the cited articles
together (the suggestions are a LIMITed subquery), one for the authors of every article on the page.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from citations.ama import AMA_AUTHORS_SHOWN, author_list
from citations.tokens import CITE_TOKEN, cited_slugs, token_slugs

from .models import ArticleAuthor, ConditionArticle, ResearchArticle, Status

TREATMENT, KEYWORD, UNRELATED = 0, 1, 2


@dataclass(frozen=True)
class Reference:
    number: int
    article: object
    cited: bool  # cited inline, or listed because the page links the article

    @property
    def anchor(self):
        return f"ref-{self.number}"


class References:
    """The numbered list, iterable in order; `numbers` maps each cited slug to its number."""

    def __init__(self, entries=(), numbers=None):
        self.entries = list(entries)
        self.numbers = dict(numbers or {})

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def __bool__(self):
        return bool(self.entries)


NO_REFERENCES = References()


def build_references(cited, related, slugs):
    """`cited`: {slug: article} (published only), `related`: the page's own articles, `slugs`: in citation order."""
    entries, numbers, seen = [], {}, set()
    for slug in slugs:
        article = cited.get(slug)
        if article is None or article.pk in seen:
            continue
        seen.add(article.pk)
        entries.append(Reference(len(entries) + 1, article, cited=True))
        numbers[slug] = len(entries)
    for article in related:
        if article.pk not in seen:
            seen.add(article.pk)
            entries.append(Reference(len(entries) + 1, article, cited=False))
    return References(entries, numbers)


# --- Rendering tokens ----------------------------------------------------------------------------------

# A tag of sanitized HTML (nh3 quotes every attribute with double quotes; a ">" may stand inside one).
_TAG = re.compile(r'<(/?)([a-zA-Z0-9]+)(?:[^>"]|"[^"]*")*>')


def _superscript(match, references):
    numbers = sorted({references.numbers[slug] for slug in token_slugs(match) if slug in references.numbers})
    if not numbers:
        return ""  # unknown or unpublished: never shown raw to patients
    links = ",".join(f'<a href="#ref-{number}">{number}</a>' for number in numbers)
    return f"<sup>{links}</sup>"


def link_citations(html: str, references=None) -> str:
    """Replace the tokens of sanitized HTML by superscript links to the References (or drop them).

    Only text between tags is touched, never an attribute, and never text inside a link (no nested links).
    """
    if "[" not in html:
        return html
    references = references or NO_REFERENCES

    def replace(text, inside_link):
        return CITE_TOKEN.sub(lambda match: "" if inside_link else _superscript(match, references), text)

    pieces, position, link_depth = [], 0, 0
    for tag in _TAG.finditer(html):
        pieces.append(replace(html[position : tag.start()], link_depth > 0))
        pieces.append(tag.group(0))
        if tag.group(2).lower() == "a":
            link_depth = max(0, link_depth + (-1 if tag.group(1) else 1))
        position = tag.end()
    pieces.append(replace(html[position:], link_depth > 0))
    return "".join(pieces)


# --- Loading a page's research -------------------------------------------------------------------------


@dataclass
class PageResearch:
    sidebar: list
    references: References
    article_ids: set = field(default_factory=set)  # every article the page depends on (for the page cache)
    cited_slugs: list = field(default_factory=list)  # cited, published or not yet


#: What a citation shows of an article (citations/ama.py), and what deciding whether it is public needs.
CITED_FIELDS = (
    "status", "published_at", "draft_of_id", "title", "slug", "journal", "journal_abbreviation", "year", "volume",
    "issue", "pages", "doi", "pmid", "url",
)  # fmt: skip


def _prefetch_authors(*article_lists):
    """One query for the authors of every article on the page (an article listed twice is one object).

    Only the authors a citation prints: AMA names up to six, and a seventh only says "et al" (citations/ama.py), so
    an article with 120 authors costs seven rows. Each article gets its `cited_author_list`.
    """
    articles = {article.pk: [] for articles in article_lists for article in articles}
    if not articles:
        return
    table = ArticleAuthor._meta.db_table
    placeholders = ", ".join(["%s"] * len(articles))
    authors = ArticleAuthor.objects.raw(
        "SELECT id, article_id, family_name, given_names FROM ("
        "SELECT id, article_id, position, family_name, given_names, "
        "ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY position, id) AS author_rank "
        f"FROM {table} WHERE article_id IN ({placeholders})) ranked "
        "WHERE author_rank <= %s ORDER BY article_id, position, id",
        [*articles, AMA_AUTHORS_SHOWN + 1],
    )
    for author in authors:
        articles[author.article_id].append(author)
    for article_list in article_lists:
        for article in article_list:
            article.cited_author_list = author_list(articles[article.pk])


def suggestion_priority(treatment_ids, keyword_terms):
    """0: about one of the treatments, 1: a shared keyword, 2: neither (never suggested)."""
    whens = []
    if treatment_ids:
        through = ResearchArticle.treatments.through.objects.filter(
            researcharticle_id=OuterRef("pk"), treatment_id__in=treatment_ids
        )
        whens.append(When(Exists(through), then=Value(TREATMENT)))
    keyword_match = Q()
    for term in keyword_terms:
        keyword_match |= Q(keyword_index__contains=f"|{term}|")
    if keyword_match:
        whens.append(When(keyword_match, then=Value(KEYWORD)))
    if not whens:
        return None
    return Case(*whens, default=Value(UNRELATED), output_field=IntegerField())


NEWEST_FIRST = (F("year").desc(nulls_last=True), F("published_at").desc(nulls_last=True), "title", "pk")


def condition_research(condition):
    """The sidebar and References of a condition loaded with `for_page()`: two more queries.

    One query for every article the page may show: its pinned articles (published or not: the page cache must know
    them all, see `article_ids`), its cited ones and the best suggestions; one for their authors.
    """
    limit = settings.SIDEBAR_ARTICLE_LIMIT
    slugs = cited_slugs(*(getattr(condition, name) for name in condition.sections))
    treatment_ids = [link.treatment_id for link in condition.published_treatment_links]
    sql, params = page_articles_sql(condition.pk, treatment_ids, condition.keyword_terms, slugs, limit)
    articles = list(ResearchArticle.objects.raw(sql, params))  # suggestions first, best first
    pinned = sorted((a for a in articles if a.pin is not None), key=lambda a: (a.pin, a.pin_order))
    related = [article for article in pinned if article.is_published]
    suggestions = [a for a in articles if a.priority is not None and a.pin is None][: max(0, limit - len(related))]
    cited = {a.slug: a for a in articles if a.slug in slugs and a.is_published}
    shown = [*related[:limit], *suggestions]
    _prefetch_authors(shown, cited.values())
    return PageResearch(
        sidebar=shown,
        references=build_references(cited, related, slugs),
        article_ids={article.pk for article in articles},
        cited_slugs=slugs,
    )


def _like_term(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%|{escaped}|%"


def page_articles_sql(condition_id, treatment_ids, keyword_terms, slugs, limit):
    """SQL (PostgreSQL and SQLite) for the articles of a condition page: pinned (any status), cited and suggested
    (published), each row with `pin`/`pin_order` (its link's position) and `priority` (0: about one of the
    treatments, 1: a shared keyword; NULL: not a suggestion), suggestions first in sidebar order.

    Written as SQL rather than with the ORM: compiling the equivalent queryset (subqueries, Exists, Case) cost more
    than the rest of the page, and each source of articles here is an indexed lookup whose ids are UNIONed, where
    `a OR b OR c` over subqueries made PostgreSQL scan every article.
    """
    article, link = ResearchArticle._meta.db_table, ConditionArticle._meta.db_table
    through = ResearchArticle.treatments.through._meta.db_table
    columns = ", ".join(f"a.{ResearchArticle._meta.get_field(name).column}" for name in ("id", *CITED_FIELDS))
    published = "c.status = %s AND c.published_at <= %s AND c.draft_of_id IS NULL"
    params = [condition_id]
    candidates = []
    if treatment_ids:
        candidates.append(
            f"SELECT researcharticle_id AS id, {TREATMENT} AS priority FROM {through} "
            f"WHERE treatment_id IN ({', '.join(['%s'] * len(treatment_ids))})"
        )
        params += treatment_ids
    # One SELECT per term: PostgreSQL uses the trigram index for each, where it scanned the table for an OR of them.
    # Backslash escapes by default on PostgreSQL, where an ESCAPE clause would keep the index unused too.
    escape = "" if connection.vendor == "postgresql" else " ESCAPE '\\'"
    for term in keyword_terms:
        candidates.append(f"SELECT id, {KEYWORD} AS priority FROM {article} WHERE keyword_index LIKE %s{escape}")
        params.append(_like_term(term))
    if candidates:
        suggested = (
            f"SELECT c.id AS id, MIN(candidate.priority) AS priority FROM ({' UNION ALL '.join(candidates)}) candidate "
            f"JOIN {article} c ON c.id = candidate.id "
            f"WHERE {published} AND c.id NOT IN (SELECT article_id FROM pinned) "
            "GROUP BY c.id, c.year, c.published_at, c.title "
            "ORDER BY 2, c.year DESC NULLS LAST, c.published_at DESC NULLS LAST, c.title, c.id LIMIT %s"
        )
        params += [Status.PUBLISHED, timezone.now(), limit]
    else:
        suggested = "SELECT id, 0 AS priority FROM pinned WHERE 1 = 0"
    wanted = "SELECT article_id FROM pinned UNION SELECT id FROM suggested"
    if slugs:
        wanted += (
            f" UNION SELECT c.id FROM {article} c WHERE c.slug IN ({', '.join(['%s'] * len(slugs))}) AND {published}"
        )
        params += [*slugs, Status.PUBLISHED, timezone.now()]
    sql = (
        f"WITH pinned AS (SELECT id, article_id, position FROM {link} WHERE condition_id = %s), "
        f"suggested AS ({suggested}) "
        f"SELECT {columns}, pinned.position AS pin, pinned.id AS pin_order, suggested.priority AS priority "
        f"FROM {article} a LEFT JOIN pinned ON pinned.article_id = a.id LEFT JOIN suggested ON suggested.id = a.id "
        f"WHERE a.id IN ({wanted}) "
        "ORDER BY suggested.priority IS NULL, suggested.priority, a.year DESC NULLS LAST, "
        "a.published_at DESC NULLS LAST, a.title, a.id"
    )
    return sql, params


def treatment_research(treatment):
    """The sidebar (linked articles, newest first) and References of a treatment page: at most three queries."""
    related = list(treatment.research_articles.published().order_by(*NEWEST_FIRST)[: settings.SIDEBAR_ARTICLE_LIMIT])
    slugs = cited_slugs(*(getattr(treatment, name) for name in treatment.sections))
    cited = {}
    if slugs:
        by_pk = {article.pk: article for article in related}
        for article in ResearchArticle.objects.published().filter(slug__in=slugs):
            cited[article.slug] = by_pk.get(article.pk, article)
    _prefetch_authors(related, cited.values())
    return PageResearch(sidebar=related, references=build_references(cited, related, slugs))
