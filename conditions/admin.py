from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    ArticleAuthor,
    Condition,
    ConditionArticle,
    ConditionTreatment,
    ResearchArticle,
    Status,
    Treatment,
)

admin.site.site_header = _("Clinic content")
admin.site.site_title = _("Clinic CMS")
admin.site.index_title = _("Conditions, treatments and research")


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("medical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due-soon", _("Due within 30 days")), ("never", _("Never reviewed"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "overdue":
                return queryset.filter(next_review_due__lt=today)
            case "due-soon":
                return queryset.filter(next_review_due__gte=today, next_review_due__lte=today + timedelta(days=30))
            case "never":
                return queryset.filter(last_reviewed__isnull=True)
        return queryset


class PublishableAdmin(admin.ModelAdmin):
    """Publishing needs the model's `publish_<model>` permission (the Medical reviewer group has it).

    Without it, the publication fields are read-only, so a forged POST cannot publish either: Django's admin
    leaves read-only fields out of the form and ignores them in the request.
    """

    publication_fields = ("status", "published_at")
    actions = ["publish_selected", "unpublish_selected"]
    save_on_top = True

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def has_change_permission(self, request, obj=None):
        # Every word patients read has passed a reviewer: without `publish`, live (or scheduled) pages are read-only.
        if obj is not None and obj.status == Status.PUBLISHED and not self.has_publish_permission(request):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and obj.status == Status.PUBLISHED and not self.has_publish_permission(request):
            messages.info(
                request,
                _(
                    "This page is published, so only a medical reviewer can change it. "
                    "Ask a reviewer to withdraw it to draft if it needs rework."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += self.publication_fields
        return readonly

    def save_model(self, request, obj, form, change):
        if not change and not self.has_publish_permission(request):
            obj.status = Status.DRAFT  # a new page from an editor waits for a reviewer
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, obj):
        return obj.is_published

    @admin.action(permissions=["publish"], description=_("Publish selected items now"))
    def publish_selected(self, request, queryset):
        count = 0
        for obj in queryset.exclude(status=Status.PUBLISHED):
            # full_clean: a page that is not ready (e.g. no overview) is not published.
            obj.status = Status.PUBLISHED
            obj.published_at = obj.published_at or timezone.now()
            try:
                obj.full_clean()
            except Exception as error:  # noqa: BLE001 - report every invalid item, publish the rest
                messages.error(request, _("“%(item)s” was not published: %(error)s") % {"item": obj, "error": error})
                continue
            obj.save()
            count += 1
        if count:
            self.message_user(request, ngettext("%d item published.", "%d items published.", count) % count)

    @admin.action(permissions=["publish"], description=_("Withdraw selected items (back to draft)"))
    def unpublish_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(status=Status.PUBLISHED):
            obj.status = Status.DRAFT
            obj.save()
            count += 1
        self.message_user(request, ngettext("%d item withdrawn.", "%d items withdrawn.", count) % count)


class ConditionTreatmentInline(admin.TabularInline):
    model = ConditionTreatment
    extra = 0
    autocomplete_fields = ("treatment",)
    fields = ("position", "treatment", "note")
    verbose_name_plural = _("treatment options (grouped by category on the page, in this order)")


class ConditionArticleInline(admin.TabularInline):
    model = ConditionArticle
    extra = 0
    autocomplete_fields = ("article",)
    fields = ("position", "article")
    verbose_name_plural = _("related research articles (sidebar, in this order)")


@admin.register(Condition)
class ConditionAdmin(PublishableAdmin):
    publication_fields = ("status", "published_at", "last_reviewed", "next_review_due", "reviewed_by")
    list_display = ("name", "is_live", "status", "body_region", "review_due", "updated_at")
    list_filter = ("status", "body_region", ReviewDueFilter)
    search_fields = ("name", "alternate_names", "summary")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "updated_at"
    inlines = (ConditionTreatmentInline, ConditionArticleInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "alternate_names", "summary", "body_region")}),
        (_("Page sections"), {"fields": ("overview", "symptoms", "causes", "diagnosis", "treatment_notes")}),
        (_("When to see a doctor"), {"fields": ("when_to_see_doctor", "urgent_warning")}),
        (_("Image"), {"fields": ("hero_image", "hero_image_alt"), "classes": ("collapse",)}),
        (_("Publication and medical review"), {"fields": publication_fields}),
    )

    @admin.display(description=_("review due"), ordering="next_review_due")
    def review_due(self, obj):
        if obj.next_review_due is None:
            return "—"
        if obj.is_review_overdue:
            return format_html('<strong class="review-overdue">{} ({})</strong>', obj.next_review_due, _("overdue"))
        return obj.next_review_due


@admin.register(Treatment)
class TreatmentAdmin(PublishableAdmin):
    list_display = ("name", "is_live", "status", "category", "updated_at")
    list_filter = ("status", "category")
    search_fields = ("name", "summary")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "summary", "body")}),
        (_("Publication"), {"fields": PublishableAdmin.publication_fields}),
    )


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 0
    fields = ("position", "family_name", "given_names", "credentials")


@admin.register(ResearchArticle)
class ResearchArticleAdmin(PublishableAdmin):
    list_display = ("title", "is_live", "status", "journal", "year", "doi", "updated_at")
    list_filter = ("status", "year", "conditions")
    search_fields = ("title", "doi", "pmid", "journal", "authors__family_name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("treatments",)
    inlines = (ArticleAuthorInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug")}),
        (_("Citation"), {"fields": ("journal", "journal_abbreviation", "year", "volume", "issue", "pages")}),
        (_("Identifiers and link"), {"fields": ("doi", "pmid", "url")}),
        (None, {"fields": ("abstract", "treatments")}),
        (_("Publication"), {"fields": PublishableAdmin.publication_fields}),
    )
