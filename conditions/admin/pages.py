from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conditions import publishing
from conditions.models import (
    ArticleAuthor,
    ClinicianProfile,
    Condition,
    ConditionArticle,
    ConditionRegion,
    ConditionTreatment,
    ResearchArticle,
    Treatment,
)
from conditions.page_state import state_of
from conditions.readability import TARGET_GRADE, measure

from .citations import CitationAdminViews
from .layout import (
    CONTENT,
    MORE,
    RESEARCH,
    REVIEW,
    SECTIONS,
    TREATMENTS,
    LabelledInlineFormSet,
    in_tab,
    section_fieldsets,
)
from .ordering import SortableInlinesAdmin, SortableTabularInline
from .workflow import PublishableAdmin


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("medical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        soon = _("Due within %(days)d days") % {"days": settings.REVIEW_REMINDER_DAYS}
        return [("overdue", _("Overdue")), ("due-soon", soon), ("never", _("Never reviewed"))]

    def queryset(self, request, queryset):
        match self.value():
            case "overdue":
                return queryset.review_overdue()
            case "due-soon":
                return queryset.review_due_within()
            case "never":
                return queryset.filter(last_reviewed__isnull=True)
        return queryset


class OwnerFilter(admin.SimpleListFilter):
    title = _("owner")
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("me", _("My pages"))]

    def queryset(self, request, queryset):
        return queryset.filter(owner=request.user) if self.value() == "me" else queryset


class ReviewedAdmin(PublishableAdmin):
    """Pages with a medical review cycle (conditions and treatments)."""

    publication_fields = ("publication_state", "published_at", "owner", "last_reviewed", "next_review_due")
    publisher_only_fields = ("published_at", "next_review_due")
    actions = [*PublishableAdmin.actions, "mark_reviewed"]
    readonly_fields = ("readability", "last_reviewed")

    @admin.display(description=_("reading level"))
    def reading_grade(self, obj):
        result = measure(*obj.patient_text())
        if result.too_hard:
            return format_html('<strong class="readability-hard">{} ⚠</strong>', result.grade)
        return result.grade

    @admin.display(description=_("readability (updated as you type)"))
    def readability(self, obj):
        if obj is None:
            return _("Shown as you type.")
        result = measure(*obj.patient_text())
        verdict = (
            _("Too hard for many patients: aim for grade %(target)s or below.") % {"target": TARGET_GRADE}
            if result.too_hard
            else _("Good: most patients can read this.")
        )
        hardest = format_html_join(
            "", "<li><strong>{}</strong> — {}</li>", ((grade, sentence) for grade, sentence in result.hardest)
        )
        return format_html(
            '<p class="{}">Flesch–Kincaid grade <strong>{}</strong> · {} words · about {} min to read. {}</p>{}',
            "readability-hard" if result.too_hard else "readability-ok",
            result.grade,
            result.words,
            result.minutes,
            verdict,
            format_html("<p>{}</p><ol>{}</ol>", _("Hardest sentences (grade):"), hardest) if result.hardest else "",
        )

    @admin.display(description=_("review due"), ordering="next_review_due")
    def review_due(self, obj):
        if obj.next_review_due is None:
            return "—"
        if obj.is_review_overdue:
            return format_html('<strong class="review-overdue">{} ({})</strong>', obj.next_review_due, _("overdue"))
        return obj.next_review_due

    @admin.action(permissions=["publish"], description=_("Sign off selected live pages as medically reviewed…"))
    def mark_reviewed(self, request, queryset):
        """A periodic review: the reviewer confirms the live pages as shown; each gets a sign-off in their name."""
        pages = list(queryset.filter(status="published", draft_of__isnull=True))
        if "confirm" not in request.POST:
            rows = [
                {"page": page, "digest": state_of(page).digest(), "changes": [], "note": page.reviewed_by or "—"}
                for page in pages
            ]
            return self._confirmation(
                request, pages, "mark_reviewed", _("Sign off as medically reviewed"),
                _("You confirm, in your name, that these live pages are medically correct as they are now. The next "
                  "review becomes due after the review interval."),
                _("Sign off as reviewed"), rows,
            )  # fmt: skip
        count = self._sign_off_confirmed(request, pages, publishing.sign_off, _("not signed off"))
        self.message_user(
            request, ngettext("%d page signed off as reviewed.", "%d pages signed off as reviewed.", count) % count
        )
        return None


class ConditionTreatmentInline(SortableTabularInline):
    model = ConditionTreatment
    extra = 0
    autocomplete_fields = ("treatment",)
    fields = ("position", "treatment", "note")
    classes = in_tab(TREATMENTS)
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    verbose_name_plural = _("treatment options (grouped by category on the page; drag to reorder)")


