from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and security"

    def ready(self):
        from . import checks  # registers the system checks

        post_migrate.connect(checks.sync_site_domain, sender=self, dispatch_uid="accounts-sync-site-domain")
