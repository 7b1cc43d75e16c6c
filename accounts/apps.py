from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and security"

    def ready(self):
        from django.contrib.auth import get_user_model  # noqa: PLC0415 - needs the apps ready

        from . import checks  # noqa: PLC0415 - registers the system checks once apps are ready
        from .roles import sync_roles  # noqa: PLC0415 - uses the auth models
        from .staff import sync_staff_status  # noqa: PLC0415 - uses the auth models

        post_migrate.connect(checks.sync_site_domain, sender=self, dispatch_uid="accounts-sync-site-domain")
        # After every migrate the role groups are exactly what accounts/roles.py declares.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="accounts-sync-roles")
        # A role makes a person staff; losing the last role ends it (accounts/staff.py).
        groups = get_user_model().groups.through
        m2m_changed.connect(sync_staff_status, sender=groups, dispatch_uid="accounts-staff-follows-roles")
