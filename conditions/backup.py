"""Back up and restore the whole site: content, accounts, redirects and uploaded media, in one .tar.gz.

The archive holds `manifest.json` (what and when), `data/*.json` (Django fixtures with natural keys, so they load
into any freshly migrated database, SQLite or PostgreSQL) and `media/...` (every file of the default storage:
MEDIA_ROOT or the S3 bucket). It contains password hashes and two-factor secrets: keep it private.

Restoring goes into an empty, migrated database; over existing content only with `force` (which first empties the
database). It is all or nothing: the database is loaded in one transaction, media files written by a failed
restore are deleted again, and a damaged or hand-made archive is refused before anything is touched.
"""

import io
import json
import os
import tarfile
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
DATA_FILES = ("data/site.clinicjson", "data/groups.clinicjson")
SERIALIZATION_FORMAT = "clinicjson"  # JSON with microseconds: conditions/backup_serializer.py
MEDIA_PREFIX = "media/"
# What a site is, besides its media: content and its history, who may edit it, redirects, the Site row.
# Groups go on their own with natural primary keys: a migrated database already has the roles, matched by name.
BACKED_UP = (
    "sites",
    "redirects",
    "auth.user",
    "conditions",
    "accounts",
    "reversion",
    "otp_totp",
    "otp_static",
    "admin.logentry",
)


def _register_format():
    if SERIALIZATION_FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(SERIALIZATION_FORMAT, "conditions.backup_serializer")


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why. Nothing was changed."""


def _labels():
    labels = []
    for label in BACKED_UP:
        app_label, _, model_name = label.partition(".")
        if not _installed(app_label):
            continue
        if model_name:
            try:
                apps.get_model(app_label, model_name)
            except LookupError:
                continue
        labels.append(label)
    return labels


def _installed(app_label):
    try:
        apps.get_app_config(app_label)
    except LookupError:
        return False
    return True


def _media_files(storage, directory=""):
    """Every file name in `storage` under `directory`, recursively."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from _media_files(storage, f"{directory}/{sub}" if directory else sub)


def _applied_migrations(using):
    recorder = MigrationRecorder(connections[using])
    latest = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        latest[app_label] = max(latest.get(app_label, ""), name)
    return latest


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(output, using=DEFAULT_DB_ALIAS):
    """Write the archive to `output` (written aside and renamed, so a failed backup leaves no half file)."""
    output = Path(output)
    partial = output.with_name(f".{output.name}.partial")
    labels = _labels()
    _register_format()
    with tempfile.TemporaryDirectory(prefix="clinic-backup-") as scratch:
        site_json, groups_json = (Path(scratch, PurePosixPath(name).name) for name in DATA_FILES)
        connection = connections[using]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):  # one consistent snapshot (repeatable read on PostgreSQL)
            if outermost and connection.vendor == "postgresql":
                connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            dump = {"format": SERIALIZATION_FORMAT, "natural_foreign": True, "database": using, "verbosity": 0}
            call_command("dumpdata", *labels, output=str(site_json), **dump)
            call_command("dumpdata", "auth.group", natural_primary=True, output=str(groups_json), **dump)
        counts = {}
        for path in (site_json, groups_json):
            for row in json.loads(path.read_text()):
                counts[row["model"]] = counts.get(row["model"], 0) + 1

        media = list(_media_files(default_storage))
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "django": django.get_version(),
            "database": connections[using].vendor,
            "migrations": _applied_migrations(using),
            "objects": counts,
            "media_files": len(media),
        }
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                _add_bytes(archive, DATA_FILES[0], site_json.read_bytes())
                _add_bytes(archive, DATA_FILES[1], groups_json.read_bytes())
                for name in media:
                    with default_storage.open(name, "rb") as file:
                        _add_bytes(archive, f"{MEDIA_PREFIX}{name}", file.read())
            os.chmod(partial, 0o600)  # password hashes and two-factor secrets inside
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- Restore -----------------------------------------------------------------------------------------------


