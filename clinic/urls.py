from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .cache import cached_page
from .media import editor_image_upload

urlpatterns = [
    # Before the admin's own URLs: two-factor sign-in and the admin's "Forgotten your password?" flow.
    path(settings.ADMIN_URL, include("accounts.urls")),
    path(f"{settings.ADMIN_URL}password_reset/", auth_views.PasswordResetView.as_view(), name="admin_password_reset"),
    path(
        f"{settings.ADMIN_URL}password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(settings.ADMIN_URL, admin.site.urls),  # ADMIN_URL, "admin/" unless configured
    # CKEditor 5's image upload endpoint (staff only, CSRF-protected), behind our image checks.
    path("ckeditor5/image_upload/", editor_image_upload, name="editor-image-upload"),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("robots.txt", cached_page(views.robots_txt), name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("practice.urls")),
    path("", include("conditions.urls")),
]

# A database outage met outside a view (a session, a redirect lookup) still answers 503, not 500.
handler500 = "clinic.views.server_error"

if settings.DEBUG:
    # Development only: production media come from nginx or the bucket (docs/deploy.md).
    urlpatterns += static(settings.MEDIA_URL, view=views.serve_media, document_root=settings.MEDIA_ROOT)
