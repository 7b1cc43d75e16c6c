"""Helpers for tests that drive the site as a browser does: the admin's real forms, with their CSRF token.

Not a test module: tests import from here, never from each other.
"""

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conditions.models import Condition, ResearchArticle

#: The test files the suite writes itself (citation exports, a WordPress export, images).
TEST_FILES = Path(__file__).parent / "fixtures"


class _AdminFormScraper(HTMLParser):
    """Collects what a browser would submit from the admin's change form (`<form id="<model>_form">`)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id  # None: the first form posted with method="post"
        self.found = False
        self.in_form = False
        self.data = {}
        self._textarea = None
        self._select = None
        self._select_options = []

    def _add(self, name, value):
        if "__prefix__" in name:  # the hidden template of an inline's "Add another" row
            return
        if name in self.data:
            existing = self.data[name]
            self.data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            self.data[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.form_id is None:
                self.in_form = not self.found and (attrs.get("method") or "").lower() == "post"
            else:
                self.in_form = attrs.get("id") == self.form_id
            self.found = self.found or self.in_form
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value") or "on")
                return
            self._add(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._select_options = []
        elif tag == "option" and self._select:
            self._select_options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._add(name, text.removeprefix("\n"))  # HTML drops the newline right after <textarea>
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            selected = [value for value, is_selected in self._select_options if is_selected]
            if multiple:
                for value in selected:
                    self._add(name, value)
            elif selected or self._select_options:
                self._add(name, (selected or [self._select_options[0][0]])[0])
            self._select = None


_MODEL_FORM = object()


def admin_form_data(response, form_id=_MODEL_FORM, **changes):
    """The admin change/add form on `response` as the browser would post it, with `changes` applied.

    Read-only fields are not inputs, so they are absent, as in a real browser; a test that forges them
    passes them in `changes`.
    """
    assert response.status_code == 200, response.status_code
    model_form = form_id is _MODEL_FORM
    if model_form:
        form_id = f"{response.context['opts'].model_name}_form"
    scraper = _AdminFormScraper(form_id)
    scraper.feed(response.content.decode())
    assert scraper.found, f"no form {form_id or 'with method=post'} on the page"
    data = dict(scraper.data)  # with the CSRF token, as a browser sends it
    data.update(changes)
    if model_form and not any(name.startswith("_") and name != "_selected_action" for name in changes):
        data.setdefault("_save", "Save")  # the default button, unless the test presses another one
    return data


def admin_url(model, view, *args):
    return reverse(f"admin:conditions_{model._meta.model_name}_{view}", args=args)


def form_errors(response):
    """Field name -> error messages of the admin form re-rendered after an invalid POST."""
    assert response.status_code == 200, f"expected the form back with errors, got {response.status_code}"
    return response.context["adminform"].form.errors


def new_condition_data(client, **changes):
    defaults = {
        "name": "Failed back surgery syndrome",
        "slug": "failed-back-surgery-syndrome",
        "summary": "Pain that continues after spine surgery.",
        "body_region": "low-back",
        "overview": "<p>Pain that persists after an operation on the spine.</p>",
    }
    return admin_form_data(client.get(admin_url(Condition, "add")), **(defaults | changes))


def new_article_data(client, **changes):
    defaults = {"title": "Spinal cord stimulation outcomes", "slug": "scs-outcomes", "year": "2014"}
    return admin_form_data(client.get(admin_url(ResearchArticle, "add")), **(defaults | changes))


def action_data(action, *objects):
    return {"action": action, "_selected_action": [obj.pk for obj in objects], "index": "0", "select_across": "0"}


def offered_actions(response):
    """The bulk actions in the changelist's drop-down (none at all: no drop-down, `action_form` is None)."""
    action_form = response.context["action_form"]
    return {name for name, _label in action_form.fields["action"].choices} if action_form else set()


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def png_file(name="image.png", size=(40, 30)):
    """A small real PNG, as a browser uploads it."""
    buffer = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token_from(response):
    """The CSRF token of the first form on `response` (what a browser posts back with a button)."""
    match = _CSRF_INPUT.search(response.content.decode())
    assert match, "no form with a CSRF token on this page"
    return match.group(1)


def browser_client(user=None):
    """A client that enforces CSRF as the real site does (log in with `force_login`, so no lockout counts)."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def press(client, page_url, action_url, data=None):
    """Open `page_url`, then POST to `action_url` with that page's CSRF token: a button press in a browser."""
    token = csrf_token_from(client.get(page_url))
    return client.post(action_url, {"csrfmiddlewaretoken": token, **(data or {})})
