"""Nothing lost: backup_site / restore_site round-trip the demo clinic, and every public page reads the same after."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from clinic import content_version
from clinic.backup import DATA_FILES, flush_database
from conditions.models import Condition, ResearchArticle, Treatment

from ..factories import StaffUserFactory
from ..helpers import png_file
from ..servers import ROOT

pytestmark = pytest.mark.django_db
SITE_DATA = DATA_FILES[0]


@pytest.fixture(autouse=True)
def fresh_content_types():
    """Flushing recreates content types under new ids: never let the cache keep the old ones."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def real_site(demo_clinic, media_root):
    """The demo clinic plus what a real site has: an uploaded hero image, an image in the text, staff, a redirect."""
    condition = Condition.objects.published().order_by("pk").first()
    condition.hero_image.save("spine.png", png_file("spine.png"), save=False)
    condition.hero_image_alt = "An X-ray of the lower spine"
    editor_image = default_storage.save("editor/in-the-text.png", ContentFile(png_file().read()))
    condition.overview += f'<p><img src="/media/{editor_image}" alt="A diagram of the nerve"></p>'
    condition.save()
    StaffUserFactory(role="Medical reviewer", username="reviewer")
    Redirect.objects.create(site_id=1, old_path="/old-page/", new_path=condition.get_absolute_url())
    Site.objects.filter(pk=1).update(domain="www.example-clinic.org", name="Example clinic")
    return condition


def public_urls():
    urls = ["/", "/conditions/", "/treatments/", "/research/", "/sitemap.xml", "/robots.txt", "/search/?q=pain"]
    for model in (Condition, Treatment, ResearchArticle):
        urls += [page.get_absolute_url() for page in model.objects.published()]
    return urls


# Per response by design: the CSP nonce of inline JSON-LD (and a CSRF token, should a public page ever get one).
PER_RESPONSE = re.compile(rb'(nonce="|name="csrfmiddlewaretoken" value=")[^"]*"')


def render_site(client):
    """{url: (status, body)} of every public page, plus the old address that redirects."""
    pages = {url: client.get(url) for url in public_urls()}
    assert all(response.status_code == 200 for response in pages.values())
    pages["/old-page/"] = client.get("/old-page/")
    return {url: (response.status_code, PER_RESPONSE.sub(rb'\1"', response.content)) for url, response in pages.items()}


def media_files(root):
    root = Path(root)
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def empty_the_site(media_root):
    flush_database("default")  # as restore_site --force does it (PostgreSQL needs the pending checks run first)
    shutil.rmtree(media_root, ignore_errors=True)


def test_backup_and_restore_round_trip_every_public_page_and_file(client, real_site, media_root, tmp_path):
    before = render_site(client)
    files_before = media_files(media_root)
    assert len(files_before) == 2
    reviewer_password = Condition._meta.apps.get_model("auth", "User").objects.get(username="reviewer").password

    archive = tmp_path / "clinic.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds password hashes: private to its owner"

    empty_the_site(media_root)
    assert not Condition.objects.exists() and client.get(real_site.get_absolute_url()).status_code == 404
    version = content_version.current()

    call_command("restore_site", str(archive), stdout=io.StringIO())

    # Each process's own page copies (kept while Redis is unreachable) are no longer served.
    assert content_version.current() != version
    after = render_site(client)
    assert after.keys() == before.keys()
    for url, page in before.items():
        assert after[url] == page, f"{url} differs after the restore"
    assert media_files(media_root) == files_before
    User = Condition._meta.apps.get_model("auth", "User")
    assert User.objects.get(username="reviewer").password == reviewer_password
    assert set(User.objects.get(username="reviewer").groups.values_list("name", flat=True)) == {"Medical reviewer"}
    assert Group.objects.get(name="Editor").permissions.exists()


def test_restore_refuses_to_overwrite_content_unless_forced(client, real_site, media_root, tmp_path):
    archive = tmp_path / "clinic.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    real_site.name = "Changed after the backup"
    real_site.save()

    with pytest.raises(CommandError, match="already holds content"):
        call_command("restore_site", str(archive), stdout=io.StringIO())
    assert Condition.objects.filter(name="Changed after the backup").exists()

    call_command("restore_site", str(archive), "--force", stdout=io.StringIO())
    assert not Condition.objects.filter(name="Changed after the backup").exists()
    assert client.get(real_site.get_absolute_url()).status_code == 200


