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
from citations.identifiers import normalize_doi, normalize_pmid, normalize_url
from citations.records import Citation, is_placeholder
from citations.tokens import keyword_index
from clinic.bulk import bulk_insert, columns_of, insert_rows, reserve_pks, settle_after_commit
from clinic.cache import content_changed
from conditions.history import record_new_pages
from conditions.models import RESERVED_ARTICLE_SLUGS, ArticleAuthor, ResearchArticle, Status
from conditions.publishing import publish_new, sign_off_new
from conditions.search import search_vector_values, update_search_vectors
from conditions.slugs import unique_slug

#: Articles' addresses are cut at a word within this length (titles are long).
SLUG_LENGTH = 80
#: Rows per INSERT when articles are written in bulk: each statement stays well under the 5-second statement timeout
#: (DB_STATEMENT_TIMEOUT_MS) even on a busy server.
BATCH = 1000


def normalized_title(title: str) -> str:
    """Titles compare without case, punctuation or extra spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


#: Fields whose bad value is dropped with a warning, the record kept: a citation is still worth having without them.
OPTIONAL_FIELDS = ("journal", "journal_abbreviation", "year", "volume", "issue", "pages", "doi", "pmid", "url",
                   "abstract", "keywords")  # fmt: skip


def tidy(citation: Citation):
    """Identifiers in their standard form, placeholders ("No-Specified", "n/a") removed: the same for every source."""
    citation.doi = normalize_doi(citation.doi)
    citation.pmid = normalize_pmid(citation.pmid)
    citation.url = normalize_url(citation.url)
    for name in ("title", *OPTIONAL_FIELDS[:-1]):
        value = getattr(citation, name)
        if isinstance(value, str) and len(value) <= 20 and is_placeholder(value):  # placeholders are short
            setattr(citation, name, "")
    citation.authors = [author for author in citation.authors if not is_placeholder(author.family)]


#: The article's fields a citation fills, in the model's order.
CITATION_FIELDS = [field for field in ResearchArticle._meta.fields if field.name in Citation().article_fields()]


def field_errors(values):
    """[(field, its messages)] for the citation fields whose own rules refuse their value in `values`: what
    `ResearchArticle.clean_fields` reports for them (a blank value of a field that may be blank is not checked),
    without building an article per record. The article's other fields hold their defaults."""
    errors = []
    for field in CITATION_FIELDS:
        value = values[field.attname]
        if field.blank and value in field.empty_values:
            continue
        try:
            field.clean(value, None)
        except ValidationError as error:
            errors.append((field, error.messages))
    return errors


def problems(citation: Citation) -> str:
    """Why this citation cannot become an article ("" when it can): the first problem, in one sentence.

    Only a missing or unusable title, or an unusable author, refuses the record. A bad optional field (an EndNote
    `<Go to ISI>://` link, an odd PubMed ID, an issue too long) is dropped and a warning added to
    `citation.warnings`: keep the record, drop the field, warn.
    """
    tidy(citation)
    if not citation.title:
        return "no title"
    for field, messages in field_errors(citation.article_fields()):
        if field.name not in OPTIONAL_FIELDS:
            return f"{field.verbose_name}: {' '.join(messages)}"
        value = str(getattr(citation, field.name))
        shown = value if len(value) <= 60 else f"{value[:59]}…"
        citation.warnings.append(f"{field.verbose_name} “{shown}” left out: {' '.join(messages)}")
        setattr(citation, field.name, None if field.name == "year" else "")
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
        if pmid and pmid in self.by_pmid and not (doi and self.by_pmid[pmid].doi and doi != self.by_pmid[pmid].doi):
            return self.by_pmid[pmid], "same PubMed ID"
        for candidate in self.by_title.get(normalized_title(citation.title), []):
            if citation.year and candidate.year and citation.year != candidate.year:
                continue
            if (doi and candidate.doi and doi != candidate.doi) or (pmid and candidate.pmid and pmid != candidate.pmid):
                continue  # different identifiers: different papers, whatever else they share
            return candidate, "same title and year" if citation.year and candidate.year else "same title"
        return None, ""

    def drop_taken_pmid(self, citation):
        """A new paper whose PubMed ID an article with another DOI already has: one of the two IDs is wrong, and an ID
        belongs to one article only, so this record is kept without it, with a warning."""
        if citation.pmid and (owner := self.by_pmid.get(citation.pmid)) is not None:
            citation.warnings.append(
                f"PubMed ID {citation.pmid} left out: “{owner.title[:60]}” has it, with another DOI"
            )
            citation.pmid = ""

    def new_slug(self, title):
        """An address for a new article, unused on the site and in this import; remembered as taken."""
        slug = unique_slug(title, self.slugs.__contains__, max_length=SLUG_LENGTH, fallback="article")
        self.slugs.add(slug)
        return slug


