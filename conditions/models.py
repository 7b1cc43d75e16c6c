"""Content of the clinic site: conditions, the treatments the clinic offers, and the research behind them."""

import re
import secrets
from datetime import timedelta
from itertools import groupby

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import staff_privileges_usable

from .citations.tokens import cited_slugs, keyword_index, normalize_keyword
from .fields import RichTextField
from .sanitize import is_blank_html
from .uploads import ImageUploadValidator, hero_image_path

# --- Publication -----------------------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")


def add_months(day, months):
    """`day` plus whole months; the 29th–31st fall back to the month's last day (29 Feb 2028 + 12 = 28 Feb 2029)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def random_key():
    return secrets.token_urlsafe(12)


class SignOff(models.Model):
    """A medical reviewer's approval of one version of a page. Append-only: never changed, never deleted.

    Every publish (and every periodic review of a live page) writes one; a published page points at its latest
    (`Publishable.signoff`, required by a database constraint), and the public "Reviewed by" line comes from it.
    "Which version" is the page's edit number and a digest of everything the reviewer approved (its text, links,
    images and linked treatments/articles: `conditions.publishing.content_digest`).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As patients read them at the time of the sign-off (from the reviewer's clinician profile), kept even if
    # the profile or the account changes later.
    reviewer_name = models.CharField(_("reviewer's name"), max_length=200)
    reviewer_credentials = models.CharField(_("credentials"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now)
    edit_version = models.PositiveIntegerField(_("edit number"))
    content_digest = models.CharField(_("content digest"), max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("medical sign-off")
        verbose_name_plural = _("medical sign-offs")
        indexes = [models.Index(fields=["content_type", "object_id", "-signed_at"], name="signoff_page_latest")]

    def __str__(self):
        return f"{self.reviewer_line} – {timezone.localtime(self.signed_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A sign-off is a record: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A sign-off is a record: it is never deleted.")

    @property
    def reviewer_line(self):
        """ "Arif Hussain, DO": the name and credentials patients read."""
        return f"{self.reviewer_name}, {self.reviewer_credentials}" if self.reviewer_credentials else self.reviewer_name


class ChangeRequest(models.Model):
    """A reviewer's "Request changes" with the comment the editor sees on the page until it is submitted again."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("what to change"))
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="changerequest_page_latest")]

    def __str__(self):
        return self.comment[:80]


def publishing_constraints(prefix):
    """What no code path may break: a published page has a sign-off, and a draft copy is never published."""
    return [
        models.CheckConstraint(
            condition=~Q(status=Status.PUBLISHED) | Q(signoff__isnull=False), name=f"{prefix}_published_is_signed_off"
        ),
        models.CheckConstraint(
            condition=Q(draft_of__isnull=True) | ~Q(status=Status.PUBLISHED),
            name=f"{prefix}_draft_copy_never_published",
        ),
    ]


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and due: a future `published_at` keeps a page scheduled, with no cron job.

        A draft copy is never public on its own (a database constraint keeps it from being published at all).
        """
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now(), draft_of__isnull=True)

    def visible_to(self, user):
        """What `user` may open on the public site: staff who can edit the model also see drafts (preview)."""
        opts = self.model._meta
        if staff_privileges_usable(user) and user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return self
        return self.published()


class Publishable(models.Model):
    """Draft → waiting for review → published, with an owner, an edit counter and optional draft copies.

    A published page is changed through a *draft copy* (`draft_of` points at the live page): editors work on the
    copy while patients keep reading the live page, and a reviewer publishes the copy's changes onto it.
    """

    #: Reverse relations (inline rows) copied with a draft copy and written back when it is published.
    copied_rows = ()
    #: Many-to-many fields copied likewise.
    copied_m2m = ()
    detail_url_name = ""

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Set a future date and time to schedule the page. Left empty, publishing uses the current time."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    # Optimistic locking: every save adds one; a save based on an older number is refused (see admin forms).
    edit_version = models.PositiveIntegerField(_("edit number"), default=1, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True},
        help_text=_("The staff member responsible for keeping this page up to date (gets review reminders)."),
    )
    # Full-text index (PostgreSQL only; see conditions/search.py), kept current on every save.
    search_vector = SearchVectorField(null=True, editable=False)
    draft_of = models.ForeignKey(
        "self",
        verbose_name=_("draft copy of"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="draft_copies",
    )
    # The latest medical sign-off (conditions.publishing): required while the page is published.
    signoff = models.ForeignKey(
        SignOff,
        verbose_name=_("medical sign-off"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Part of every preview link: a new key revokes the page's links.
    preview_key = models.CharField(max_length=32, default=random_key, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.pk:
            self.edit_version += 1
            self.redirect_old_url()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(self.detail_url_name, kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at > timezone.now()

    def redirect_old_url(self):
        """A published page whose slug changes keeps its old address: a 301 to the new one."""
        from django.contrib.redirects.models import Redirect

        stored = type(self).objects.filter(pk=self.pk).values("slug", "status").first()
        if not stored or stored["slug"] == self.slug or stored["status"] != Status.PUBLISHED:
            return
        old_url = reverse(self.detail_url_name, kwargs={"slug": stored["slug"]})
        new_url = self.get_absolute_url()
        site_id = settings.SITE_ID
        Redirect.objects.filter(site_id=site_id, old_path=new_url).delete()  # the new address is live again
        Redirect.objects.filter(site_id=site_id, new_path=old_url).update(new_path=new_url)  # no chains
        Redirect.objects.update_or_create(site_id=site_id, old_path=old_url, defaults={"new_path": new_url})

    # --- Draft copies of live pages ----------------------------------------------------------------

    def make_draft_copy(self, user=None):
        """A draft copy of this page (and its inline rows) for editing while the live page stays up."""
        copy = type(self).objects.get(pk=self.pk)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        copy.draft_of = self
        copy.status = Status.DRAFT
        copy.published_at = None
        copy.signoff = None
        copy.preview_key = random_key()
        copy.edit_version = 1
        copy.owner = user if user is not None and user.is_authenticated else self.owner
        copy.slug = self._unique_copy_slug()
        for field in self._meta.concrete_fields:
            if field.unique and field.name not in {"id", "slug"}:
                setattr(copy, field.attname, None)  # e.g. the WordPress post id belongs to the live page
        copy.save()
        self._copy_related(self, copy)
        return copy

    def draft_copy(self, user=None):
        """This live page's draft copy: the one being worked on, else a new one."""
        return self.draft_copies.order_by("pk").first() or self.make_draft_copy(user)

    def _unique_copy_slug(self):
        base = f"{self.slug[:180]}-draft"
        slug, number = base, 1
        while type(self).objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    @classmethod
    def content_fields(cls):
        """The concrete fields that hold what patients read (everything but NOT_CONTENT)."""
        return [field for field in cls._meta.concrete_fields if field.name not in NOT_CONTENT]

    @classmethod
    def _copy_related(cls, source, target):
        for accessor in cls.copied_rows:
            manager = getattr(target, accessor)
            manager.all().delete()
            fk_name = manager.field.name
            for row in getattr(source, accessor).all():
                row.pk = None
                row.id = None
                row._state.adding = True
                setattr(row, fk_name, target)
                row.save()
        for name in cls.copied_m2m:
            getattr(target, name).set(getattr(source, name).all())

    def take_content_of(self, source):
        """Copy `source`'s content (fields and linked rows) onto this page; its address, status, owner, sign-off
        and bookkeeping stay. Used to publish a draft copy onto its live page (conditions.publishing)."""
        for field in self.content_fields():
            if not field.unique:
                setattr(self, field.attname, getattr(source, field.attname))
        self.save()
        self._copy_related(source, self)


#: Fields that are not a page's content: its address, publication state, ownership, history bookkeeping and values
#: derived from other fields. Comparisons, sign-off digests, restores and draft copies leave them out; this is the
#: one list of them.
NOT_CONTENT = frozenset(
    {
        "id", "slug", "status", "published_at", "created_at", "updated_at", "edit_version", "owner", "draft_of",
        "signoff", "preview_key", "search_vector", "last_reviewed", "next_review_due", "review_reminder_sent_for",
        "overdue_notice_sent_for", "keyword_index", "wordpress_id",
    }
)  # fmt: skip
#: Not kept in revisions either: restoring an old version never rewinds these.
UNVERSIONED = ("edit_version", "review_reminder_sent_for", "overdue_notice_sent_for", "search_vector", "signoff",
               "preview_key")  # fmt: skip


class ReviewedQuerySet(models.QuerySet):
    def review_overdue(self, today=None):
        return self.filter(status=Status.PUBLISHED, next_review_due__lt=today or timezone.localdate())

    def review_due_within(self, days, today=None):
        today = today or timezone.localdate()
        return self.filter(
            status=Status.PUBLISHED, next_review_due__gte=today, next_review_due__lte=today + timedelta(days=days)
        )


class Reviewed(models.Model):
    """Medical review: when the page was last signed off, and when it is due again (who: its `signoff`)."""

    # The day of the latest sign-off (conditions.publishing.sign_off); kept here for filters and the constraint.
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True, editable=False)
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Left empty, it is set to the review interval (12 months by default) after the last review."),
    )
    # The due date each reminder was sent for, so a daily cron job sends each reminder once per review cycle.
    review_reminder_sent_for = models.DateField(null=True, blank=True, editable=False)
    overdue_notice_sent_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = add_months(self.last_reviewed, settings.REVIEW_INTERVAL_MONTHS)
        super().save(*args, **kwargs)

    @property
    def is_review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @property
    def reviewed_by(self):
        """ "Arif Hussain, DO", from the latest sign-off (needs `signoff` loaded: select_related)."""
        return self.signoff.reviewer_line if self.signoff_id else ""

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review_due and self.next_review_due < self.last_reviewed:
            raise ValidationError({"next_review_due": _("The next review cannot be due before the last review.")})


def check_citations(page):
    """Refuse [cite:slug] tokens naming no research article: one error per field, listing the unknown tokens."""
    texts = {name: getattr(page, name) or "" for name in page.cited_fields}
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


def review_dates_in_order(prefix):
    return models.CheckConstraint(
        condition=Q(next_review_due__isnull=True)
        | Q(last_reviewed__isnull=True)
        | Q(next_review_due__gte=models.F("last_reviewed")),
        name=f"{prefix}_review_due_after_last_review",
    )


# --- Treatments ------------------------------------------------------------------------------------


class TreatmentCategory(models.TextChoices):
    """In the order a condition page usually discusses them (the seed: surgery, injections, advanced)."""

    SURGICAL = "surgical", _("Surgical options")
    INJECTION = "injection", _("Injection therapy")
    ADVANCED = "advanced", _("Advanced treatment (neuromodulation)")
    MEDICATION = "medication", _("Medication")
    REHABILITATION = "rehabilitation", _("Physical therapy and rehabilitation")
    PSYCHOLOGICAL = "psychological", _("Psychological support and self-management")

    @property
    def is_procedure(self):
        return self in {self.SURGICAL, self.INJECTION, self.ADVANCED}


class TreatmentQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def for_index(self):
        return self.only("name", "slug", "category", "summary", "status", "published_at").order_by("category", "name")


class Treatment(Publishable, Reviewed):
    detail_url_name = "conditions:treatment-detail"
    #: Rich-text fields that may cite articles with [cite:slug], in the order the page shows them.
    cited_fields = ("body",)
    search_weights = {"A": ("name",), "B": ("summary",), "C": ("body",)}

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The end of the page address: /treatments/this-slug/")
    )
    category = models.CharField(_("category"), max_length=20, choices=TreatmentCategory, db_index=True)
    summary = models.TextField(
        _("summary"),
        max_length=300,
        validators=[MaxLengthValidator(300)],  # TextField's max_length alone only limits the form
        help_text=_("One or two plain sentences for listings and search engines (300 characters at most)."),
    )
    body = RichTextField(_("body"), blank=True, help_text=_("What the treatment is, how it is done, what to expect."))

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")
        permissions = [("publish_treatment", "Can publish treatments and set review dates")]
        constraints = [review_dates_in_order("treatment"), *publishing_constraints("treatment")]

    def __str__(self):
        return self.name

    def patient_text(self):
        """Everything a patient reads on the page, for the readability check."""
        return (self.summary, self.body)

    @property
    def category_label(self):
        return TreatmentCategory(self.category).label

    def clean(self):
        super().clean()
        if self.status == Status.PUBLISHED and is_blank_html(self.body):
            raise ValidationError({"body": _("A published treatment needs a body.")})
        check_citations(self)


# --- Research articles -----------------------------------------------------------------------------

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """`https://doi.org/10.1/X` and `doi:10.1/X` both become `10.1/X` (DOIs compare case-insensitively)."""
    return DOI_PREFIXES.sub("", (value or "").strip())


def validate_doi(value):
    if not DOI_PATTERN.match(normalize_doi(value)):
        raise ValidationError(
            _('"%(value)s" is not a DOI. A DOI looks like 10.1111/papr.12088.'),
            code="invalid_doi",
            params={"value": value},
        )


validate_pmid = RegexValidator(r"^[1-9]\d{0,8}$", _("A PubMed ID is a number of up to 9 digits, e.g. 23682788."))


#: /research/feed/ is the RSS feed, so no article may have the slug "feed".
RESERVED_ARTICLE_SLUGS = {"feed"}


class ResearchArticleQuerySet(PublishableQuerySet):
    def with_authors(self):
        return self.prefetch_related(Prefetch("authors", queryset=ArticleAuthor.objects.order_by("position")))

    def for_listing(self):
        return self.published().with_authors().order_by("-year", "title")


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
        Treatment, blank=True, related_name="research_articles", verbose_name=_("treatments")
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

    def __str__(self):
        return self.title

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
        """The AMA citation as plain text (conditions/citations/ama.py)."""
        from .citations.ama import ama_citation

        return ama_citation(self)

    @property
    def keyword_list(self):
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    @property
    def author_list(self):
        """Authors as AMA prints them: "Hussain A, Erdek M"; more than 6 become the first 3 and "et al"."""
        from .citations.ama import author_list

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

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        name = f"{self.given_names} {self.family_name}".strip()
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def short_name(self):
        """Family name and initials, as citations print them: "Michael J. Erdek" -> "Erdek MJ"."""
        # Lower-case particles ("Amanda C de C") are not initials: PubMed writes "Williams ACC".
        parts = [part for part in re.split(r"[\s.\-]+", self.given_names) if part and not part.islower()]
        initials = "".join(part[0].upper() for part in parts)
        return f"{self.family_name} {initials}".strip()


# --- Conditions ------------------------------------------------------------------------------------


class BodyRegion(models.TextChoices):
    HEAD = "head-face", _("Head and face")
    NECK = "neck", _("Neck")
    SHOULDER_ARM = "shoulder-arm", _("Shoulder and arm")
    MID_BACK = "mid-back", _("Mid back")
    LOW_BACK = "low-back", _("Low back")
    HIP_PELVIS = "hip-pelvis", _("Hip and pelvis")
    LEG_FOOT = "leg-foot", _("Leg and foot")
    WHOLE_BODY = "whole-body", _("Whole body and nerves")


def published_link(relation):
    """Rows whose `relation` is published and due (see `PublishableQuerySet.published`)."""
    return Q(**{f"{relation}__status": Status.PUBLISHED, f"{relation}__published_at__lte": timezone.now()})


class ConditionQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def for_index(self):
        """Just what the A–Z index and listings show."""
        return self.only("name", "slug", "summary", "body_region", "alternate_names").order_by("name")

    def for_page(self, sidebar_limit=None):
        """A condition page in a constant number of queries: the page, its treatments, its articles.

        `Condition.research` then adds at most two: suggested and cited articles, and the authors of them all.
        """
        return self.select_related("signoff").prefetch_related(
            Prefetch(
                "condition_treatments",
                # A join on the linked row, not `IN (all published treatments)`: constant cost however many exist.
                queryset=ConditionTreatment.objects.filter(published_link("treatment"))
                .select_related("treatment")
                .order_by("position", "pk"),
                to_attr="published_treatment_links",
            ),
            Prefetch(
                "condition_articles",
                queryset=ConditionArticle.objects.filter(published_link("article"))
                .select_related("article")
                .order_by("position", "pk"),
                to_attr="published_article_links",
            ),
        )


class Condition(Publishable, Reviewed):
    detail_url_name = "conditions:condition-detail"
    search_weights = {
        "A": ("name", "alternate_names"),
        "B": ("summary",),
        "C": ("overview", "symptoms", "causes", "diagnosis", "treatment_notes", "when_to_see_doctor"),
    }
    copied_rows = ("condition_treatments", "condition_articles")
    #: Rich-text fields that may cite articles with [cite:slug], in the order the page shows them.
    cited_fields = (
        "urgent_warning", "overview", "symptoms", "causes", "diagnosis", "treatment_notes", "when_to_see_doctor",
    )  # fmt: skip

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The end of the page address: /conditions/this-slug/")
    )
    alternate_names = models.TextField(
        _("also called"),
        blank=True,
        help_text=_(
            'Other names patients and doctors use, one per line, e.g. "Failed Back Surgery Syndrome". '
            "Search finds the page by these."
        ),
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        validators=[MaxLengthValidator(300)],  # TextField's max_length alone only limits the form
        help_text=_("One or two plain sentences for listings and search engines (300 characters at most)."),
    )
    body_region = models.CharField(_("body region"), max_length=20, choices=BodyRegion, db_index=True)
    hero_image = models.ImageField(
        _("image"), upload_to=hero_image_path, blank=True, validators=[ImageUploadValidator()]
    )
    hero_image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: what the image shows, for patients who cannot see it."),
    )

    overview = RichTextField(_("overview"), blank=True, help_text=_("What the condition is and who gets it."))
    symptoms = RichTextField(_("symptoms"), blank=True)
    causes = RichTextField(_("causes"), blank=True)
    diagnosis = RichTextField(_("screening and diagnosis"), blank=True)
    treatment_notes = RichTextField(
        _("about treatment"),
        blank=True,
        help_text=_("General notes shown above the treatment options, e.g. how treatment depends on the cause."),
    )
    when_to_see_doctor = RichTextField(_("when to see a doctor"), blank=True)
    urgent_warning = RichTextField(
        _("urgent warning"),
        blank=True,
        help_text=_("Red flags that need care the same day (shown as a prominent callout). Leave empty if none."),
    )

    wordpress_id = models.PositiveIntegerField(
        _("WordPress post ID"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Set when the page was imported from the old WordPress site; re-imports update this page."),
    )

    treatments = models.ManyToManyField(
        Treatment, through="ConditionTreatment", related_name="conditions", blank=True, verbose_name=_("treatments")
    )
    research_articles = models.ManyToManyField(
        ResearchArticle,
        through="ConditionArticle",
        related_name="conditions",
        blank=True,
        verbose_name=_("related research articles"),
    )

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        permissions = [("publish_condition", "Can publish conditions and set review dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""), name="condition_hero_image_has_alt_text"
            ),
            review_dates_in_order("condition"),
            *publishing_constraints("condition"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": _("Describe the image for patients who cannot see it.")})
        if self.status == Status.PUBLISHED and is_blank_html(self.overview):
            raise ValidationError({"overview": _("A published condition needs an overview.")})
        check_citations(self)

    def patient_text(self):
        """Everything a patient reads on the page, for the readability check."""
        return (
            self.summary, self.overview, self.symptoms, self.causes, self.diagnosis, self.treatment_notes,
            self.when_to_see_doctor, self.urgent_warning,
        )  # fmt: skip

    @property
    def alternate_name_list(self):
        return [line.strip() for line in self.alternate_names.splitlines() if line.strip()]

    @property
    def index_letter(self):
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"

    @property
    def body_region_label(self):
        return BodyRegion(self.body_region).label

    def treatment_groups(self):
        """[(category label, [ConditionTreatment, ...]), ...]: grouped by category in the order the editor gave.

        Needs `for_page()`; a category appears where its first treatment stands in the editor's list.
        """
        links = self.published_treatment_links
        order = {}
        for link in links:
            order.setdefault(link.treatment.category, len(order))
        links = sorted(links, key=lambda link: order[link.treatment.category])  # stable: keeps the editor's order
        return [
            (TreatmentCategory(category).label, list(group))
            for category, group in groupby(links, key=lambda link: link.treatment.category)
        ]

    @property
    def keyword_terms(self):
        """What an article's keywords are matched against: the name and the "also called" names, normalised."""
        terms = dict.fromkeys(normalize_keyword(name) for name in [self.name, *self.alternate_name_list])
        terms.pop("", None)
        return list(terms)

    @cached_property
    def research(self):
        """Sidebar and References of the page (needs `for_page()`): see conditions/citations/references.py."""
        from .citations.references import condition_research

        return condition_research(self)

    def sidebar_articles(self):
        """At most SIDEBAR_ARTICLE_LIMIT published articles: the editor's, in order, then suggestions.

        Suggestions fill the rest: articles about the condition's treatments, then articles with a keyword equal to
        the condition's name or an "also called" name, newest first; never a duplicate, never an unpublished one.
        """
        return self.research.sidebar

    @property
    def references(self):
        """The numbered References: articles cited with [cite:slug] in page order, then the editor's others."""
        return self.research.references


class ConditionTreatment(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="condition_treatments")
    treatment = models.ForeignKey(
        Treatment, on_delete=models.PROTECT, related_name="condition_links", verbose_name=_("treatment")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.TextField(
        _("note for this condition"),
        blank=True,
        help_text=_("Plain text shown with the treatment on this condition's page, e.g. when it is the right choice."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("treatment option")
        verbose_name_plural = _("treatment options")
        constraints = [
            models.UniqueConstraint(fields=["condition", "treatment"], name="condition_treatment_once"),
        ]

    def __str__(self):
        return f"{self.condition} – {self.treatment}"


class ConditionArticle(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="condition_articles")
    article = models.ForeignKey(
        ResearchArticle, on_delete=models.PROTECT, related_name="condition_links", verbose_name=_("article")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("related research article")
        verbose_name_plural = _("related research articles")
        constraints = [
            models.UniqueConstraint(fields=["condition", "article"], name="condition_article_once"),
        ]

    def __str__(self):
        return f"{self.condition} – {self.article}"


# --- History: every save of a page is a revision (django-reversion) -------------------------------

reversion.register(ConditionTreatment)
reversion.register(ConditionArticle)
reversion.register(ArticleAuthor)
reversion.register(Condition, follow=Condition.copied_rows, exclude=UNVERSIONED)
reversion.register(Treatment, exclude=UNVERSIONED)
reversion.register(ResearchArticle, follow=ResearchArticle.copied_rows, exclude=UNVERSIONED)


@receiver(post_save)
def index_for_search(sender, instance, raw, **kwargs):
    if not raw and sender in (Condition, Treatment, ResearchArticle):
        from .search import update_search_vector

        update_search_vector(instance)


@receiver(post_save)
def keep_a_revision_of_every_save(sender, instance, created, raw, **kwargs):
    """Saves outside the admin (importers, scripts, the shell) are kept as revisions too."""
    if raw or sender not in (Condition, Treatment, ResearchArticle) or reversion.is_active():
        return
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("Created outside the admin" if created else "Saved outside the admin")
