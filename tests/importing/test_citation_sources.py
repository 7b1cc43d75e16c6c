"""Citation files as real tools write them (issue 12). Each file under tests/fixtures/citations/sources/ is written
by us in the shape of one tool's quirk (JabRef's capitalised fields, Cochrane's comma-only authors, EndNote's Web of
Science links, ProQuest's notes, …); each test imports it with `manage.py import_citations` and checks what a
patient would then read."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from citations import files
from conditions.models import ResearchArticle

from ..helpers import TEST_FILES

SOURCES = TEST_FILES / "citations" / "sources"

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_citations", *[str(arg) for arg in args], stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
        err.write(str(error))
    return code, out.getvalue(), err.getvalue()


def article(title_start):
    return ResearchArticle.objects.with_authors().get(title__startswith=title_start)


def authors_of(title_start):
    return [(author.family_name, author.given_names) for author in article(title_start).authors.order_by("position")]


# --- 1. Field names in any case ------------------------------------------------------------------------


def test_jabref_capitalised_and_upper_case_field_names_are_read():
    code, out, _ = run(SOURCES / "jabref.bib")
    assert code == 0 and "3 new, 0 duplicates, 0 errors." in out
    hussain = article("Interventional Pain Management")
    assert (hussain.doi, hussain.pmid, hussain.year, hussain.pages) == ("10.1111/papr.12035", "23374545", 2014, "64-78")
    assert authors_of("Interventional Pain") == [("Hussain", "Arif"), ("Erdek", "Michael")]
    assert article("Spinal cord stimulation").journal == "Pain"  # TITLE, JOURNAL in upper case
    assert article("A randomized trial").doi == "10.1056/NEJMoa1313265"  # `title` with `DOI =`


# --- 2. Cochrane's authors ----------------------------------------------------------------------------------


def test_cochrane_comma_only_author_lists_keep_every_author_in_order():
    code, out, _ = run(SOURCES / "cochrane.bib")
    assert code == 0 and "2 new" in out
    assert authors_of("Pregabalin") == [("Smith", "S. R."), ("Newton", "K."), ("Jones", "A. B.")]
    assert "Smith SR, Newton K, Jones AB." in article("Pregabalin").ama_citation
    assert authors_of("Acupuncture") == [("Brown", "J."), ("Lee", "M. H.")]


# --- 3. A bad optional field is left out, the record kept -------------------------------------------------------


def test_bad_optional_fields_are_left_out_with_a_warning_and_the_records_kept():
    code, out, _ = run(SOURCES / "bad_fields.bib")
    assert code == 0 and "4 new, 0 duplicates, 0 errors; 4 warnings" in out
    assert "warning: link “<Go to ISI>://WOS:000226057800021” left out" in out
    assert article("Spinal cord stimulation").url == "" and article("Spinal cord stimulation").pages == "98-106"
    assert article("Surgery versus nonsurgical").url == (
        "https://www.sciencedirect.com/science/article/pii/S0000000000000000"
    )  # scheme-less: https is the link's own scheme
    assert "warning: PubMed ID “PMID 1711A” left out" in out and article("Surgical vs").pmid == ""
    peul = article("Surgery versus prolonged")
    assert (peul.issue, peul.pages, peul.year) == ("", "", 2007)
    assert "warning: issue “Supplement 2: abstracts" in out and "warning: pages “Article e1234567" in out


def test_endnote_web_of_science_link_in_ris_is_left_out_with_a_warning():
    code, out, _ = run(SOURCES / "endnote_wos.ris")
    assert code == 0 and "1 new" in out and "warning: link “<Go to ISI>://WOS:" in out
    assert article("Spinal cord stimulation").url == ""


def test_an_identifier_field_with_its_label_is_read_as_the_number(tmp_path):
    path = tmp_path / "labelled.bib"
    path.write_text("@article{a, title = {Labelled}, year = 2020, pmid = {PMID: 23374545}}\n")
    assert run(path)[0] == 0
    assert article("Labelled").pmid == "23374545"


# --- 4. @string macros, # and crossref -------------------------------------------------------------------------


def test_string_macros_joined_with_hash_are_resolved_and_undefined_macros_never_become_text():
    code, out, _ = run(SOURCES / "macros.bib")
    assert code == 0 and "6 new" in out
    concatenated = article("Radiofrequency denervation")
    assert concatenated.title == "Radiofrequency denervation for facet joint pain"
    assert concatenated.journal == "Pain" and concatenated.year == 2016
    assert concatenated.pages == "101-109"  # a bare value that is no macro name is text
    assert authors_of("Radiofrequency denervation") == [("César", "Jean")]
    assert "#" not in concatenated.ama_citation
    assert authors_of("Pulsed radiofrequency") == []  # "somebody" is no author
    assert "warning: author left out: it names “somebody”, which no @string defines" in out


def test_crossref_gives_a_chapter_its_book_and_year_and_twins_stay_distinct():
    run(SOURCES / "macros.bib")
    first, second = ResearchArticle.objects.filter(title="Epidural injections").order_by("year")
    assert (first.year, first.journal, first.pages) == (2012, "Interventional Pain Management", "101-120")
    assert (second.year, second.journal) == (2019, "Interventional Pain Management, 2nd edition")


# --- 5. LaTeX ----------------------------------------------------------------------------------------------------


def test_latex_in_titles_and_names_becomes_unicode_text():
    assert run(SOURCES / "latex.bib")[0] == 0
    laser = article("Low-level")
    assert laser.title == "Low-level 1.55μm laser therapy and α-2 agonists in Müller's Ödem"
    assert authors_of("Low-level") == [("Müller", "Jörg"), ("García", "Ana"), ("Østergaard", "Søren")]
    assert not any(character in laser.ama_citation for character in "$\\{}")


# --- 6. Entries without a key ------------------------------------------------------------------------------------


def test_entries_without_a_citation_key_are_all_imported():
    code, out, _ = run(SOURCES / "keyless.bib")
    assert code == 0 and "3 new, 0 duplicates, 0 errors." in out
    assert ResearchArticle.objects.count() == 3


# --- 7. Identifiers only from identifier fields; different DOIs are different papers --------------------------------


def test_a_pmid_in_a_free_text_note_is_never_taken_as_the_articles_pmid():
    code, out, _ = run(SOURCES / "proquest.ris")
    assert code == 0 and "4 new, 0 duplicates, 0 errors." in out  # none is a "duplicate" by the note's PMID
    assert set(ResearchArticle.objects.values_list("pmid", flat=True)) == {""}


def test_records_with_different_dois_are_different_papers_whatever_else_they_share(tmp_path):
    path = tmp_path / "twins.bib"
    path.write_text(
        "@article{a, title = {Twin}, year = 2020, doi = {10.1000/one}, pmid = {111}}\n"
        "@article{b, title = {Twin}, year = 2020, doi = {10.1000/two}, pmid = {111}}\n"
    )
    code, out, _ = run(path)
    assert code == 0 and "2 new, 0 duplicates" in out
    assert "warning: PubMed ID 111 left out: “Twin” has it, with another DOI" in out
    assert sorted(ResearchArticle.objects.values_list("doi", "pmid")) == [("10.1000/one", "111"), ("10.1000/two", "")]
    assert run(path)[1].count("duplicate ") == 2  # and a second run finds both


# --- 8. Encodings --------------------------------------------------------------------------------------------------


def test_a_gbk_encoded_file_is_read_as_chinese_not_mojibake():
    code, out, _ = run(SOURCES / "gbk.bib")
    assert code == 0 and "note: the file is not UTF-8: it was read as GB18030 (GBK, Chinese) text" in out
    wang = ResearchArticle.objects.get()
    assert wang.title == "慢性腰痛患者硬膜外类固醇注射的随机对照试验" and wang.journal == "中华疼痛学杂志"
    assert [author.family_name for author in wang.authors.all()] == ["王", "李"]


def test_a_windows_1252_file_is_still_read_as_windows_1252():
    citation_file = files.read_path(TEST_FILES / "citations" / "endnote_export.ris")
    assert "Windows-1252" in citation_file.notes[0]
    assert "Résumé in the clinic’s reading list" in citation_file.text


def test_a_file_whose_encoding_cannot_be_told_is_refused_with_exit_2(tmp_path):
    path = tmp_path / "garbled.bib"
    path.write_bytes(b"@article{x, title = {" + bytes(range(0x80, 0x100)) * 3 + b"}, year = 2001}\n")
    code, _, err = run(path)
    assert code == 2 and "its text encoding cannot be told" in err and "export it again as UTF-8" in err
    assert not ResearchArticle.objects.exists()


# --- 9. RIS title fallbacks and placeholders -------------------------------------------------------------------------


def test_ris_titles_fall_back_to_t1_ct_bt_and_st_and_placeholders_never_reach_the_citation():
    code, out, _ = run(SOURCES / "ris_titles.ris")
    assert code == 0 and "4 new, 0 duplicates, 0 errors." in out
    titles = set(ResearchArticle.objects.values_list("title", flat=True))
    assert titles == {"Short title only", "Primary title only", "Unpublished title only", "Book title only"}
    short = article("Short title only")
    assert (short.journal, short.volume, short.issue, short.pages) == ("Pain Reports", "", "", "")
    assert short.ama_citation == "Short S. Short title only. Pain Reports. 2019."
    assert "specified" not in " ".join(a.ama_citation for a in ResearchArticle.objects.with_authors()).casefold()


# --- 10. An honest summary -------------------------------------------------------------------------------------------


def test_when_no_record_can_be_imported_the_summary_says_so_with_counts():
    code, out, err = run(SOURCES / "none_importable.bib")
    assert code == 1 and "0 new, 0 duplicates, 2 errors." in out
    assert "2 records could not be imported (listed above): nothing was imported" in err
    assert "the other records were imported" not in err


def test_when_some_records_fail_the_summary_counts_what_was_imported(tmp_path):
    path = tmp_path / "mixed.bib"
    path.write_text("@article{a, title = {Good}, year = 2020}\n@article{b, year = 2021}\n")
    code, _, err = run(path)
    assert code == 1 and "1 record could not be imported (listed above); 1 new article was imported." in err


# --- The admin's preview shows the same warnings ----------------------------------------------------------------


def test_admin_preview_shows_each_field_left_out_and_the_gbk_note(login, reviewer, settings, tmp_path):
    settings.CITATION_IMPORT_DIR = tmp_path
    client = login(reviewer)
    with (SOURCES / "bad_fields.bib").open("rb") as handle:
        page = client.post("/admin/conditions/researcharticle/import/", {"file": handle}).content.decode()
    assert "4 new, 0 duplicates, 0 errors; 4 warnings" in page
    assert page.count('class="help import-warning"') == 4
    assert "Warning: link “&lt;Go to ISI&gt;://WOS:000226057800021” left out" in page
    with (SOURCES / "gbk.bib").open("rb") as handle:
        page = client.post("/admin/conditions/researcharticle/import/", {"file": handle}).content.decode()
    assert "it was read as GB18030 (GBK, Chinese) text" in page and "慢性腰痛患者硬膜外类固醇注射的随机对照试验" in page
