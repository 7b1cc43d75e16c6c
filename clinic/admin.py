"""The admin site's name and home page, in the clinic's words."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Clinic content")
admin.site.site_title = _("Clinic CMS")
admin.site.index_title = _("Conditions, treatments and research")
admin.site.index_template = "admin/clinic_index.html"
