"""The editorial workflow every content admin shares: review before publishing, history, conflicts, draft copies.

- The change form shows the actions a person may take as buttons in a bar that stays visible: Save draft, Submit
  for review, Publish (a medical sign-off), Request changes (with a comment the editor sees), Withdraw. There is no
  status field to set: each button calls the one rule for it in conditions/publishing.py.
- Publishing needs the model's `publish_<model>` permission (the Medical reviewer group) and writes a sign-off.
  Live pages are read-only without it: editors change them through a *draft copy*, which a reviewer compares
  with the live page and publishes onto it. Any save of a live page by a reviewer is a publish (a new sign-off).
- Every save is a revision (django-reversion): history with the sign-offs, comparing two revisions, restoring one
  (always as a draft), recovering a deleted page (as a draft).
- Two people editing the same page: the second save is refused with the other person's changes shown and the
  second person's text kept in the form (optimistic locking on `edit_version`).
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from conditions import publishing
from conditions.diffing import state_changes
from conditions.models import Status
from conditions.page_state import latest_version, state_of, state_of_version

from .history import HistoryViews, is_number
from .layout import TabbedFormAdmin
from .links import LinkChooserViews
from .preview import LivePreviewViews

PUBLISH, SUBMIT, REQUEST_CHANGES, WITHDRAW, SAVE = "publish", "submit", "request_changes", "withdraw", "save"
#: The workflow buttons of the change form: POST name -> action.
BUTTONS = {"_publish": PUBLISH, "_submit": SUBMIT, "_request_changes": REQUEST_CHANGES, "_withdraw": WITHDRAW}
PUBLISHER_ACTIONS = {PUBLISH, REQUEST_CHANGES, WITHDRAW}


def changes_table(changes):
    rows = format_html_join(
        "", "<tr><th scope='row'>{}</th><td class='diff'>{}</td></tr>", ((c.label, c.diff_html) for c in changes)
    )
    return format_html('<table class="diff-table"><tbody>{}</tbody></table>', rows)


class PublishableForm(forms.ModelForm):
    """Refuses workflow actions the user may not take, and a save based on an outdated page."""

    # The edit number and the latest revision of the page as it was when the form was opened.
    seen_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    review_comment = forms.CharField(
        label=_("What should change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Sent to the page's owner and shown on the page until it is submitted again."),
    )
    can_publish = False  # set per request by PublishableAdmin.get_form
    workflow_action = SAVE
    checks_conflicts = True  # off for the live preview, which saves nothing and so locks nothing

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["seen_edit_version"] = self.instance.edit_version
            version = latest_version(self.instance)
            self.initial["seen_version"] = version.pk if version else None

    def clean(self):
        cleaned_data = super().clean()
        action = self.workflow_action
        if action in PUBLISHER_ACTIONS and not self.can_publish:
            raise forms.ValidationError(_("Only a medical reviewer can publish, withdraw or request changes."))
        if action == REQUEST_CHANGES and not (cleaned_data.get("review_comment") or "").strip():
            self.add_error("review_comment", _("Say what should change, so the editor knows what to do."))
        if action == WITHDRAW and self.instance.status != Status.PUBLISHED:
            raise forms.ValidationError(_("Only a published page can be withdrawn."))
        if self.instance.pk and self.checks_conflicts:
            self._refuse_outdated_save()
        return cleaned_data

    def _post_clean(self):
        # Publishing checks the page against the rules for a published page (e.g. a condition needs an overview).
        if self.workflow_action != PUBLISH:
            return super()._post_clean()
        status = self.instance.status
        self.instance.status = Status.PUBLISHED
        try:
            super()._post_clean()
        finally:
            self.instance.status = status

    def _refuse_outdated_save(self):
        model = type(self.instance)
        # Locked until the admin's transaction ends, so two simultaneous saves cannot both pass this check.
        current = model.objects.select_for_update().get(pk=self.instance.pk)
        submitted = self.cleaned_data.get("seen_edit_version")
        if submitted is None or submitted == current.edit_version:
            return
        latest = latest_version(current)
        who = latest.revision.user if latest and latest.revision.user else _("someone")
        when = timezone.localtime(latest.revision.date_created).strftime("%H:%M") if latest else ""
        seen = Version.objects.get_for_object(current).filter(pk=self.cleaned_data.get("seen_version")).first()
        changes = state_changes(state_of_version(seen), state_of(current)) if seen is not None else []
        # The next submit is a deliberate overwrite: the editor has now seen what the other person saved.
        self.data = self.data.copy()
        self.data["seen_edit_version"] = current.edit_version
        if latest is not None:
            self.data["seen_version"] = latest.pk
        raise forms.ValidationError(
            format_html(
                "{} {}{}",
                _("Not saved: %(who)s saved this page at %(when)s while you were editing it.")
                % {"who": who, "when": when},
                _(
                    "Your text is still in the form below. What they changed (their removals struck through, their "
                    "additions underlined) — save again to replace their version with yours:"
                ),
                changes_table(changes) if changes else format_html("<p>{}</p>", _("(no changes to the content)")),
            ),
            code="edit_conflict",
        )


class PublishableAdmin(TabbedFormAdmin, LivePreviewViews, LinkChooserViews, HistoryViews, VersionAdmin):
    form = PublishableForm
    publication_fields = ("publication_state", "published_at", "owner")
    #: Fields only a publisher may set (read-only for editors).
    publisher_only_fields = ("published_at",)
    actions = ["publish_selected", "unpublish_selected", "submit_for_review"]
    save_on_top = True
    change_form_template = "admin/conditions/change_form.html"
    object_history_template = "admin/conditions/object_history.html"
    history_latest_first = True

    # --- Permissions -----------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        # Every word patients read has passed a reviewer: without `publish`, live (or scheduled) pages are
        # read-only; editors change them through a draft copy.
        if obj is not None and obj.status == Status.PUBLISHED and not self.has_publish_permission(request):
            return False
        return super().has_change_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        if from_field is None and not is_number(object_id):
            return None  # "abc" or a huge number: the admin answers "not found", never a server error
        return super().get_object(request, object_id, from_field)

    def get_readonly_fields(self, request, obj=None):
        readonly = (*super().get_readonly_fields(request, obj), "publication_state")
        if not self.has_publish_permission(request):
            readonly += self.publisher_only_fields
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        form.workflow_action = self.workflow_action(request, obj)
        return form

    def workflow_action(self, request, obj):
        """The button pressed. Any save of a live page by a reviewer publishes it (the change is signed off)."""
        action = next((action for name, action in BUTTONS.items() if name in request.POST), SAVE)
        if action == SAVE and obj is not None and obj.status == Status.PUBLISHED and not obj.draft_of_id:
            return PUBLISH
        return action

    # --- Saving: the workflow buttons -------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, user = form.instance, request.user
        match form.workflow_action:
            case "publish":
                keep_due = "next_review_due" in form.changed_data
                request.workflow_result = publishing.publish(obj, user, keep_review_due=keep_due)
            case "submit":
                if obj.status == Status.DRAFT:
                    publishing.submit_for_review(obj, user)
            case "request_changes":
                publishing.request_changes(obj, user, form.cleaned_data["review_comment"])
            case "withdraw":
                publishing.withdraw(obj, user)

    def log_change(self, request, obj, message):
        workflow_note = reversion.get_comment() if reversion.is_active() else ""
        entry = super().log_change(request, obj, message)
        if workflow_note and reversion.is_active():  # keep "Signed off and published by ..." beside the change
            reversion.set_comment(f"{entry.get_change_message()} {workflow_note}".strip())
        return entry

    def log_addition(self, request, obj, message):
        workflow_note = reversion.get_comment() if reversion.is_active() else ""
        entry = super().log_addition(request, obj, message)
        if workflow_note and reversion.is_active():
            reversion.set_comment(f"{entry.get_change_message()} {workflow_note}".strip())
        return entry

    def _after_workflow(self, request, obj):
        result = getattr(request, "workflow_result", None)
        if result is not None and result.pk != obj.pk:  # a draft copy was published onto its live page
            messages.success(request, _("The changes are live on “%(page)s”.") % {"page": result})
            return redirect(self._url("change", result))
        return None

    def response_change(self, request, obj):
        return self._after_workflow(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_workflow(request, obj) or super().response_add(request, obj, post_url_continue)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "draft_of", "signoff")

    # --- The change form's context: buttons, change requests -----------------------------------------------

    def workflow_buttons(self, request, obj):
        """[(name, label, css class)] of the workflow buttons this person may press on this page."""
        can_publish, editable = (
            self.has_publish_permission(request),
            obj is None or self.has_change_permission(request, obj),
        )
        if not editable:
            return []
        if obj is not None and obj.status == Status.PUBLISHED and not obj.draft_of_id:
            return [("_publish", _("Sign off and publish changes"), "default"), ("_withdraw", _("Withdraw"), "")]
        buttons = [("_save", _("Save draft"), "")]
        if obj is None or obj.status == Status.DRAFT:
            buttons.append(("_submit", _("Submit for review"), "" if can_publish else "default"))
        if can_publish:
            label = (
                _("Sign off and publish onto the live page") if obj and obj.draft_of_id else _("Sign off and publish")
            )
            buttons.append(("_publish", label, "default"))
        return buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            workflow_buttons=self.workflow_buttons(request, obj),
            can_request_changes=obj is not None and self.has_publish_permission(request)
            and obj.status != Status.PUBLISHED,
            change_requests=list(publishing.open_change_requests(obj)) if obj is not None else [],
            has_published_version=obj is not None and not obj.draft_of_id and (
                obj.signoff_id is not None or self._last_published_version(obj) is not None
            ),
        )  # fmt: skip
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    # --- List columns ----------------------------------------------------------------------------

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, obj):
        return obj.is_published

    @admin.display(description=_("draft copy of"), ordering="draft_of")
    def copy_of(self, obj):
        return obj.draft_of or ""

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, obj):
        return date_format(timezone.localtime(obj.updated_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("status"), ordering="status")
    def page_status(self, obj):
        """Live or not, the workflow status and what a draft copy is a copy of, in one narrow column."""
        live = obj.is_published
        icon = static(f"admin/img/icon-{'yes' if live else 'no'}.svg")
        label = format_html(
            '<img src="{}" alt="{}"> {}', icon, _("live") if live else _("not live"), obj.get_status_display()
        )
        if obj.draft_of_id:
            return format_html("{}<br><small>{} {}</small>", label, _("Draft copy of"), obj.draft_of)
        return label

    @admin.display(description=_("status"))
    def publication_state(self, obj):
        if obj is None or obj.pk is None:
            return _("New draft")
        label = Status(obj.status).label
        if obj.is_scheduled:
            label = _("Scheduled for %(when)s") % {
                "when": timezone.localtime(obj.published_at).strftime("%d %b %Y %H:%M")
            }
        if obj.signoff_id:
            signoff = obj.signoff
            return format_html(
                "{} · {}", label,
                _("last signed off by %(who)s on %(when)s") % {
                    "who": signoff.reviewer_line, "when": timezone.localtime(signoff.signed_at).strftime("%d %b %Y"),
                },
            )  # fmt: skip
        return label

    # --- Actions ---------------------------------------------------------------------------------

    def _confirmation(self, request, queryset, action, title, intro, button, rows):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "button": button,
            "action": action,
            "rows": rows,
            "queryset": queryset,
        }
        return TemplateResponse(request, "admin/conditions/action_confirmation.html", context)

    def _sign_off_confirmed(self, request, pages, sign_off, not_done):
        """After the confirmation page: `sign_off(page, user, seen_digest=...)` each page as the reviewer saw it
        (its digest is in the form); a page that changed since, or is not ready, is reported and left alone.
        Returns how many were signed off."""
        seen = {key.removeprefix("digest-"): value for key, value in request.POST.items() if key.startswith("digest-")}
        count = 0
        for page in pages:
            try:
                sign_off(page, request.user, seen_digest=seen.get(str(page.pk), "-"))
            except publishing.ContentChanged:
                messages.warning(request, _("“%(item)s” changed after you looked at it: %(what)s. Check it again.")
                                 % {"item": page, "what": not_done})  # fmt: skip
            except ValidationError as error:
                messages.error(request, _("“%(item)s”: %(what)s: %(error)s")
                               % {"item": page, "what": not_done, "error": " ".join(error.messages)})  # fmt: skip
            else:
                count += 1
        return count

    @admin.action(permissions=["publish"], description=_("Sign off and publish selected items…"))
    def publish_selected(self, request, queryset):
        """Shows what each page would put online; publishing happens on confirmation, for the versions shown."""
        pages = list(queryset.exclude(status=Status.PUBLISHED, draft_of__isnull=True).select_related("draft_of"))
        if "confirm" not in request.POST:
            rows = []
            for page in pages:
                state = state_of(page)
                if page.draft_of_id:
                    changes, note = state_changes(state_of(page.draft_of), state), _("changes to the live page")
                else:
                    changes, note = [], _("a new page: open it to read it in full")
                rows.append({"page": page, "digest": state.digest(), "changes": changes, "note": note})
            return self._confirmation(
                request, pages, "publish_selected", _("Sign off and publish"),
                _("You are signing off these pages as medically reviewed. Each is published as shown here; one that "
                  "changes before you confirm is left for you to check again."),
                _("Sign off and publish"), rows,
            )  # fmt: skip
        count = self._sign_off_confirmed(request, pages, publishing.publish, _("not published"))
        if count:
            self.message_user(request, ngettext("%d item published.", "%d items published.", count) % count)
        return None

    @admin.action(permissions=["publish"], description=_("Withdraw selected items (back to draft)"))
    def unpublish_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(status=Status.PUBLISHED):
            publishing.withdraw(obj, request.user)
            count += 1
        self.message_user(request, ngettext("%d item withdrawn.", "%d items withdrawn.", count) % count)

    @admin.action(permissions=["change"], description=_("Submit selected drafts for medical review"))
    def submit_for_review(self, request, queryset):
        count = 0
        for obj in queryset.filter(status=Status.DRAFT):
            publishing.submit_for_review(obj, request.user)
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
            path(
                "<int:pk>/preview-link/revoke/", wrap(self.revoke_preview_links_view), name=f"{prefix}_preview_revoke"
            ),
            *super().get_urls(),
        ]

    def _url(self, name, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[obj.pk])

    def draft_copy_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk, draft_of__isnull=True)
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
        """Publish a draft copy as the reviewer saw it on the comparison page (its digest is in the form)."""
        copy = get_object_or_404(self.model, pk=pk, draft_of__isnull=False)
        if request.method != "POST" or not self.has_publish_permission(request):
            raise PermissionDenied
        try:
            live = publishing.publish(copy, request.user, seen_digest=request.POST.get("digest", "-"))
        except publishing.ContentChanged:
            messages.warning(
                request,
                _("The draft copy changed after you opened the comparison, so nothing was published. Here are the "
                  "differences as they are now: read them, then publish again."),
            )  # fmt: skip
            return self.compare_live_view(request, pk)
        except ValidationError as error:
            messages.error(request, _("Not published: %(error)s") % {"error": " ".join(error.messages)})
            return redirect(self._url("change", copy))
        messages.success(request, _("The changes are live on “%(page)s”.") % {"page": live})
        return redirect(self._url("change", live))

    def _changeform_view(self, request, object_id, form_url, extra_context):
        if object_id is not None and not is_number(unquote(object_id)):
            raise Http404(_("No such page."))
        return super()._changeform_view(request, object_id, form_url, extra_context)
