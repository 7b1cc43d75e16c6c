"""Importing citation files: RIS, BibTeX and PubMed (MEDLINE/.nbib) readers, `manage.py import_citations`, and the
admin's upload → preview → confirm. Fixture files under tests/fixtures/citations/ are written the way Zotero,
EndNote, Mendeley and PubMed export them, each with deliberately broken records."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from citations import bibtex, files, medline, ris
from citations.records import Citation
from conditions.models import ArticleAuthor, ConditionArticle, ResearchArticle, Status
from importing import articles
from importing.articles import field_errors, normalized_title, problems
from importing.citations import CitationImporter

from ..factories import ConditionArticleFactory, ConditionFactory, ResearchArticleFactory, StaffUserFactory
from ..helpers import TEST_FILES

FIXTURES = TEST_FILES / "citations"
#: "good" records become articles (a bad optional field, such as a malformed DOI, is left out with a warning);
#: "errors" are refused (no title, not readable).
FILES = {
    "zotero_library.ris": {"good": 4, "errors": 1},
    "endnote_export.ris": {"good": 2, "errors": 1},
    "zotero_library.bib": {"good": 4, "errors": 2},
    "mendeley.bib": {"good": 2, "errors": 0},
    "pubmed_citations.nbib": {"good": 3, "errors": 1},
    "pubmed_medline.txt": {"good": 2, "errors": 1},
}
#: The distinct articles in all the fixture files (the same article appears in several formats).
DISTINCT_GOOD_ARTICLES = {
    "10.1111/papr.12035",  # Hussain 2014
    "10.1016/j.pain.2007.07.028",  # Kumar 2007
    "10.1056/nejmoa1313265",  # Friedly 2014
    "pmid:15617591",  # North 2005 (no DOI)
    "10.1056/nejmoa064039",  # Peul 2007
    "10.1001/jama.296.20.2441",  # Weinstein 2006
    "10.7326/m14-1420",  # Delitto 2015
    "10.1097/aap.0000000000000390",  # Müller 2016
    "title:gabapentin for chronic low back pain a pilot trial",  # its malformed DOI left out
    "title:trends and variations in the use of spine surgery",  # its malformed DOI left out
}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_citations", *[str(arg) for arg in args], stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
        err.write(str(error))
    return code, out.getvalue(), err.getvalue()


def article_keys():
    return {
        article.doi.casefold()
        or (f"pmid:{article.pmid}" if article.pmid else f"title:{normalized_title(article.title)}")
        for article in ResearchArticle.objects.filter(draft_of=None)
    }


# --- Readers ---------------------------------------------------------------------------------------------


def read(name):
    return files.read_path(FIXTURES / name)


@pytest.mark.parametrize("name", FILES)
def test_each_fixture_file_has_good_and_deliberately_broken_records(name):
    records = read(name).records
    readable = [record for record in records if not record.error and not problems(record.citation)]
    broken = [record for record in records if record not in readable or record.citation.warnings]
    assert broken, "every fixture keeps at least one broken record (refused, or with a field left out)"
    assert readable, "and good ones"


def test_ris_from_zotero_keeps_authors_in_order_and_every_citation_field():
    hussain = read("zotero_library.ris").records[0].citation
    assert [(a.family, a.given) for a in hussain.authors] == [("Hussain", "Arif"), ("Erdek", "Michael")]
    assert (hussain.journal, hussain.journal_abbreviation) == ("Pain Practice", "Pain Pract")
    assert (hussain.year, hussain.volume, hussain.issue, hussain.pages) == (2014, "14", "1", "64-78")
    assert hussain.doi == "10.1111/papr.12035"
    assert hussain.abstract.startswith("Failed back surgery syndrome (FBSS) is a common problem")
    assert "the interventional options" in hussain.abstract  # the continuation line is kept
    assert hussain.keywords[:2] == ["failed back surgery syndrome", "post laminectomy syndrome"]
    kumar = read("zotero_library.ris").records[1].citation
    assert kumar.pmid == "17845835" and len(kumar.authors) == 14  # AN with DB PubMed


def test_ris_from_endnote_in_windows_encoding_with_crlf_and_a_pubmed_accession_number():
    endnote = read("endnote_export.ris")
    north, peul, truncated = endnote.records
    assert north.citation.pmid == "15617591" and north.citation.journal == "Neurosurgery"
    assert peul.citation.authors[2].family == "Leiden-The Hague Spine Intervention Prognostic Study Group"
    assert peul.citation.authors[1].family == "van Houwelingen"
    assert "cut short" in truncated.error and truncated.line == 37


def test_ris_record_missing_its_end_before_the_next_is_reported_and_the_next_is_read():
    text = "TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nPY  - 2020\nER  - \n"
    first, second = ris.parse(text)
    assert "no “ER  -” line" in first.error and first.title == "First"
    assert not second.error and second.citation.year == 2020


def test_bibtex_decodes_latex_and_keeps_group_authors_whole():
    records = read("zotero_library.bib").records
    peul = records[1].citation
    assert peul.authors[-1].family == "Leiden-The Hague Spine Intervention Prognostic Study Group"
    assert peul.authors[1].family == "van Houwelingen" and peul.pages == "2245-2256"
    muller = records[5].citation
    assert [(a.family, a.given) for a in muller.authors] == [("Müller", "Jörg"), ("García", "Ana")]
    assert (
        muller.journal == "Regional Anesthesia & Pain Medicine" and muller.journal_abbreviation == "Reg Anesth Pain Med"
    )
    assert "Café-style" in muller.title
    broken = records[3]
    assert broken.line == 44 and "broken_unclosed_2018" in broken.error


def test_bibtex_from_mendeley_reads_pmid_abstract_and_semicolon_keywords():
    friedly = read("mendeley.bib").records[0].citation
    assert friedly.pmid == "24988555" and friedly.abstract.startswith("BACKGROUND:")
    assert "Injections, Epidural" in friedly.keywords  # semicolons separate, commas stay inside a heading
    assert len(friedly.authors) == 16


def test_medline_reads_full_names_doi_mesh_and_expands_page_ranges():
    records = read("pubmed_citations.nbib").records
    hussain = records[0].citation
    assert hussain.title == "Interventional pain management for failed back surgery syndrome"  # no final period
    assert [(a.family, a.given) for a in hussain.authors] == [("Hussain", "Arif"), ("Erdek", "Michael")]
    assert hussain.doi == "10.1111/papr.12035" and hussain.pmid == "23374545"
    assert hussain.journal_abbreviation == "Pain Pract" and hussain.year == 2014
    assert hussain.keywords[:3] == ["Failed Back Surgery Syndrome", "Humans", "Pain Management"]
    north = records[1].citation
    assert north.title.startswith("Spinal cord stimulation versus repeated lumbosacral spine surgery for chronic pain")
    assert north.pages == "98-106" and north.doi == ""  # "[pii]" is not a DOI
    peul = records[3].citation
    assert peul.pages == "2245-2256"
    assert peul.authors[-1].family == "Leiden-The Hague Spine Intervention Prognostic Study Group"


def test_medline_with_only_initials_keeps_them_as_initials():
    record = medline.parse("PMID- 1\nTI  - A title.\nAU  - Erdek MA\nDP  - 2001\n")[0]
    author = record.citation.authors[0]
    assert (author.family, author.given) == ("Erdek", "M. A.")
    assert ArticleAuthor(**author.as_fields()).short_name == "Erdek MA"


def test_medline_damaged_lines_make_that_record_an_error():
    broken = read("pubmed_medline.txt").records[2]
    assert "line 52 is not a MEDLINE line" in broken.error


@pytest.mark.parametrize(
    "content,name,expected",
    [
        (b"TY  - JOUR\nTI  - X\nER  - \n", "export.txt", "ris"),
        (b"@article{a, title={X}}\n", "refs.ris", "bibtex"),  # named .ris, but BibTeX inside
        (b"PMID- 1\nTI  - X.\n", "pubmed-set.txt", "medline"),
    ],
)
def test_the_format_comes_from_the_content(content, name, expected):
    assert files.read_bytes(content, name).format.name == expected


def test_utf16_exports_with_a_byte_order_mark_are_read():
    text = "TY  - JOUR\r\nTI  - Schmerztherapie nach Bandscheibenoperation\r\nAU  - Müller, Jörg\r\nER  - \r\n"
    (record,) = files.read_bytes(text.encode("utf-16"), "endnote.ris").records
    assert record.citation.authors[0].family == "Müller"


def test_a_misnamed_file_is_read_with_a_note():
    citation_file = files.read_bytes(b"@article{a, title={X}}\n", "refs.ris")
    assert citation_file.notes == ["the file is named .ris but it is BibTeX: it was read as BibTeX"]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"%PDF-1.7\n\x00\x01\x02", "binary file"),
        (b"title,authors,year\nSomething,Someone,2020\n", "not a citation file"),
        (b"", "not a citation file"),
    ],
)
def test_files_that_are_not_citation_exports_are_refused_with_one_sentence(content, message):
    with pytest.raises(files.CitationFileError, match=message):
        files.read_bytes(content, "upload.ris")


# --- The command -----------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_importing_every_fixture_twice_leaves_exactly_the_good_records_once(reviewer):
    for _ in range(2):
        for name in FILES:
            code, _, _ = run(FIXTURES / name, "--reviewer", reviewer.username)
            assert code == (1 if FILES[name]["errors"] else 0)
    assert article_keys() == DISTINCT_GOOD_ARTICLES
    assert ResearchArticle.objects.count() == len(DISTINCT_GOOD_ARTICLES)
    published = ResearchArticle.objects.filter(status=Status.PUBLISHED, signoff__reviewer=reviewer)
    assert published.count() == len(DISTINCT_GOOD_ARTICLES)  # signed off in the reviewer's name


def test_without_a_reviewer_imported_articles_are_drafts_and_live_sidebars_change_only_in_a_draft_copy():
    sciatica = ConditionFactory(slug="sciatica", name="Sciatica")
    code, out, _ = run(FIXTURES / "zotero_library.ris", "--condition", "sciatica")
    assert code == 1
    assert set(ResearchArticle.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not sciatica.condition_articles.exists()  # the live page is unchanged
    assert sciatica.draft_copies.get().condition_articles.count() == 4
    code, out, _ = run(FIXTURES / "zotero_library.ris", "--condition", "sciatica")
    assert "Sciatica (draft copy)" not in out  # already linked in the copy: nothing to add
    assert sciatica.draft_copies.count() == 1


@pytest.mark.parametrize("name", FILES)
def test_each_file_imported_twice_creates_its_good_records_once(name):
    code, out, err = run(FIXTURES / name)
    assert code == (1 if FILES[name]["errors"] else 0)
    created = ResearchArticle.objects.count()
    assert created == FILES[name]["good"]
    assert f"{FILES[name]['errors']} error" in out
    assert ("could not be imported" in err) == bool(FILES[name]["errors"])
    code, out, _ = run(FIXTURES / name)
    assert code == (1 if FILES[name]["errors"] else 0) and "0 new" in out
    assert ResearchArticle.objects.count() == created


def test_report_names_each_bad_record_and_why_and_each_field_left_out():
    code, out, err = run(FIXTURES / "zotero_library.ris")
    assert code == 1
    assert "error      record 3 (line 59) (Smith, 2019): no title" in out
    gabapentin = out.split("record 5 (line 96) “Gabapentin for Chronic Low Back Pain: A Pilot Trial” -> ")[1]
    assert gabapentin.splitlines()[1].strip().startswith('warning: DOI “10.12/not a doi” left out: "10.12/not a doi"')
    assert "record 3 (line 59) (Smith, 2019): no title" in err
    assert "4 new, 0 duplicates, 1 error; 1 warning (fields left out, listed above)." in out
    assert "1 record could not be imported (listed above); 4 new articles were imported." in err


def test_imported_authors_keep_their_order_and_full_names():
    run(FIXTURES / "pubmed_citations.nbib")
    article = ResearchArticle.objects.with_authors().get(pmid="17538084")
    authors = list(article.authors.all())
    assert [(a.family_name, a.given_names) for a in authors] == [
        ("Peul", "Wilco C"),
        ("van Houwelingen", "Hans C"),
        ("Leiden-The Hague Spine Intervention Prognostic Study Group", ""),
    ]
    assert (
        article.author_list == "Peul WC, van Houwelingen HC, Leiden-The Hague Spine Intervention Prognostic Study Group"
    )


def test_duplicates_are_found_by_doi_case_pmid_then_title_and_year():
    ResearchArticleFactory(doi="10.1056/NEJMOA1313265", slug="friedly")  # DOI in another case
    ResearchArticleFactory(pmid="15617591", slug="north")
    ResearchArticleFactory(title="Surgery Versus Nonsurgical Treatment of Lumbar Spinal Stenosis: A Randomized Trial",
                           year=2015, slug="delitto")  # fmt: skip
    code, out, _ = run(FIXTURES / "pubmed_medline.txt")
    assert "same DOI" in out.splitlines()[1]
    assert "same title and year" in out  # Delitto: the stored article has no DOI
    code, out, _ = run(FIXTURES / "pubmed_citations.nbib")
    assert "record 2 (line 49)" in out and "same PubMed ID" in out


def test_records_repeated_inside_one_file_are_imported_once():
    text = (FIXTURES / "pubmed_medline.txt").read_text()
    importer = CitationImporter(files.read_text(text + "\n" + text, "twice.txt"))
    outcomes = importer.plan()
    assert [o.status for o in outcomes] == ["new", "new", "error", "duplicate", "duplicate", "error"]
    assert "repeats record 1 of this file (same DOI)" in outcomes[3].detail


def test_dry_run_writes_nothing():
    code, out, _ = run(FIXTURES / "zotero_library.ris", "--dry-run")
    assert code == 1 and "4 new" in out and "Dry run: nothing was saved." in out
    assert not ResearchArticle.objects.exists() and not ArticleAuthor.objects.exists()


def test_draft_option_and_conditions_link_new_articles_and_duplicates(reviewer):
    sciatica = ConditionFactory(slug="sciatica", name="Sciatica")
    own = ConditionArticleFactory(condition=sciatica, position=4).article
    stenosis = ConditionFactory(slug="spinal-stenosis", name="Spinal stenosis")
    existing = ResearchArticleFactory(doi="10.1111/papr.12035", slug="hussain")
    code, out, _ = run(
        FIXTURES / "zotero_library.ris", "--draft", "--condition", "sciatica", "spinal-stenosis",
        "--reviewer", reviewer.username,
    )  # fmt: skip
    assert code == 1
    new = ResearchArticle.objects.exclude(pk__in=[existing.pk, own.pk])
    assert new.count() == 3 and {article.status for article in new} == {Status.DRAFT}
    assert "(same DOI); linked to Sciatica, Spinal stenosis" in out  # a duplicate is linked, never changed
    links = ConditionArticle.objects.filter(condition=sciatica).order_by("position")
    assert [link.position for link in links] == [4, 5, 6, 7, 8]  # appended after the editor's own
    assert links.filter(article=existing).exists() and stenosis.condition_articles.count() == 4
    existing.refresh_from_db()
    assert existing.status == Status.PUBLISHED and existing.title.startswith("Outcomes")


def test_an_unknown_condition_is_refused_before_reading():
    code, _, err = run(FIXTURES / "zotero_library.ris", "--condition", "no-such-condition")
    assert code == 2 and "No condition has the slug no-such-condition" in err
    assert not ResearchArticle.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [{"year": 1500}, {"doi": "not a doi"}, {"pmid": "12ab"}, {"url": "<Go to ISI>://WOS:000301"}, {"issue": "x" * 30},
     {"title": "t" * 600}, {"pages": "1" * 40, "volume": "v" * 21}, {"journal": ""}],
)  # fmt: skip
def test_a_citation_is_checked_by_the_rules_of_the_article_it_becomes(bad):
    """The import checks each record's fields without building an article: the same errors as the article's own
    `clean_fields` (what the admin's form reports), field by field."""
    fields = Citation(title="Spinal cord stimulation", year=2014, doi="10.1111/papr.12088", pmid="23615332",
                      url="https://example.org/a").article_fields() | bad  # fmt: skip
    try:
        ResearchArticle(**fields).clean_fields(exclude=["slug", "status", "published_at", "owner", "draft_of"])
        expected = {}
    except ValidationError as error:
        expected = error.message_dict
    assert {field.name: messages for field, messages in field_errors(fields)} == expected
    assert expected or bad == {"journal": ""}


def test_a_failure_midway_writes_nothing(monkeypatch):
    """The articles are written, then their authors fail: the articles are rolled back too."""

    def fail_after_the_articles(model, columns, rows):
        assert model is ArticleAuthor and ResearchArticle.objects.count() == 4  # the articles are already written
        raise RuntimeError("disk full")

    monkeypatch.setattr(articles, "insert_rows", fail_after_the_articles)
    code, _, err = run(FIXTURES / "zotero_library.ris")
    assert code == 2
    assert "zotero_library.ris: disk full. Nothing was imported." in err
    assert not ResearchArticle.objects.exists()


def test_a_50_mb_file_is_refused_with_a_clear_message(tmp_path):
    big = tmp_path / "library.ris"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _, err = run(big)
    assert code == 2
    assert "the file is 50.0 MB, more than the 10.0 MB a citation import may be" in err


@pytest.mark.parametrize(
    "content,message",
    [
        (b"Title;Authors;Year\nSomething;Someone;2020\n", "not a citation file"),
        (b"PK\x03\x04\x00\x00word/document.xml", "binary file"),
    ],
)
def test_a_file_in_the_wrong_format_exits_2(tmp_path, content, message):
    path = tmp_path / "references.ris"
    path.write_bytes(content)
    code, _, err = run(path)
    assert code == 2 and message in err


def test_a_missing_file_exits_2(tmp_path):
    code, _, err = run(tmp_path / "nowhere.ris")
    assert code == 2 and "no such file" in err


def test_a_clean_file_exits_0(tmp_path):
    path = tmp_path / "one.ris"
    path.write_text("TY  - JOUR\nTI  - A Clean Record\nAU  - Doe, Jane\nPY  - 2020\nER  - \n")
    code, out, _ = run(path)
    assert code == 0 and "1 new, 0 duplicates, 0 errors." in out


def test_the_imported_article_cites_in_ama_exactly_like_the_example():
    run(FIXTURES / "zotero_library.ris")
    article = ResearchArticle.objects.with_authors().get(doi="10.1111/papr.12035")
    assert article.ama_citation == (
        "Hussain A, Erdek M. Interventional pain management for failed back surgery syndrome. Pain Pract. "
        "2014;14(1):64-78. doi:10.1111/papr.12035"
    )
    assert "failed back surgery syndrome" in article.keyword_index


def test_imported_slugs_are_short_unique_and_never_reserved():
    ResearchArticleFactory(slug="a-clean-record")
    citation_file = files.read_text("TY  - JOUR\nTI  - A Clean Record\nER  - \nTY  - JOUR\nTI  - Feed\nER  - \n", "x")
    outcomes = CitationImporter(citation_file).plan()
    assert [o.slug for o in outcomes] == ["a-clean-record-2", "feed-2"]


def test_bibtex_round_trip_reader_accepts_our_own_download():
    run(FIXTURES / "zotero_library.bib")
    article = ResearchArticle.objects.with_authors().get(doi="10.1097/AAP.0000000000000390")
    again = bibtex.parse(bibtex.dumps(article))[0].citation
    assert again.title == article.title and [a.family for a in again.authors] == ["Müller", "García"]
    assert again.pages == "310-318" and again.journal_abbreviation == "Reg Anesth Pain Med"


# --- The admin -------------------------------------------------------------------------------------------

IMPORT_URL = "/admin/conditions/researcharticle/import/"


def upload(client, name, **data):
    with (FIXTURES / name).open("rb") as handle:
        return client.post(IMPORT_URL, {"file": handle, **data})


def test_changelist_links_to_the_import_page(admin_client):
    page = admin_client.get(reverse("admin:conditions_researcharticle_changelist")).content.decode()
    assert f'href="{IMPORT_URL}"' in page and "Import citations" in page


def test_admin_preview_then_confirm_imports_the_good_records(login, reviewer, settings, tmp_path):
    settings.CITATION_IMPORT_DIR = tmp_path
    client = login(reviewer)
    assert client.get(IMPORT_URL).status_code == 200
    preview = upload(client, "zotero_library.bib")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "4 new, 0 duplicates, 2 errors." in page
    assert page.count('class="import-new"') == 4 and page.count('class="import-error"') == 2
    assert "the entry “broken_unclosed_2018” is not valid BibTeX" in page and "no title" in page
    assert "Müller J, García A. Facet joint injections in low back pain" in page  # AMA preview
    assert not ResearchArticle.objects.exists(), "the preview saves nothing"

    token = preview.context["token"]
    response = client.post(IMPORT_URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert ResearchArticle.objects.filter(status=Status.PUBLISHED).count() == 4
    assert not list(tmp_path.iterdir()), "the waiting file is removed once imported"
    again = client.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
    assert "expired or was already imported" in again.content.decode()
    assert ResearchArticle.objects.count() == 4

    second = upload(client, "zotero_library.bib").content.decode()
    assert "0 new, 4 duplicates, 2 errors." in second and "Nothing to import" in second


def test_admin_import_by_an_editor_makes_drafts(login, editor, settings, tmp_path):
    settings.CITATION_IMPORT_DIR = tmp_path
    client = login(editor)
    preview = upload(client, "pubmed_citations.nbib", draft="")  # the disabled box cannot be unticked
    assert "New articles are saved as drafts." in preview.content.decode()
    client.post(IMPORT_URL, {"confirm": "1", "token": preview.context["token"]})
    assert set(ResearchArticle.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert set(ResearchArticle.objects.values_list("owner", flat=True)) == {editor.pk}


def test_admin_import_links_to_the_chosen_conditions(login, reviewer, settings, tmp_path):
    settings.CITATION_IMPORT_DIR = tmp_path
    condition = ConditionFactory()
    client = login(reviewer)
    preview = upload(client, "pubmed_medline.txt", conditions=[condition.pk])
    client.post(IMPORT_URL, {"confirm": "1", "token": preview.context["token"]})
    assert condition.research_articles.count() == 2


@pytest.mark.parametrize(
    "content,message",
    [
        (b"just some notes\n", "not a citation file"),
        (b"%PDF-1.7\x00", "binary file"),
    ],
)
def test_admin_refuses_an_unreadable_file_with_one_sentence(admin_client, content, message):
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("refs.ris", content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert "errorlist" in response.content.decode()


def test_admin_refuses_a_file_over_the_limit(admin_client, settings):
    settings.CITATION_IMPORT_MAX_MB = 1
    big = SimpleUploadedFile("big.ris", b"TY  - JOUR\n" + b"x" * (1024 * 1024 + 1))
    page = admin_client.post(IMPORT_URL, {"file": big}).content.decode()
    assert "more than the 1.0 MB a citation import may be" in page


def test_a_token_of_another_user_is_refused(login, reviewer, settings, tmp_path):
    settings.CITATION_IMPORT_DIR = tmp_path
    token = upload(login(reviewer), "pubmed_medline.txt").context["token"]
    other = login(StaffUserFactory(role="Medical reviewer"))
    response = other.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
    assert "expired or was already imported" in response.content.decode()
    assert not ResearchArticle.objects.exists()


def test_people_without_add_permission_cannot_import(login, administrator):
    assert login(administrator).get(IMPORT_URL).status_code == 403
