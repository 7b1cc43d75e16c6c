"""System checks for a deployment's accounts: the site's own domain (reset links) and the proxy count (lockouts)."""

import re

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import checks
from django.db import DatabaseError, connections

# Where a fresh install points: runserver's address, Django's default Site, the loopback names.
PLACEHOLDER_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "0.0.0.0", "example.com", "www.example.com"}
HINT = (
    "Set SITE_DOMAIN to the site's public host name (e.g. SITE_DOMAIN=www.example-clinic.org), then run "
    "`manage.py migrate`, which writes it to the Site row (or change the Site under Sites in the admin)."
)


def is_placeholder(domain):
    # Without the port: "localhost:8000" -> "localhost", "[::1]:8000" -> "[::1]"; a bare "::1" stays as it is.
    host = re.sub(r"^(\[[^\]]*\]|[^:]+):\d+$", r"\1", (domain or "").strip().lower())
    return not host or host in PLACEHOLDER_HOSTS


@checks.register(checks.Tags.security, deploy=True)
def check_site_domain(app_configs=None, **kwargs):
    """Password-reset e-mails, review reminders, the sitemap and the feeds link to the Site row's domain."""
    if not is_placeholder(settings.SITE_DOMAIN):
        return []
    if settings.SITE_DOMAIN:
        message = f"SITE_DOMAIN is {settings.SITE_DOMAIN!r}, not the site's public host name."
    else:
        message = "SITE_DOMAIN is not set: password-reset links and review reminders would point at 127.0.0.1."
    return [checks.Error(message, hint=HINT, id="accounts.E001")]


# Tagged "database": Django runs it only when asked to (`check --deploy --database default`), as it reads a table.
@checks.register(checks.Tags.database, deploy=True)
def check_site_row(app_configs=None, databases=None, **kwargs):
    if "default" not in (databases or ()):
        return []
    try:
        domain = Site.objects.get(pk=settings.SITE_ID).domain
    except (DatabaseError, Site.DoesNotExist) as error:
        return [checks.Error(f"Cannot read the Site row: {error}", hint=HINT, id="accounts.E002")]
    if is_placeholder(domain):
        message = (
            f"The Site row's domain is still {domain!r}: password-reset links, review reminders, the sitemap and "
            "the feeds point at it."
        )
        return [checks.Error(message, hint=HINT, id="accounts.E003")]
    return []


@checks.register(checks.Tags.security)
def check_trusted_proxy_count(app_configs=None, **kwargs):
    count = settings.TRUSTED_PROXY_COUNT
    if not isinstance(count, int) or count < 0:
        return [
            checks.Error(
                f"TRUSTED_PROXY_COUNT must be 0 or more, not {count!r}.",
                hint="0 without a proxy, 1 behind deploy/nginx.conf, 2 with a load balancer in front of nginx.",
                id="accounts.E004",
            )
        ]
    return []


def sync_site_domain(using="default", **kwargs):
    """After `migrate`: a Site row still on a placeholder domain takes SITE_DOMAIN (a domain set in the admin stays)."""

    if is_placeholder(settings.SITE_DOMAIN):
        return
    if Site._meta.db_table not in connections[using].introspection.table_names():  # `migrate` to an early target
        return
    site = Site.objects.using(using).filter(pk=settings.SITE_ID).first()
    if site is not None and is_placeholder(site.domain):
        site.domain = settings.SITE_DOMAIN
        site.save(using=using, update_fields=["domain"])  # also empties the Site cache
