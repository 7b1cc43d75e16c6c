"""`manage.py import_wordpress`: a WordPress export with WPBakery pages becomes structured conditions.

The export (tests/fixtures/wordpress/clinic-export.xml) is written in the clinic's real page style (the seed page
"Post Laminectomy Syndrome"): three good condition pages, a page that is a draft in WordPress, a page whose [vc_row]
never closes, a page with no title, a "Contact us" page, two attachments, a blog post and a menu item.
"""

import io
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone
from PIL import Image

from conditions.models import (
    ArticleAuthor,
    BodyRegion,
    Condition,
    ConditionArticle,
    ConditionTreatment,
    ResearchArticle,
    Status,
    Treatment,
    TreatmentCategory,
)
from conditions.publishing import publish_as_imported
from importing.wordpress import blocks, importer, mapping
from importing.wordpress.report import ProgressBar

from ..factories import ConditionFactory, ResearchArticleFactory, StaffUserFactory, TreatmentFactory
from ..helpers import TEST_FILES
from ..servers import ROOT

FIXTURES = TEST_FILES / "wordpress"
EXPORT = FIXTURES / "clinic-export.xml"
UPLOADS = FIXTURES / "uploads"
IMPORTED_PAGES = {101, 102, 103, 104}

pytestmark = pytest.mark.django_db


def run_import(*args, **options):
    """Run the command; returns (exit status, stdout, stderr). Exit statuses come from CommandError.returncode."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_wordpress", *[str(arg) for arg in args], stdout=stdout, stderr=stderr, **options)
        status = 0
    except CommandError as error:
        status = error.returncode
        stderr.write(str(error))
    return status, stdout.getvalue(), stderr.getvalue()


REVIEWER = "wp-reviewer"


@pytest.fixture(autouse=True)
def wordpress_reviewer(db):
    """The medical reviewer whose sign-off publishes what the import publishes (--reviewer)."""
    return StaffUserFactory(username=REVIEWER, role="Medical reviewer")


@pytest.fixture
def clinic_treatments():
    """Treatments the new site already has: the importer links to them instead of creating new ones."""
    return {
        "scs": TreatmentFactory(
            name="Spinal Cord Stimulation", slug="spinal-cord-stimulation", category=TreatmentCategory.ADVANCED
        ),
        "esi": TreatmentFactory(
            name="Epidural Steroid Injection", slug="epidural-steroid-injection", category=TreatmentCategory.INJECTION
        ),
        "rfa": TreatmentFactory(
            name="Radiofrequency Ablation", slug="radiofrequency-ablation", category=TreatmentCategory.ADVANCED
        ),
    }


def condition(post_id):
    return Condition.objects.get(wordpress_id=post_id)


def list_items(html):
    return [plain for plain in (blocks.plain(item) for item in html.split("</li>")) if plain]


def treatment_links(post_id):
    return list(
        ConditionTreatment.objects.filter(condition__wordpress_id=post_id)
        .select_related("treatment")
        .order_by("position")
    )


def snapshot():
    """Every row the importer can write, every field, timestamps included."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Condition,
            Treatment,
            ResearchArticle,
            ArticleAuthor,
            ConditionTreatment,
            ConditionArticle,
            Redirect,
        )
    }


def media_files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


# --- Structure ---------------------------------------------------------------------------------------------


