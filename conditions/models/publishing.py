"""Publication: draft -> waiting for review -> published, medical sign-offs, draft copies of live pages."""

import functools
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.contrib.redirects.models import Redirect
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import staff_privileges_usable


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")


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
    # The clinician the name belongs to, whose public profile "Reviewed by" links to.
    clinician = models.ForeignKey(
        "clinicians.Clinician",
        verbose_name=_("clinician"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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


def published_rows():
    """The published rows, due or scheduled (`published()` adds the time): also the condition of listing indexes."""
    return Q(status=Status.PUBLISHED, draft_of__isnull=True)


def published_sql(alias):
    """`published()` as an SQL condition on the table aliased `alias`, with its parameters, for the few queries
    written as SQL for speed (a condition page's research, a page's reviewer profile)."""
    return f"{alias}.status = %s AND {alias}.draft_of_id IS NULL AND {alias}.published_at <= %s", [
        Status.PUBLISHED, timezone.now()
    ]  # fmt: skip


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and due: a future `published_at` keeps a page scheduled, with no cron job.

        A draft copy is never public on its own (a database constraint keeps it from being published at all).
        """
        return self.filter(published_rows(), published_at__lte=timezone.now())

    def visible_to(self, user):
        """What `user` may open on the public site: staff who can edit the model also see drafts (preview)."""
        opts = self.model._meta
        if staff_privileges_usable(user) and user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return self
        return self.published()


@functools.cache
def _url_around_slug(url_name, script_prefix):
    marker = "slug-placeholder"
    before, after = reverse(url_name, kwargs={"slug": marker}).split(marker)
    return before, after


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _url_around_slug.cache_clear()


class Publishable(models.Model):
    """Draft → waiting for review → published, with an owner, an edit counter and optional draft copies.

    A published page is changed through a *draft copy* (`draft_of` points at the live page): editors work on the
    copy while patients keep reading the live page, and a reviewer publishes the copy's changes onto it.
    """

    #: The rich-text sections, in page order (may cite articles with [cite:slug]); see Condition.sections.
    sections = ()
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
        return self.url_for_slug(self.slug)

    @classmethod
    def url_for_slug(cls, slug):
        """The address of this model's page with `slug` (an import's report names pages before they exist)."""
        # A page lists dozens of these: one reverse() per URL name and script prefix, then string formatting (a slug
        # needs no quoting: SlugField allows only [-a-zA-Z0-9_]).
        before, after = _url_around_slug(cls.detail_url_name, get_script_prefix())
        return f"{before}{slug}{after}"

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at > timezone.now()

    def redirect_old_url(self):
        """A published page whose slug changes keeps its old address: a 301 to the new one."""
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