def _safe_media_name(name):
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or not relative.parts or any(part in {"", ".", ".."} for part in relative.parts):
        raise BackupError(f"The archive names a file outside the media folder: {name!r}.")
    if "\\" in name or "\x00" in name:
        raise BackupError(f"The archive names a file with an unsafe name: {name!r}.")
    return str(relative)


def read_archive(path):
    """(manifest, {data file: bytes}, {media name: bytes}) of a valid archive; BackupError otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    data, media = {}, {}
    manifest = None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile():
                    raise BackupError(f"The archive holds {member.name!r}, which is not a plain file.")
                content = archive.extractfile(member).read()
                if member.name == MANIFEST:
                    manifest = json.loads(content)
                elif member.name in DATA_FILES:
                    data[member.name] = content
                elif member.name.startswith(MEDIA_PREFIX):
                    media[_safe_media_name(member.name)] = content
                else:
                    raise BackupError(f"The archive holds an unexpected file: {member.name!r}.")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}).") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(f"{path}: manifest.json is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup made by backup_site (format {FORMAT}).")
    missing = [name for name in DATA_FILES if name not in data]
    if missing:
        raise BackupError(f"{path} is incomplete: {', '.join(missing)} missing.")
    return manifest, data, media


def existing_content(using=DEFAULT_DB_ALIAS):
    """What a restore would overwrite: a description, or "" when the database holds no content or accounts yet."""
    from .models import Condition, ResearchArticle, Treatment

    found = [
        f"{model.objects.using(using).count()} {model._meta.verbose_name_plural}"
        for model in (Condition, Treatment, ResearchArticle, get_user_model())
        if model.objects.using(using).exists()
    ]
    return ", ".join(found)


def restore_backup(path, force=False, using=DEFAULT_DB_ALIAS):
    manifest, data, media = read_archive(path)
    _register_format()
    present = existing_content(using)
    if present and not force:
        raise BackupError(
            f"The database already holds content ({present}). Restore into an empty, migrated database, "
            "or pass --force to replace everything in it."
        )
    clashing = [name for name in media if default_storage.exists(name)]
    if clashing and not force:
        raise BackupError(
            f"{len(clashing)} media file(s) already exist (e.g. {clashing[0]}); pass --force to replace them."
        )

    written = []
    try:
        with transaction.atomic(using=using), tempfile.TemporaryDirectory(prefix="clinic-restore-") as scratch:
            if present:
                flush_database(using)
            fixtures = []
            for name in DATA_FILES:
                fixture = Path(scratch, PurePosixPath(name).name)
                fixture.write_bytes(data[name])
                fixtures.append(str(fixture))
            call_command("loaddata", *fixtures, database=using, verbosity=0)
            for name, content in media.items():
                if default_storage.exists(name):
                    default_storage.delete(name)
                saved = default_storage.save(name, ContentFile(content))
                written.append(saved)
                if saved != name:
                    raise BackupError(f"Media file {name} could not be written under its own name ({saved}).")
            _reindex(using)
    except BackupError:
        _delete(written)
        raise
    except Exception as error:
        _delete(written)
        raise BackupError(f"The restore failed and was rolled back: {error}") from error

    for cache in caches.all():
        cache.clear()  # cached pages, the security policy, sessions in the cache: all from the old database
    return manifest


def flush_database(using):
    """Empty every table. PostgreSQL refuses to TRUNCATE while deferred foreign-key checks are pending, so they
    are run first; they are deferred again for loaddata, which inserts rows in any order."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, database=using, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _delete(names):
    for name in names:
        default_storage.delete(name)


def _reindex(using):
    """Recompute the full-text index of every page (a backup from SQLite has none) when search keeps one."""
    try:
        from .search import update_search_vector
    except ImportError:
        return
    from .models import Condition, ResearchArticle, Treatment

    for model in (Condition, Treatment, ResearchArticle):
        for page in model.objects.using(using).only("pk"):
            update_search_vector(page)
