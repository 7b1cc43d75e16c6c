"""What kind of request this is: the one place that says what "staff" and "an anonymous visitor" mean by the URL
and the cookies, for the page cache, the read replica and the admin's security policy."""

from django.conf import settings


def staff_path_prefixes():
    """The admin (at ADMIN_URL), CKEditor's upload endpoint and the password-reset pages."""
    return (f"/{settings.ADMIN_URL}", "/ckeditor5/", "/reset/")


def is_staff_path(request):
    return request.path.startswith(staff_path_prefixes())


def is_public_read(request):
    """A GET/HEAD outside the staff pages, by anyone: it reads public pages and writes nothing."""
    return request.method in ("GET", "HEAD") and not is_staff_path(request)


def is_anonymous_read(request):
    """A GET/HEAD without a session or credentials, outside the staff pages: what any visitor would be shown."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
        and not is_staff_path(request)
    )
