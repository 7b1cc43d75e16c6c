"""Image uploads: random file names and a size limit, checked by Pillow (the content), not by the extension."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ALLOWED_IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}


def random_name(original: str, folder: str = "") -> str:
    """A random name keeping only a lower-case extension: the uploader's file name is never stored."""
    suffix = PurePath(original).suffix.lower()[:6]
    return str(PurePath(folder) / f"{secrets.token_urlsafe(16)}{suffix}")


class RandomNameStorage(FileSystemStorage):
    """Storage for CKEditor 5 uploads (`CKEDITOR_5_FILE_STORAGE`): files go to MEDIA_ROOT/editor/ renamed."""

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(random_name(name, "editor"), max_length)


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
        image = getattr(file, "image", None)  # set by forms.ImageField after Pillow has opened the file
        if image is not None and image.format not in ALLOWED_IMAGE_FORMATS:
            raise ValidationError(
                _("Images must be JPEG, PNG, GIF or WebP; this file is %(format)s."),
                code="image_format",
                params={"format": image.format},
            )

    def __eq__(self, other):
        return isinstance(other, ImageUploadValidator)
