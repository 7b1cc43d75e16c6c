"""An editor works in the condition form as it is laid out: tabs, short sections, a bar that stays in view."""

import re

import pytest
from playwright.sync_api import expect

from conditions.models import Condition, Status

from ..factories import (
    ConditionFactory,
    ConditionTreatmentFactory,
    ResearchArticleFactory,
    StaffUserFactory,
    TreatmentFactory,
)
from .helpers import TIMEOUT_MS, collect_console_errors, log_in, open_add_form, open_section, open_tab, section_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_viewport_size(LAPTOP)
    return page


def test_editor_writes_a_condition_tab_by_tab(page, live_server, transactional_db):
    editor = StaffUserFactory(role="Editor")
    log_in(page, live_server.url, editor)
    errors = collect_console_errors(page)
    open_add_form(page, live_server.url)

    tabs = page.get_by_role("tab").all_inner_texts()
    assert tabs == ["Content", "Sections", "More sections", "Treatments", "Research", "Review & publish"]
    page.fill("#id_name", "Piriformis syndrome")
    page.fill("#id_summary", "Buttock pain from a tight piriformis muscle.")
    page.select_option("#id_body_region", "hip-pelvis")
    assert not page.locator("#id_summary").is_hidden()

    section_editor(page, "symptoms").click()
    page.keyboard.type("Pain deep in the buttock, worse when sitting.")
    assert page.locator("#id_summary").is_hidden()  # one tab at a time
    # Every section of the page is there, each under its own heading, none longer than two screens.
    headings = page.locator("#tabpanel-sections summary").all_inner_texts()
    main = [name for name in Condition.sections if name not in Condition.optional_sections]
    assert headings == [Condition._meta.get_field(name).verbose_name.capitalize() for name in main]
    assert {"Overview", "Symptoms", "Causes"} <= set(headings)
    for label in tabs:
        open_tab(page, label)
        height = page.locator(".form-tab-panel:visible").bounding_box()["height"]
        assert height <= 2 * LAPTOP["height"], label

    # Far down the form, the workflow buttons are still on screen.
    open_tab(page, "Sections")
    for details in page.locator("#tabpanel-sections details").all():
        if details.get_attribute("open") is None:
            details.locator("summary").click()
    page.mouse.wheel(0, 5000)
    assert page.get_by_role("button", name="Save draft").first.is_visible()
    bar = page.locator(".workflow-bar-sticky").bounding_box()
    assert 0 <= bar["y"] < LAPTOP["height"]

    page.get_by_role("button", name="Save draft").first.click()
    page.wait_for_url(re.compile(r"/change/"))
    condition = Condition.objects.get(name="Piriformis syndrome")
    assert condition.symptoms == "<p>Pain deep in the buttock, worse when sitting.</p>"
    assert condition.status == Status.DRAFT
    assert errors == []


def test_a_form_with_errors_opens_on_the_tab_that_has_them(page, live_server, transactional_db):
    log_in(page, live_server.url, StaffUserFactory(role="Medical reviewer"))
    open_add_form(page, live_server.url)
    page.fill("#id_name", "Piriformis syndrome")
    page.fill("#id_summary", "Buttock pain.")
    page.select_option("#id_body_region", "hip-pelvis")
    open_tab(page, "Review & publish")
    page.get_by_role("button", name="Sign off and publish", exact=True).first.click()  # no overview: refused

    assert page.locator("#tab-sections").get_attribute("aria-selected") == "true"
    assert page.locator(".field-overview .errorlist").is_visible()


def test_editor_reads_a_live_page_as_patients_do(page, live_server, transactional_db):
    condition = ConditionFactory(overview="<p>The <strong>piriformis</strong> muscle.</p>")
    log_in(page, live_server.url, StaffUserFactory(role="Editor"))
    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")

    overview = open_section(page, "overview").locator(".readonly")
    assert overview.inner_text() == "The piriformis muscle."
    assert overview.locator("strong").inner_text() == "piriformis"
    assert page.get_by_role("link", name="Compare with last published").count() == 0


def test_editor_sees_the_page_and_its_reading_level_change_while_typing(page, live_server, transactional_db):
    log_in(page, live_server.url, StaffUserFactory(role="Editor"))
    errors = collect_console_errors(page)
    open_add_form(page, live_server.url)
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.frame_locator("#live-preview iframe")

    page.fill("#id_name", "Piriformis syndrome")
    section_editor(page, "overview").click()
    page.keyboard.type("The piriformis muscle can press on the sciatic nerve.")
    expect(preview.locator("main")).to_contain_text("The piriformis muscle can press on the sciatic nerve.")
    expect(preview.locator("h1")).to_contain_text("Piriformis syndrome")
    readability = page.locator("#live-preview .live-readability-result")
    expect(readability).to_contain_text("9 words")

    page.keyboard.type(" Notwithstanding multidisciplinary interventional considerations, electrophysiological")
    page.keyboard.type(" investigations occasionally demonstrate neuropathic characteristics.")
    expect(readability).to_contain_text("Too hard for many patients")
    assert not Condition.objects.exists()  # nothing saved by previewing
    assert errors == []


