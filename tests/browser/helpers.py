"""What the browser tests do in the admin: sign in, wait for CKEditor, collect console errors."""

from conditions.models import Condition

from ..factories import PASSWORD

TIMEOUT_MS = 10_000
RICH_TEXT_FIELDS = Condition.sections


def log_in(page, base_url, user):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/", timeout=TIMEOUT_MS)


def collect_console_errors(page):
    """Console messages of type "error" and uncaught exceptions, as they happen."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def editable(page, field_name):
    return page.locator(f".field-{field_name} .ck-editor__editable")


def open_tab(page, label):
    tab = page.get_by_role("tab", name=label, exact=True)
    if tab.get_attribute("aria-selected") != "true":
        tab.click()


def open_section(page, field_name):
    """A page section's row, as an editor reaches it: the Sections tab, then the section's heading."""
    open_tab(page, "Sections")
    details = page.locator(f"details:has(.field-{field_name})")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return page.locator(f".field-{field_name}")


def section_editor(page, field_name):
    open_section(page, field_name)
    return editable(page, field_name)


def open_add_form(page, base_url):
    """Open the add form and wait until every rich-text field has its CKEditor 5 instance."""
    page.goto(f"{base_url}/admin/conditions/condition/add/")
    for field_name in RICH_TEXT_FIELDS:
        editable(page, field_name).wait_for(state="attached", timeout=TIMEOUT_MS)