def test_condition_pages_become_structured_conditions(clinic_treatments):
    status, out, _ = run_import(EXPORT)

    assert status == 1  # the broken page and the page without a title; the good pages are imported
    assert set(Condition.objects.values_list("wordpress_id", flat=True)) == IMPORTED_PAGES

    laminectomy = condition(101)
    assert laminectomy.name == "Post Laminectomy Syndrome"
    assert laminectomy.slug == "post-laminectomy-syndrome"  # the old slug is kept
    assert laminectomy.body_region == BodyRegion.LOW_BACK
    assert laminectomy.overview.startswith("<p>Spine surgery is usually done")
    assert "Description" not in laminectomy.overview
    assert laminectomy.summary.startswith("Spine surgery is usually done")
    assert len(laminectomy.summary) <= 300
    assert laminectomy.alternate_name_list == ["Failed Back Surgery Syndrome"]
    # The two unlabelled lists under "Description:": symptoms first, then causes.
    assert list_items(laminectomy.symptoms) == [
        "A deep, dull ache in the back or buttocks that may travel down one or both legs, much like sciatica.",
        "After neck surgery, pain that spreads over the shoulders and down the arms.",
        "Numb patches or pins and needles.",
    ]
    assert len(list_items(laminectomy.causes)) == 5
    assert list_items(laminectomy.causes)[2] == "Scar tissue around the nerve roots (epidural fibrosis)."
    assert laminectomy.diagnosis.startswith("<p>Finding the cause follows the same steps")
    assert "depends mostly on what is causing the pain" not in laminectomy.diagnosis
    assert laminectomy.treatment_notes == (
        "<p>How this condition is treated depends mostly on what is causing the pain.</p>"
    )
    for field in mapping.TEXT_FIELDS:
        value = getattr(laminectomy, field)
        assert "[vc_" not in value and "[/vc_" not in value and "”" not in value


def test_html_headings_and_typographic_attribute_quotes_are_read(clinic_treatments):
    run_import(EXPORT)

    sciatica = condition(102)  # <h3>/<h4> headings, <p> paragraphs, an unknown [dt_highlight color=”red”] pair
    assert sciatica.name == "Lumbar Radiculopathy (Sciatica)"
    assert sciatica.alternate_name_list == ["Sciatica"]
    assert len(list_items(sciatica.symptoms)) == 3
    assert list_items(sciatica.causes)[0] == "A herniated or bulging lumbar disc."
    assert "numbness around the groin" in sciatica.urgent_warning  # "Warning signs:" inside the highlight box
    assert sciatica.treatment_notes.startswith("<p>Most people get better with time")

    facet = condition(103)  # plain text with blank lines and "•" bullets, as the seed page's text
    assert facet.body_region == BodyRegion.NECK
    assert list_items(facet.symptoms)[0] == "Aching at the back of the neck, often worse on one side."
    assert list_items(facet.causes)[1] == "Whiplash and other neck injuries."
    assert "•" not in facet.symptoms + facet.causes

    occipital = condition(104)  # explicit "Symptoms:" and "When to see a doctor:" headings
    assert len(list_items(occipital.symptoms)) == 2
    assert occipital.causes == ""
    assert "wakes you at night" in occipital.when_to_see_doctor
    assert occipital.slug == "occipital-neuralgia"  # WordPress drafts have no post_name: made from the title


def test_treatments_keep_the_page_order_and_category_of_their_heading(clinic_treatments):
    run_import(EXPORT)

    links = treatment_links(102)
    assert [(link.position, link.treatment.name, link.treatment.category) for link in links] == [
        (1, "Epidural Steroid Injection", TreatmentCategory.INJECTION),
        (2, "Selective nerve root block", TreatmentCategory.INJECTION),
        (3, "Microdiscectomy", TreatmentCategory.SURGICAL),
        (4, "Physical therapy", TreatmentCategory.REHABILITATION),
    ]
    assert links[0].treatment == clinic_treatments["esi"]
    assert links[0].note.startswith("An epidural steroid injection places anti-inflammatory medicine")

    for page in [*Treatment.objects.exclude(status=Status.PUBLISHED), Condition.objects.get(wordpress_id=102)]:
        page.published_at = timezone.now() - timedelta(days=1)
        publish_as_imported(page, name="Arif Hussain", credentials="DO")
    page = Condition.objects.for_page().get(wordpress_id=102)
    # The page shows conservative care first (TreatmentCategory's order), the imported order within each group.
    shown = [TreatmentCategory.INJECTION, TreatmentCategory.SURGICAL, TreatmentCategory.REHABILITATION]
    expected = sorted(shown, key=list(TreatmentCategory).index)
    assert [label for label, _ in page.treatment_groups()] == [category.label for category in expected]


