"""Conditions: the patient pages, with their ordered treatments and research articles."""

from itertools import groupby

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from citations.tokens import normalize_keyword
from clinic.json_rows import json_datetime, json_rows, json_rows_sql
from clinic.media import ImageUploadValidator, hero_image_path

from ..fields import RichTextField
from ..sanitize import is_blank_html
from .indexes import first_letter, listing_indexes, search_vector_index, trigram_index
from .publishing import (
    UNVERSIONED,
    Publishable,
    PublishableQuerySet,
    Status,
    published_rows,
    publishing_constraints,
)
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


def index_letter(name):
    """Where a name is listed in the A–Z index: its first letter, upper case, or "#"."""
    first = name[:1].upper()
    return first if first.isalpha() else "#"


#: The urgency levels of "When to see a doctor", most urgent first: field -> (level, heading). Each level has its own
#: action line (templates/includes/urgency_action.html); an editor fills the levels that apply to the condition.
URGENCY_LEVELS = {
    "emergency_signs": ("emergency", _("Call 911 now if:")),
    "urgent_warning": ("same-day", _("Get help the same day if:")),
    "when_to_see_doctor": ("soon", _("See a doctor soon if:")),
}


class ConditionQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def for_index(self):
        """Just what the A–Z index and listings show."""
        return self.only("name", "slug", "summary", "body_region", "alternate_names").order_by("name")

    def first_letters(self):
        """{index letter: number of conditions named under it}, in alphabetical order ("#" for names that do not
        start with a letter, last), with 0 for a letter only "X, see Y" entries start: every letter the index lists
        something under. One query of (first letter, other names) pairs: mostly one per letter, whatever the number of
        conditions."""
        counts = {}
        rows = self.order_by().annotate(first=first_letter()).values_list("first", "alternate_names")
        for first, alternate_names, count in rows.annotate(Count("pk")):
            letter = index_letter(first)
            counts[letter] = counts.get(letter, 0) + count
            for other in other_names(alternate_names):  # listed under letters only (see `entries_under`)
                if (see := index_letter(other)) != "#":
                    counts.setdefault(see, 0)
        return dict(sorted(counts.items(), key=lambda item: (item[0] == "#", item[0])))

    def in_region(self, region):
        """Conditions whose main or other body region is `region` (a subquery: no join, no duplicates)."""
        others = ConditionRegion.objects.filter(region=region).values("condition_id")
        return self.filter(Q(body_region=region) | Q(pk__in=others))

    def regions_offered(self):
        """The body regions that have at least one of these conditions, main or other: one query (distinct pairs of
        main and other region, a few dozen rows whatever the number of conditions)."""
        pairs = self.order_by().values_list("body_region", "other_regions__region").distinct()
        return {region for pair in pairs for region in pair if region}

    def entries_under(self, letter, letters):
        """Every A–Z entry listed under `letter` (`letters`: from `first_letters`), sorted as `a_to_z` sorts them:
        [(entry name, condition pk, is a "see" entry)]. One query of three narrow columns, however many entries."""
        if letter == "#":  # names that do not start with a letter; "X, see Y" entries are listed under letters only
            under = ~Q(first__in=[other for other in letters if other != "#"])
        else:
            under = Q(first=letter) | other_name_starting(letter)
        rows = self.annotate(first=first_letter()).filter(under).order_by().values_list("pk", "name", "alternate_names")
        return [entry for entry in index_entries(rows) if index_letter(entry[0]) == letter]

    def counts_by_region(self):
        """{main body region: number of conditions} (see `labelled_region_counts`)."""
        return dict(self.order_by().values_list("body_region").annotate(Count("pk")))

    def for_page(self):
        """A condition page's row with its treatment links (`treatment_links`): one query (the research is one more:
        conditions/research.py).

        The links come with their treatments, published or not (filtered in Python: `published_treatment_links`),
        so the page can name every treatment it depends on for the page cache. They are a JSON column of the row
        (clinic/json_rows.py): a prefetch query cost a round trip and more to build than the row's own query.
        """
        link, treatment, condition = (model._meta.db_table for model in (ConditionTreatment, Treatment, self.model))
        columns = [f"l.{name}" for name in LINKED_FIELDS] + [f"t.{name}" for name in LINKED_TREATMENT_FIELDS]
        rows = json_rows_sql(
            (*LINKED_FIELDS, *LINKED_TREATMENT_FIELDS),
            f"SELECT {', '.join(columns)} FROM {link} l JOIN {treatment} t ON t.id = l.treatment_id "
            f"WHERE l.condition_id = {condition}.id",
        )
        return (
            self.with_reviewer_profile()
            .defer("search_vector")
            # Read as it comes (a list from psycopg, text from SQLite): JSONField would decode psycopg's list again.
            .annotate(treatment_link_rows=RawSQL(rows, (), output_field=models.TextField()))
        )


