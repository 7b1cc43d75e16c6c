"""A page's reviewable state: everything a medical reviewer approves, read from the database or from a revision.

The state is the page's content fields (`Publishable.content_fields`: its text, links, images) plus its linked rows in
order (a condition's treatments with their notes and its articles; an article's authors and treatments). Bookkeeping
(address, status, owner, edit counter...) is left out. Two states compare field by field (conditions/diffing.py),
and a state's digest identifies exactly what a sign-off approved (conditions/publishing.py).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models.fields.files import FieldFile
from reversion.models import Version

from .fields import RichTextField, stored_html


@dataclass
class PageState:
    model: type
    fields: dict = field(default_factory=dict)  # attname -> value
    rows: dict = field(default_factory=dict)  # relation name -> [tuple of row values, in the page's order]

    def digest(self):
        payload = json.dumps({"fields": self.fields, "rows": self.rows}, sort_keys=True, default=_jsonable)
        return hashlib.sha256(payload.encode()).hexdigest()


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _normalized(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def row_fields(model, relation):
    """The fields of a linked row that are content: not its id, not the link to the page, not its position."""
    if relation in model.copied_m2m:
        return None
    remote = model._meta.get_field(relation).remote_field  # the row's foreign key to the page
    return [
        row_field
        for row_field in remote.model._meta.concrete_fields
        if not row_field.primary_key and row_field.name not in {remote.name, "position"}
    ]


def state_of(page):
    """The state of `page` as it is in the database now (its linked rows are read, one query per relation)."""
    model = type(page)
    state = PageState(model, {f.attname: _normalized(f.value_from_object(page)) for f in model.content_fields()})
    for relation in model.copied_rows:
        columns = [row_field.attname for row_field in row_fields(model, relation)]
        state.rows[relation] = [tuple(row) for row in getattr(page, relation).values_list(*columns)]
    for relation in model.copied_m2m:
        state.rows[relation] = sorted((pk,) for pk in getattr(page, relation).values_list("pk", flat=True))
    return state


def states_of_new(pages, rows):
    """`state_of` for pages just created in bulk (an import), without a query: `rows` gives each page's linked rows
    as written ({relation: [rows in order]}); a new page has no many-to-many links yet."""
    states = []
    for page, page_rows in zip(pages, rows, strict=True):
        model = type(page)
        state = PageState(model, {f.attname: _normalized(f.value_from_object(page)) for f in model.content_fields()})
        for relation in model.copied_rows:
            columns = [row_field.attname for row_field in row_fields(model, relation)]
            state.rows[relation] = [tuple(getattr(row, c) for c in columns) for row in page_rows.get(relation, [])]
        for relation in model.copied_m2m:
            state.rows[relation] = []
        states.append(state)
    return states


def state_with(page, rows):
    """The state `page` will have once saved as it is in memory (rich text as the field stores it), with `rows`."""
    fields = {}
    for content_field in type(page).content_fields():
        value = content_field.value_from_object(page)
        is_rich_text = isinstance(content_field, RichTextField)
        fields[content_field.attname] = _normalized(stored_html(value) if is_rich_text else value)
    return PageState(type(page), fields, rows)


def state_of_version(version):
    """The state of a page as saved in a django-reversion `version` (its rows from the same revision)."""
    model = version._model
    data = version.field_dict
    state = PageState(model, {f.attname: _normalized(data.get(f.attname)) for f in model.content_fields()})
    if not (model.copied_rows or model.copied_m2m):
        return state
    others = list(version.revision.version_set.select_related("content_type"))
    for relation in model.copied_rows:
        remote = model._meta.get_field(relation).remote_field
        fields = row_fields(model, relation)
        rows = []
        for other in others:
            if other.content_type.model_class() is not remote.model:
                continue
            values = other.field_dict
            if str(values.get(remote.attname)) != str(version.object_id):
                continue
            rows.append(
                ((values.get("position") or 0, int(other.object_id)), tuple(values.get(f.attname) for f in fields))
            )
        state.rows[relation] = [row for _order, row in sorted(rows)]
    for relation in model.copied_m2m:
        state.rows[relation] = sorted((pk,) for pk in data.get(relation) or [])
    return state


def latest_version(page):
    return Version.objects.get_for_object(page).select_related("revision__user").first()


def content_digest(page):
    return state_of(page).digest()
