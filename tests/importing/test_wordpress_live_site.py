"""Importing a live WordPress site (issue 12, items 12–15): tests/fixtures/wordpress/live-site-export.xml is written
in the shape of a clinic site with WooCommerce: condition pages whose treatments the new site does not have yet,
WooCommerce's stock shop/cart/checkout/account/refund pages, WordPress's privacy policy, a page copied from another
one (its <link> is the other page's), and images that are too large, not images, or named like a web page."""

import io
import re

import pytest
from django.contrib.redirects.models import Redirect
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from conditions.models import Condition, ResearchArticle, Status, Treatment
from importing.wordpress import blocks, wxr
from importing.wordpress.shortcodes import page_columns

from ..factories import ConditionFactory, ResearchArticleFactory, StaffUserFactory
from ..helpers import TEST_FILES

EXPORT = TEST_FILES / "wordpress" / "live-site-export.xml"
REVIEWER = "wp-reviewer"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wordpress_reviewer(db):
    return StaffUserFactory(username=REVIEWER, role="Medical reviewer", first_name="Wendy", last_name="Reviewer")


def run_import(*args, **options):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_wordpress", *[str(arg) for arg in args], stdout=stdout, stderr=stderr, **options)
        status = 0
    except CommandError as error:
        status = error.returncode
        stderr.write(str(error))
    return status, stdout.getvalue(), stderr.getvalue()


def sentences(item):
    """Every sentence a visitor read on the WordPress page (its main column, as plain text; headings left out)."""
    lines = [blocks.plain(line) for line in page_columns(item.content).main.splitlines()]
    parts = [part for line in lines if not line.strip().endswith(":") for part in re.split(r"(?<=[.!?])\s+", line)]
    return [" ".join(part.split()).rstrip(".") for part in parts if len(part.split()) >= 4]


def visible_text(response):
    return " ".join(blocks.plain(response.content.decode()).replace("’", "'").split())


# --- 13. A live site's public pages keep every sentence --------------------------------------------------------


def test_with_status_publish_every_sentence_of_a_public_page_is_on_the_new_public_page(client):
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)
    export = wxr.read_export(EXPORT)
    for post_id in (201, 202):
        item = next(item for item in export.items if item.post_id == post_id)
        page = client.get(Condition.objects.get(wordpress_id=post_id).get_absolute_url())
        assert page.status_code == 200
        text = visible_text(page)
        missing = [sentence for sentence in sentences(item) if " ".join(sentence.split()) not in text]
        assert not missing, f"{item.label}: {missing}"
    assert "corrective surgery can remove it" in visible_text(client.get("/conditions/post-laminectomy-syndrome/"))


def test_treatments_made_from_a_published_page_are_published_signed_off_and_due_for_review(client):
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)
    made = Treatment.objects.order_by("name")
    assert [treatment.name for treatment in made] == ["Corrective surgery", "Spinal cord stimulation"]
    for treatment in made:
        assert treatment.is_published and treatment.signoff.reviewer.username == REVIEWER
        assert treatment.next_review_due == timezone.localdate()  # flagged: due for a proper review now
        assert client.get(treatment.get_absolute_url()).status_code == 200
    assert 'new treatment "Corrective surgery"' in out and "published with the page, due for review" in out


def test_without_status_publish_new_treatments_stay_drafts():
    run_import(EXPORT)
    assert set(Treatment.objects.values_list("status", flat=True)) == {Status.DRAFT}


# --- 14. Shop, cart, checkout, account, privacy and policy pages are no conditions -----------------------------


def test_woocommerce_and_policy_pages_are_skipped_with_a_reason():
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)
    assert not Condition.objects.filter(wordpress_id__in=[210, 211, 212, 213, 214, 215]).exists()
    assert 'skipped    page 210 "Refund and Returns Policy": a shop or policy page (WooCommerce, privacy)' in out
    woocommerce = [(211, "Shop"), (212, "Cart"), (213, "Checkout"), (214, "My account"), (215, "Privacy Policy")]
    for post_id, title in woocommerce:
        assert f'skipped    page {post_id} "{title}": a shop or policy page' in out
    assert "Gift cards" not in " ".join(Condition.objects.values_list("symptoms", flat=True))


# --- 15. Images and redirects ------------------------------------------------------------------------------------


