"""The history side of every content admin: comparisons, versions and sign-offs, restore, recover, preview links.

A version is only ever restored onto its own page (as a draft: a live page's goes into its draft copy) and a deleted
page comes back as a draft; the rules are in conditions/publishing.py, these are the pages that show them.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from conditions import publishing
from conditions.diffing import state_changes
from conditions.models import Status
from conditions.page_state import state_of, state_of_version
from conditions.previews import make_token


def is_number(value):
    """An object id as the admin's URLs may carry it: digits only, and small enough for the database."""
    return str(value).isdigit() and len(str(value)) < 19


class HistoryViews:
    """Mixed into PublishableAdmin (conditions/admin/workflow.py), which routes the URLs to these views."""

    def compare_live_view(self, request, pk):
        """A draft copy against the live page, or a draft against the last published revision of itself."""
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        current = state_of(obj)
        if obj.draft_of_id:
            live_label = _("the live page")
            changes = state_changes(state_of(obj.draft_of), current)
        else:
            published = self._last_published_version(obj)
            if published is None:
                raise Http404(_("This page has never been published, so there is no live version to compare."))
            live_label = _("the version published on %(date)s") % {
                "date": timezone.localtime(published.revision.date_created).strftime("%d %b %Y %H:%M")
            }
            changes = state_changes(state_of_version(published), current)
        return self._comparison(request, obj, live_label, _("this draft"), changes, digest=current.digest())

    def compare_revisions_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            older = versions.get(pk=int(request.GET["from"]))
            newer = versions.get(pk=int(request.GET["to"]))
        except (KeyError, ValueError, OverflowError, Version.DoesNotExist):
            messages.error(request, _("Choose two versions to compare."))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", obj.pk)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        changes = state_changes(state_of_version(older), state_of_version(newer))
        return self._comparison(
            request, obj, publishing._version_label(older), publishing._version_label(newer), changes
        )

    def _comparison(self, request, obj, before_label, after_label, changes, digest=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Compare versions of “%(page)s”") % {"page": obj},
            "before_label": before_label,
            "after_label": after_label,
            "changes": changes,
            "digest": digest,
            "can_publish_copy": obj.draft_of_id and digest and self.has_publish_permission(request),
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
        url = request.build_absolute_uri(reverse("conditions:preview", kwargs={"token": make_token(obj)}))
        messages.success(
            request,
            format_html(
                "{} <a href='{}'>{}</a>",
                _("Preview link for a reviewer outside the admin (valid %(days)s days, until you revoke it):")
                % {"days": settings.PREVIEW_LINK_MAX_AGE_DAYS},
                url,
                url,
            ),
        )
        return redirect(self._url("change", obj))

    def revoke_preview_links_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if request.method != "POST" or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        publishing.preview_links_revoked(obj)
        messages.success(request, _("Every preview link of this page given out so far no longer works."))
        return redirect(self._url("change", obj))

    # --- History: versions, sign-offs, restore, recover ---------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        if not is_number(object_id):
            raise Http404(_("No such page."))
        obj = get_object_or_404(self.model, pk=object_id)
        prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        rows = [
            {"version": version, "url": reverse(f"{prefix}_revision", args=[obj.pk, version.pk])}
            for version in versions.order_by("-pk")
        ]
        extra = {
            "version_rows": rows,
            "compare_url": reverse(f"{prefix}_compare", args=[obj.pk]),
            "sign_offs": list(publishing.sign_offs(obj).select_related("reviewer")),
        }
        return super().history_view(request, str(obj.pk), {**extra, **(extra_context or {})})

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One old version of this page: what it said, how it differs from now, and "Restore as a draft"."""
        object_id = unquote(object_id)
        if not is_number(object_id) or not is_number(version_id):
            raise Http404(_("No such version."))
        obj = get_object_or_404(self.model, pk=object_id)
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id
        )  # only a version of this very page, of this model
        can_restore = self.has_change_permission(request, obj) or (
            obj.status == Status.PUBLISHED and self.has_add_permission(request)
        )
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            try:
                target, skipped = publishing.restore(obj, version, request.user)
            except publishing.RestoreError as error:
                messages.error(request, str(error))
                return redirect(self._url("history", obj))
            self._report_skipped(request, skipped)
            where = _("into the draft copy") if target.pk != obj.pk else _("as a draft")
            messages.success(
                request,
                _("The version of %(when)s was restored %(where)s. A medical reviewer publishes it once it is "
                  "checked.") % {"when": timezone.localtime(version.revision.date_created).strftime("%d %b %Y %H:%M"),
                                 "where": where},
            )  # fmt: skip
            return redirect(self._url("change", target))
        changes = state_changes(state_of(obj), state_of_version(version))
        return self._version_page(request, obj, version, changes, can_restore, recover=False)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted page of this model: what it said, and "Recover as a draft"."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if not is_number(version_id):
            raise Http404(_("No such version."))
        version = get_object_or_404(
            Version.objects.get_deleted(self.model).select_related("revision__user"), pk=version_id
        )  # only the last version of a deleted page of this model
        if request.method == "POST":
            try:
                page, skipped = publishing.recover(self.model, version, request.user)
            except publishing.RestoreError as error:
                messages.error(request, str(error))
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_recoverlist")
            self._report_skipped(request, skipped)
            messages.success(request, _("“%(page)s” was recovered as a draft.") % {"page": page})
            return redirect(self._url("change", page))
        state = state_of_version(version)
        empty = type(state)(self.model, {name: None for name in state.fields}, {})
        return self._version_page(request, None, version, state_changes(empty, state), True, recover=True)

    def _version_page(self, request, obj, version, changes, can_restore, recover):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "version": version,
            "version_label": publishing._version_label(version),
            "changes": changes,
            "can_restore": can_restore,
            "recover": recover,
            "is_live": obj is not None and obj.status == Status.PUBLISHED and not obj.draft_of_id,
            "title": (_("Recover “%(page)s”") if recover else _("A version of “%(page)s”"))
            % {"page": version.object_repr},
        }
        return TemplateResponse(request, "admin/conditions/version.html", context)

    @staticmethod
    def _report_skipped(request, skipped):
        if skipped:
            messages.warning(
                request,
                _("Some linked items no longer exist and were left out: %(items)s") % {"items": ", ".join(skipped)},
            )
