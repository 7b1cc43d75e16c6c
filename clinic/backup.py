"""Back up and restore the whole site: content, accounts, redirects and uploaded media, in one .tar.gz.

The archive holds `manifest.json` (what and when), `data/*.json` (Django fixtures with natural keys, so they load
into any freshly migrated database, SQLite or PostgreSQL) and `media/...` (every file of the default storage:
MEDIA_ROOT or the S3 bucket). It contains password hashes and two-factor secrets: keep it private.

Restoring goes into an empty, migrated database; over existing content only with `force` (which replaces it). It is
all or nothing: the whole archive is checked first (manifest, every row, every media file: inside the media folder
and a real image), so a damaged or hand-made archive is refused before anything is touched; then the database is
replaced in one transaction, and a failure while writing media rolls it back and puts replaced files back.
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
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.dispatch import Signal

from . import content_version
from .media import SAFE_MEDIA_TYPES, ImageUploadValidator

#: Sent after a restore wrote the rows, inside its transaction (`using`: the database): apps rebuild derived data.
site_restored = Signal()

FORMAT = 1
MANIFEST = "manifest.json"
DATA_FILES = ("data/site.clinicjson", "data/groups.clinicjson")
SERIALIZATION_FORMAT = "clinicjson"  # JSON with microseconds: clinic/backup_serializer.py
MEDIA_PREFIX = "media/"
# What a site is, besides its media: content and its history, who may edit it, redirects, the Site row.
# Groups go on their own with natural primary keys: a migrated database already has the roles, matched by name.
BACKED_UP = (
    "sites",
    "redirects",
    "auth.user",
    "conditions",
    "clinicians",
    "practice",  # the clinic's details, locations and appointment requests
    "accounts",
    "reversion",
    "otp_totp",
    "otp_static",
    "admin.logentry",
)


def _register_format():
    if SERIALIZATION_FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(SERIALIZATION_FORMAT, "clinic.backup_serializer")


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
# Everything is checked before anything is touched (a crafted archive once emptied the site, wrote
# media/heroes/evil.html and only then failed): the archive's format and manifest, every row (it must belong to a
# backed-up model and deserialize), every media name (inside the media folder, an image extension) and every
# media file's content (the upload rules of clinic.media). Only then is the database replaced, in one
# transaction, and the media written; a failure there rolls the database back and puts replaced files back.


def _safe_media_name(name):
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or not relative.parts or any(part in {"", ".", ".."} for part in relative.parts):
        raise BackupError(f"The archive names a file outside the media folder: {name!r}.")
    if "\\" in name or "\x00" in name or name != f"{MEDIA_PREFIX}{relative}":
        raise BackupError(f"The archive names a file with an unsafe name: {name!r}.")
    return str(relative)


def read_archive(path):
    """(manifest, {data file: bytes}, {media name: bytes}) of a readable archive; BackupError otherwise."""
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


def _check_manifest(path, manifest, data, media):
    """The manifest is complete and lists exactly the rows and files the archive holds (a hand-made or cut archive
    does not)."""
    objects, media_files = manifest.get("objects"), manifest.get("media_files")
    if (
        not isinstance(manifest.get("created"), str)
        or not isinstance(objects, dict)
        or not all(isinstance(count, int) for count in objects.values())
        or not isinstance(media_files, int)
    ):
        raise BackupError(f"{path}: manifest.json is incomplete (created, objects and media_files are needed).")
    counts = {}
    for name in DATA_FILES:
        for row in data[name]:
            counts[row["model"]] = counts.get(row["model"], 0) + 1
    if counts != objects:
        differ = sorted(label for label in counts.keys() | objects.keys() if counts.get(label) != objects.get(label))
        label = differ[0]
        raise BackupError(
            f"{path} does not match its manifest: {objects.get(label, 0)} {label} row(s) listed, "
            f"{counts.get(label, 0)} found."
        )
    if media_files != len(media):
        raise BackupError(
            f"{path} does not match its manifest: {media_files} media file(s) listed, {len(media)} found."
        )


def _rows(name, content):
    """The rows of one data file: a JSON list of {"model": "app.model", "fields": {...}} objects."""
    try:
        rows = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(f"{name} is not valid JSON.") from None
    if not isinstance(rows, list):
        raise BackupError(f"{name} is not a list of rows.")
    for number, row in enumerate(rows, start=1):
        if not (isinstance(row, dict) and isinstance(row.get("model"), str) and isinstance(row.get("fields"), dict)):
            raise BackupError(f"{name}, row {number}: not a row of a Django fixture.")
    return rows


def _backed_up(label, data_file):
    """Whether rows of `label` may be in `data_file`: only the models backup_site writes there."""
    if data_file == DATA_FILES[1]:
        return label == "auth.group"
    app_label = label.partition(".")[0]
    return label in BACKED_UP or app_label in BACKED_UP


def _check_rows(raw, data, using):
    """Every row belongs to a backed-up model and deserializes (fields, values, references by natural key)."""
    for name in DATA_FILES:
        for number, row in enumerate(data[name], start=1):
            if not _backed_up(row["model"], name):
                raise BackupError(f"{name}, row {number}: {row['model']} is not part of a site backup.")
        # Read-only: references to rows that are only in the archive are deferred, as loaddata does.
        objects = serializers.deserialize(SERIALIZATION_FORMAT, raw[name], using=using, handle_forward_references=True)
        number = 0
        try:
            with transaction.atomic(using=using):  # a failed natural-key lookup must not abort an outer transaction
                for number, _ in enumerate(objects, start=1):  # noqa: B007 - `number` names the row that fails
                    pass
        except Exception as error:  # noqa: BLE001 - whatever a row fails with, the archive is refused
            reason = " ".join(str(error).split())[:200]
            raise BackupError(f"{name}, row {number + 1}: cannot be restored ({reason}).") from None


def _check_media(media):
    """Every media file is an image with an image extension, within the upload rules (the pixel limit too); the
    size limit in MB is not applied again, as it may have been lowered since the upload."""
    for name, content in media.items():
        if PurePosixPath(name).suffix.lower() not in SAFE_MEDIA_TYPES:
            raise BackupError(f"Media file {name} is not an image (allowed: {', '.join(SAFE_MEDIA_TYPES)}).")
        if not _inside_media_root(name):
            raise BackupError(f"Media file {name} would be written outside the media folder.")
        try:
            ImageUploadValidator.check_content(ContentFile(content, name=name))
        except ValidationError as error:
            raise BackupError(f"Media file {name}: {' '.join(error.messages)}") from None


def _inside_media_root(name):
    """On disk, the resolved path (symbolic links followed) stays under MEDIA_ROOT; a bucket has no such path."""
    try:
        target = Path(default_storage.path(name)).resolve()
    except NotImplementedError:
        return True
    except SuspiciousFileOperation:
        return False
    return target.is_relative_to(Path(default_storage.location).resolve())


def validate_archive(path, using=DEFAULT_DB_ALIAS):
    """(manifest, data, media) once the whole archive has passed every check; BackupError naming the first
    problem otherwise. Touches nothing."""
    manifest, raw, media = read_archive(path)
    _register_format()
    data = {name: _rows(name, raw[name]) for name in DATA_FILES}
    _check_manifest(path, manifest, data, media)
    _check_rows(raw, data, using)
    _check_media(media)
    return manifest, raw, media


def _pages():
    """The models of the backed-up apps that are pages (they have a `published()` queryset)."""
    return [
        model
        for label in BACKED_UP
        if "." not in label and _installed(label)
        for model in apps.get_app_config(label).get_models()
        if hasattr(model._default_manager.all(), "published")
    ]


def existing_content(using=DEFAULT_DB_ALIAS):
    """What a restore would overwrite: a description, or "" when the database holds no content or accounts yet."""
    found = [
        f"{model._default_manager.using(using).count()} {model._meta.verbose_name_plural}"
        for model in (*_pages(), get_user_model())
        if model._default_manager.using(using).exists()
    ]
    return ", ".join(found)


def restore_backup(path, force=False, using=DEFAULT_DB_ALIAS):
    manifest, data, media = validate_archive(path, using)
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

    written, replaced = [], {}
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
            _reindex(using)
            # Last, still inside the transaction: a failed write rolls the rows back, and replaced files are
            # kept in memory until the end so they can be put back.
            for name, content in media.items():
                if default_storage.exists(name):
                    with default_storage.open(name, "rb") as file:
                        replaced[name] = file.read()
                    default_storage.delete(name)
                saved = default_storage.save(name, ContentFile(content))
                written.append(saved)
                if saved != name:
                    raise BackupError(f"Media file {name} could not be written under its own name ({saved}).")
    except BackupError:
        _undo_media(written, replaced)
        raise
    except Exception as error:
        _undo_media(written, replaced)
        reason = " ".join(str(error).split())[:300]
        raise BackupError(f"The restore failed and was rolled back: {reason}") from error

    for cache in caches.all():
        cache.clear()  # cached pages, the security policy, sessions in the cache: all from the old database
    content_version.bump()  # and each process's own copies, kept while Redis is unreachable
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


def _undo_media(written, replaced):
    """Delete the files a failed restore wrote and put back the ones it replaced."""
    for name in written:
        default_storage.delete(name)
    for name, content in replaced.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(content))


def _reindex(using):
    """Let the apps rebuild what is derived from the rows (a search index: a backup from SQLite has none)."""
    site_restored.send(sender=restore_backup, using=using)
