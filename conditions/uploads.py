"""Image uploads: random file names and a size limit, checked by Pillow (the content), not by the extension."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import JsonResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_ckeditor_5.views import upload_file as ckeditor_upload_file
from PIL import Image

ALLOWED_IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}


#: The only extensions an uploaded file keeps, and the only content types media are served with (development
#: server, clinic.storages, deploy/nginx.conf). Web servers pick the content type from the extension, so a file
#: named .html or .svg could become a page that runs script; anything else is stored as .bin and downloaded.
SAFE_MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def media_headers(name: str) -> dict:
    """Content-Type (and Content-Disposition) a stored file is served with: images as images, the rest downloaded."""
    content_type = SAFE_MEDIA_TYPES.get(PurePath(name).suffix.lower())
    if content_type is None:
        return {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment"}
    return {"Content-Type": content_type}


def random_name(original: str, folder: str = "") -> str:
    """A random name keeping only a lower-case image extension: the uploader's file name is never stored."""
    suffix = PurePath(original).suffix.lower()
    if suffix not in SAFE_MEDIA_TYPES:
        suffix = ".bin"
    return str(PurePath(folder) / f"{secrets.token_urlsafe(16)}{suffix}")


class RandomNameMixin:
    """For CKEditor 5 uploads (`CKEDITOR_5_FILE_STORAGE`): files go to editor/ under random names."""

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(random_name(name, "editor"), max_length)


class RandomNameStorage(RandomNameMixin, FileSystemStorage):
    """CKEditor 5 uploads in MEDIA_ROOT/editor/ (clinic.storages.EditorUploadStorage when media live in a bucket)."""


def hero_image_path(instance, filename):
    return random_name(filename, f"heroes/{instance._meta.model_name}")


@deconstructible
class ImageUploadValidator:
    """Accept only real JPEG/PNG/GIF/WebP images under settings.MAX_IMAGE_UPLOAD_MB."""

    def __call__(self, file):
        limit_mb = settings.MAX_IMAGE_UPLOAD_MB
        if file.size > limit_mb * 1024 * 1024:
            raise ValidationError(
                _("This image is %(size).1f MB; the limit is %(limit)d MB. Please upload a smaller image."),
                code="image_too_large",
                params={"size": file.size / 1024 / 1024, "limit": limit_mb},
            )
        image_format = self.image_format(file)
        if image_format is None:
            raise ValidationError(
                _("This file is not an image. Upload a JPEG, PNG, GIF or WebP image."), code="not_an_image"
            )
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise ValidationError(
                _("Images must be JPEG, PNG, GIF or WebP; this file is %(format)s."),
                code="image_format",
                params={"format": image_format},
            )

    @staticmethod
    def image_format(file):
        """The format Pillow reads from the content; the model's FieldFile wraps the form's checked upload."""
        for candidate in (file, getattr(file, "file", None)):
            image = getattr(candidate, "image", None)  # set by forms.ImageField once Pillow has opened it
            if image is not None:
                return image.format
        try:
            file.seek(0)
            with Image.open(file) as image:
                return image.format
        except (OSError, ValueError, Image.DecompressionBombError):
            return None
        finally:
            file.seek(0)

    def __eq__(self, other):
        return isinstance(other, ImageUploadValidator)


@require_POST
def editor_image_upload(request):
    """CKEditor 5's upload endpoint with our image rules in front (the package checks only the file extension)."""
    upload = request.FILES.get("upload")
    if upload is not None and request.user.is_staff:
        try:
            ImageUploadValidator()(upload)
        except ValidationError as error:
            return JsonResponse({"error": {"message": " ".join(error.messages)}}, status=400)
    return ckeditor_upload_file(request)  # staff check, extension check, random-name storage
