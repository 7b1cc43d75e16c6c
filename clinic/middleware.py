"""Project-wide middleware: request logs with ids, the admin's own CSP, polite answers when the database is down, and
400/404 for input no view should ever see (NUL bytes, malformed admin ids)."""

import inspect
import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

from .log import request_id_var
from .outage import is_database_unavailable, outage_response
from .requests import is_staff_path

request_logger = logging.getLogger("clinic.request")

# An id a proxy or load balancer sends is kept if it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
MAX_LOGGED_PATH = 500


class RequestLogMiddleware:
    """One log line per request (method, path, status, duration_ms, request_id); `X-Request-ID` on every response.

    First in MIDDLEWARE, so the duration covers every other middleware and the id is set while they run. The query
    string is left out of the log: searches on a clinic's site are health information.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared when the response is finished (`request_finished`), not here: Django logs 4xx responses
        # after the middleware has returned, and those lines should carry the id too.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        status = response.status_code
        path = request.path[:MAX_LOGGED_PATH]  # a 200 kB junk address is not worth 200 kB of log
        request_logger.log(
            logging.ERROR if status >= 500 else logging.INFO,
            "%s %s %s",
            request.method[:16],
            path,
            status,
            extra={
                "method": request.method[:16],
                "path": path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "cache": getattr(response, "page_cache", None),
            },
        )
        return response


def clear_request_id(**kwargs):
    """request_finished receiver (connected in ClinicConfig.ready): log lines after a request carry no stale id."""
    request_id_var.set("-")


class AdminContentSecurityPolicyMiddleware:
    """The admin, its password reset pages and CKEditor 5's endpoints get `SECURE_CSP_ADMIN`; others `SECURE_CSP`.

    CKEditor 5 writes inline styles, which the public policy forbids; scripts stay `'self'` plus the per-request
    nonce Django's admin puts on its `<script>` tags. Must come after ContentSecurityPolicyMiddleware in MIDDLEWARE
    (it marks the response before that middleware writes the header). Admin pages are also kept out of search
    engines with `X-Robots-Tag`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_staff_path(request):
            if not hasattr(response, "_csp_config"):  # a view's own csp_override wins
                response._csp_config = settings.SECURE_CSP_ADMIN
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that cannot reach the database answers the cached page or a branded 503.

    Errors raised outside views (e.g. loading a logged-in user's session) reach `clinic.views.server_error`
    (handler500), which gives the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return outage_response(request, exception)
        return None


class RejectNulMiddleware:
    """A NUL byte in the address, a header, the query string or posted form data answers 400 Bad Request.

    PostgreSQL refuses NUL in text (`DataError`), and every view, admin filter, search box, autocomplete and the
    login form (django-axes records the username and user agent) would otherwise have to strip it: one check here
    covers them all, before any of them runs. No browser sends NUL in any of these.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_nul(request):
            raise BadRequest("A NUL character in the request.")
        return self.get_response(request)

    @staticmethod
    def has_nul(request):
        if "\x00" in request.path_info or "\x00" in request.META.get("QUERY_STRING", ""):
            return True
        if any("\x00" in value for name, value in request.META.items() if name.startswith("HTTP_")):
            return True
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)  # malformed bodies raise Django's own 400 errors here
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False


_DIGITS = re.compile(r"[0-9]+")


class AdminObjectIdMiddleware:
    """Admin addresses that name no object answer 404: an object id that cannot be the model's primary key ("abc"
    for a number), and an object a view looks up that does not exist.

    Views of a ModelAdmin (change, history, delete, and the revision, compare and recover pages added by
    django-reversion and conditions.admin.workflow, django-otp's QR code page) take the id from the address; some
    build links from it or look it up with `.get()`, which fails with a 500 on a malformed or unknown id. Checked
    once here, for every admin view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view = inspect.unwrap(view_func)  # the ModelAdmin's bound method under admin_view's wrappers
        model_admin = getattr(view, "__self__", None)
        if not isinstance(model_admin, ModelAdmin):
            return None
        request._admin_model_view = True  # for process_exception
        object_id = view_kwargs.get("object_id")
        if object_id is None and view.__name__ == "revision_view" and view_args:
            object_id = view_args[0]  # django-reversion's `^([^/]+)/history/(\d+)/$`: positional groups
        if object_id is None:
            return None
        object_id, pk = unquote(object_id), model_admin.model._meta.pk
        if isinstance(pk, models.IntegerField):
            # Ids are written 0-9 only: int() also takes "-1", " 1" and "１", which the admin's own links
            # (`<int:pk>` routes) cannot be reversed with.
            if not _DIGITS.fullmatch(object_id):
                raise Http404("No such object.")
            return None
        try:
            pk.to_python(object_id)
        except ValidationError:
            raise Http404("No such object.") from None
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, ObjectDoesNotExist) and getattr(request, "_admin_model_view", False):
            raise Http404("No such object.") from exception
        return None
