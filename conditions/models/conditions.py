"""Conditions: the patient pages, with their ordered treatments and research articles."""

from itertools import groupby

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citations.tokens import normalize_keyword
from clinic.media import ImageUploadValidator, hero_image_path

from ..fields import RichTextField
from ..sanitize import is_blank_html
from .indexes import search_vector_index, trigram_index
from .publishing import UNVERSIONED, Publishable, PublishableQuerySet, Status, publishing_constraints
from .research import ResearchArticle, check_citations
from .review import Reviewed, ReviewedQuerySet, review_dates_in_order
from .treatments import Treatment, TreatmentCategory


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

    def for_page(self):
        """A condition page in a constant number of queries: the page, its treatments, its articles.

        `conditions.research.condition_research` then adds at most two: suggested and cited articles, and the
        authors of them all.
        """
        return self.with_reviewer_profile().prefetch_related(
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


@reversion.register(follow=("condition_treatments", "condition_articles"), exclude=UNVERSIONED)
class Condition(Publishable, Reviewed):
    detail_url_name = "conditions:condition-detail"
    #: The page's rich-text sections in the order patients read them: the one declaration that the template's
    #: order, search, readability, [cite:] references, the admin and the importers follow.
    sections = (
        "urgent_warning", "overview", "symptoms", "causes", "diagnosis", "treatment_notes", "when_to_see_doctor",
    )  # fmt: skip
    search_weights = {"A": ("name", "alternate_names"), "B": ("summary",), "C": sections}
    copied_rows = ("condition_treatments", "condition_articles")
    #: Rich-text fields that may cite articles with [cite:slug], in the order the page shows them.

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
        indexes = [
            search_vector_index("condition"),
            trigram_index("name", "condition"),
            trigram_index("alternate_names", "condition"),
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
        return (self.summary, *(getattr(self, name) for name in self.sections))

    @property
    def alternate_name_list(self):
        return [line.strip() for line in self.alternate_names.splitlines() if line.strip()]

    @property
    def index_letter(self):
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"

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


@reversion.register()
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


@reversion.register()
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
