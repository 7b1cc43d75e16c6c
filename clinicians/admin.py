from django.contrib import admin

from .models import Clinician


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("name", "credentials", "user")
    search_fields = ("name", "credentials", "user__username")
    autocomplete_fields = ()
    raw_id_fields = ()
