"""The Content-Security-Policy holds in a real browser: public pages and the admin with CKEditor 5, zero violations."""

from io import BytesIO

import pytest
from PIL import Image

from ..factories import ConditionArticleFactory, ConditionFactory, ConditionTreatmentFactory, StaffUserFactory
from .helpers import TIMEOUT_MS, log_in, open_add_form, section_editor

pytestmark = [
    pytest.mark.browser,
    # Flushing after a transactional test also deletes the roles the migration created; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before any page script: records every `securitypolicyviolation` event the document fires.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def watch_console(page):
    """Console errors and warnings (Chromium reports every CSP violation there too) and uncaught exceptions."""
    messages = []

    def on_console(message):
        # Test settings serve no uploaded media (nginx does in production) and the site has no favicon: those
        # 404s are expected. Anything else (a CSP report included) is not.
        url = message.location.get("url", "")
        if message.type in {"error", "warning"} and "/media/" not in url and not url.endswith("/favicon.ico"):
            messages.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(str(error)))
    return messages


def violations(page):
    return page.evaluate("window.__cspViolations")


def test_public_pages_load_under_the_strict_policy(page, live_server):
    condition = ConditionFactory(name="Sciatica", slug="sciatica")
    ConditionTreatmentFactory(condition=condition)
    ConditionArticleFactory(condition=condition)
    messages = watch_console(page)
    for path in ["/", "/conditions/", "/conditions/sciatica/", "/treatments/", "/research/", "/search/?q=sciatica"]:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert violations(page) == [], path
        # The stylesheet was allowed to apply: the header has the brand colour, not the browser's default.
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") not in {
            "rgba(0, 0, 0, 0)",
            "transparent",
        }
    assert messages == []


def png_bytes():
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_admin_with_ckeditor_runs_under_its_own_policy_without_violations(page, live_server):
    reviewer = StaffUserFactory(role="Medical reviewer")
    messages = watch_console(page)
    log_in(page, live_server.url, reviewer)
    assert violations(page) == []

    open_add_form(page, live_server.url)
    assert page.locator("script[nonce]").count() > 0, "the admin's scripts carry the per-request nonce"

    # Use the editor: a heading, a list, a table (CKEditor styles these inline) and an uploaded image.
    overview = page.locator(".field-overview")
    section_editor(page, "overview").click()
    page.keyboard.type("The piriformis muscle can press on the sciatic nerve.")
    overview.locator(".ck-toolbar").get_by_role("button", name="Insert table").click()
    overview.locator(".ck-insert-table-dropdown-grid-box").first.click()
    page.keyboard.type("cell")
    with page.expect_response(lambda response: "image_upload" in response.url) as upload:
        overview.locator(".ck-toolbar input[type=file]").set_input_files(
            {"name": "scan.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
    assert upload.value.status == 200
    overview.locator(".ck-editor__editable img").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")

    assert violations(page) == []
    assert messages == []
    # The admin's policy is its own: style attributes for CKEditor, still no inline or eval'd script.
    admin_policy = page.evaluate(
        "fetch(location.href).then((response) => response.headers.get('content-security-policy'))"
    )
    directives = dict(part.strip().split(" ", 1) for part in admin_policy.split(";"))
    assert directives["style-src-attr"] == "'unsafe-inline'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-inline'" not in directives["style-src"]
    assert "'unsafe-eval'" not in admin_policy