def test_editor_links_a_page_and_cites_an_article_without_typing_addresses(page, live_server, transactional_db):
    sciatica = ConditionFactory(name="Sciatica", slug="sciatica")
    ResearchArticleFactory(title="Radiofrequency ablation for facet pain", slug="rfa-facet", year=2019, journal="Pain")
    ResearchArticleFactory(title="Radiofrequency ablation for facet pain", slug="rfa-2021", year=2021, journal="Spine")
    log_in(page, live_server.url, StaffUserFactory(role="Editor"))
    errors = collect_console_errors(page)
    open_add_form(page, live_server.url)
    page.fill("#id_name", "Piriformis syndrome")
    page.fill("#id_summary", "Buttock pain.")
    page.select_option("#id_body_region", "hip-pelvis")

    section_editor(page, "overview").click()
    page.keyboard.type("It can feel like ")
    page.locator(".field-overview").get_by_role("button", name="Link to a page…").click()
    chooser = page.get_by_role("dialog", name="Link to a page")
    chooser.get_by_label("Search by name").fill("sciat")
    chooser.get_by_role("button", name="Sciatica").click()
    page.keyboard.type(". Studies agree")

    page.locator(".field-overview").get_by_role("button", name="Cite an article…").click()
    chooser = page.get_by_role("dialog", name="Cite a research article")
    chooser.get_by_label("Search by name").fill("radiofrequency")
    # Two studies with the same title: the year and journal tell them apart.
    chooser.get_by_role("button", name="Radiofrequency ablation for facet pain 2021, Spine").click()
    page.keyboard.type(".")

    page.get_by_role("button", name="Save draft").first.click()
    page.wait_for_url(re.compile(r"/change/"))
    overview = Condition.objects.get(slug="piriformis-syndrome").overview
    link = f'<a href="/go/condition/{sciatica.pk}/" rel="noopener noreferrer">Sciatica</a>'
    assert overview == f"<p>It can feel like {link}. Studies agree[cite:rfa-2021].</p>"
    assert errors == []


def test_editor_drags_a_treatment_to_the_top(page, live_server, transactional_db):
    editor = StaffUserFactory(role="Editor")
    condition = ConditionFactory(status=Status.DRAFT, owner=editor)
    for position, name in enumerate(["Physical therapy", "Epidural steroid injection", "Spinal cord stimulation"]):
        ConditionTreatmentFactory(condition=condition, treatment=TreatmentFactory(name=name), position=position)
    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")
    page.wait_for_load_state("load")  # adminsortable2 starts on load
    open_tab(page, "Treatments")

    rows = page.locator("#condition_treatments-group tr.has_original")
    page.locator("#condition_treatments-group").evaluate("group => group.scrollIntoView({block: 'center'})")
    drag(page, rows.nth(2).locator("td.original p"), rows.nth(0))
    page.get_by_role("button", name="Save draft").first.click()
    page.wait_for_url(re.compile(r"/change/"))

    order = condition.condition_treatments.order_by("position").values_list("treatment__name", flat=True)
    assert list(order) == ["Spinal cord stimulation", "Physical therapy", "Epidural steroid injection"]


def drag(page, handle, target):
    """Press on the handle, move over the top half of the target in small steps (as a hand does), release."""
    start, end = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 12, start["y"] + start["height"] / 2 - 4)
    page.mouse.move(end["x"] + 10, end["y"] + 5, steps=20)
    page.mouse.move(end["x"] + 12, end["y"] + 4)
    page.mouse.up()


def overflows(locator):
    """Whether a table is wider than the box that holds it (the admin then scrolls it and cuts columns off)."""
    return locator.evaluate("table => table.scrollWidth > table.parentElement.clientWidth + 1")


