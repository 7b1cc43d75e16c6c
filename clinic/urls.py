from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page

from conditions import views
from conditions.sitemaps import sitemaps
from conditions.uploads import editor_image_upload

urlpatterns = [
    path("admin/", admin.site.urls),
    # CKEditor 5's image upload endpoint (staff only, CSRF-protected), behind our image checks.
    path("ckeditor5/image_upload/", editor_image_upload, name="editor-image-upload"),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("sitemap.xml", cache_page(60 * 15)(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("conditions.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
