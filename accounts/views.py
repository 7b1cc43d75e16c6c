from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm


@never_cache
@staff_member_required
def two_factor(request):
    """Verify a code from the staff member's authenticator app, or set one up (enrol) when they have none."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = "admin:index"
        return redirect(next_url)
    context = {"form": form, "enrolling": enrolling, "title": "Two-factor sign-in"}
    if enrolling:
        svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
        context.update(qr_svg=mark_safe(svg), secret=b32encode(device.bin_key).decode())  # noqa: S308 - our own SVG
    return render(request, "accounts/two_factor.html", context)
