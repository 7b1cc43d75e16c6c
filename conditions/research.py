"""The research on a condition or treatment page: its sidebar, its numbered References, its inline citations.

Each article appears once on a page: in the References if the text cites it, otherwise in the sidebar.

**References.** Articles cited inline with `[cite:slug]`, numbered in order of first citation across the page's
sections in page order (`sections`). A token whose slug names no published article is dropped from the page (the
admin refuses unknown slugs on save; a draft article's number appears once it is published).

**Sidebar.** "Chosen by our clinicians": the articles the editors linked to the page (a condition's ConditionArticle
rows in their order; a treatment's articles, newest first), except those cited. Then, on condition pages and up to
SIDEBAR_ARTICLE_LIMIT in all, "Suggested automatically": published articles whose keywords name the condition (its
name or an "also called" name: `ResearchArticleQuerySet.about_condition`, which "All research on X" lists too),
newest first, never one already on the page. Articles that only share a treatment are not suggested: they are
often about another condition.

**Queries.** Constant, whatever the number of articles: on a condition page one query for the pinned, suggested and
cited articles together (the suggestions are a LIMITed subquery), each with the authors its citation prints; on a
treatment page one more for the authors of every article on the page.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from citations.ama import AMA_AUTHORS_SHOWN, name_list, short_name
from citations.tokens import CITE_TOKEN, cited_slugs, token_slugs
from clinic.json_rows import json_rows, json_rows_sql

from .models import ArticleAuthor, ConditionArticle, ResearchArticle
from .models.publishing import published_sql
from .models.research import NEWEST_FIRST


@dataclass(frozen=True)
class Reference:
    number: int
    article: object
    cited: bool = True

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


def build_references(cited, slugs):
    """`cited`: {slug: article} (published only), `slugs`: in citation order."""
    entries, numbers, seen = [], {}, set()
    for slug in slugs:
        article = cited.get(slug)
        if article is None or article.pk in seen:
            continue
        seen.add(article.pk)
        entries.append(Reference(len(entries) + 1, article))
        numbers[slug] = len(entries)
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
    sidebar: list  # the articles the editors chose (linked to the page), except those the References list
    references: References
    suggested: list = field(default_factory=list)  # found automatically: keywords naming the condition
    article_ids: set = field(default_factory=set)  # every article the page depends on (for the page cache)
    cited_slugs: list = field(default_factory=list)  # cited, published or not yet


#: What a citation shows of an article (citations/ama.py), and what deciding whether it is public needs.
CITED_FIELDS = (
    "status", "published_at", "draft_of_id", "title", "slug", "journal", "journal_abbreviation", "year", "volume",
    "issue", "pages", "doi", "pmid", "url",
)  # fmt: skip


def _cited_authors_sql(article_alias):
    """A column of the article's first AMA_AUTHORS_SHOWN + 1 authors, as JSON rows [position, id, family name, given
    names]: only the authors a citation prints (AMA names up to six, and a seventh only says "et al":
    citations/ama.py), so an article with 120 authors costs seven rows."""
    return json_rows_sql(
        ("position", "id", "family_name", "given_names"),
        f"SELECT position, id, family_name, given_names FROM {ArticleAuthor._meta.db_table} "
        f"WHERE article_id = {article_alias}.id ORDER BY position, id LIMIT {AMA_AUTHORS_SHOWN + 1}",
    )


def cite_authors(articles):
    """Give each article its `cited_author_list`. A condition page's query for articles brings their authors
    (`author_rows`, from `_cited_authors_sql`); those of any other article come in one more query."""
    missing = {article.pk for article in articles if not hasattr(article, "author_rows")}
    if missing:
        table = ResearchArticle._meta.db_table
        found = ResearchArticle.objects.raw(
            f"SELECT a.id, {_cited_authors_sql('a')} AS author_rows FROM {table} a "
            f"WHERE a.id IN ({', '.join(['%s'] * len(missing))})",
            [*missing],
        )
        rows = {article.pk: article.author_rows for article in found}
        for article in articles:
            if not hasattr(article, "author_rows"):
                article.author_rows = rows.get(article.pk)
    for article in articles:
        rows = json_rows(article.author_rows)
        article.cited_author_list = name_list([short_name(family, given) for _, _, family, given in rows])


def condition_research(condition):
    """The sidebar (chosen, suggested) and References of a condition loaded with `for_page()`: one more query.

    One query for every article the page may show, with the authors its citation prints: its pinned articles
    (published or not: the page cache must know them all, see `article_ids`), its cited ones and the best keyword
    suggestions. Cited articles are listed once, in the References, never again in the sidebar.
    """
    limit = settings.SIDEBAR_ARTICLE_LIMIT
    slugs = cited_slugs(*(getattr(condition, name) for name in condition.sections))
    # Asks for len(slugs) more suggestions than there is room for: the cited ones are dropped below.
    sql, params = page_articles_sql(condition.pk, condition.keyword_terms, slugs, limit + len(slugs))
    articles = list(ResearchArticle.objects.raw(sql, params))  # suggestions first, best first
    pinned = sorted((a for a in articles if a.pin is not None), key=lambda a: (a.pin, a.pin_order))
    related = [article for article in pinned if article.is_published]
    if "published_article_links" in vars(condition):  # the admin's live preview: the rows as the form has them
        related = [link.article for link in condition.published_article_links]
    cited = {a.slug: a for a in articles if a.slug in slugs and a.is_published}
    references = build_references(cited, slugs)
    cited_pks = {reference.article.pk for reference in references}
    chosen = [article for article in related if article.pk not in cited_pks][:limit]
    room = max(0, limit - len(related))
    suggestions = [a for a in articles if a.priority is not None and a.pin is None and a.pk not in cited_pks][:room]
    # The live preview's chosen articles are the form's rows, not this query's: their authors take one more query.
    cite_authors([*chosen, *suggestions, *cited.values()])
    return PageResearch(
        sidebar=chosen,
        suggested=suggestions,
        references=references,
        article_ids={article.pk for article in articles},
        cited_slugs=slugs,
    )


def _like_term(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%|{escaped}|%"


def page_articles_sql(condition_id, keyword_terms, slugs, limit):
    """SQL (PostgreSQL and SQLite) for the articles of a condition page: pinned (any status), cited and suggested
    (published), each row with `pin`/`pin_order` (its link's position) and `priority` (not NULL: a suggestion, an
    article whose keywords name the condition), suggestions first in sidebar order, newest first.

    Suggestions come only from keywords naming this condition: articles that merely share a treatment were trials
    on other conditions.

    Written as SQL rather than with the ORM: compiling the equivalent queryset (subqueries, Exists, Case) cost more
    than the rest of the page, and each source of articles here is an indexed lookup whose ids are UNIONed, where
    `a OR b OR c` over subqueries made PostgreSQL scan every article.
    """
    article, link = ResearchArticle._meta.db_table, ConditionArticle._meta.db_table
    columns = ", ".join(f"a.{ResearchArticle._meta.get_field(name).column}" for name in ("id", *CITED_FIELDS))
    published, published_params = published_sql("c")
    params = [condition_id]
    if keyword_terms:
        if connection.vendor == "postgresql":
            # The same expression as the index on it (conditions/models/indexes.py `KeywordTerms`).
            matches, match_params = "string_to_array(c.keyword_index, '|') && %s::text[]", [list(keyword_terms)]
        else:
            matches = " OR ".join(["c.keyword_index LIKE %s ESCAPE '\\'"] * len(keyword_terms))
            match_params = [_like_term(term) for term in keyword_terms]
        suggested = (
            f"SELECT c.id AS id, 1 AS priority FROM {article} c "
            f"WHERE ({matches}) AND {published} AND c.id NOT IN (SELECT article_id FROM pinned) "
            "ORDER BY c.year DESC NULLS LAST, c.published_at DESC NULLS LAST, c.title, c.id LIMIT %s"  # NEWEST_FIRST
        )
        params += [*match_params, *published_params, limit]
    else:
        suggested = "SELECT id, 0 AS priority FROM pinned WHERE 1 = 0"
    wanted = "SELECT article_id FROM pinned UNION SELECT id FROM suggested"
    if slugs:
        wanted += (
            f" UNION SELECT c.id FROM {article} c WHERE c.slug IN ({', '.join(['%s'] * len(slugs))}) AND {published}"
        )
        params += [*slugs, *published_params]
    sql = (
        f"WITH pinned AS (SELECT id, article_id, position FROM {link} WHERE condition_id = %s), "
        f"suggested AS ({suggested}) "
        f"SELECT {columns}, pinned.position AS pin, pinned.id AS pin_order, suggested.priority AS priority, "
        f"{_cited_authors_sql('a')} AS author_rows "
        f"FROM {article} a LEFT JOIN pinned ON pinned.article_id = a.id LEFT JOIN suggested ON suggested.id = a.id "
        f"WHERE a.id IN ({wanted}) "
        "ORDER BY suggested.priority IS NULL, suggested.priority, a.year DESC NULLS LAST, "
        "a.published_at DESC NULLS LAST, a.title, a.id"
    )
    return sql, params


def treatment_research(treatment):
    """The sidebar (linked articles not cited, newest first) and References of a treatment page: at most three
    queries."""
    related = (
        list(treatment.research_articles.published().order_by(*NEWEST_FIRST)[: settings.SIDEBAR_ARTICLE_LIMIT])
        if treatment.pk  # an unsaved page (the admin's preview) has no linked articles yet
        else []
    )
    slugs = cited_slugs(*(getattr(treatment, name) for name in treatment.sections))
    cited = {}
    if slugs:
        by_pk = {article.pk: article for article in related}
        for article in ResearchArticle.objects.published().filter(slug__in=slugs):
            cited[article.slug] = by_pk.get(article.pk, article)
    cite_authors([*related, *cited.values()])
    references = build_references(cited, slugs)
    cited_pks = {reference.article.pk for reference in references}
    return PageResearch(sidebar=[article for article in related if article.pk not in cited_pks], references=references)
