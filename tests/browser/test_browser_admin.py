"""A Medical reviewer writes a condition page in the real admin, with the real CKEditor 5, in Chromium."""

import pytest

from conditions.models import Condition, Status

from ..factories import StaffUserFactory
from .helpers import RICH_TEXT_FIELDS, TIMEOUT_MS, collect_console_errors, log_in, open_add_form, section_editor

pytestmark = [
    pytest.mark.browser,
    # Flushing after a transactional test also deletes the roles the migration created; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    return page


def test_reviewer_writes_and_publishes_a_condition_with_ckeditor(page, live_server, transactional_db):
    reviewer = StaffUserFactory(role="Medical reviewer")
    log_in(page, live_server.url, reviewer)
    errors = collect_console_errors(page)
    open_add_form(page, live_server.url)
    assert errors == []

    page.locator("#id_name").press_sequentially("Piriformis syndrome")
    page.locator("#id_name").blur()
    assert page.input_value("#id_slug") == "piriformis-syndrome"  # prepopulated by the admin's JavaScript
    page.fill("#id_summary", "Buttock pain from a tight piriformis muscle.")
    page.select_option("#id_body_region", "hip-pelvis")

    section_editor(page, "overview").click()
    page.keyboard.type("The piriformis muscle can press on the sciatic nerve.")

    symptoms = page.locator(".field-symptoms")
    section_editor(page, "symptoms").click()
    # A split button: the action half makes the list, the arrow half opens the list styles.
    symptoms.locator('.ck-toolbar .ck-splitbutton__action[data-cke-tooltip-text="Bulleted List"]').click()
    page.keyboard.type("Pain deep in the buttock")
    page.keyboard.press("Enter")
    page.keyboard.type("Pain when sitting")

    section_editor(page, "causes").click()
    page.locator(".field-causes .ck-toolbar").get_by_role("button", name="Bold", exact=True).click()
    page.keyboard.type("Running")
    page.locator(".field-causes .ck-toolbar").get_by_role("button", name="Bold", exact=True).click()
    page.keyboard.type(" and long sitting.")

    page.get_by_role("button", name="Sign off and publish", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/admin/conditions/condition/", timeout=TIMEOUT_MS)
    assert errors == []

    condition = Condition.objects.get(slug="piriformis-syndrome")
    # getData() gave HTML, not Markdown, and the sanitizer kept it.
    assert condition.overview == "<p>The piriformis muscle can press on the sciatic nerve.</p>"
    assert condition.symptoms == "<ul><li>Pain deep in the buttock</li><li>Pain when sitting</li></ul>"
    assert condition.causes == "<p><strong>Running</strong> and long sitting.</p>"
    assert condition.status == Status.PUBLISHED and condition.signoff.reviewer == reviewer
    assert Condition.objects.published().filter(pk=condition.pk).exists()

    # The patient's view: a fresh browser context, not logged in.
    visitor = page.context.browser.new_context()
    try:
        public = visitor.new_page()
        response = public.goto(f"{live_server.url}/conditions/piriformis-syndrome/")
        assert response.status == 200
        main = public.locator("main")
        assert "The piriformis muscle can press on the sciatic nerve." in main.inner_text()
        assert main.locator("li", has_text="Pain when sitting").count() == 1
        assert main.locator("strong", has_text="Running").count() == 1
    finally:
        visitor.close()


def test_editor_loads_without_errors_and_offers_no_source_editing(page, live_server, transactional_db):
    reviewer = StaffUserFactory(role="Medical reviewer")
    log_in(page, live_server.url, reviewer)
    errors = collect_console_errors(page)
    open_add_form(page, live_server.url)
    page.wait_for_load_state("networkidle")

    assert errors == []
    toolbars = page.locator(".ck-editor .ck-toolbar")
    assert toolbars.count() == len(RICH_TEXT_FIELDS)
    labels = {label.strip() for label in page.locator(".ck-editor .ck-toolbar .ck-button__label").all_inner_texts()}
    assert {"Bold", "Italic", "Link", "Bulleted List"} <= labels
    assert not labels & {"Source", "Insert HTML", "Markdown", "Insert media", "Insert code block"}
    assert page.locator(".ck-source-editing-button, .ck-html-embed, [data-cke-tooltip-text^='Source']").count() == 0
