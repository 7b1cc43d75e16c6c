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

**Queries.** Constant, whatever the number of articles: one query for the suggested and the cited articles
together (the suggestions are a LIMITed subquery), one for the authors of every article on the page.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    prefetch_related_objects,
)

from citations.tokens import CITE_TOKEN, cited_slugs, token_slugs

from .models import ArticleAuthor, ResearchArticle
from .models.research import keywords_match


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


def _authors_prefetch():
    return Prefetch("authors", queryset=ArticleAuthor.objects.order_by("position", "pk"))


def _prefetch_authors(*article_lists):
    """One query for the authors of every article on the page (an article listed twice is one object)."""
    articles = {id(article): article for articles in article_lists for article in articles}
    if articles:
        prefetch_related_objects(list(articles.values()), _authors_prefetch())


NEWEST_FIRST = (F("year").desc(nulls_last=True), F("published_at").desc(nulls_last=True), "title", "pk")


def condition_research(condition):
    """The sidebar (chosen, suggested) and References of a condition loaded with `for_page()`: two more queries."""
    slugs = cited_slugs(*(getattr(condition, name) for name in condition.sections))
    related = [link.article for link in condition.published_article_links]
    suggestions, cited = [], {}
    room = settings.SIDEBAR_ARTICLE_LIMIT - len(related)
    terms = condition.keyword_terms
    if slugs or (room > 0 and terms):
        published = ResearchArticle.objects.published()
        wanted = Q(slug__in=slugs) if slugs else Q(pk__in=[])
        rows = published
        if room > 0 and terms:
            suggested_ids = (
                published.filter(keywords_match(terms))
                .exclude(pk__in=[article.pk for article in related])
                .exclude(slug__in=slugs)
                .order_by(*NEWEST_FIRST)
                .values("pk")[:room]
            )
            wanted |= Q(pk__in=suggested_ids)
            rows = rows.annotate(
                suggested=ExpressionWrapper(Q(pk__in=suggested_ids), output_field=BooleanField())
            ).order_by(*NEWEST_FIRST)
        for article in rows.filter(wanted):
            if getattr(article, "suggested", False):
                suggestions.append(article)
            if article.slug in slugs:
                cited[article.slug] = article
    # Chosen articles reuse the objects of the links, so each article is one object with one author list.
    by_pk = {article.pk: article for article in related}
    cited = {slug: by_pk.get(article.pk, article) for slug, article in cited.items()}
    _prefetch_authors(related, suggestions, cited.values())
    references = build_references(cited, slugs)
    cited_pks = {reference.article.pk for reference in references}
    chosen = [article for article in related if article.pk not in cited_pks][: settings.SIDEBAR_ARTICLE_LIMIT]
    return PageResearch(sidebar=chosen, suggested=suggestions, references=references)


def treatment_research(treatment):
    """The sidebar (linked articles not cited, newest first) and References of a treatment page: at most three
    queries."""
    related = list(treatment.research_articles.published().order_by(*NEWEST_FIRST)[: settings.SIDEBAR_ARTICLE_LIMIT])
    slugs = cited_slugs(*(getattr(treatment, name) for name in treatment.sections))
    cited = {}
    if slugs:
        by_pk = {article.pk: article for article in related}
        for article in ResearchArticle.objects.published().filter(slug__in=slugs):
            cited[article.slug] = by_pk.get(article.pk, article)
    _prefetch_authors(related, cited.values())
    references = build_references(cited, slugs)
    cited_pks = {reference.article.pk for reference in references}
    return PageResearch(sidebar=[article for article in related if article.pk not in cited_pks], references=references)
