"""Site search across conditions, treatments and research articles.

Every word must appear somewhere in an item; items whose name (or alternate name) matches rank first.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db.models import Case, IntegerField, Q, Value, When

from .models import ArticleAuthor, Condition, ResearchArticle, Treatment

RESULTS_PER_KIND = 20


@dataclass
class SearchResults:
    query: str
    conditions: list = field(default_factory=list)
    treatments: list = field(default_factory=list)
    articles: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.conditions) + len(self.treatments) + len(self.articles)


def _word_in(name, word):
    """A field lookup, or a callable for matches that would otherwise need a join (and duplicate rows)."""
    return name(word) if callable(name) else Q(**{f"{name}__icontains": word})


def _by_author(word):
    return Q(pk__in=ArticleAuthor.objects.filter(family_name__icontains=word).values("article_id"))


def _matching(queryset, words, fields, title_fields):
    every_word = reduce(and_, (reduce(or_, (_word_in(name, word) for name in fields)) for word in words))
    title_hit = reduce(or_, (Q(**{f"{name}__icontains": " ".join(words)}) for name in title_fields))
    return (
        queryset.filter(every_word)
        .annotate(rank=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-rank", *queryset.model._meta.ordering)[:RESULTS_PER_KIND]
    )


def search_site(query: str) -> SearchResults:
    words = query.split()[:10]
    return SearchResults(
        query=query,
        conditions=list(
            _matching(
                Condition.objects.published().for_index(),
                words,
                ("name", "alternate_names", "summary", "overview", "symptoms", "causes", "diagnosis"),
                ("name", "alternate_names"),
            )
        ),
        treatments=list(
            _matching(Treatment.objects.published().for_index(), words, ("name", "summary", "body"), ("name",))
        ),
        articles=list(
            _matching(
                ResearchArticle.objects.for_listing(),
                words,
                ("title", "abstract", "journal", _by_author),
                ("title",),
            )
        ),
    )
