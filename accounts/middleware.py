from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse

from .models import two_factor_needed


class TwoFactorRequiredMiddleware:
    """Inside the admin, staff who need two-factor sign-in must verify a code (or set one up) first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            return redirect(f"{reverse('accounts:two-factor')}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request):
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return False
        path = request.path
        admin_root = reverse("admin:index")
        exempt = (
            reverse("accounts:two-factor"),
            reverse("admin:logout"),
            reverse("admin:login"),
            reverse("admin:jsi18n"),
        )
        if not path.startswith(admin_root) or path.startswith(exempt):
            return False
        return two_factor_needed(user)
