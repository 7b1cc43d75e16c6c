"""The admin site's name and home page, in the clinic's words."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Pickers name an item by its `choice_label` where the model has one (an article: title, year and journal),
    so that similar items can be told apart."""

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": getattr(obj, "choice_label", str(obj))}


def autocomplete_view(request):
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


admin.site.site_header = _("Clinic content")
admin.site.site_title = _("Clinic CMS")
admin.site.index_title = _("Conditions, treatments and research")
admin.site.index_template = "admin/clinic_index.html"
admin.site.autocomplete_view = autocomplete_view
