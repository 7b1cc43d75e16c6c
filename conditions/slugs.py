"""Page addresses: the one rule for making a slug that no other page uses."""

from django.utils.text import slugify

MAX_LENGTH = 200


def unique_slug(text, taken, *, max_length=MAX_LENGTH, fallback="page"):
    """A slug for `text` for which `taken(slug)` is false: `base`, else `base-2`, `base-3`... (cut at a word, within
    `max_length`). `taken` is a function: a query for one model, or a lookup in a set the caller keeps."""
    full = slugify(text)
    base = full[:max_length].strip("-")
    if len(full) > max_length and "-" in base:
        base = base.rsplit("-", 1)[0]
    base = base or fallback
    slug, number = base, 2
    while taken(slug):
        suffix = f"-{number}"
        slug = f"{base[: max_length - len(suffix)].rstrip('-')}{suffix}"
        number += 1
    return slug


def unused_by(model, exclude_pk=None):
    """`taken` for `unique_slug`: is the slug used by a row of `model` (other than `exclude_pk`)?"""

    def taken(slug):
        rows = model._default_manager.filter(slug=slug)
        return (rows.exclude(pk=exclude_pk) if exclude_pk else rows).exists()

    return taken
