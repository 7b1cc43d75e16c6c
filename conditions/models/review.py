"""The medical review cycle of a page: when it was last signed off and when it is due again."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .publishing import SignOff, Status, published_sql


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


class ReviewedQuerySet(models.QuerySet):
    def with_reviewer_profile(self):
        """Each page with the slug of its reviewer's published profile (`reviewer_url`), in the same query.

        Written as SQL: building and compiling the equivalent Subquery(OuterRef(...)) took longer than the rest of
        a condition page's row query. A clinician has at most one live profile (`clinician_one_profile`).
        """
        # By name: clinician profiles are declared after the pages they link from.
        profiles = apps.get_model("conditions", "ClinicianProfile")._meta.db_table
        published, params = published_sql("p")
        sql = (
            f"SELECT p.slug FROM {profiles} p JOIN {SignOff._meta.db_table} s ON s.clinician_id = p.clinician_id "
            f"WHERE s.id = {self.model._meta.db_table}.signoff_id AND {published}"
        )
        slug = RawSQL(sql, params, output_field=models.CharField())
        return self.select_related("signoff").annotate(reviewer_profile_slug=slug)

    def review_overdue(self, today=None):
        return self.filter(status=Status.PUBLISHED, next_review_due__lt=today or timezone.localdate())

    def review_due_within(self, days=None, today=None):
        """Live pages due for review within `days` (default: REVIEW_REMINDER_DAYS, the reminders' window)."""
        days = settings.REVIEW_REMINDER_DAYS if days is None else days
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

    @property
    def updated_after_review(self):
        """Saved on a later day than its latest sign-off: not a change patients read, since every change to a live
        page's content is signed off (conditions/publishing.py); e.g. a new review date or a reminder."""
        return bool(self.last_reviewed and timezone.localdate(self.updated_at) > self.last_reviewed)

    @cached_property  # read by the review line, its link and the structured data
    def reviewer_url(self):
        """The reviewer's public profile (needs `with_reviewer_profile()`), or "" when they have none."""
        slug = getattr(self, "reviewer_profile_slug", None)
        return reverse("conditions:clinician-detail", kwargs={"slug": slug}) if slug else ""

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review_due and self.next_review_due < self.last_reviewed:
            raise ValidationError({"next_review_due": _("The next review cannot be due before the last review.")})


def review_dates_in_order(prefix):
    return models.CheckConstraint(
        condition=Q(next_review_due__isnull=True)
        | Q(last_reviewed__isnull=True)
        | Q(next_review_due__gte=models.F("last_reviewed")),
        name=f"{prefix}_review_due_after_last_review",
    )