#: What a condition page shows of a treatment link and its treatment, and what deciding whether the treatment is public
#: needs: the columns of `for_page()`'s rows, in this order (`Condition.treatment_links`), the link's position and id
#: first, as the links are ordered.
LINKED_FIELDS = ("position", "id", "treatment_id", "note")
LINKED_TREATMENT_FIELDS = ("name", "slug", "summary", "category", "status", "published_at", "draft_of_id")


@reversion.register(follow=("condition_treatments", "condition_articles", "other_regions"), exclude=UNVERSIONED)
class Condition(Publishable, Reviewed):
    detail_url_name = "conditions:condition-detail"
    #: The page's sections in the order patients read them (as NHS, Mayo Clinic and Cleveland Clinic order theirs):
    #: (anchor, heading, rich-text fields). The one declaration that the template, the "On this page" links, search,
    #: readability, [cite:] references, the admin and the importers follow. "When to see a doctor" comes right after
    #: the symptoms; its three fields are its urgency levels (see URGENCY_LEVELS).
    page_sections = (
        ("overview", _("Overview"), ("overview",)),
        ("symptoms", _("Symptoms"), ("symptoms",)),
        ("when-to-see-a-doctor", _("When to see a doctor"), tuple(URGENCY_LEVELS)),
        ("causes", _("Causes"), ("causes",)),
        ("risk-factors", _("Risk factors"), ("risk_factors",)),
        ("complications", _("Complications"), ("complications",)),
        ("diagnosis", _("Screening and diagnosis"), ("diagnosis",)),
        ("treatment", _("Treatment"), ("treatment_notes",)),
        ("prevention", _("Prevention and self-care"), ("prevention",)),
        ("outlook", _("Outlook: living with it"), ("outlook",)),
        ("questions", _("Questions to ask your doctor"), ("questions_to_ask",)),
    )
    sections = tuple(name for _anchor, _heading, names in page_sections for name in names)
    #: Sections an editor fills only where they help (the admin keeps them in a tab of their own).
    optional_sections = ("risk_factors", "complications", "prevention", "outlook", "questions_to_ask")
    search_weights = {"A": ("name", "alternate_names"), "B": ("summary",), "C": sections}
    copied_rows = ("condition_treatments", "condition_articles", "other_regions")
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
    emergency_signs = RichTextField(
        _("call 911 now if"),
        blank=True,
        help_text=_("Signs of an emergency, e.g. new loss of bladder or bowel control or numbness in the saddle area "
                    "(cauda equina). Shown first, in red, with the line to call 911. Leave empty if none."),
    )  # fmt: skip
    urgent_warning = RichTextField(
        _("get help the same day if"),
        blank=True,
        help_text=_("Signs that need care the same day, e.g. fever after surgery. Shown with the line to call the "
                    "clinic or go to urgent care. Leave empty if none."),
    )  # fmt: skip
    when_to_see_doctor = RichTextField(
        _("see a doctor soon if"),
        blank=True,
        help_text=_("When to make an appointment. Shown with the link to request one and the clinic's phone."),
    )
    risk_factors = RichTextField(_("risk factors"), blank=True, help_text=_("Optional: who is more likely to get it."))
    complications = RichTextField(_("complications"), blank=True, help_text=_("Optional: what it can lead to."))
    prevention = RichTextField(
        _("prevention and self-care"), blank=True, help_text=_("Optional: what patients can do themselves.")
    )
    outlook = RichTextField(
        _("outlook: living with it"), blank=True, help_text=_("Optional: what to expect over time, how to cope.")
    )
    questions_to_ask = RichTextField(
        _("questions to ask your doctor"), blank=True, help_text=_("Optional: a list of questions to bring.")
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
            *listing_indexes(
                "condition",
                include=["id", "published_at", "slug", "body_region", "summary"],
                published=published_rows(),
            ),
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
        return other_names(self.alternate_names)

    @property
    def index_letter(self):
        return index_letter(self.name[:1])

    @cached_property
    def treatment_links(self):
        """The links to treatments, published or not, in the editor's order, each with its treatment (needs
        `for_page()`; the admin's live preview sets them from its form)."""
        links = []
        for position, pk, treatment_id, note, *shown in json_rows(self.treatment_link_rows):
            fields = dict(zip(LINKED_TREATMENT_FIELDS, shown, strict=True))
            fields["published_at"] = json_datetime(fields["published_at"])
            treatment = Treatment(id=treatment_id, **fields)
            links.append(ConditionTreatment(id=pk, condition=self, treatment=treatment, position=position, note=note))
        return links

    @cached_property
    def published_treatment_links(self):
        """The links to published treatments, in the editor's order (needs `for_page()`)."""
        return [link for link in self.treatment_links if link.treatment.is_published]

    def treatment_groups(self):
        """[(category label, [ConditionTreatment, ...]), ...]: conservative care first (TreatmentCategory's order),
        in the editor's order within each category. Needs `for_page()`."""
        order = {value: index for index, value in enumerate(TreatmentCategory.values)}
        # Stable: the links come in the editor's order.
        links = sorted(self.published_treatment_links, key=lambda link: order[link.treatment.category])
        return [
            (TreatmentCategory(category).label, list(group))
            for category, group in groupby(links, key=lambda link: link.treatment.category)
        ]

    def outline(self):
        """The sections this page shows, in order, for the page and its "On this page" links:
        [(anchor, heading, [(field, html, (level, heading) of an urgency level or None)])]. The treatment section is
        there with treatments even without notes. Needs `for_page()`."""
        shown = []
        for anchor, heading, names in self.page_sections:
            parts = [
                (name, getattr(self, name), URGENCY_LEVELS.get(name))
                for name in names
                if not is_blank_html(getattr(self, name))
            ]
            if parts or (anchor == "treatment" and self.published_treatment_links):
                shown.append((anchor, heading, parts))
        return shown

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


@reversion.register()
class ConditionRegion(models.Model):
    """Another body region a condition belongs to (e.g. sciatica: the low back and the leg)."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="other_regions")
    region = models.CharField(_("body region"), max_length=20, choices=BodyRegion)
    position = models.PositiveSmallIntegerField(_("order"), default=0)  # as every linked row of a page

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("other body region")
        verbose_name_plural = _("other body regions")
        constraints = [models.UniqueConstraint(fields=["condition", "region"], name="condition_region_once")]

    def __str__(self):
        return str(BodyRegion(self.region).label)


def labelled_region_counts(counts):
    """[(region value, label, number of conditions)] from `counts_by_region`, in the order of BodyRegion, regions
    without any left out."""
    return [(value, label, counts[value]) for value, label in BodyRegion.choices if counts.get(value)]


def other_name_starting(letter):
    """An "also called" name (one per line) starts with `letter`, in any case."""
    return Q(alternate_names__istartswith=letter) | Q(alternate_names__icontains=f"\n{letter}")


def other_names(text):
    """The "also called" names of a condition's `alternate_names`: one per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def index_entries(rows):
    """[(entry name, item, is a "see" entry)] from (item, name, alternate names text) rows: each item under its name
    and, as "X, see Y", under each of its other names, sorted as patients look them up."""
    entries = []
    for item, name, alternate_names in rows:
        entries.append((name, item, False))
        entries.extend((other, item, True) for other in other_names(alternate_names))
    entries.sort(key=lambda entry: (entry[0].casefold(), entry[2]))
    return entries


def a_to_z(conditions):
    """[(letter, [(entry name, condition, is a "see" entry)])]: `index_entries` of these conditions by letter."""
    entries = index_entries((condition, condition.name, condition.alternate_names) for condition in conditions)
    return [(letter, list(group)) for letter, group in groupby(entries, key=lambda entry: index_letter(entry[0]))]
