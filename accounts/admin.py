import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .forms import ClinicAuthenticationForm, StaffCreationForm
from .models import SecurityPolicy
from .roles import ROLE_DESCRIPTIONS
from .staff import send_invitation

admin.site.login_form = ClinicAuthenticationForm  # says why a right password does not let someone in

# What an account may do. Only superusers change these two, on any account (so only superusers make superusers).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")
# Nobody but a superuser changes their own access: an Administrator cannot give themselves a role.
OWN_ACCESS_FIELDS = ("is_active", "is_staff", "groups")
ACCESS_FIELDS = SUPERUSER_ONLY_FIELDS + OWN_ACCESS_FIELDS


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """One row: administrators switch two-factor sign-in on for everyone who may publish or manage accounts."""

    def has_add_permission(self, request):
        return not SecurityPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:accounts_securitypolicy_change", SecurityPolicy.current().pk)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts. The Administrator role creates accounts, gives roles to others and deactivates people, but never
    escalates: superuser status and single permissions are for superusers only, nobody else changes their own
    access, and superusers' accounts (and passwords) are read-only to everyone else. Every change of access is written
    to the account's History with who did it and when.
    """

    list_display = ("username", "email", "first_name", "last_name", "roles", "is_active", "is_staff", "is_superuser")
    add_form = StaffCreationForm
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        (_("Roles"), {"fields": ("groups",)}),
        (_("Password"), {"fields": ("usable_password", "password1", "password2")}),
    )
    # Roles, not the list of ~200 single permissions; staff status follows the roles (accounts/staff.py).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roles and access"), {"fields": ("groups", "is_active", "is_staff", "is_superuser")}),
        (_("Single permissions (rarely needed)"), {"fields": ("user_permissions",), "classes": ("collapse",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ("user_permissions",)
    actions = ["invite"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [(name, options) for name, options in fieldsets if "user_permissions" not in options["fields"]]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label = _("Roles")
            field.label_from_instance = lambda group: (
                f"{group.name}: {ROLE_DESCRIPTIONS[group.name]}" if group.name in ROLE_DESCRIPTIONS else group.name
            )
            field.help_text = _("A role lets the person into the admin; without any role they cannot sign in.")
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the roles, and with them staff status
        if not change and not form.cleaned_data.get("set_usable_password", True):
            self._invite(request, form.instance)

    def _invite(self, request, user):
        if send_invitation(user, request):
            self.message_user(
                request, _("An invitation to choose a password was sent to %(email)s.") % {"email": user.email}
            )
        else:
            self.message_user(
                request, _("No invitation sent to %(user)s: the account needs an e-mail address and must be active.")
                % {"user": user}, messages.WARNING,
            )  # fmt: skip

    @admin.action(permissions=["change"], description=_("Send an invitation e-mail (choose a password)"))
    def invite(self, request, queryset):
        for user in queryset.exclude(is_superuser=True):
            self._invite(request, user)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(sorted(group.name for group in user.groups.all())) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or request.user.is_superuser:
            return fields
        fields += (*SUPERUSER_ONLY_FIELDS, "is_staff")  # staff status comes with a role
        if obj.pk == request.user.pk:
            fields += OWN_ACCESS_FIELDS
        return fields

    def has_change_permission(self, request, obj=None):
        # Changing a superuser's e-mail or password would take over their account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's "Changed Groups." becomes "Added the role Medical reviewer. Removed the role Editor." and so on."""
        message = super().construct_change_message(request, form, formsets, add)
        access = [] if add else access_changes(form)
        if not access:
            return message
        with translation.override(None):  # Django stores the labels untranslated
            described = {str(form.fields[name].label or name) for name in ACCESS_FIELDS if name in form.fields}
        for part in message:
            if "changed" in part and "name" not in part["changed"]:  # the account's own fields, not an inline's
                part["changed"]["fields"] = [label for label in part["changed"]["fields"] if label not in described]
        message = [part for part in message if part.get("changed", {}).get("fields") != []]
        text = LogEntry(change_message=json.dumps(message)).get_change_message() if message else ""
        return " ".join(filter(None, [text, *access]))  # kept as text: the History shows it as it is


def access_changes(form):
    """Sentences describing what the saved form changed in the account's access (roles, status, permissions)."""
    changed = set(form.changed_data)
    sentences = []
    for name, gained, lost in (
        ("groups", _("Added the role %(item)s."), _("Removed the role %(item)s.")),
        ("user_permissions", _("Granted the permission %(item)s."), _("Withdrew the permission %(item)s.")),
    ):
        if name in changed:
            before = set(form.initial.get(name) or [])
            after = set(form.cleaned_data.get(name) or [])
            sentences += [str(gained) % {"item": item} for item in sorted(after - before, key=str)]
            sentences += [str(lost) % {"item": item} for item in sorted(before - after, key=str)]
    for name, switched_on, switched_off in (
        ("is_superuser", _("Made a superuser."), _("Removed superuser status.")),
        ("is_staff", _("Gave access to the admin."), _("Removed access to the admin.")),
        ("is_active", _("Reactivated the account."), _("Deactivated the account.")),
    ):
        if name in changed:
            sentences.append(str(switched_on if form.cleaned_data[name] else switched_off))
    return sentences


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Roles. What a role may do is decided by superusers (and the migrations that create the roles): a role's
    permissions are the keys to everything, so an Administrator who could add "publish" to their own role would
    escalate. Administrators see the roles and put people into them on the accounts' pages.
    """

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
