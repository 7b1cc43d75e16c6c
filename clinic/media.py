"""Image uploads: random file names, a size and a pixel limit, checked by Pillow (the content), not by the extension.

The same rules apply to hero images (the model field's validator), images uploaded in the rich-text editor
(`editor_image_upload`) and media restored from a backup (clinic.backup).
"""

import math
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
#: Width × height above which an image is refused. A few kilobytes of PNG can claim 50,000 × 50,000 pixels
#: (a "decompression bomb"): 7.5 GB of memory for whoever decodes it, thumbnailers and browsers included.
MAX_IMAGE_PIXELS = 40_000_000

#: Who may upload images in the rich-text editor: people who may write a page (not the read-only Administrator).
UPLOAD_PERMISSIONS = tuple(
    f"conditions.{action}_{model}"
    for model in ("condition", "treatment", "researcharticle")
    for action in ("add", "change")
)


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
    """heroes/<model>/<random>.<extension of the format Pillow found> (a JPEG named photo.jfif is stored as .jpg,
    so it is served as an image)."""
    try:
        image = getattr(instance.hero_image.file, "image", None)  # set by forms.ImageField once Pillow opened it
    except ValueError:  # FieldFile.save(name, content) from code: no upload to look at
        image = None
    if image is not None and image.format in ALLOWED_IMAGE_FORMATS:
        filename = f"image{ALLOWED_IMAGE_FORMATS[image.format]}"
    return random_name(filename, f"heroes/{instance._meta.model_name}")


@deconstructible
class ImageUploadValidator:
    """Accept only real JPEG/PNG/GIF/WebP images under settings.MAX_IMAGE_UPLOAD_MB and MAX_IMAGE_PIXELS."""

    def __call__(self, file):
        limit_mb = settings.MAX_IMAGE_UPLOAD_MB
        if file.size > limit_mb * 1024 * 1024:
            raise ValidationError(
                _("This image is %(size).1f MB; the limit is %(limit)d MB. Please upload a smaller image."),
                code="image_too_large",
                params={"size": file.size / 1024 / 1024, "limit": limit_mb},
            )
        self.check_content(file)

    @classmethod
    def check_content(cls, file):
        """The rules on what the file holds (not its size in bytes, which a restore does not re-apply)."""
        image_format, pixels = cls.inspect(file)
        if pixels > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _(
                    "This image has more than %(limit)d megapixels (for example 8000 × 5000 pixels). "
                    "Please upload a smaller image."
                ),
                code="image_too_many_pixels",
                params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
            )
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
    def inspect(file):
        """(format, width × height) as Pillow reads them from the header, without decoding the pixels; (None, 0)
        when the content is not an image. The model's FieldFile wraps the form's already opened upload."""
        for candidate in (file, getattr(file, "file", None)):
            image = getattr(candidate, "image", None)  # set by forms.ImageField once Pillow has opened it
            if image is not None:
                return image.format, image.width * image.height
        try:
            file.seek(0)
            with Image.open(file) as image:
                return image.format, image.width * image.height
        except Image.DecompressionBombError:  # Pillow's own limit (about 179 megapixels), far above ours
            return None, math.inf
        except (OSError, ValueError):
            return None, 0
        finally:
            file.seek(0)

    def __eq__(self, other):
        return isinstance(other, ImageUploadValidator)


def may_upload_images(user):
    return user.is_active and user.is_staff and any(user.has_perm(permission) for permission in UPLOAD_PERMISSIONS)


def upload_error(message, status):
    return JsonResponse({"error": {"message": str(message)}}, status=status)


@require_POST
def editor_image_upload(request):
    """CKEditor 5's upload endpoint with our rules in front (the package checks only staff and the file extension):
    only people who may write pages upload, and only real images within the size and pixel limits."""
    if not may_upload_images(request.user):
        return upload_error(_("You do not have permission to upload files."), 403)
    upload = request.FILES.get("upload")
    if upload is None:
        return upload_error(_("Choose an image to upload."), 400)
    try:
        ImageUploadValidator()(upload)
    except ValidationError as error:
        return upload_error(" ".join(error.messages), 400)
    return ckeditor_upload_file(request)  # extension check, random-name storage
