from django.contrib import admin

from .models import AppointmentRequest, ClinicDetails, Location


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "email")
    fields = ("name", "logo", "phone", "email", "front_desk_email")

    def has_add_permission(self, request):
        # One row: the clinic's details are edited, never added twice.
        return super().has_add_permission(request) and not ClinicDetails.objects.exists()


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "locality", "phone")
    list_editable = ("position",)
    search_fields = ("name", "street_address", "locality")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "position")}),
        ("Address", {"fields": ("street_address", "locality", "region", "postal_code", "country", "map_url")}),
        (None, {"fields": ("phone", "opening_hours")}),
    )


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(admin.ModelAdmin):
    """Patients' requests: seen only by the Front desk role and superusers (accounts/roles.py), never added here."""

    list_display = ("name", "created_at", "location", "preferred_time", "phone", "email", "handled")
    list_filter = ("handled", "location", "preferred_time")
    search_fields = ("name", "phone", "email")
    date_hierarchy = "created_at"
    list_select_related = ("location",)
    fields = ("name", "phone", "email", "location", "preferred_time", "reason", "consent", "created_at", "handled")
    readonly_fields = ("name", "phone", "email", "location", "preferred_time", "reason", "consent", "created_at")

    def has_add_permission(self, request):
        return False  # requests come from patients, through the public form
