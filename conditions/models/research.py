"""Research articles (the citation library) and their authors."""

import reversion
from django.contrib.postgres.lookups import Overlap
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from citations.ama import ama_citation, author_list, short_name
from citations.identifiers import normalize_doi, validate_doi, validate_pmid
from citations.tokens import cited_slugs, keyword_index

from .indexes import KeywordTerms, PostgresIndex, keyword_terms_index, search_vector_index, trigram_index
from .publishing import UNVERSIONED, Publishable, PublishableQuerySet, published_rows, publishing_constraints

#: /research/feed/ is the RSS feed, so no article may have the slug "feed".
RESERVED_ARTICLE_SLUGS = {"feed"}


#: Sidebars and suggestions, newest research first (conditions/research.py): the `research_newest_first` index holds
#: the published articles in this order, so "the 8 newest articles with these keywords" stops after a few rows when
#: the keywords are common (a bitmap of 1,000 matches sorted: 2.2 ms; the index: 0.3 ms).
NEWEST_FIRST = (F("year").desc(nulls_last=True), F("published_at").desc(nulls_last=True), F("title"), F("id"))


def keywords_match(terms):
    """Articles with a keyword equal to one of `terms` (normalised: citations.tokens.normalize_keyword).

    On PostgreSQL an overlap of keyword arrays, answered by their index; elsewhere `|term|` in the text.
    """
    terms = list(terms)
    if not terms:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        return Q(Overlap(KeywordTerms(), Value(terms, output_field=KeywordTerms.output_field)))
    match = Q(pk__in=[])
    for term in terms:
        match |= Q(keyword_index__contains=f"|{term}|")
    return match


class ResearchArticleQuerySet(PublishableQuerySet):
    def about_condition(self, condition):
        """Articles the editors linked to `condition`, or whose keywords name it: what its sidebar draws from."""
        # Two indexed lookups of ids, united: an OR across the link table's join made PostgreSQL scan every article.
        links = self.model._meta.get_field("condition_links").related_model  # conditions.py imports this module
        linked = links.objects.filter(condition=condition).values("article_id")
        named = self.model.objects.filter(keywords_match(condition.keyword_terms)).values("pk")
        return self.filter(pk__in=linked.union(named))

    def with_authors(self):
        return self.prefetch_related(Prefetch("authors", queryset=ArticleAuthor.objects.order_by("position")))

    def for_listing(self):
        return self.published().with_authors().defer("search_vector").order_by("-year", "title")

    def newest(self):
        """Latest published first (home page, feed): read in order from the `research_newest` index. An import
        publishes thousands of articles at the same moment; without the index, every home page sorted them all."""
        return self.for_listing().order_by("-published_at", "title")


