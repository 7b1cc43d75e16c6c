"""Project-level views: health and readiness probes, robots.txt, the 500 handler, and uploaded media in development."""

import sys

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.templatetags.static import static as static_url
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from .db_health import can_serve_pages
from .media import media_headers
from .outage import is_database_unavailable, outage_response

MEDIA_CSP = {"default-src": ["'none'"], "img-src": ["'self'"], "sandbox": True}


@requires_csrf_token
def server_error(request):
    """handler500: a database outage met outside a view still gets the 503 (or the cached page); else a plain 500.

    Django calls this inside its `except` block, so `sys.exc_info()` is the error. The 500 page is rendered
    without a request: no context processor, no query, no stack trace, no version.
    """
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return outage_response(request, exception)
    return HttpResponseServerError(loader.get_template("500.html").render())


def serve_media(request, path, document_root=None):
    """DEBUG only (production media come from nginx or the bucket): images as images, everything else downloaded."""
    response = static.serve(request, path, document_root=document_root)
    for header, value in media_headers(path).items():
        response[header] = value
    response["X-Content-Type-Options"] = "nosniff"
    response._csp_config = MEDIA_CSP
    return response


@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    admin = f"/{settings.ADMIN_URL}"
    lines = ["User-agent: *", f"Disallow: {admin}", "Disallow: /search/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """The process is up. Touches no database, so a database outage does not restart healthy app servers."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Ready for traffic: pages can be rendered from the database (a real query on a content table within 1 s).

    503 otherwise, so a load balancer stops sending this server new visitors. The cache is reported but does not
    decide: without Redis, pages are still rendered (more slowly), and one shared Redis failing must not take every
    app server out of the load balancer at once.
    """
    checks = {"database": "ok" if can_serve_pages() else "unavailable"}
    try:
        cache.set("readyz", "ok", 5)
        checks["cache"] = "ok" if cache.get("readyz") == "ok" else "unavailable"
    except Exception:  # noqa: BLE001 - any failure means "not available"
        checks["cache"] = "unavailable"
    ready = checks["database"] == "ok"
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for without reading the page: the site's icon."""
    return HttpResponsePermanentRedirect(static_url("favicon.svg"))
