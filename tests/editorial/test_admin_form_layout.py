"""The change form's layout rules: tabs from the model's sections, a draft copy's slug, read-only rich text."""

import pytest

from conditions.models import Condition

from ..factories import ConditionFactory
from ..helpers import admin_form_data, admin_url


def test_every_section_of_the_model_is_a_fieldset_in_the_sections_tab(login, editor):
    response = login(editor).get(admin_url(Condition, "add"))
    in_sections_tab = [
        fieldset.fields for fieldset in response.context["adminform"] if "tab-sections" in fieldset.classes
    ]
    assert [name for fields in in_sections_tab for name in fields] == list(Condition.sections)


def test_a_draft_copy_has_no_slug_to_edit_and_keeps_its_own(login, editor):
    live = ConditionFactory(slug="sciatica")
    copy = live.make_draft_copy(editor)
    client = login(editor)
    response = client.get(admin_url(Condition, "change", copy.pk))
    assert b'name="slug"' not in response.content

    data = admin_form_data(response, slug="forged", summary="A new summary.", _continue="1")
    assert client.post(admin_url(Condition, "change", copy.pk), data).status_code == 302
    copy.refresh_from_db()
    assert copy.summary == "A new summary." and copy.slug != "forged"


def test_the_read_only_view_shows_rich_text_as_text_not_html(login, editor):
    live = ConditionFactory(overview='<p>See <a href="https://example.org/">this</a> <strong>now</strong>.</p>')
    response = login(editor).get(admin_url(Condition, "change", live.pk))
    html = response.content.decode()
    assert "&lt;p&gt;" not in html and "&lt;strong&gt;" not in html
    assert "<strong>now</strong>" in html


@pytest.mark.parametrize("published", [False, True])
def test_compare_with_last_published_is_offered_only_when_there_is_one(login, reviewer, published):
    condition = ConditionFactory(status="published" if published else "draft")
    if published:
        condition.status = "draft"  # withdrawn: the last published version is in its history
        condition.save()
    response = login(reviewer).get(admin_url(Condition, "change", condition.pk))
    assert ("Compare with last published" in response.content.decode()) is published
