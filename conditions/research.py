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
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)

from citations.tokens import CITE_TOKEN, cited_slugs, token_slugs

from .models import ArticleAuthor, ResearchArticle

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


def _authors_prefetch():
    return Prefetch("authors", queryset=ArticleAuthor.objects.order_by("position", "pk"))


def _prefetch_authors(*article_lists):
    """One query for the authors of every article on the page (an article listed twice is one object)."""
    articles = {id(article): article for articles in article_lists for article in articles}
    if articles:
        prefetch_related_objects(list(articles.values()), _authors_prefetch())


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
    """The sidebar and References of a condition loaded with `for_page()`: at most two more queries."""
    limit = settings.SIDEBAR_ARTICLE_LIMIT
    related = [link.article for link in condition.published_article_links]
    pinned = related[:limit]
    slugs = cited_slugs(*(getattr(condition, name) for name in condition.sections))
    room = limit - len(pinned)
    priority = None
    if room > 0:
        treatment_ids = [link.treatment_id for link in condition.published_treatment_links]
        priority = suggestion_priority(treatment_ids, condition.keyword_terms)

    suggestions, cited = [], {}
    if priority is not None or slugs:
        published = ResearchArticle.objects.published()
        wanted = Q(slug__in=slugs) if slugs else Q(pk__in=[])
        rows = published
        if priority is not None:
            suggested_ids = (
                published.exclude(pk__in=[article.pk for article in related])
                .alias(priority=priority)
                .filter(priority__lt=UNRELATED)
                .order_by("priority", *NEWEST_FIRST)
                .values("pk")[:room]
            )
            wanted |= Q(pk__in=suggested_ids)
            rows = rows.annotate(
                priority=priority,
                suggested=ExpressionWrapper(Q(pk__in=suggested_ids), output_field=BooleanField()),
            ).order_by("priority", *NEWEST_FIRST)
        for article in rows.filter(wanted):
            if getattr(article, "suggested", False):
                suggestions.append(article)
            if article.slug in slugs:
                cited[article.slug] = article
    # Pinned articles reuse the objects of the pinned links, so each article is one object with one author list.
    by_pk = {article.pk: article for article in related}
    cited = {slug: by_pk.get(article.pk, article) for slug, article in cited.items()}
    _prefetch_authors(related, suggestions, cited.values())
    return PageResearch(sidebar=pinned + suggestions, references=build_references(cited, related, slugs))


def treatment_research(treatment):
    """The sidebar (linked articles, newest first) and References of a treatment page: at most three queries."""
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
    _prefetch_authors(related, cited.values())
    return PageResearch(sidebar=related, references=build_references(cited, related, slugs))