@reversion.register(follow=("authors",), exclude=UNVERSIONED)
class ResearchArticle(Publishable):
    detail_url_name = "conditions:article-detail"
    search_weights = {"A": ("title",), "B": ("journal", "journal_abbreviation"), "C": ("abstract",)}
    copied_rows = ("authors",)
    copied_m2m = ("treatments",)

    title = models.CharField(_("title"), max_length=500)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The end of the page address: /research/this-slug/")
    )
    journal = models.CharField(_("journal"), max_length=300, blank=True)
    journal_abbreviation = models.CharField(
        _("journal abbreviation"),
        max_length=100,
        blank=True,
        help_text=_('NLM abbreviation for citations, e.g. "Pain Pract".'),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)], db_index=True
    )
    volume = models.CharField(_("volume"), max_length=20, blank=True)
    issue = models.CharField(_("issue"), max_length=20, blank=True)
    pages = models.CharField(_("pages"), max_length=30, blank=True, help_text=_("e.g. 64-78"))
    doi = models.CharField(
        _("DOI"), max_length=200, blank=True, validators=[validate_doi], help_text=_("e.g. 10.1111/papr.12088")
    )
    pmid = models.CharField(_("PubMed ID"), max_length=9, blank=True, validators=[validate_pmid])
    url = models.URLField(_("link"), max_length=500, blank=True, help_text=_("Publisher page, when there is no DOI."))
    abstract = models.TextField(_("abstract"), blank=True, help_text=_("Plain text; blank lines separate paragraphs."))
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "One per line (MeSH headings, author keywords; filled by imports). A condition page whose name or "
            "“also called” name is one of them suggests this article in its sidebar."
        ),
    )
    # The keywords as compared: "|failed back surgery syndrome|spinal cord stimulation|" (see citations/tokens.py).
    keyword_index = models.TextField(blank=True, default="", editable=False)
    treatments = models.ManyToManyField(
        "conditions.Treatment", blank=True, related_name="research_articles", verbose_name=_("treatments")
    )

    objects = ResearchArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("research article")
        verbose_name_plural = _("research articles")
        permissions = [("publish_researcharticle", "Can publish research articles")]
        constraints = [
            # Unique when present; DOIs are case-insensitive. A draft copy shares its live article's identifiers.
            models.UniqueConstraint(
                Lower("doi"), condition=~Q(doi="") & Q(draft_of__isnull=True), name="research_unique_doi"
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~Q(pmid="") & Q(draft_of__isnull=True), name="research_unique_pmid"
            ),
            *publishing_constraints("research"),
        ]
        # keyword_index: condition pages look for articles with one of their terms (`keywords_match`).
        indexes = [
            search_vector_index("research"),
            trigram_index("title", "research"),
            keyword_terms_index("research"),
            models.Index(F("published_at").desc(), F("title"), condition=published_rows(), name="research_newest"),
            PostgresIndex(*NEWEST_FIRST, condition=published_rows(), name="research_newest_first"),
        ]

    def __str__(self):
        return self.title

    @property
    def choice_label(self):
        """How pickers name the article: similar titles told apart by year and journal."""
        details = ", ".join(str(part) for part in (self.year, self.journal or self.journal_abbreviation) if part)
        return f"{self.title} ({details})" if details else self.title

    def save(self, *args, **kwargs):
        self.doi = normalize_doi(self.doi)
        self.pmid = (self.pmid or "").strip()
        self.keyword_index = keyword_index(self.keywords)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.slug in RESERVED_ARTICLE_SLUGS:
            raise ValidationError({"slug": _("“%(slug)s” is the address of another page: choose another slug.")
                                   % {"slug": self.slug}})  # fmt: skip
        self.doi = normalize_doi(self.doi)
        others = ResearchArticle.objects.filter(draft_of__isnull=True).exclude(pk=self.draft_of_id or self.pk)
        if self.doi and others.filter(doi__iexact=self.doi).exists():
            raise ValidationError({"doi": _("Another article already has this DOI.")})
        if self.pmid and others.filter(pmid=self.pmid).exists():
            raise ValidationError({"pmid": _("Another article already has this PubMed ID.")})

    @property
    def ama_citation(self):
        """The AMA citation as plain text (citations/ama.py)."""
        return ama_citation(self)

    @property
    def keyword_list(self):
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    @property
    def author_list(self):
        """Authors as AMA prints them: "Hussain A, Erdek M"; more than 6 become the first 3 and "et al"."""
        return author_list(self.authors.all())  # uses the prefetched authors

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def citation_source(self):
        """`Pain Pract. 2014;14(1):64-78.` (AMA): journal, year, volume, issue, pages, as far as they are known."""
        journal = self.journal_abbreviation or self.journal
        text = f"{journal.rstrip('.')}." if journal else ""
        locator = str(self.year or "")
        if self.volume:
            locator += f";{self.volume}"
            if self.issue:
                locator += f"({self.issue})"
        if self.pages:
            locator += f":{self.pages}"
        if locator:
            text = f"{text} {locator}." if text else f"{locator}."
        return text


@reversion.register()
class ArticleAuthor(models.Model):
    article = models.ForeignKey(ResearchArticle, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    family_name = models.CharField(_("family name"), max_length=100, help_text=_("Or a group name, e.g. a society."))
    given_names = models.CharField(_("given names"), max_length=100, blank=True)
    credentials = models.CharField(_("credentials"), max_length=50, blank=True, help_text=_("e.g. DO, MD, PhD"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        # Search finds articles by an author's family name, whatever its case (`family_name__iexact`: UPPER = UPPER);
        # without it every search read every author row.
        indexes = [models.Index(Upper("family_name"), name="author_family_name_upper")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        name = f"{self.given_names} {self.family_name}".strip()
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def short_name(self):
        """Family name and initials, as citations print them: "Michael J. Erdek" -> "Erdek MJ"."""
        return short_name(self.family_name, self.given_names)


def check_citations(page):
    """Refuse [cite:slug] tokens naming no research article: one error per field, listing the unknown tokens."""
    texts = {name: getattr(page, name) or "" for name in page.sections}
    slugs = cited_slugs(*texts.values())
    if not slugs:
        return
    known = set(ResearchArticle.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    errors = {}
    for name, text in texts.items():
        unknown = [slug for slug in cited_slugs(text) if slug not in known]
        if unknown:
            errors[name] = [
                ValidationError(
                    _("Unknown citation [cite:%(slug)s]: no research article has this slug."),
                    code="unknown_citation",
                    params={"slug": slug},
                )
                for slug in unknown
            ]
    if errors:
        raise ValidationError(errors)
