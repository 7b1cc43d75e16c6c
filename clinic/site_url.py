"""The site's real address (the Site row, which `migrate` takes from SITE_DOMAIN): for e-mails, printed pages and
anything read away from the request that made it."""

from django.contrib.sites.models import Site


def site_url(path):
    """`https://<the Site's domain><path>`; plain http for a local address (development)."""
    domain = Site.objects.get_current().domain  # cached by Django after the first read
    scheme = "http" if domain.startswith(("127.0.0.1", "localhost", "[::1]")) else "https"
    return f"{scheme}://{domain}{path}"