def test_editor_adds_a_treatment_and_an_article_with_one_search_each(page, live_server, transactional_db):
    editor = StaffUserFactory(role="Editor")
    condition = ConditionFactory(status=Status.DRAFT, owner=editor)
    TreatmentFactory(name="Radiofrequency ablation")
    title = "Cooled versus conventional radiofrequency ablation of the genicular nerves for chronic knee pain"
    ResearchArticleFactory(title=title, year=2019, journal="Pain Practice")
    ResearchArticleFactory(title=title, year=2022, journal="Regional Anesthesia and Pain Medicine")
    log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")

    open_tab(page, "Treatments")
    page.get_by_role("button", name="Add treatment…").click()
    page.get_by_role("dialog").get_by_label("Search by name").fill("radiofreq")
    page.get_by_role("dialog").get_by_role("button", name="Radiofrequency ablation").click()
    page.locator(".dynamic-condition_treatments textarea").last.fill("When injections stop helping.")
    assert not overflows(page.locator("#condition_treatments-group table"))

    open_tab(page, "Research")
    page.get_by_role("button", name="Add research article…").click()
    page.get_by_role("dialog").get_by_label("Search by name").fill("genicular")
    choices = page.get_by_role("dialog").locator(".page-chooser-results button")
    expect(choices).to_have_count(2)
    # Full titles, told apart by year and journal, nothing cut off.
    assert sorted(choices.all_inner_texts()) == [
        f"{title}\n2019, Pain Practice",
        f"{title}\n2022, Regional Anesthesia and Pain Medicine",
    ]
    choices.filter(has_text="2022").click()
    chosen = page.locator(".dynamic-condition_articles .select2-selection__rendered").last
    assert chosen.inner_text().strip() == f"{title} (2022, Regional Anesthesia and Pain Medicine)"
    assert not overflows(page.locator("#condition_articles-group table"))

    page.get_by_role("button", name="Save draft").first.click()
    page.wait_for_url(re.compile(r"/change/"))
    treatment_row = condition.condition_treatments.get()
    assert (
        treatment_row.treatment.name == "Radiofrequency ablation"
        and treatment_row.note == "When injections stop helping."
    )
    assert condition.condition_articles.get().article.year == 2022


def test_the_condition_list_fits_a_laptop_screen_and_shows_draft_copies(page, live_server, transactional_db):
    reviewer = StaffUserFactory(role="Medical reviewer")
    live = ConditionFactory(name="Failed back surgery syndrome with persistent radicular leg pain")
    live.make_draft_copy(reviewer)
    log_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/admin/conditions/condition/")

    assert not overflows(page.locator("#result_list"))
    expect(page.locator("#result_list")).to_contain_text("Draft copy of Failed back surgery syndrome")


def wait_for_autosave(page, text):
    page.wait_for_function(
        "text => Object.keys(localStorage).some(k => k.startsWith('autosave:') && localStorage[k].includes(text))",
        arg=text,
    )


def test_editor_closes_the_tab_and_gets_the_unsaved_text_back(page, live_server, transactional_db):
    editor = StaffUserFactory(role="Editor")
    condition = ConditionFactory(status=Status.DRAFT, owner=editor, summary="Saved summary.")
    url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/"
    log_in(page, live_server.url, editor)
    page.goto(url)
    page.fill("#id_summary", "A summary typed but never saved.")
    section_editor(page, "symptoms").click()
    page.keyboard.type("Pain when sitting.")
    wait_for_autosave(page, "Pain when sitting.")
    tab = page
    tab.close()

    page = tab.context.new_page()
    page.goto(url)
    assert page.input_value("#id_summary") == "Saved summary."  # nothing restored without asking
    page.get_by_role("button", name="Restore my unsaved changes").click()
    assert page.input_value("#id_summary") == "A summary typed but never saved."
    expect(section_editor(page, "symptoms")).to_have_text("Pain when sitting.")
    page.get_by_role("button", name="Save draft").first.click()
    page.wait_for_url(re.compile(r"/change/"))

    condition.refresh_from_db()
    assert condition.summary == "A summary typed but never saved." and condition.symptoms == "<p>Pain when sitting.</p>"
    page.goto(url)
    assert page.get_by_role("button", name="Restore my unsaved changes").count() == 0  # saved: nothing to offer


def test_restoring_never_overwrites_a_newer_save_by_someone_else(page, live_server, transactional_db):
    editor = StaffUserFactory(role="Editor")
    condition = ConditionFactory(status=Status.DRAFT, owner=editor, summary="Saved summary.")
    url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/"
    log_in(page, live_server.url, editor)
    page.goto(url)
    page.fill("#id_summary", "My summary, typed before the tab closed.")
    wait_for_autosave(page, "My summary")
    tab = page
    tab.close()
    # Meanwhile a colleague saves the page in the admin.
    colleague = tab.context.browser.new_context()
    other = colleague.new_page()
    log_in(other, live_server.url, StaffUserFactory(role="Editor"))
    other.goto(url)
    other.fill("#id_summary", "The colleague's summary.")
    other.get_by_role("button", name="Save draft").first.click()
    other.wait_for_url(re.compile(r"/change/"))
    colleague.close()

    page = tab.context.new_page()
    page.goto(url)
    expect(page.locator(".autosave-prompt")).to_contain_text("Someone has saved this page since")
    page.get_by_role("button", name="Restore my unsaved changes").click()
    page.get_by_role("button", name="Save draft").first.click()

    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("saved this page at")
    condition.refresh_from_db()
    assert condition.summary == "The colleague's summary."  # refused: they see the colleague's change first
    assert page.input_value("#id_summary") == "My summary, typed before the tab closed."
