"""The live preview beside the change form: the public page rendered from the form as it is, nothing saved.

The form's JavaScript (static/js/admin-preview.js) posts the whole form a moment after the editor stops typing;
the answer is the public template's HTML and the readability panel. The form and its inline rows are validated
as for a save, inside a transaction that is rolled back, so no page, row or revision is ever written.
"""

import re

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from conditions.views import render_page

# The preview is shown in a sandboxed frame without scripts: the page's own scripts (JSON-LD) are left out.
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


class LivePreviewViews:
    #: Inline formset prefix -> (the attribute the public page reads its rows from, see `for_page()`; the row's
    #: link to the page it lists).
    preview_rows = {}

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(require_POST(self.live_preview_view))
        return [
            path("preview/", view, name=f"{prefix}_live_preview"),
            path("<path:object_id>/preview/", view, name=f"{prefix}_live_preview"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_live_preview"
        context["live_preview_url"] = reverse(name, args=[obj.pk]) if obj is not None else reverse(name)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def live_preview_view(self, request, object_id=None):
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            obj = None
        else:
            obj = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
        with transaction.atomic():  # nothing is written; should anything try, it is rolled back
            page = self._page_from_form(request, obj)
            transaction.set_rollback(True)
        html = SCRIPT.sub("", render_page(request, page).content.decode())
        readability = self.readability(page) if hasattr(self, "readability") else ""
        return JsonResponse({"html": html, "readability": str(readability)})

    def _page_from_form(self, request, obj):
        """The page as the form would save it; fields with errors keep their saved value (or stay empty)."""
        form_class = self.get_form(request, obj, change=obj is not None)
        form_class.checks_conflicts = False
        form = form_class(request.POST, instance=obj)
        form.is_valid()  # fills form.instance from every valid field; errors are the save's business
        page = form.instance
        if not page.slug or "slug" in form.errors:  # the page's address is built from it
            page.slug = "preview"
        for field in page._meta.concrete_fields:  # what the first save would stamp (created, updated)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(page, field.attname, getattr(page, field.attname) or timezone.now())
        formsets, _inlines = self._create_formsets(request, page, change=obj is not None)
        for formset in formsets:
            if formset.prefix not in self.preview_rows:
                continue
            attribute, link = self.preview_rows[formset.prefix]
            formset.is_valid()
            rows = [
                row.instance
                for row in formset.forms
                if not row.errors
                and (row.has_changed() or row.instance.pk)
                and not formset._should_delete_form(row)
                and getattr(row.instance, f"{link}_id")
                and getattr(row.instance, link).is_published  # as on the public page
            ]
            # A new row has no position yet: it goes last, as when saved.
            setattr(page, attribute, sorted(rows, key=lambda row: (row.position is None, row.position or 0)))
        return page
