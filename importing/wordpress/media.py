"""The old site's images: found in --media-dir (a copy of wp-content/uploads/), checked, copied into MEDIA_ROOT.

Nothing is downloaded: an image the media folder does not have is reported, never fetched from the old site.
"""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from clinic.media import ALLOWED_IMAGE_FORMATS

UPLOADS_PATH = re.compile(r"/wp-content/uploads/(?P<path>.+)$")
# WordPress's resized copies: photo-300x200.jpg is a size of photo.jpg.
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)
STORAGE_FOLDER = "wordpress"


def uploads_path(url: str) -> str | None:
    """The path under uploads/: ".../wp-content/uploads/2019/04/a.png" -> "2019/04/a.png"; else None."""
    match = UPLOADS_PATH.search(unquote(urlsplit(url).path))
    return match["path"] if match else None


def attachment_path(item) -> str:
    """Where an attachment item's file lives under uploads/ (`_wp_attached_file`, else from its URL)."""
    return item.meta.get("_wp_attached_file") or uploads_path(item.attachment_url) or ""


class MediaDir:
    def __init__(self, root: Path | None):
        self.root = Path(root).resolve() if root else None

    def find(self, relative: str) -> Path | None:
        """The file for `relative` (or its full-size original), never outside the folder."""
        if self.root is None or not relative:
            return None
        for candidate in dict.fromkeys([relative, SIZE_SUFFIX.sub("", relative)]):
            path = (self.root / candidate).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return path
        return None

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def image_problem(path: Path) -> str | None:
    """Why the file cannot be an image of the site (the upload rules: format and size), or None."""
    limit = settings.MAX_IMAGE_UPLOAD_MB
    if path.stat().st_size > limit * 1024 * 1024:
        return f"larger than {limit} MB"
    try:
        with Image.open(path) as image:
            image.verify()
            image_format = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "not a readable image"
    if image_format not in ALLOWED_IMAGE_FORMATS:
        return f"a {image_format} image (JPEG, PNG, GIF or WebP only)"
    return None


def store_content_image(path: Path, relative: str) -> tuple[str, bool]:
    """Copy an image into MEDIA_ROOT/wordpress/<relative>; returns (storage name, newly written).

    The name is fixed by the old path, so a second import finds the file it copied the first time.
    """
    name = str(PurePosixPath(STORAGE_FOLDER) / relative)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored, path.open("rb") as local:
            if stored.read() == local.read():
                return name, False
    with path.open("rb") as file:
        return default_storage.save(name, File(file)), True
