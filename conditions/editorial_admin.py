"""The editorial workflow every content admin shares: review before publishing, history, conflicts, draft copies.

- Publishing needs the model's `publish_<model>` permission (the Medical reviewer group). Editors may only move
  a page between *Draft* and *Waiting for review*; the check is in the form and again in `save_model`.
- Live pages are read-only without that permission: editors change them through a *draft copy*, which a
  reviewer compares with the live page and publishes onto it.
- Every save is a revision (django-reversion): history, comparing two revisions, restoring one, recovering a
  deleted page.
- Two people editing the same page: the second save is refused with the differences shown (optimistic locking
  on `edit_version`).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from .diffing import field_changes, page_changes, values_of
from .models import Status
from .previews import make_token


def changes_table(changes):
    rows = format_html_join(
        "", "<tr><th scope='row'>{}</th><td class='diff'>{}</td></tr>", ((c.label, c.diff_html) for c in changes)
    )
    return format_html('<table class="diff-table"><tbody>{}</tbody></table>', rows)


class PublishableForm(forms.ModelForm):
    """Limits the status choices to what the user may do and refuses a save based on an outdated page."""

    # The edit number of the page as it was when the form was opened.
    seen_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    can_publish = False  # set per request by PublishableAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["seen_edit_version"] = self.instance.edit_version
        status = self.fields.get("status")
        if status is not None and not self.can_publish:
            status.choices = [(value, label) for value, label in status.choices if value != Status.PUBLISHED]
            status.help_text = _("A medical reviewer publishes the page once it is waiting for review.")
            status.error_messages["invalid_choice"] = _("Only a medical reviewer can publish.")

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == Status.PUBLISHED and not self.can_publish:
            raise forms.ValidationError(_("Only a medical reviewer can publish."))
        return status

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self._refuse_outdated_save()
        return cleaned_data

    def _refuse_outdated_save(self):
        model = type(self.instance)
        # Locked until the admin's transaction ends, so two simultaneous saves cannot both pass this check.
        current = model.objects.select_for_update().get(pk=self.instance.pk)
        submitted = self.cleaned_data.get("seen_edit_version")
        if submitted is None or submitted == current.edit_version:
            return
        latest = Version.objects.get_for_object(current).select_related("revision__user").first()
        who = latest.revision.user if latest and latest.revision.user else _("someone")
        when = timezone.localtime(latest.revision.date_created).strftime("%H:%M") if latest else ""
        mine = {**values_of(current), **{f.attname: self.cleaned_data[f.name] for f in model._meta.concrete_fields
                                         if f.name in self.cleaned_data}}  # fmt: skip
        changes = field_changes(model, values_of(current), mine, fields=self.cleaned_data.keys())
        # The next submit is a deliberate overwrite: the editor has now seen what the other person saved.
        self.data = self.data.copy()
        self.data["seen_edit_version"] = current.edit_version
        raise forms.ValidationError(
            format_html(
                "{} {}{}",
                _("Not saved: %(who)s saved this page at %(when)s while you were editing it.")
                % {"who": who, "when": when},
                _(
                    "Your text is still in the form below. Differences between the saved page (struck through) "
                    "and yours (underlined) — save again to replace their version with yours:"
                ),
                changes_table(changes) if changes else format_html("<p>{}</p>", _("(only the linked rows differ)")),
            ),
            code="edit_conflict",
        )


class PublishableAdmin(VersionAdmin):
    form = PublishableForm
    publication_fields = ("status", "published_at", "owner")
    #: Fields only a publisher may set (read-only for editors); status is handled by the form instead.
    publisher_only_fields = ("published_at",)
    actions = ["publish_selected", "unpublish_selected", "submit_for_review"]
    save_on_top = True
    change_form_template = "admin/conditions/change_form.html"
    object_history_template = "admin/conditions/object_history.html"
    history_latest_first = True

    # --- Permissions -----------------------------------------------------------------------------

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def has_change_permission(self, request, obj=None):
        # Every word patients read has passed a reviewer: without `publish`, live (or scheduled) pages are
        # read-only; editors change them through a draft copy.
        if obj is not None and obj.status == Status.PUBLISHED and not self.has_publish_permission(request):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and obj.draft_of_id:
            messages.info(
                request,
                _("This is a draft copy of the live page “%(live)s”. Publishing it replaces the live page's "
                  "content and keeps its address.") % {"live": obj.draft_of},
            )  # fmt: skip
        elif obj is not None and obj.status == Status.PUBLISHED and not self.has_publish_permission(request):
            messages.info(
                request,
                _("This page is published, so only a medical reviewer can change it. To propose changes, use "
                  "“Edit as a draft copy”: patients keep seeing the live page until a reviewer publishes them."),
            )  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += self.publisher_only_fields
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        return form

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        if obj.status == Status.PUBLISHED and not self.has_publish_permission(request):
            # Also covers restoring an old revision that was published: the restored text waits for review.
            obj.status = Status.DRAFT
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "draft_of")

    # --- List columns ----------------------------------------------------------------------------

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, obj):
        return obj.is_published

    @admin.display(description=_("draft copy of"), ordering="draft_of")
    def copy_of(self, obj):
        return obj.draft_of or ""

    # --- Actions ---------------------------------------------------------------------------------

    @admin.action(permissions=["publish"], description=_("Publish selected items now"))
    def publish_selected(self, request, queryset):
        count = 0
        for obj in queryset.exclude(status=Status.PUBLISHED):
            if obj.draft_of_id:
                with transaction.atomic():
                    obj.publish_draft_copy()
                count += 1
                continue
            obj.status = Status.PUBLISHED
            obj.published_at = obj.published_at or timezone.now()
            try:
                obj.full_clean()  # a page that is not ready (e.g. no overview) is not published
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

    @admin.action(permissions=["change"], description=_("Submit selected drafts for medical review"))
    def submit_for_review(self, request, queryset):
        count = 0
        for obj in queryset.filter(status=Status.DRAFT):
            obj.status = Status.REVIEW
            obj.save()
            count += 1
        self.message_user(request, ngettext("%d draft submitted.", "%d drafts submitted.", count) % count)

    # --- Extra pages: draft copies, comparisons, preview links ------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/draft-copy/", wrap(self.draft_copy_view), name=f"{prefix}_draft_copy"),
            path("<int:pk>/publish-copy/", wrap(self.publish_copy_view), name=f"{prefix}_publish_copy"),
            path("<int:pk>/compare-live/", wrap(self.compare_live_view), name=f"{prefix}_compare_live"),
            path("<int:pk>/history/compare/", wrap(self.compare_revisions_view), name=f"{prefix}_compare"),
            path("<int:pk>/preview-link/", wrap(self.preview_link_view), name=f"{prefix}_preview_link"),
            *super().get_urls(),
        ]

    def _url(self, name, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[obj.pk])

    def draft_copy_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        existing = obj.draft_copies.first()
        if existing is not None:
            messages.info(request, _("This page already has a draft copy: carry on with it."))
            return redirect(self._url("change", existing))
        with transaction.atomic(), self.create_revision(request):
            copy = obj.make_draft_copy(request.user)
        messages.success(
            request,
            _("This is a draft copy of the live page. Patients keep seeing the live page until a medical "
              "reviewer publishes your changes."),
        )  # fmt: skip
        return redirect(self._url("change", copy))

    def publish_copy_view(self, request, pk):
        copy = get_object_or_404(self.model, pk=pk, draft_of__isnull=False)
        if request.method != "POST" or not self.has_publish_permission(request):
            raise PermissionDenied
        with transaction.atomic(), self.create_revision(request):
            live = copy.publish_draft_copy()
        messages.success(request, _("The changes are live on “%(page)s”.") % {"page": live})
        return redirect(self._url("change", live))

    def compare_live_view(self, request, pk):
        """A draft copy against the live page, or a draft against the last published revision of itself."""
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if obj.draft_of_id:
            live, live_label = obj.draft_of, _("the live page")
            changes = page_changes(live, obj)
        else:
            published = self._last_published_version(obj)
            if published is None:
                raise Http404(_("This page has never been published, so there is no live version to compare."))
            live_label = _("the version published on %(date)s") % {
                "date": timezone.localtime(published.revision.date_created).strftime("%d %b %Y %H:%M")
            }
            changes = field_changes(self.model, published.field_dict, values_of(obj))
        return self._comparison(request, obj, live_label, _("this draft"), changes)

    def compare_revisions_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            older = versions.get(pk=int(request.GET["from"]))
            newer = versions.get(pk=int(request.GET["to"]))
        except (KeyError, ValueError, Version.DoesNotExist):
            messages.error(request, _("Choose two versions to compare."))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", obj.pk)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        changes = field_changes(self.model, older.field_dict, newer.field_dict)
        label = "%(date)s (%(user)s)"
        return self._comparison(
            request,
            obj,
            label % {"date": timezone.localtime(older.revision.date_created).strftime("%d %b %Y %H:%M"),
                     "user": older.revision.user or "—"},
            label % {"date": timezone.localtime(newer.revision.date_created).strftime("%d %b %Y %H:%M"),
                     "user": newer.revision.user or "—"},
            changes,
        )  # fmt: skip

    def _comparison(self, request, obj, before_label, after_label, changes):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Compare versions of “%(page)s”") % {"page": obj},
            "before_label": before_label,
            "after_label": after_label,
            "changes": changes,
            "can_publish_copy": obj.draft_of_id and self.has_publish_permission(request),
            "publish_copy_url": self._url("publish_copy", obj) if obj.draft_of_id else "",
        }
        return TemplateResponse(request, "admin/conditions/compare.html", context)

    @staticmethod
    def _last_published_version(obj):
        for version in Version.objects.get_for_object(obj).select_related("revision"):
            if version.field_dict.get("status") == Status.PUBLISHED:
                return version
        return None

    def preview_link_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        token = make_token(obj)
        url = request.build_absolute_uri(reverse("conditions:preview", kwargs={"token": token}))
        messages.success(
            request,
            format_html(
                "{} <a href='{}'>{}</a>",
                _("Preview link for a reviewer outside the admin (valid %(days)s days):")
                % {"days": settings.PREVIEW_LINK_MAX_AGE_DAYS},
                url,
                url,
            ),
        )
        return redirect(self._url("change", obj))

    def history_view(self, request, object_id, extra_context=None):
        prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        versions = Version.objects.get_for_object_reference(self.model, object_id).select_related("revision__user")
        rows = [
            {"version": version, "url": reverse(f"{prefix}_revision", args=[object_id, version.pk])}
            for version in versions.order_by("-pk")
        ]
        extra = {"version_rows": rows, "compare_url": reverse(f"{prefix}_compare", args=[object_id])}
        return super().history_view(request, object_id, {**extra, **(extra_context or {})})