def test_treatments_named_in_a_sentence_are_matched_else_created_as_drafts(clinic_treatments):
    _, out, _ = run_import(EXPORT)

    laminectomy_links = treatment_links(101)
    assert [link.treatment.name for link in laminectomy_links] == ["Corrective surgery", "Spinal Cord Stimulation"]
    assert laminectomy_links[1].treatment == clinic_treatments["scs"]  # "...spinal cord stimulation is one of..."
    assert Treatment.objects.filter(name__iexact="spinal cord stimulation").count() == 1

    created = Treatment.objects.get(name="Corrective surgery")
    assert created.status == Status.DRAFT
    assert created.category == TreatmentCategory.SURGICAL
    assert created.summary and len(created.summary) <= 300
    assert 'new draft treatment "Corrective surgery" (Surgical options)' in out
    assert [link.treatment for link in treatment_links(103)][1] == clinic_treatments["rfa"]


def test_sidebar_articles_are_linked_in_order_with_their_authors(clinic_treatments):
    run_import(EXPORT)

    [hussain] = condition(101).research_articles.all()
    assert hussain.title == "Interventional Pain Management for Failed Back Surgery Syndrome"
    assert hussain.journal == "Pain Practice"
    assert hussain.year is None  # the sidebar gives no year
    authors = list(hussain.authors.order_by("position"))
    assert [(a.given_names, a.family_name, a.credentials) for a in authors] == [
        ("Arif", "Hussain", "DO"),
        ("Michael", "Erdek", "MD"),
    ]

    sciatica_articles = [link.article for link in ConditionArticle.objects.filter(condition__wordpress_id=102)]
    # The same article written differently ("Interventional pain management ... syndrome.") is the same record.
    assert sciatica_articles[0] == hussain
    peul = sciatica_articles[1]
    assert (peul.journal, peul.year, peul.volume, peul.issue, peul.pages) == (
        "The New England Journal of Medicine",
        2007,
        "356",
        "22",
        "2245-2256",
    )
    assert peul.doi == "10.1056/NEJMoa064039"
    assert peul.url == "https://www.nejm.org/doi/full/10.1056/NEJMoa064039"
    assert [a.family_name for a in peul.authors.order_by("position")] == ["Peul", "van Houwelingen", "van den Hout"]

    [lord] = condition(103).research_articles.all()
    assert lord.year == 1996
    assert ResearchArticle.objects.with_authors().get(pk=lord.pk).author_list == (
        "Lord SM, Barnsley L, Wallis BJ, McDonald GJ, Bogduk N"
    )
    assert ResearchArticle.objects.count() == 3


def test_an_article_already_on_the_site_is_linked_not_duplicated(clinic_treatments):
    existing = ResearchArticleFactory(title="Interventional Pain Management for Failed Back Surgery Syndrome")

    run_import(EXPORT)

    assert ResearchArticle.objects.filter(title__iexact=existing.title).count() == 1
    assert list(condition(101).research_articles.all()) == [existing]
    assert existing.authors.count() == 0  # articles already on the site are linked, never edited


def test_stray_text_is_reported_not_published(clinic_treatments):
    _, out, _ = run_import(EXPORT)

    assert 'stray text not imported: "post laminectomy syndrome ss"' in out
    laminectomy = condition(101)
    for field in mapping.TEXT_FIELDS:
        assert "syndrome ss" not in getattr(laminectomy, field)
    assert "syndrome ss" not in " ".join(ConditionTreatment.objects.values_list("note", flat=True))


# --- Status, idempotency, redirects -------------------------------------------------------------------------


