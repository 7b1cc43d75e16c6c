"""Readable, field-by-field differences between two states of a page, for editors and reviewers.

Used for edit conflicts, comparing two revisions, comparing a draft copy with the live page, and before a sign-off.
Rich text is shown as the text a patient reads, one paragraph or list item per line, with everything else the
sanitizer keeps written out beside it: a link's address ("[help](https://...)"), an image's address and alt text,
emphasis, an abbreviation's title. If two values still read the same but differ, the difference is shown in the
HTML itself: a comparison never says "no differences" when something differs.
"""

import difflib
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .fields import RichTextField
from .page_state import row_fields
from .sanitize import clean_html


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


# --- Rich text as a reviewer reads it -------------------------------------------------------------------------

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "caption", "figcaption", "hr"}
MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "u": "__", "s": "~~", "code": "`"}


class _ReviewText(HTMLParser):
    """Sanitized HTML as lines of text, with the attributes the sanitizer keeps written out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current = [], []
        self.links = []  # open <a>: (href, title)

    def _break(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCK_TAGS or tag == "br":
            self._break()
            if tag == "hr":
                self.lines.append("[horizontal line]")
        if tag in MARKS:
            self.current.append(MARKS[tag])
        elif tag == "a":
            self.links.append((attrs.get("href") or "", attrs.get("title") or ""))
            self.current.append("[")
        elif tag == "img":
            size = "×".join(value for value in (attrs.get("width"), attrs.get("height")) if value)
            details = " ".join(
                part
                for part in (
                    attrs.get("src") or "",
                    f"“{attrs['alt']}”" if attrs.get("alt") else _("(no alt text)"),
                    size,
                )
                if part
            )
            self.current.append(f" [{_('image')}: {details}] ")
        elif tag in {"sub", "sup"}:
            self.current.append("_{" if tag == "sub" else "^{")
        elif tag == "ol" and (attrs.get("start") or attrs.get("type")):
            self._break()
            numbering = ", ".join(f"{name}={attrs[name]}" for name in ("start", "type") if attrs.get(name))
            self.lines.append(f"[{_('numbered list')}: {numbering}]")
        elif tag in {"th", "td"}:
            span = ", ".join(f"{name}={attrs[name]}" for name in ("colspan", "rowspan", "scope") if attrs.get(name))
            self.current.append(f" | {f'[{span}] ' if span else ''}")
        elif tag == "abbr" and attrs.get("title"):
            self.links.append(("", attrs["title"]))
            self.current.append("[")

    def handle_endtag(self, tag):
        if tag in MARKS:
            self.current.append(MARKS[tag])
        elif tag in {"a", "abbr"} and self.links:
            href, title = self.links.pop()
            target = " ".join(part for part in (href, f"“{title}”" if title else "") if part)
            self.current.append(f"]({target})")
        elif tag in {"sub", "sup"}:
            self.current.append("}")
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        self.current.append(data)

    def text(self):
        self._break()
        return " ¶ ".join(self.lines)


def review_text(fragment):
    """Rich text as a reviewer reads it: paragraphs joined by ¶, links as [text](address), images with alt text."""
    parser = _ReviewText()
    parser.feed(clean_html(fragment))
    parser.close()
    return parser.text()


def readable(field, value):
    """A field's value as plain text a reviewer can read."""
    if value is None or value == "":
        return ""
    if isinstance(field, RichTextField):
        return review_text(str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):  # to the minute: a form round trip drops the seconds' fractions
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(field, models.ForeignKey):
        target = field.related_model._default_manager.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    return " ".join(str(value).split())


def _raw(field, value):
    """The value as stored, for the fallback comparison: sanitized HTML for rich text, else the exact string."""
    if value is None:
        return ""
    return clean_html(str(value)) if isinstance(field, RichTextField) else str(value)


def field_changes(model, before: dict, after: dict, fields=None) -> list[FieldChange]:
    """Changes between two {attname: value} dicts of `model`'s content fields, in the order of the model's fields."""
    changes = []
    for field in model.content_fields():
        if fields is not None and field.name not in fields:
            continue
        old, new = before.get(field.attname), after.get(field.attname)
        label = str(field.verbose_name).capitalize()
        old_text, new_text = readable(field, old), readable(field, new)
        if old_text != new_text:
            changes.append(FieldChange(label, old_text, new_text))
        elif _raw(field, old) != _raw(field, new):
            # Reads the same, yet differs (formatting, white space, markup): show the stored values themselves.
            changes.append(
                FieldChange(f"{label} ({_('formatting or hidden details')})", _raw(field, old), _raw(field, new))
            )
    return changes


def relation_label(model, name):
    field = model._meta.get_field(name)
    label = field.related_model._meta.verbose_name_plural if field.auto_created else field.verbose_name
    return str(label).capitalize()


def _names(model, pks):
    """{pk: str(object)} for `pks` of `model`, in one query."""
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=set(pks))}


def _row_lines(model, relation, rows):
    """Each linked row as one readable line: "1. Spinal cord stimulation — note: ..."; related objects by name."""
    fields = row_fields(model, relation)
    if fields is None:  # a plain many-to-many: the related objects' names, sorted
        names = _names(model._meta.get_field(relation).related_model, [row[0] for row in rows])
        return sorted(names.get(row[0], f"#{row[0]}") for row in rows)
    names = {
        index: _names(row_field.related_model, [row[index] for row in rows])
        for index, row_field in enumerate(fields)
        if isinstance(row_field, models.ForeignKey)
    }
    lines = []
    for number, row in enumerate(rows, start=1):
        parts = []
        for index, (row_field, value) in enumerate(zip(fields, row, strict=True)):
            if value in (None, ""):
                continue
            if index in names:
                parts.append(names[index].get(value, f"#{value}"))
            else:
                text = readable(row_field, value)
                parts.append(f"{row_field.verbose_name}: {text}" if parts else text)
        lines.append(f"{number}. {' — '.join(parts)}")
    return lines


def state_changes(before, after) -> list[FieldChange]:
    """What changed from one PageState to another: its fields, then its linked rows (order and notes included)."""
    model = before.model
    changes = field_changes(model, before.fields, after.fields)
    for relation in (*model.copied_rows, *model.copied_m2m):
        old, new = before.rows.get(relation, []), after.rows.get(relation, [])
        if old != new:
            changes.append(
                FieldChange(
                    relation_label(model, relation),
                    " ¶ ".join(_row_lines(model, relation, old)),
                    " ¶ ".join(_row_lines(model, relation, new)),
                )
            )
    return changes
