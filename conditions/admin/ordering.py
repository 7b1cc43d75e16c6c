"""Drag-and-drop order of inline rows (django-admin-sortable2), on Django 6.1.

adminsortable2 2.3.1 names its files after the Django version and ships them up to 6.0. Django 6.1's
tabular inline template is the same as 6.0's (checked with diff), so the inlines use the 6.0 template; the
change list's actions.js is left alone (adminsortable2 would swap in a patched copy it ships only up to 6.0, for
sortable change lists, which this admin does not have).
"""

from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.conf import settings
from django.contrib import admin

SORTABLE_TABULAR_TEMPLATE = "adminsortable2/edit_inline/tabular-django-6.0.html"


class SortableInlinesAdmin(SortableAdminBase):
    @property
    def media(self):
        script = "adminsortable2/js/adminsortable2.js" if settings.DEBUG else "adminsortable2/js/adminsortable2.min.js"
        return super(SortableAdminBase, self).media + forms.Media(
            css={"all": ["adminsortable2/css/sortable.css"]}, js=[script]
        )


class SortableTabularInline(SortableInlineAdminMixin, admin.TabularInline):
    template = SORTABLE_TABULAR_TEMPLATE
