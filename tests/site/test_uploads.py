"""Image uploads: the CKEditor 5 endpoint and the condition's hero image. Real images, made with Pillow."""

import os
import struct
import zlib
from io import BytesIO
from pathlib import Path, PurePosixPath

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conditions.models import Condition

from ..factories import StaffUserFactory
from ..helpers import admin_form_data, admin_url, browser_client, form_errors, png_file, press

UPLOAD_URL_NAME = "ck_editor_5_upload_file"


def big_png(name="scan.png", megabytes=6):
    """A real PNG of random pixels: random data barely compresses, so the file is about `megabytes` MB."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 8
    buffer = BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG", compress_level=0)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_png(name="photo.png"):
    """An HTML file that only says it is a PNG."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="image/png")


def upload(client, file):
    return client.post(reverse(UPLOAD_URL_NAME), {"upload": file})


# --- The CKEditor 5 upload endpoint ----------------------------------------------------------------------


def test_anonymous_upload_is_refused(client, media_root):
    response = upload(client, png_file())
    assert response.status_code == 403
    assert "permission" in response.json()["error"]["message"]
    assert not media_root.exists() or not any(media_root.rglob("*.png"))


def test_non_staff_upload_is_refused(db, login, media_root):
    patient = StaffUserFactory(is_staff=False)
    response = upload(login(patient), png_file())
    assert response.status_code == 403
    assert not media_root.exists() or not any(media_root.rglob("*.png"))


def test_upload_needs_a_csrf_token(media_root, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert upload(client, png_file()).status_code == 403


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_staff_upload_is_stored_under_a_random_name(db, request, login, media_root, role):
    client = login(request.getfixturevalue(role))
    response = upload(client, png_file("Patient Jane Doe MRI.png"))

    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(f"{settings.MEDIA_URL}editor/")
    name = PurePosixPath(url).name
    assert name.endswith(".png")
    assert "jane" not in name.lower() and "mri" not in name.lower() and "patient" not in name.lower()
    assert len(PurePosixPath(name).stem) >= 16
    stored = Path(settings.MEDIA_ROOT) / "editor" / name
    assert stored.is_file()
    assert Image.open(stored).format == "PNG"


def test_two_uploads_of_the_same_file_get_different_names(login, editor):
    client = login(editor)
    first = upload(client, png_file("same.png")).json()["url"]
    second = upload(client, png_file("same.png")).json()["url"]
    assert first != second


def test_html_renamed_png_is_refused(login, editor, media_root):
    response = upload(login(editor), fake_png())
    assert response.status_code == 400
    assert response.json() == {
        "error": {"message": "This file is not an image. Upload a JPEG, PNG, GIF or WebP image."}
    }
    assert not (media_root / "editor").exists() or not any((media_root / "editor").iterdir())


def test_real_image_with_a_non_image_extension_is_refused(login, editor, media_root):
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    response = upload(login(editor), SimpleUploadedFile("page.html", buffer.getvalue(), content_type="text/html"))
    assert response.status_code == 400
    assert "extension" in response.json()["error"]["message"]
    assert not (media_root / "editor").exists() or not any((media_root / "editor").iterdir())


@pytest.mark.parametrize("image_format", ["TIFF", "BMP"])
def test_upload_of_another_image_format_named_png_is_refused(login, editor, media_root, image_format):
    buffer = BytesIO()
    Image.new("RGB", (20, 20), (10, 20, 30)).save(buffer, format=image_format)
    response = upload(login(editor), SimpleUploadedFile("diagram.png", buffer.getvalue(), content_type="image/png"))
    assert response.status_code == 400
    assert not (media_root / "editor").exists() or not any((media_root / "editor").iterdir())


def test_upload_over_the_size_limit_is_refused(login, editor, media_root):
    limit = settings.CKEDITOR_5_MAX_FILE_SIZE
    assert limit == settings.MAX_IMAGE_UPLOAD_MB  # one limit for both kinds of upload
    response = upload(login(editor), big_png(megabytes=limit + 1))
    assert response.status_code == 400
    assert f"the limit is {limit} MB. Please upload a smaller image." in response.json()["error"]["message"]
    assert not (media_root / "editor").exists() or not any((media_root / "editor").iterdir())


# --- The hero image, through the admin ---------------------------------------------------------------------


def condition_with_image(client, image, **changes):
    fields = {
        "name": "Sciatica",
        "slug": "sciatica",
        "summary": "Pain along the sciatic nerve.",
        "body_region": "leg-foot",
        "overview": "<p>Pain that runs from the low back down one leg.</p>",
        "hero_image": image,
        "hero_image_alt": "Diagram of the sciatic nerve running down the back of the leg",
    }
    return admin_form_data(client.get(admin_url(Condition, "add")), **(fields | changes))


def test_hero_image_is_stored_under_heroes_with_a_random_name(login, reviewer, media_root):
    client = login(reviewer)
    response = client.post(admin_url(Condition, "add"), condition_with_image(client, png_file("Jane Doe scan.png")))
    assert response.status_code == 302

    image = Condition.objects.get(slug="sciatica").hero_image
    path = PurePosixPath(image.name)
    assert path.parts[0] == "heroes"
    assert path.suffix == ".png"
    assert "jane" not in path.name.lower() and "scan" not in path.name.lower()
    assert (Path(settings.MEDIA_ROOT) / image.name).is_file()
    assert (image.width, image.height) == (40, 30)


def test_non_image_hero_is_refused_with_a_form_error(login, reviewer, media_root):
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(Condition, "add"), condition_with_image(client, fake_png())))
    assert "Upload a valid image" in errors["hero_image"][0]
    assert not Condition.objects.exists()
    assert not (media_root / "heroes").exists()