@pytest.fixture
def live_uploads(tmp_path, settings):
    """The site's uploads folder: a 20,000 × 20,000 pixel scan (a few kB of PNG), a text file named .png, and a real
    PNG image whose name ends in .html."""
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    Image.new("1", (20_000, 20_000)).save(uploads / "huge-scan.png")
    (uploads / "notes.png").write_text("<html><script>alert(1)</script></html>")
    Image.new("RGB", (40, 30), "white").save(uploads / "spine-diagram.html", format="PNG")
    return tmp_path / "uploads"


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_an_oversized_image_is_reported_and_the_import_goes_on(live_uploads, settings):
    code, out, err = run_import(EXPORT, status="publish", reviewer=REVIEWER, media_dir=live_uploads)
    assert "Traceback" not in err
    assert "image not imported: This image has more than 40 megapixels" in out  # the featured image
    assert "image in the text not imported: This image has more than 40 megapixels" in out
    assert Condition.objects.filter(wordpress_id__in=[201, 202, 203]).count() == 3  # later pages landed
    assert "created    page 201" in out and "1 created" not in out


def test_files_that_are_not_images_are_never_stored_and_images_keep_an_image_name(live_uploads, settings):
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER, media_dir=live_uploads)
    files = stored_files(settings)
    assert "image in the text not imported: This file is not an image" in out  # notes.png
    assert not any("notes" in name or "huge-scan" in name for name in files)
    assert files == ["wordpress/2024/05/spine-diagram.png"]  # the PNG named .html is stored as what it is
    assert "/media/wordpress/2024/05/spine-diagram.png" in Condition.objects.get(wordpress_id=201).overview


def test_a_link_naming_another_pages_address_never_takes_that_pages_redirect(client):
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)
    redirect = Redirect.objects.get(old_path="/cervical-facet-syndrome/")
    assert redirect.new_path == "/conditions/cervical-facet-syndrome/"  # page 203's <link> did not re-point it
    assert Redirect.objects.get(old_path="/occipital-neuralgia/").new_path == "/conditions/occipital-neuralgia/"
    assert 'its <link> (/cervical-facet-syndrome/) is not this page\'s address (slug "occipital-neuralgia")' in out
    run_import(EXPORT, status="publish", reviewer=REVIEWER)  # a second run changes nothing
    assert Redirect.objects.get(old_path="/cervical-facet-syndrome/").new_path == "/conditions/cervical-facet-syndrome/"


def test_an_existing_redirect_of_another_page_is_never_re_pointed():
    other = ConditionFactory(slug="neck-pain", name="Neck pain")
    Redirect.objects.create(site_id=1, old_path="/occipital-neuralgia/", new_path=other.get_absolute_url())
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)
    assert Redirect.objects.get(old_path="/occipital-neuralgia/").new_path == "/conditions/neck-pain/"
    assert "/occipital-neuralgia/ already redirects to /conditions/neck-pain/ (another page): left as it is" in out


# --- 12. One set of citation rules for every importer --------------------------------------------------------------


def test_sidebar_citations_follow_the_citation_librarys_rules():
    """The same checks, duplicates and warnings as `import_citations`: an article already in the library (imported
    from a JabRef file) is linked, a paper with the same title but another DOI is another paper, and a malformed DOI
    is left out with the citation library's own warning."""
    call_command("import_citations", TEST_FILES / "citations" / "sources" / "jabref.bib", stdout=io.StringIO())
    hussain = ResearchArticle.objects.get(doi="10.1111/papr.12035")
    namesake = ResearchArticleFactory(
        title="Surgery versus prolonged conservative treatment for sciatica", year=2007, doi="10.9999/another.paper"
    )
    code, out, _ = run_import(EXPORT, status="publish", reviewer=REVIEWER)
    sidebar = [link.article for link in Condition.objects.get(wordpress_id=204).condition_articles.order_by("position")]
    assert sidebar[0] == hussain and ResearchArticle.objects.filter(doi__iexact="10.1111/papr.12035").count() == 1
    assert sidebar[1] != namesake and sidebar[1].doi == "10.1056/NEJMoa064039"  # different DOIs: different papers
    assert sidebar[2].title == "Epidural steroid injections for sciatica" and sidebar[2].doi == ""
    assert (
        'research article "Epidural steroid injections for sciatica": DOI “doi.org/10.1056” left out: '
        '"doi.org/10.1056" is not a DOI.'
    ) in out
    assert all(article.is_published for article in sidebar)
