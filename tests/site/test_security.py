"""Hardened by default: security headers on every response, secure cookies, safe uploads, quiet error pages.

The values under test are production's own: `prod_settings` reads them from `clinic.settings.prod` in a
subprocess (production refuses to start without its secrets, and importing it here would change this process's
settings), and the tests apply them with the `settings` fixture.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import django
import pytest

from clinic.media import random_name
from clinic.storages import MediaStorage
from clinic.views import serve_media

from ..factories import PASSWORD, ConditionFactory, StaffUserFactory
from ..servers import ROOT, settings_in_subprocess

TRUSTED_ORIGIN = "https://www.example-clinic.org"
PROD_SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CSP",
    "SECURE_CSP_ADMIN",
    "PERMISSIONS_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_TRUSTED_ORIGINS",
]


@pytest.fixture(scope="module")
def prod_settings():
    return settings_in_subprocess(PROD_SECURITY_SETTINGS, CSRF_TRUSTED_ORIGINS=TRUSTED_ORIGIN)


@pytest.fixture
def production(settings, prod_settings):
    """This process, with production's security settings (tuples came back from JSON as lists)."""
    for name, value in prod_settings.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return settings


def directives(policy):
    return {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";")}


pytestmark = pytest.mark.django_db


# --- Headers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/conditions/", "/conditions/sciatica/", "/search/?q=back", "/robots.txt"])
def test_public_responses_carry_every_security_header(client, production, path):
    ConditionFactory(slug="sciatica")
    response = client.get(path, secure=True)
    assert response.status_code == 200

    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    parts = directives(policy)
    assert parts["default-src"] == "default-src 'self'"
    assert parts["frame-ancestors"] == "frame-ancestors 'none'"
    assert parts["object-src"] == "object-src 'none'"
    assert "upgrade-insecure-requests" in parts

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions
    assert len(response["X-Request-ID"]) == 32


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/conditions/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/conditions/"