def tar_with(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def valid_members(tmp_path, real_site):
    archive = tmp_path / "good.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as opened:
        return {member.name: opened.extractfile(member).read() for member in opened}


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda members: {"notes.txt": b"hello"}, "unexpected file"),
        (lambda members: {**members, "media/../../etc/cron.d/x": b"* * * * * root id"}, "outside the media folder"),
        (lambda members: {**members, "manifest.json": b"{not json"}, "not valid JSON"),
        (lambda members: {**members, "manifest.json": b'{"format": 99}'}, "not a backup made by backup_site"),
        (lambda members: {k: v for k, v in members.items() if k != SITE_DATA}, "incomplete"),
    ],
    ids=["foreign file", "path traversal", "bad manifest", "other format", "missing data"],
)
def test_a_damaged_or_hostile_archive_is_refused_before_anything_changes(tmp_path, real_site, damage, message):
    members = damage(valid_members(tmp_path, real_site))
    bad = tmp_path / "bad.tar.gz"
    tar_with(bad, members)
    empty_the_site(default_storage.location)
    with pytest.raises(CommandError, match=message):
        call_command("restore_site", str(bad), stdout=io.StringIO())
    assert not Condition.objects.exists()
    assert not Path("/etc/cron.d/x").exists()


def test_a_restore_that_fails_half_way_leaves_nothing_behind(tmp_path, real_site, media_root):
    members = valid_members(tmp_path, real_site)
    rows = json.loads(members[SITE_DATA])
    rows.append({"model": "conditions.condition", "pk": 999999, "fields": {"name": "x", "slug": None}})
    members[SITE_DATA] = json.dumps(rows).encode()
    bad = tmp_path / "bad.tar.gz"
    tar_with(bad, with_manifest_counts(members))  # listed in the manifest: the row fails only when inserted
    empty_the_site(media_root)

    with pytest.raises(CommandError, match="rolled back"):
        call_command("restore_site", str(bad), stdout=io.StringIO())
    assert not Condition.objects.exists() and not Treatment.objects.exists()
    assert media_files(media_root) == {}


@pytest.mark.parametrize("content", [b"", b"not a tar file at all", b"\x1f\x8b\x08\x00truncated gzip"])
def test_garbage_is_refused_with_a_clear_message(tmp_path, content):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore_site", str(bad), stdout=io.StringIO())


def test_a_missing_archive_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore_site", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())


# --- Issue 10, item 12: a bad archive changes nothing, even with --force -------------------------------------------


def site_state(media_root):
    """What a bad restore must leave as it was: accounts, pages and every media file."""
    User = Condition._meta.apps.get_model("auth", "User")
    return (
        sorted(User.objects.values_list("username", "password", "is_superuser")),
        sorted(Condition.objects.values_list("slug", "status", "updated_at")),
        sorted(Treatment.objects.values_list("slug", "updated_at")),
        sorted(ResearchArticle.objects.values_list("slug", "updated_at")),
        media_files(media_root),
    )


def restore_forced(archive):
    """restore_site --force as cron or an operator runs it: (exit status, the line it prints on stderr)."""
    try:
        call_command("restore_site", str(archive), "--force", stdout=io.StringIO())
    except CommandError as error:
        return error.returncode, f"CommandError: {error}"
    return 0, ""


def html_page():
    return b"<html><script>alert(document.cookie)</script></html>"


def rows_with(members, model, **fields):
    rows = json.loads(members[SITE_DATA])
    rows.append({"model": model, "fields": fields})
    return json.dumps(rows).encode()