# --- Writing -------------------------------------------------------------------------------------------------------


def create_article(citation: Citation, slug, owner=None):
    """A draft research article with its authors in order (publishing is a sign-off: conditions.publishing)."""
    return create_articles([(citation, slug)], owner=owner)[0]


def create_articles(items, owner=None, reviewer=None, note="", comment="", progress=None):
    """Research articles from (citation, slug) pairs, with their authors in order, in a constant number of queries
    per batch of BATCH articles.

    Drafts, or published and signed off in `reviewer`'s name. `bulk_create` skips `save()` and post_save, so what
    they do is done here once for all: the normalised identifiers and keyword index of `ResearchArticle.save()`, the
    search index, the history (one revision, `comment`) and the page cache (one purge). `progress(done, title)` is
    called after each batch.
    """
    items, articles, revision = list(items), [], None
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        written, rows = _write_batch(batch, owner, reviewer, note)
        revision = record_new_pages(written, rows, user=reviewer or owner, comment=comment, revision=revision)
        articles += written
        if progress is not None:
            progress(start + len(batch), batch[-1][0].title)
    if articles:
        content_changed(ResearchArticle)
        settle_after_commit(ResearchArticle, len(articles))
    return articles


def _write_batch(items, owner, reviewer, note):
    """The articles of `items` written, with their authors, published or drafts: (articles, their linked rows).

    Where the database gives the articles' keys before they are written (PostgreSQL), each article row is written
    once, already published and with its search vector; elsewhere drafts are written, then updated."""
    articles = []
    for citation, slug in items:
        article = ResearchArticle(**citation.article_fields(), slug=slug, status=Status.DRAFT, owner=owner)
        article.doi, article.pmid = normalize_doi(article.doi), article.pmid.strip()
        article.keyword_index = keyword_index(article.keywords)
        articles.append(article)
    reserved = reserve_pks(ResearchArticle, len(articles))
    if reserved is None:
        bulk_insert(ResearchArticle, articles)
    else:
        for article, pk in zip(articles, reserved, strict=True):
            article.pk = pk
    # Authors as model objects made without the keyword-argument constructor (tens of thousands in a large
    # library), for the sign-off's digest and the history, and written as plain rows.
    columns, db = columns_of(ArticleAuthor), ArticleAuthor.objects.db

    def author_row(article, position, author):
        values = {"article_id": article.pk, "position": position, **author.as_fields()}
        return ArticleAuthor.from_db(db, ("id", *columns), (None, *(values[name] for name in columns)))

    rows = [
        {"authors": [author_row(article, position, author) for position, author in enumerate(citation.authors, 1)]}
        for article, (citation, _slug) in zip(articles, items, strict=True)
    ]
    if reserved is not None:
        if reviewer is not None:
            sign_off_new(articles, rows, reviewer, note=note)
        bulk_insert(ResearchArticle, articles, computed=search_vector_values(ResearchArticle))
    authors = [author for row in rows for author in row["authors"]]
    pks = insert_rows(ArticleAuthor, columns, [tuple(getattr(author, name) for name in columns) for author in authors])
    for author, pk in zip(authors, pks, strict=True):
        author.pk = pk
    if reserved is None and reviewer is not None:
        publish_new(articles, rows, reviewer, note=note, also=search_vector_values(ResearchArticle))
    elif reserved is None:
        update_search_vectors(ResearchArticle, [article.pk for article in articles])
    return articles, rows