def test_the_admin_has_its_own_policy_and_stays_out_of_search_engines(client, production):
    public = directives(client.get("/", secure=True)["Content-Security-Policy"])
    response = client.get("/admin/login/", secure=True)
    admin = directives(response["Content-Security-Policy"])
    assert admin != public
    assert admin["style-src-attr"] == "style-src-attr 'unsafe-inline'"  # CKEditor 5 positions panels with style=""
    assert "'unsafe-inline'" not in admin["script-src"] and "'unsafe-inline'" not in admin["style-src"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert admin["frame-ancestors"] == "frame-ancestors 'none'"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "'nonce-" in admin["script-src"]  # the admin's <script> tags carry the per-request nonce


def test_cookies_are_secure_and_http_only(client, production):
    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

    user = StaffUserFactory(role="Editor")
    response = client.post(
        "/admin/login/",
        {"username": user.username, "password": PASSWORD, "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_csrf_trusted_origins_come_from_the_environment(prod_settings):
    assert prod_settings["CSRF_TRUSTED_ORIGINS"] == [TRUSTED_ORIGIN]


def test_public_pages_are_never_framed_and_run_no_inline_script(client):
    ConditionFactory(slug="sciatica")
    page = client.get("/conditions/sciatica/").content.decode()
    # Only JSON-LD data blocks, which script-src does not govern: the public policy needs no nonce.
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all(tag == '<script type="application/ld+json">' for tag in scripts)
    assert " style=" not in page and "<style" not in page


# --- Error pages ---------------------------------------------------------------------------------------------


def test_a_crash_answers_a_plain_500_without_a_trace_or_a_version(client, production, monkeypatch):
    def crash(query):
        raise RuntimeError("secret detail of the crash")

    monkeypatch.setattr("conditions.views.search_site", crash)
    client.raise_request_exception = False
    response = client.get("/search/?q=back", secure=True)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, something went wrong" in page
    for leak in ("Traceback", "secret detail", "RuntimeError", django.get_version(), "Django", "Python"):
        assert leak not in page
    assert "Server" not in response.headers
    assert response["Content-Security-Policy"]


def test_unknown_pages_answer_the_branded_404_without_details(client, production):
    response = client.get("/conditions/../../etc/passwd", secure=True)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert "Traceback" not in response.content.decode() and "urlpatterns" not in response.content.decode()


# --- Configurable admin address ----------------------------------------------------------------------------


def test_the_admin_can_move_and_robots_txt_follows_it(tmp_path):
    code = (
        "from django.test import Client; from django.urls import reverse; c = Client(); "
        "print(reverse('admin:index'), c.get('/staff-area/login/').status_code, c.get('/admin/login/').status_code); "
        "print(c.get('/robots.txt').content.decode())"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.test",
        ADMIN_URL="/staff-area/",
        LOG_LEVEL="ERROR",
        DATABASE_URL=f"sqlite:///{tmp_path / 'admin-path.sqlite3'}",  # its own database, migrated here
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "/staff-area/ 200 404" in result.stdout
    assert "Disallow: /staff-area/" in result.stdout


# --- Uploads --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "original,suffix",
    [
        ("scan.PNG", ".png"),
        ("photo.jpeg", ".jpeg"),
        ("diagram.webp", ".webp"),
        ("page.html", ".bin"),
        ("vector.svg", ".bin"),
        ("shell.php", ".bin"),
        ("archive.png.html", ".bin"),
        ("noext", ".bin"),
    ],
)
def test_stored_uploads_keep_only_an_image_extension(original, suffix):
    name = random_name(original, "editor")
    assert name.startswith("editor/") and name.endswith(suffix)
    assert Path(original).stem not in name


@pytest.mark.parametrize(
    "name,content_type,attachment",
    [
        ("heroes/condition/a.png", "image/png", False),
        ("editor/b.JPG", "image/jpeg", False),
        ("editor/c.html", "application/octet-stream", True),
        ("editor/d.svg", "application/octet-stream", True),
        ("editor/e.bin", "application/octet-stream", True),
    ],
)
def test_media_are_served_as_images_or_downloads_never_as_pages(rf, tmp_path, name, content_type, attachment):
    file = tmp_path / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"<html><script>alert(1)</script></html>")

    response = serve_media(rf.get(f"/media/{name}"), name, document_root=tmp_path)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (response.get("Content-Disposition") == "attachment") is attachment
    assert response._csp_config["sandbox"] is True
    response.close()


@pytest.mark.parametrize(
    "name,expected",
    [
        ("heroes/condition/a.png", {"ContentType": "image/png"}),
        ("editor/b.webp", {"ContentType": "image/webp"}),
        ("editor/c.html", {"ContentType": "application/octet-stream", "ContentDisposition": "attachment"}),
    ],
)
def test_bucket_objects_get_their_content_type_from_us_not_from_the_uploader(name, expected):
    # No network: parameters are computed before anything is sent.
    assert MediaStorage(bucket_name="clinic-media").get_object_parameters(name) == expected


def test_an_s3_bucket_is_used_when_one_is_configured():
    names = ["STORAGES", "CKEDITOR_5_FILE_STORAGE", "SECURE_CSP", "AWS_S3_FILE_OVERWRITE", "AWS_DEFAULT_ACL"]
    with_bucket = settings_in_subprocess(
        names, AWS_STORAGE_BUCKET_NAME="clinic-media", AWS_S3_CUSTOM_DOMAIN="media.example-clinic.org"
    )
    assert with_bucket["STORAGES"]["default"]["BACKEND"] == "clinic.storages.MediaStorage"
    assert (
        with_bucket["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert with_bucket["CKEDITOR_5_FILE_STORAGE"] == "clinic.storages.EditorUploadStorage"
    assert "https://media.example-clinic.org" in with_bucket["SECURE_CSP"]["img-src"]
    assert with_bucket["AWS_S3_FILE_OVERWRITE"] is False and with_bucket["AWS_DEFAULT_ACL"] is None

    without = settings_in_subprocess(["STORAGES", "CKEDITOR_5_FILE_STORAGE"])
    assert without["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert without["CKEDITOR_5_FILE_STORAGE"] == "clinic.media.RandomNameStorage"


def test_media_are_not_served_by_django_in_production(client, production):
    assert client.get("/media/editor/anything.png", secure=True).status_code == 404


def test_a_client_request_id_is_kept_when_it_looks_like_one(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"] == "lb-1234abcd"
    for forged in ("<script>", "abcdefgh\n", "x" * 65):
        replaced = client.get("/healthz", headers={"X-Request-ID": forged})["X-Request-ID"]
        assert replaced != forged and len(replaced) == 32
