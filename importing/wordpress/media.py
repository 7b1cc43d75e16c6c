"""The old site's images: found in --media-dir (a copy of wp-content/uploads/), checked, copied into MEDIA_ROOT.

Nothing is downloaded: an image the media folder does not have is reported, never fetched from the old site.
"""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image

from clinic.media import ALLOWED_IMAGE_FORMATS, SAFE_MEDIA_TYPES, ImageUploadValidator

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
    """Why the file cannot be an image of the site, by the rules of every upload (clinic.media: size, pixels,
    format), then decoded in full (a damaged file); None when it can. Never raises: a page goes on without it."""
    try:
        with path.open("rb") as handle:
            ImageUploadValidator()(File(handle))
        with Image.open(path) as image:
            image.verify()
    except ValidationError as error:
        return " ".join(error.messages)
    except Exception:  # noqa: BLE001 - whatever Pillow raises on a damaged file, the page is imported without it
        return "This file is not a readable image."
    return None


def image_name(path: Path, name: str) -> str:
    """`name` with the extension of the image's real format (a PNG named diagram.html is stored as diagram.png): a
    stored file's extension decides how it is served, so only image extensions reach the media folder."""
    with Image.open(path) as image:
        suffix = ALLOWED_IMAGE_FORMATS[image.format]
    current = PurePosixPath(name)
    if SAFE_MEDIA_TYPES.get(current.suffix.lower()) == SAFE_MEDIA_TYPES[suffix]:
        return name
    return str(current.with_suffix(suffix))


def store_content_image(path: Path, relative: str) -> tuple[str, bool]:
    """Copy an image into MEDIA_ROOT/wordpress/<relative>; returns (storage name, newly written).

    The name is fixed by the old path (with the image's own extension), so a second import finds the file it copied
    the first time.
    """
    name = image_name(path, str(PurePosixPath(STORAGE_FOLDER) / relative))
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored, path.open("rb") as local:
            if stored.read() == local.read():
                return name, False
    with path.open("rb") as file:
        return default_storage.save(name, File(file)), True