CRAFTED = {
    # As reported: a bare manifest, no rows at all, an HTML page among the media. The old code emptied the site,
    # wrote the page, then crashed reading the manifest.
    "bare manifest, empty data, html media": lambda members: {
        "manifest.json": b'{"format": 1}',
        "data/site.clinicjson": b"[]",
        "data/groups.clinicjson": b"[]",
        "media/heroes/evil.html": html_page(),
    },
    "object that fails to deserialize": lambda members: {
        **members,
        SITE_DATA: rows_with(members, "conditions.researcharticle", title="x", slug="x", year="not a year"),
    },
    "unknown model": lambda members: {**members, SITE_DATA: rows_with(members, "conditions.nosuchthing", name="x")},
    "model that is not backed up": lambda members: {
        **members,
        SITE_DATA: rows_with(members, "sessions.session", session_key="x", session_data="y", expire_date=None),
    },
    "rows not matching the manifest": lambda members: {
        **members,
        SITE_DATA: json.dumps(json.loads(members[SITE_DATA])[:5]).encode(),
    },
    "media path escaping the root": lambda members: {**members, "media/heroes/../../../evil.png": png_file().read()},
    "absolute media path": lambda members: {**members, "media//tmp/evil.png": png_file().read()},
    "html named as an image": lambda members: {**members, "media/heroes/condition/evil.png": html_page()},
    "real image named .html": lambda members: {**members, "media/heroes/evil.html": png_file().read()},
    "image over 40 megapixels": lambda members: {**members, "media/editor/huge.png": huge_png()},
}


def huge_png():
    buffer = io.BytesIO()
    Image.new("1", (8000, 5001)).save(buffer, format="PNG")
    return buffer.getvalue()


def with_manifest_counts(members):
    """Keep the manifest's counts in step with hand-made rows, so the test reaches the check it is about."""
    if "manifest.json" not in members or SITE_DATA not in members:
        return members
    manifest = json.loads(members["manifest.json"])
    if "objects" not in manifest:
        return members
    counts = {}
    for name in DATA_FILES:
        for row in json.loads(members.get(name, b"[]")):
            counts[row["model"]] = counts.get(row["model"], 0) + 1
    manifest["objects"] = counts
    manifest["media_files"] = sum(name.startswith("media/") for name in members)
    return {**members, "manifest.json": json.dumps(manifest).encode()}


@pytest.mark.parametrize("craft", CRAFTED.values(), ids=CRAFTED.keys())
def test_a_crafted_archive_is_refused_with_force_and_changes_nothing(tmp_path, real_site, media_root, craft):
    members = valid_members(tmp_path, real_site)
    crafted = craft(members)
    if craft is not CRAFTED["rows not matching the manifest"]:
        crafted = with_manifest_counts(crafted)
    bad = tmp_path / "crafted.tar.gz"
    tar_with(bad, crafted)
    before = site_state(media_root)

    status, line = restore_forced(bad)

    assert status != 0
    assert line.startswith("CommandError: ") and "\n" not in line and len(line) < 400, line
    assert site_state(media_root) == before
    assert not (Path(media_root) / "heroes" / "evil.html").exists()
    assert not Path("/tmp/evil.png").exists() and not (Path(media_root).parent / "evil.png").exists()


def test_a_truncated_archive_is_refused_with_force_and_changes_nothing(tmp_path, real_site, media_root):
    archive = tmp_path / "clinic.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    before = site_state(media_root)

    status, line = restore_forced(truncated)

    assert status != 0 and "not a readable backup archive" in line
    assert site_state(media_root) == before


def test_restore_site_exits_non_zero_with_one_readable_line(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00truncated gzip")
    result = subprocess.run(
        [sys.executable, "manage.py", "restore_site", str(bad), "--force"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"CommandError: {bad} is not a readable backup archive"), result.stderr


def test_a_failed_media_write_puts_the_replaced_files_back(tmp_path, real_site, media_root, monkeypatch):
    archive = tmp_path / "clinic.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    hero = Path(media_root) / real_site.hero_image.name
    hero.write_bytes(png_file(size=(12, 12)).read())  # changed since the backup: --force replaces it
    before = site_state(media_root)

    original_save = default_storage.save
    saved = []

    def save_then_fail(name, content, **kwargs):
        saved.append(name)
        if len(saved) == 2:
            raise OSError("disk full")
        return original_save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", save_then_fail)
    status, line = restore_forced(archive)

    assert status != 0 and "disk full" in line
    assert site_state(media_root) == before