def test_conditions_are_drafts_by_default(client, clinic_treatments):
    run_import(EXPORT)

    assert set(Condition.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert client.get("/conditions/post-laminectomy-syndrome/").status_code == 404


def test_status_publish_publishes_the_pages_published_in_wordpress(client, clinic_treatments):
    _, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)

    laminectomy = condition(101)
    assert laminectomy.is_published
    assert laminectomy.published_at.isoformat() == "2019-04-16T14:03:12+00:00"  # the WordPress date
    assert condition(104).status == Status.DRAFT  # a draft in WordPress is never published
    assert '"draft" in WordPress, so imported as a draft' in out
    # New sidebar articles share the condition's status, so the published page shows its research.
    assert condition(101).research_articles.get().is_published

    response = client.get("/conditions/post-laminectomy-syndrome/")
    assert response.status_code == 200
    assert b"Interventional pain management for failed back surgery syndrome" in response.content  # AMA: sentence case
    assert b"Numb patches or pins and needles." in response.content


def test_running_twice_changes_nothing(clinic_treatments, media_root):
    run_import(EXPORT, status="publish", reviewer=REVIEWER, media_dir=UPLOADS)
    before, files_before = snapshot(), media_files(media_root)

    status, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER, media_dir=UPLOADS)

    assert status == 1
    assert "0 created, 0 updated, 4 unchanged, 5 skipped, 2 errors" in out
    assert snapshot() == before
    assert media_files(media_root) == files_before


def test_reimport_keeps_what_editors_own(clinic_treatments):
    run_import(EXPORT)
    laminectomy = condition(101)
    laminectomy.summary = "Written by the editor."
    laminectomy.body_region = BodyRegion.WHOLE_BODY
    laminectomy.when_to_see_doctor = "<p>Call us if the pain gets worse.</p>"
    publish_as_imported(laminectomy, name="Arif Hussain", credentials="DO")
    extra = TreatmentFactory(name="Medication Management", category=TreatmentCategory.MEDICATION)
    ConditionTreatment.objects.create(condition=laminectomy, treatment=extra, position=9)

    _, out, _ = run_import(EXPORT)

    laminectomy.refresh_from_db()
    assert laminectomy.summary == "Written by the editor."
    assert laminectomy.body_region == BodyRegion.WHOLE_BODY
    assert laminectomy.when_to_see_doctor == "<p>Call us if the pain gets worse.</p>"
    assert laminectomy.status == Status.PUBLISHED  # no --status: the status an editor gave stays
    assert [link.treatment.name for link in treatment_links(101)] == [
        "Corrective surgery",
        "Spinal Cord Stimulation",
        "Medication Management",  # added in the admin: kept, after the page's own
    ]
    assert 'unchanged  page 101 "Post Laminectomy Syndrome"' in out


def test_the_old_address_answers_301_to_the_new_page(client, clinic_treatments):
    run_import(EXPORT, status="publish", reviewer=REVIEWER)

    response = client.get("/post-laminectomy-syndrome/")
    assert response.status_code == 301
    assert response["Location"] == "/conditions/post-laminectomy-syndrome/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/cervical-facet-syndrome/")["Location"] == "/conditions/cervical-facet-syndrome/"
    # Page 102 already lived at /conditions/lumbar-radiculopathy/ (no self-redirect, it would loop); page 104
    # was never public in WordPress (no old address to keep).
    assert set(Redirect.objects.values_list("old_path", flat=True)) == {
        "/post-laminectomy-syndrome/",
        "/cervical-facet-syndrome/",
    }
    assert client.get("/conditions/lumbar-radiculopathy/").status_code == 200


# --- Images -----------------------------------------------------------------------------------------------


def test_images_are_reported_without_media_dir(clinic_treatments):
    _, out, _ = run_import(EXPORT)

    assert "image not imported: pass --media-dir (2019/04/lumbar-spine-after-surgery.png)" in out
    assert 'skipped    attachment 120 "lumbar-spine-after-surgery": an attachment' in out
    assert "featured image of page 101" in out
    assert not condition(101).hero_image
    facet = condition(103)
    assert "riversidepainclinic.example/wp-content/uploads/2019/05/cervical-facet-joints-300x200.png" in facet.overview


