"""Readable, field-by-field differences between two states of a page, for editors and reviewers.

Used for edit conflicts, comparing two revisions, and comparing a draft copy with the live page. Rich text is
compared as the text a patient reads (tags dropped, one paragraph or list item per line).
"""

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .fields import RichTextField
from .sanitize import text_from_html

# Bookkeeping that differs between any two saves and says nothing about the content.
# (keyword_index is derived from the keywords, which are compared.)
IGNORED = {"id", "created_at", "updated_at", "edit_version", "draft_of", "search_vector",
           "review_reminder_sent_for", "overdue_notice_sent_for", "keyword_index"}  # fmt: skip


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def diff_html(self):
        """The words removed in <del>, the words added in <ins>, everything escaped."""
        before, after = self.before.split(" "), self.after.split(" ")
        parts = []
        for opcode, b1, b2, a1, a2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            if opcode == "equal":
                parts.append(format_html("{}", " ".join(before[b1:b2])))
                continue
            if b2 > b1:
                parts.append(format_html("<del>{}</del>", " ".join(before[b1:b2])))
            if a2 > a1:
                parts.append(format_html("<ins>{}</ins>", " ".join(after[a1:a2])))
        return format_html_join(" ", "{}", ((part,) for part in parts))


def readable(field, value):
    """A field's value as plain text a reviewer can read."""
    if value is None or value == "":
        return ""
    if isinstance(field, RichTextField):
        text = text_from_html(str(value), block_end="\n", tag="")
        return " ¶ ".join(line.strip() for line in text.splitlines() if line.strip())
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):  # to the minute: a form round trip drops the seconds' fractions
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(field, models.ForeignKey):
        target = field.related_model._default_manager.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    return " ".join(str(value).split())


def field_changes(model, before: dict, after: dict, fields=None) -> list[FieldChange]:
    """Changes between two {attname: value} dicts of `model`, in the order of the model's fields."""
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in IGNORED or (fields is not None and field.name not in fields):
            continue
        old, new = readable(field, before.get(field.attname)), readable(field, after.get(field.attname))
        if old != new:
            changes.append(FieldChange(str(field.verbose_name).capitalize(), old, new))
    return changes


def values_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def linked_rows_text(instance) -> dict:
    """The page's ordered inline rows (treatments, articles, authors) as one readable line each."""
    lines = {}
    for accessor in type(instance).copied_rows:
        rows = getattr(instance, accessor).all()
        lines[accessor] = "; ".join(str(row) + (f" ({row.note})" if getattr(row, "note", "") else "") for row in rows)
    for name in type(instance).copied_m2m:
        lines[name] = "; ".join(str(item) for item in getattr(instance, name).all())
    return lines


def page_changes(live, draft) -> list[FieldChange]:
    """What publishing `draft` would change on `live`: its fields, then its linked rows."""
    changes = field_changes(type(live), values_of(live), values_of(draft))
    changes = [change for change in changes if change.label.lower() not in {"slug", "status", "publish at", "owner"}]
    live_rows, draft_rows = linked_rows_text(live), linked_rows_text(draft)
    for name, before in live_rows.items():
        if before != draft_rows[name]:
            changes.append(FieldChange(relation_label(type(live), name), before, draft_rows[name]))
    return changes


def relation_label(model, name):
    field = model._meta.get_field(name)
    label = field.related_model._meta.verbose_name_plural if field.auto_created else field.verbose_name
    return str(label).capitalize()
