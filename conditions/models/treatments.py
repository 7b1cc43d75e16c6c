"""The treatments the clinic offers."""

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import RichTextField
from ..sanitize import is_blank_html
from .indexes import search_vector_index, trigram_index
from .publishing import UNVERSIONED, Publishable, PublishableQuerySet, Status, publishing_constraints
from .research import check_citations
from .review import Reviewed, ReviewedQuerySet, review_dates_in_order


class TreatmentCategory(models.TextChoices):
    """Conservative care first, as patients are usually offered it: pages list treatments in this order."""

    MEDICATION = "medication", _("Medication")
    REHABILITATION = "rehabilitation", _("Physical therapy and rehabilitation")
    PSYCHOLOGICAL = "psychological", _("Psychological support and self-management")
    INJECTION = "injection", _("Injection therapy")
    ADVANCED = "advanced", _("Advanced treatment (neuromodulation)")
    SURGICAL = "surgical", _("Surgical options")

    @property
    def is_procedure(self):
        return self in {self.SURGICAL, self.INJECTION, self.ADVANCED}


class TreatmentQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def for_index(self):
        return self.only("name", "slug", "category", "summary", "status", "published_at").order_by("category", "name")


@reversion.register(exclude=UNVERSIONED)
class Treatment(Publishable, Reviewed):
    detail_url_name = "conditions:treatment-detail"
    #: Rich-text fields that may cite articles with [cite:slug], in the order the page shows them.
    #: The page's rich-text sections (see Condition.sections).
    sections = ("body",)
    search_weights = {"A": ("name",), "B": ("summary",), "C": sections}

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
        indexes = [search_vector_index("treatment"), trigram_index("name", "treatment")]

    def __str__(self):
        return self.name

    def patient_text(self):
        """Everything a patient reads on the page, for the readability check."""
        return (self.summary, *(getattr(self, name) for name in self.sections))

    @property
    def category_label(self):
        return TreatmentCategory(self.category).label

    def clean(self):
        super().clean()
        if self.status == Status.PUBLISHED and is_blank_html(self.body):
            raise ValidationError({"body": _("A published treatment needs a body.")})
        check_citations(self)