class ConditionArticleInline(SortableTabularInline):
    model = ConditionArticle
    extra = 0
    autocomplete_fields = ("article",)
    fields = ("position", "article")
    classes = in_tab(RESEARCH)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "article":
            field.label_from_instance = lambda article: article.choice_label  # as the picker's results name it
        return field

    verbose_name_plural = _("related research articles (sidebar, in this order; drag to reorder)")


class ConditionRegionInline(admin.TabularInline):
    model = ConditionRegion
    formset = LabelledInlineFormSet
    extra = 0
    fields = ("region",)
    classes = in_tab(CONTENT)
    verbose_name_plural = _("other body regions (the A–Z lists the condition under each)")


@admin.register(Condition)
class ConditionAdmin(SortableInlinesAdmin, ReviewedAdmin):
    # One status column (live, workflow, draft copy of what) so the list fits a 1,366 px laptop screen.
    list_display = ("name", "page_status", "body_region", "review_due", "reading_grade", "owner", "updated")
    list_filter = ("status", "body_region", ReviewDueFilter, OwnerFilter)
    search_fields = ("name", "alternate_names", "summary")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "updated_at"
    inlines = (ConditionRegionInline, ConditionTreatmentInline, ConditionArticleInline)
    preview_rows = {
        "condition_treatments": ("treatment_links", "treatment"),
        "condition_articles": ("published_article_links", "article"),
    }
    tabs = (CONTENT, SECTIONS, MORE, TREATMENTS, RESEARCH, REVIEW)
    fieldsets = (
        (None, {"fields": ("name", "slug", "alternate_names", "summary", "body_region"), "classes": in_tab(CONTENT)}),
        (_("Image"), {"fields": ("hero_image", "hero_image_alt"), "classes": in_tab(CONTENT)}),
        *section_fieldsets(Condition),
        (_("Readability"), {"fields": ("readability",), "classes": in_tab(REVIEW)}),
        (_("Publication and medical review"), {"fields": ReviewedAdmin.publication_fields, "classes": in_tab(REVIEW)}),
    )


@admin.register(Treatment)
class TreatmentAdmin(ReviewedAdmin):
    list_display = ("name", "page_status", "category", "review_due", "reading_grade", "owner", "updated")
    list_filter = ("status", "category", ReviewDueFilter, OwnerFilter)
    search_fields = ("name", "summary")
    prepopulated_fields = {"slug": ("name",)}
    tabs = (CONTENT, SECTIONS, REVIEW)
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "summary"), "classes": in_tab(CONTENT)}),
        *section_fieldsets(Treatment),
        (_("Readability"), {"fields": ("readability",), "classes": in_tab(REVIEW)}),
        (_("Publication and medical review"), {"fields": ReviewedAdmin.publication_fields, "classes": in_tab(REVIEW)}),
    )


@admin.register(ClinicianProfile)
class ClinicianProfileAdmin(ReviewedAdmin):
    list_display = ("__str__", "is_live", "status", "review_due", "owner", "copy_of", "updated_at")
    list_filter = ("status", ReviewDueFilter, OwnerFilter)
    search_fields = ("clinician__name", "slug", "summary")
    autocomplete_fields = ("clinician", "locations", "conditions_treated")
    fieldsets = (
        (None, {"fields": ("clinician", "slug", "summary", "specialties")}),
        (_("Page sections, in the order patients read them"), {"fields": ClinicianProfile.sections}),
        (_("Photo"), {"fields": ("hero_image", "hero_image_alt")}),
        (_("Where they work and what they treat"), {"fields": ("locations", "conditions_treated")}),
        (_("Readability"), {"fields": ("readability",)}),
        (_("Publication and medical review"), {"fields": ReviewedAdmin.publication_fields}),
    )


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    formset = LabelledInlineFormSet
    extra = 0
    fields = ("position", "family_name", "given_names", "credentials")


@admin.register(ResearchArticle)
class ResearchArticleAdmin(PublishableAdmin):
    list_display = ("title", "page_status", "journal", "year", "doi", "updated")
    list_filter = ("status", "year", "conditions")
    search_fields = ("title", "doi", "pmid", "journal", "authors__family_name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("treatments",)
    inlines = (ArticleAuthorInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug")}),
        (_("Citation"), {"fields": ("journal", "journal_abbreviation", "year", "volume", "issue", "pages")}),
        (_("Identifiers and link"), {"fields": ("doi", "pmid", "url")}),
        (None, {"fields": ("abstract", "keywords", "treatments")}),
        (_("Publication"), {"fields": PublishableAdmin.publication_fields}),
    )
    # "Import citations" on the list, "Fill empty fields from DOI/PMID" on the form (citations/).
    change_list_template = "admin/conditions/researcharticle/change_list.html"
    change_form_template = "admin/conditions/researcharticle/change_form.html"

    def get_urls(self):
        return [*CitationAdminViews(self).urls(), *super().get_urls()]
