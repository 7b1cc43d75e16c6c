"""Clinician profile pages (/clinicians/<slug>/): who the clinic's physicians are, published like any other page.

The person (name, credentials, staff account) is `clinicians.Clinician`, which sign-offs name; the profile is the
public page about them, written by editors and signed off by a medical reviewer (conditions/publishing.py), with a
review cycle of its own.
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic.media import ImageUploadValidator, hero_image_path

from ..fields import RichTextField
from ..sanitize import is_blank_html
from .conditions import Condition
from .publishing import UNVERSIONED, Publishable, PublishableQuerySet, Status, publishing_constraints
from .research import ResearchArticle, check_citations
from .review import Reviewed, ReviewedQuerySet, review_dates_in_order


class ClinicianProfileQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def for_index(self):
        return self.select_related("clinician").order_by("clinician__name")

    def by_author(self, authors):
        """{author pk: published profile} for the article authors who are the clinic's clinicians (one query)."""
        profiles = {profile.clinician.author_name: profile for profile in self.published().for_index()}
        matches = {}
        for author in authors:
            initial = author.given_names[:1].upper()
            profile = profiles.get((author.family_name, initial)) if initial else None
            if profile is not None:
                matches[author.pk] = profile
        return matches


def photo_path(instance, filename):
    return hero_image_path(instance, filename)


@reversion.register(exclude=UNVERSIONED)
class ClinicianProfile(Publishable, Reviewed):
    detail_url_name = "conditions:clinician-detail"
    sections = ("biography",)
    copied_m2m = ("locations", "conditions_treated")

    clinician = models.ForeignKey(
        "clinicians.Clinician",
        verbose_name=_("clinician"),
        on_delete=models.PROTECT,
        related_name="profiles",
        help_text=_("The person (name and credentials come from there, as on their medical sign-offs)."),
    )
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The end of the page address: /clinicians/this-slug/")
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_('One sentence for the list of clinicians, e.g. "Treats back pain…".')
    )
    specialties = models.TextField(
        _("specialties"), blank=True, help_text=_('One per line, e.g. "Pain medicine", "Anesthesiology".')
    )
    hero_image = models.ImageField(_("photo"), upload_to=photo_path, blank=True, validators=[ImageUploadValidator()])
    hero_image_alt = models.CharField(
        _("photo description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_('Required with a photo, e.g. "Dr Arif Hussain smiling, in a white coat".'),
    )
    biography = RichTextField(_("biography"), blank=True, help_text=_("Training, experience, how they care."))
    locations = models.ManyToManyField(
        "practice.Location", blank=True, related_name="clinician_profiles", verbose_name=_("locations")
    )
    conditions_treated = models.ManyToManyField(
        Condition, blank=True, related_name="clinician_profiles", verbose_name=_("conditions they treat")
    )

    objects = ClinicianProfileQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("clinician profile")
        verbose_name_plural = _("clinician profiles")
        permissions = [("publish_clinicianprofile", "Can publish clinician profiles and set review dates")]
        constraints = [
            # One live profile per clinician; a draft copy shares its live profile's clinician.
            models.UniqueConstraint(
                fields=["clinician"], condition=Q(draft_of__isnull=True), name="clinician_one_profile"
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""), name="clinicianprofile_photo_has_alt_text"
            ),
            review_dates_in_order("clinicianprofile"),
            *publishing_constraints("clinicianprofile"),
        ]

    def __str__(self):
        return str(self.clinician) if self.clinician_id else self.slug

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": _("Describe the photo for patients who cannot see it.")})
        if self.status == Status.PUBLISHED and is_blank_html(self.biography):
            raise ValidationError({"biography": _("A published profile needs a biography.")})
        check_citations(self)

    def patient_text(self):
        return (self.summary, self.biography)

    @property
    def specialty_list(self):
        return [line.strip() for line in self.specialties.splitlines() if line.strip()]

    def authored_articles(self):
        """Published research articles with an author of this clinician's name (family name, first initial)."""
        family, initial = self.clinician.author_name
        if not family:
            return ResearchArticle.objects.none()
        return ResearchArticle.objects.for_listing().filter(
            authors__family_name__iexact=family, authors__given_names__istartswith=initial
        ).distinct()  # fmt: skip
