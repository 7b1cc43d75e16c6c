"""Project-level views: the 500 handler and, in development only, uploaded media served safely."""

import sys

from django.http import HttpResponseServerError
from django.template import loader
from django.views import static
from django.views.decorators.csrf import requires_csrf_token

from conditions.uploads import media_headers

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