def test_images_are_imported_from_media_dir(clinic_treatments, media_root):
    _, out, _ = run_import(EXPORT, media_dir=UPLOADS)

    laminectomy = condition(101)
    assert laminectomy.hero_image.name.startswith("heroes/condition/")
    assert laminectomy.hero_image_alt == "Diagram of the lower spine after a laminectomy"
    with Image.open(laminectomy.hero_image.path) as image:
        assert image.format == "PNG"
    assert 'featured image of page 101 "Post Laminectomy Syndrome": imported' in out

    # The resized copy (-300x200) named in the text is found as its original and served from MEDIA_ROOT.
    facet = condition(103)
    assert 'src="/media/wordpress/2019/05/cervical-facet-joints.png"' in facet.overview
    assert 'alt="The facet joints at the back of the neck"' in facet.overview
    assert (Path(media_root) / "wordpress/2019/05/cervical-facet-joints.png").is_file()


# --- Bad items and bad files --------------------------------------------------------------------------------


def test_a_broken_page_is_reported_and_the_good_pages_land(clinic_treatments):
    status, out, err = run_import(EXPORT)

    assert status == 1
    assert (
        'page 105 "Complex Regional Pain Syndrome": the shortcode [vc_row] opened on line 1 never closes; '
        "nothing was imported for this page"
    ) in err
    assert "2 items could not be imported" in err
    assert not Condition.objects.filter(wordpress_id=105).exists()
    assert not Treatment.objects.filter(name__icontains="ganglion").exists()
    assert not ResearchArticle.objects.filter(title__icontains="Budapest").exists()
    assert Condition.objects.count() == 4


def test_a_page_without_a_title_is_an_error(clinic_treatments):
    _, out, err = run_import(EXPORT)

    assert "page 106 (no title): has no title" in err
    assert "error      page 106 (no title)" in out
    assert not Condition.objects.filter(wordpress_id=106).exists()
    assert not Condition.objects.filter(slug="knee-osteoarthritis").exists()


def test_a_page_that_fails_while_saving_leaves_nothing_behind(clinic_treatments, media_root, monkeypatch):
    original = importer._PageWriter._sync_redirect

    def fail_for_facet_page(writer, condition):
        if writer.item.post_id == 103:
            raise DatabaseError("disk full")
        return original(writer, condition)

    monkeypatch.setattr(importer._PageWriter, "_sync_redirect", fail_for_facet_page)

    status, out, err = run_import(EXPORT, media_dir=UPLOADS)

    assert status == 1
    assert 'page 103 "Cervical Facet Syndrome": database error (disk full)' in err
    assert 'attachment 131 "cervical-facet-joints": an attachment (2019/05/cervical-facet-joints.png), not used' in out
    assert not Condition.objects.filter(wordpress_id=103).exists()
    assert not Treatment.objects.filter(name="Medial branch block").exists()  # created inside the page's savepoint
    assert not ResearchArticle.objects.filter(title__icontains="Zygapophyseal").exists()
    assert not (Path(media_root) / "wordpress/2019/05/cervical-facet-joints.png").exists()  # the copied image too
    assert condition(101).hero_image  # the other pages landed


def test_a_slug_taken_by_a_page_not_from_wordpress_is_an_error(clinic_treatments):
    ConditionFactory(slug="cervical-facet-syndrome", name="Neck Facet Pain")

    _, _, err = run_import(EXPORT)

    assert 'the address /conditions/cervical-facet-syndrome/ is already used by the condition "Neck Facet Pain"' in err
    assert Condition.objects.get(slug="cervical-facet-syndrome").wordpress_id is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-xml.txt", "not-xml.txt is not an XML file"),
        ("not-wxr.xml", "not-wxr.xml is an RSS feed, not a WordPress export (WXR)"),
        ("truncated.xml", "truncated.xml ends early"),
        ("missing.xml", "missing.xml: no such file"),
    ],
)
def test_a_file_that_cannot_be_read_exits_2_and_imports_nothing(name, message):
    status, out, err = run_import(FIXTURES / name)

    assert status == 2
    assert message in err
    assert Condition.objects.count() == 0


