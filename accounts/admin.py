from django.contrib import admin
from django.shortcuts import redirect

from .models import SecurityPolicy


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """One row: administrators switch two-factor sign-in on for everyone who may publish or manage accounts."""

    def has_add_permission(self, request):
        return not SecurityPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:accounts_securitypolicy_change", SecurityPolicy.current().pk)