def test_oversized_hero_is_refused_with_the_size_message(login, reviewer, media_root, settings):
    settings.MAX_IMAGE_UPLOAD_MB = 1  # read when the validator runs, so a small limit keeps the test fast
    client = login(reviewer)
    data = condition_with_image(client, big_png(megabytes=1.5))
    errors = form_errors(client.post(admin_url(Condition, "add"), data))
    message = errors["hero_image"][0]
    assert message.startswith("This image is 1.5 MB; the limit is 1 MB.")
    assert "Please upload a smaller image." in message
    assert not Condition.objects.exists()
    assert not (media_root / "heroes").exists()


def test_hero_image_over_the_configured_limit_is_refused(login, reviewer):
    client = login(reviewer)
    data = condition_with_image(client, big_png(megabytes=settings.MAX_IMAGE_UPLOAD_MB + 0.5))
    errors = form_errors(client.post(admin_url(Condition, "add"), data))
    assert f"the limit is {settings.MAX_IMAGE_UPLOAD_MB} MB" in errors["hero_image"][0]


@pytest.mark.parametrize("image_format", ["BMP", "TIFF"])
def test_hero_image_in_another_format_is_refused(login, reviewer, image_format):
    buffer = BytesIO()
    Image.new("RGB", (20, 20), (10, 20, 30)).save(buffer, format=image_format)
    image = SimpleUploadedFile(f"diagram.{image_format.lower()}", buffer.getvalue())
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(Condition, "add"), condition_with_image(client, image)))
    assert "Images must be JPEG, PNG, GIF or WebP" in errors["hero_image"][0]


# --- Issue 10, item 15: who may upload, and decompression bombs ---------------------------------------------------


def many_pixels_png(name="huge.png", size=(8000, 5001)):
    """A real 1-bit PNG just over 40 megapixels: a few kilobytes on disk, 120 MB once decoded as RGB."""
    buffer = BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def bomb_png(name="bomb.png", side=60_000):
    """A 1×1 PNG whose header claims side × side pixels: what a decompression-bomb attack uploads."""
    data = bytearray(png_file(size=(1, 1)).read())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", side, side)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return SimpleUploadedFile(name, bytes(data), content_type="image/png")


PIXEL_MESSAGE = (
    "This image has more than 40 megapixels (for example 8000 × 5000 pixels). Please upload a smaller image."
)


def test_the_read_only_administrator_cannot_upload_images(administrator, media_root):
    client = browser_client(administrator)
    response = press(client, reverse("admin:index"), reverse(UPLOAD_URL_NAME), {"upload": png_file()})
    assert response.status_code == 403
    assert response.json() == {"error": {"message": "You do not have permission to upload files."}}
    assert not media_root.exists() or not any(media_root.rglob("*.png"))


@pytest.mark.parametrize("image", [many_pixels_png, bomb_png], ids=["40-megapixels", "bomb-header"])
def test_an_image_over_40_megapixels_is_refused_in_the_editor(editor, media_root, image):
    client = browser_client(editor)
    response = press(client, admin_url(Condition, "add"), reverse(UPLOAD_URL_NAME), {"upload": image()})
    assert response.status_code == 400
    assert response.json() == {"error": {"message": PIXEL_MESSAGE}}
    assert not (media_root / "editor").exists() or not any((media_root / "editor").iterdir())


def test_an_image_of_exactly_40_megapixels_is_accepted(login, editor, media_root):
    response = upload(login(editor), many_pixels_png(size=(8000, 5000)))
    assert response.status_code == 200, response.json()


def test_a_hero_image_over_40_megapixels_is_refused_with_a_form_error(login, reviewer, media_root):
    client = login(reviewer)
    errors = form_errors(client.post(admin_url(Condition, "add"), condition_with_image(client, many_pixels_png())))
    assert errors["hero_image"] == [PIXEL_MESSAGE]
    assert not Condition.objects.exists()
    assert not (media_root / "heroes").exists()


def test_a_hero_image_is_stored_with_the_extension_of_its_format(login, reviewer, media_root):
    buffer = BytesIO()
    Image.new("RGB", (30, 20), (10, 20, 30)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("Holiday photo.JFIF", buffer.getvalue(), content_type="image/jpeg")
    client = login(reviewer)
    assert client.post(admin_url(Condition, "add"), condition_with_image(client, photo)).status_code == 302
    assert PurePosixPath(Condition.objects.get().hero_image.name).suffix == ".jpg"  # served as an image
