"""Research articles made from citations, for every importer: the one set of rules for checking a citation, telling a
duplicate, naming the new article's address, and writing it with its authors.

The rules:
- A citation can become an article when the article's own field rules accept it (`problems`).
- Duplicates: the same DOI (any case), else the same PubMed ID, else the same normalised title and year (or a title
  whose record has no year), unless both carry DOIs, or PubMed IDs, that differ: two records with different DOIs are
  different papers, whatever else they share (`DuplicateIndex`).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from citations.ama import author_list
from citations.identifiers import normalize_doi
from citations.records import Citation
from conditions.models import RESERVED_ARTICLE_SLUGS, ArticleAuthor, ResearchArticle, Status
from conditions.slugs import unique_slug

#: Articles' addresses are cut at a word within this length (titles are long).
SLUG_LENGTH = 80


def normalized_title(title: str) -> str:
    """Titles compare without case, punctuation or extra spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


def problems(citation: Citation) -> str:
    """Why this citation cannot become an article ("" when it can): the first problem, in one sentence."""
    if not citation.title:
        return "no title"
    citation.doi = normalize_doi(citation.doi)
    article = ResearchArticle(**citation.article_fields())
    try:
        article.clean_fields(exclude=["slug", "status", "published_at", "owner", "draft_of", "keyword_index"])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        label = ResearchArticle._meta.get_field(name).verbose_name
        return f"{label}: {' '.join(messages)}"
    for author in citation.authors:
        for name, value in author.as_fields().items():
            limit = ArticleAuthor._meta.get_field(name).max_length
            if len(value) > limit:
                return f"author “{value[:40]}…” is longer than {limit} characters"
    return ""


def preview_article(citation):
    """An unsaved article for `citation`, whose AMA citation can be shown before the import (the admin preview)."""
    article = ResearchArticle(**citation.article_fields())
    article.doi = normalize_doi(article.doi)
    article.cited_author_list = author_list(ArticleAuthor(**author.as_fields()) for author in citation.authors)
    return article


# --- Duplicates -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """An article met so far: on the site (`where` = "site", `key` its pk) or earlier in the same file ("file",
    the record number)."""

    where: str
    key: int
    title: str
    doi: str  # case-folded
    pmid: str
    year: int | None = None


class DuplicateIndex:
    """The articles known so far, looked up by the duplicate rule (see the module's docstring). One query loads the
    site's; each new article is added as the import goes, so a file's repeats are found too."""

    def __init__(self):
        self.by_doi, self.by_pmid, self.by_title = {}, {}, {}
        self.slugs = set(RESERVED_ARTICLE_SLUGS)

    @classmethod
    def of_site(cls):
        index = cls()
        rows = ResearchArticle.objects.filter(draft_of=None).values_list("pk", "title", "year", "doi", "pmid", "slug")
        for pk, title, year, doi, pmid, slug in rows:
            index.add(Known("site", pk, title, doi.casefold(), pmid, year), replace=False)
            index.slugs.add(slug)
        return index

    def add(self, known, replace=True):
        if known.doi and (replace or known.doi not in self.by_doi):
            self.by_doi[known.doi] = known
        if known.pmid and (replace or known.pmid not in self.by_pmid):
            self.by_pmid[known.pmid] = known
        self.by_title.setdefault(normalized_title(known.title), []).append(known)

    def find(self, citation):
        """(the Known article `citation` repeats, the reason), or (None, "")."""
        doi, pmid = normalize_doi(citation.doi).casefold(), citation.pmid
        if doi and doi in self.by_doi:
            return self.by_doi[doi], "same DOI"
        if pmid and pmid in self.by_pmid:
            return self.by_pmid[pmid], "same PubMed ID"
        for candidate in self.by_title.get(normalized_title(citation.title), []):
            if citation.year and candidate.year and citation.year != candidate.year:
                continue
            if (doi and candidate.doi and doi != candidate.doi) or (pmid and candidate.pmid and pmid != candidate.pmid):
                continue  # different identifiers: different papers, whatever else they share
            return candidate, "same title and year" if citation.year and candidate.year else "same title"
        return None, ""

    def new_slug(self, title):
        """An address for a new article, unused on the site and in this import; remembered as taken."""
        slug = unique_slug(title, self.slugs.__contains__, max_length=SLUG_LENGTH, fallback="article")
        self.slugs.add(slug)
        return slug


# --- Writing -------------------------------------------------------------------------------------------------------


def create_article(citation: Citation, slug, owner=None):
    """A draft research article with its authors in order (publishing is a sign-off: conditions.publishing)."""
    article = ResearchArticle(**citation.article_fields(), slug=slug, status=Status.DRAFT, owner=owner)
    article.doi = normalize_doi(article.doi)
    article.save()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, position=position, **author.as_fields())
        for position, author in enumerate(citation.authors, start=1)
    )
    return article
