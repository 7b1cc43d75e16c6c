"""The link chooser and the citation chooser of the rich-text editors (static/js/admin-link-chooser.js)."""

from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from conditions import links


class LinkChooserViews:
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.choose_link_view)
        return [path("choose-link/", view, name=f"{prefix}_choose_link"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["choose_link_url"] = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_choose_link")
        # "Add a treatment…" above a list of rows: one search and a click adds the row with its page chosen.
        context["row_choosers"] = [
            {
                "prefix": prefix,
                "field": link,
                "kind": link,
                "label": str(_("Add %(page)s…") % {"page": links.kind_label(link)}),
            }
            for prefix, (_attribute, link) in getattr(self, "preview_rows", {}).items()
            if link in links.TARGETS and self.has_change_permission(request, obj)
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def choose_link_view(self, request):
        """Pages matching ?q= of the kinds this person may view (?kind= narrows it to one kind), as JSON."""
        wanted = request.GET.get("kind") or ""
        kinds = [
            kind
            for kind, model in links.TARGETS.items()
            if wanted in ("", kind) and request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        ]
        query = request.GET.get("q", "")[:200]
        choices = links.search_choices(query, kinds) if query.strip() else []
        return JsonResponse(
            {
                "results": [
                    {"kind": c.kind, "pk": c.pk, "title": c.title, "detail": c.detail, "url": c.url, "slug": c.slug}
                    for c in choices
                ]
            }
        )
