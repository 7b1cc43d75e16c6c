"""An uploaded citation file waiting between the admin's preview and its confirmation.

The text is kept in a file under CITATION_IMPORT_DIR (default: the system's temp folder) with a random name; the
confirmation form carries a signed token naming that file, the user and the options, valid for an hour. Nothing
large goes into the session (saved on every request). With several app servers, point CITATION_IMPORT_DIR at a
folder they share, or keep the admin on one server.
"""

import json
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core import signing

SALT = "conditions.citation-import"
MAX_AGE = 3600


class PendingImportGone(Exception):
    """The token is invalid, expired, someone else's, or its file was already imported."""


def folder() -> Path:
    path = Path(settings.CITATION_IMPORT_DIR or Path(tempfile.gettempdir()) / "clinic-citation-imports")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _remove_stale(path: Path):
    cutoff = time.time() - 2 * MAX_AGE
    for stale in path.glob("*.json"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except OSError:
            continue  # removed by another process meanwhile


def save(user, *, name, format_name, text, options) -> str:
    """Keep the file; return the signed token for the confirmation form."""
    path = folder()
    _remove_stale(path)
    key = secrets.token_hex(16)
    data = {"name": name, "format": format_name, "text": text, "options": options}
    (path / f"{key}.json").write_text(json.dumps(data), encoding="utf-8")
    return signing.dumps({"key": key, "user": user.pk}, salt=SALT)


def load(token: str, user) -> dict:
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise PendingImportGone from None
    if value.get("user") != user.pk or not str(value.get("key", "")).isalnum():
        raise PendingImportGone
    try:
        return json.loads((folder() / f"{value['key']}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise PendingImportGone from None


def discard(token: str):
    try:
        key = signing.loads(token, salt=SALT)["key"]
    except (signing.BadSignature, KeyError, TypeError):
        return
    if str(key).isalnum():
        (folder() / f"{key}.json").unlink(missing_ok=True)
