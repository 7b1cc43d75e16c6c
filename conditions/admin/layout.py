"""How a content page's change form is laid out: tabs, one collapsible fieldset per rich-text section.

The tabs are declared once per admin (`tabs`); fieldsets and inlines join a tab with the class `tab-<id>`.
`static/js/admin-tabs.js` turns them into tabs; without JavaScript they are the plain fieldsets, in order.
The sections come from `Model.sections`, so a section added to a model appears in the form by itself.
"""

from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from conditions.templatetags.clinic import rich_text

CONTENT, SECTIONS, MORE, TREATMENTS, RESEARCH, REVIEW = (
    "content", "sections", "more-sections", "treatments", "research", "review",
)  # fmt: skip
TAB_LABELS = {
    CONTENT: _("Content"),
    SECTIONS: _("Sections"),
    MORE: _("More sections"),
    TREATMENTS: _("Treatments"),
    RESEARCH: _("Research"),
    REVIEW: _("Review & publish"),
}


def in_tab(tab, *classes):
    return (*classes, f"tab-{tab}")


def section_fieldsets(model):
    """One collapsible fieldset per rich-text section, in the order patients read them: the optional ones
    (`Model.optional_sections`) in the More sections tab, so that no tab is longer than about two screens."""
    optional = getattr(model, "optional_sections", ())
    return tuple(
        (label(model, name), {"fields": (name,), "classes": in_tab(MORE if name in optional else SECTIONS, "collapse")})
        for name in model.sections
    )


def label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def name_unlabelled_inputs(form, row=None):
    """Give inputs that have no <label> of their own an accessible name: a file input (Django puts it in a fieldset
    with a legend), and the cells of a tabular inline row, whose only label is the column heading."""
    for field in form.fields.values():
        widget = field.widget
        if widget.is_hidden or (row is None and not isinstance(widget, forms.FileInput)):
            continue
        label = capfirst(field.label or "")
        widget.attrs.setdefault("aria-label", f"{label}, {_('row')} {row}" if row is not None else label)


class LabelledRows:
    """Tabular inline rows whose inputs say what they are, for screen readers and axe."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_unlabelled_inputs(form, row=index + 1 if index is not None else "new")


class LabelledRowsFormSet(LabelledRows, CustomInlineFormSet):
    """Sortable rows (django-admin-sortable2)."""


class LabelledInlineFormSet(LabelledRows, BaseInlineFormSet):
    """Rows in a plain tabular inline."""


class RenderedRichText:
    """A read-only stand-in for a rich-text field: the text as patients read it, not its HTML source."""

    def __init__(self, model, name):
        self.name = name
        self.__name__ = name  # the admin names the row `field-<name>`, like the editable field
        self.short_description = label(model, name)

    def __call__(self, obj):
        return rich_text(getattr(obj, self.name))


class TabbedFormAdmin(admin.ModelAdmin):
    #: The tabs of the change form, in order (ids from TAB_LABELS); empty: no tabs.
    tabs = ()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = self.hidden_fields(obj)
        read_only = obj is not None and not self.has_change_permission(request, obj)
        rendered = {name: RenderedRichText(self.model, name) for name in self.model.sections} if read_only else {}
        layout = []
        for name, options in fieldsets:
            fields = [rendered.get(field, field) for field in options["fields"] if field not in hidden]
            layout.append((name, {**options, "fields": fields}))
        return layout

    def hidden_fields(self, obj):
        """Fields left out of the form. A draft copy's slug: publishing puts the copy onto the live page's address."""
        return {"slug"} if obj is not None and getattr(obj, "draft_of_id", None) else set()

    def get_prepopulated_fields(self, request, obj=None):
        hidden = self.hidden_fields(obj)
        prepopulated = super().get_prepopulated_fields(request, obj)
        return {name: sources for name, sources in prepopulated.items() if name not in hidden}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["form_tabs"] = [{"id": tab, "label": str(TAB_LABELS[tab])} for tab in self.tabs]
        return super().render_change_form(request, context, add, change, form_url, obj)
