from django.contrib import admin

from .models import ClinicDetails, Location


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
