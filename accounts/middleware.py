from urllib.parse import quote

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import staff_privileges_usable

# Staff-only addresses outside the admin: CKEditor 5's image upload. (Public pages show drafts only when
# `staff_privileges_usable` allows it; see PublishableQuerySet.visible_to.)
STAFF_ENDPOINTS = ("/ckeditor5/",)


class TwoFactorRequiredMiddleware:
    """Staff who must use two-factor sign-in get nothing staff-only before they verify a code (or set one up).

    In the admin they are sent to the two-factor page; staff endpoints outside it (uploads) answer 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            path = request.path
            if path.startswith(STAFF_ENDPOINTS) and not staff_privileges_usable(user):
                message = _("Enter the code from your authenticator app in the admin first, then upload again.")
                return JsonResponse({"error": {"message": message}}, status=403)
            if self._in_admin(path) and not staff_privileges_usable(user):
                return redirect(f"{reverse('accounts:two-factor')}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _in_admin(path):
        exempt = (
            reverse("accounts:two-factor"),
            reverse("admin:logout"),
            reverse("admin:login"),
            reverse("admin:jsi18n"),
        )
        return path.startswith(reverse("admin:index")) and not path.startswith(exempt)