def test_an_entity_expansion_bomb_is_refused_quickly(tmp_path):
    bomb = tmp_path / "billion-laughs.xml"
    entities = "\n".join(f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY lol0 "lol">\n'
        + entities
        + '\n]>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>&lol9;</title></item></channel></rss>\n"
    )
    started = time.monotonic()

    status, _, err = run_import(bomb)

    assert status == 2
    assert "billion-laughs.xml was refused: it declares a DTD or entities" in err
    assert time.monotonic() - started < 5
    assert Condition.objects.count() == 0


def test_an_external_entity_is_refused(tmp_path):
    export = tmp_path / "xxe.xml"
    export.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>&secret;</title></item></channel></rss>\n"
    )

    status, _, err = run_import(export)

    assert status == 2
    assert "refused" in err
    assert "root:" not in err


def test_the_shell_sees_the_exit_status():
    """Run as a real process: `manage.py import_wordpress` exits 2 for a file that is not XML."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings.test"}
    process = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(FIXTURES / "not-xml.txt")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2, process.stderr
    assert "is not an XML file" in process.stderr


# --- Options and report ------------------------------------------------------------------------------------


def test_dry_run_writes_nothing(clinic_treatments, media_root):
    before = snapshot()

    status, out, _ = run_import(EXPORT, dry_run=True, status="publish", reviewer=REVIEWER, media_dir=UPLOADS)

    assert status == 1
    assert 'created    page 101 "Post Laminectomy Syndrome"' in out
    assert "Dry run: everything was rolled back, nothing was saved." in out
    assert snapshot() == before
    assert media_files(media_root) == []


def test_items_that_are_not_condition_pages_are_skipped_and_listed(clinic_treatments):
    _, out, _ = run_import(EXPORT)

    assert (
        'skipped    post 150 "Our clinic has moved to Riverside Drive": a blog post (post type "post"), '
        "not a condition page"
    ) in out
    assert 'skipped    page 107 "Contact us": no condition structure' in out
    assert 'skipped    nav_menu_item 160 "Conditions"' in out
    assert 'skipped    attachment 131 "cervical-facet-joints"' in out
    assert not Condition.objects.filter(name__in=["Contact us", "Our clinic has moved to Riverside Drive"]).exists()
    assert "4 created, 0 updated, 0 unchanged, 5 skipped, 2 errors" in out


def test_post_type_option_reads_other_post_types(clinic_treatments):
    _, out, _ = run_import(EXPORT, "--post-type", "page", "post")

    # Read now, the blog post has a stray "Description:" line but no condition structure: still skipped.
    assert 'skipped    post 150 "Our clinic has moved to Riverside Drive": no condition structure' in out
    assert Condition.objects.count() == 4


def test_the_report_lists_removed_shortcodes(clinic_treatments):
    _, out, _ = run_import(EXPORT)

    assert "removed shortcodes with no equivalent here: [ultimate_spacer], [vc_single_image]" in out


def test_progress_bar_draws_on_a_terminal_only():
    stream = io.StringIO()
    bar = ProgressBar(stream, total=4)
    bar.update(2, "Post Laminectomy Syndrome")
    bar.close()
    assert "\r[############------------] 2/4 Post Laminectomy Syndrome" in stream.getvalue()
    assert "4/4" in stream.getvalue()

    silent = io.StringIO()
    ProgressBar(silent, total=4, enabled=False).update(1, "x")
    assert silent.getvalue() == ""


def test_no_progress_bar_in_captured_output(clinic_treatments):
    _, _, err = run_import(EXPORT)
    assert "\r" not in err
