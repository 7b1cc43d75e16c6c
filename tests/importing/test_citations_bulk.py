"""Large citation libraries (issue 12, item 11): written in bulk, in a number of queries that does not grow with the
number of records, with the same sign-offs, history and per-record report as one article at a time."""

import io

import pytest
import reversion
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from citations import files
from clinic.bulk import MERGE_PENDING_GIN_ENTRIES, SETTLE_AFTER
from conditions.models import ArticleAuthor, ConditionArticle, ResearchArticle, Status
from conditions.page_state import state_of
from conditions.publishing import publish
from conditions.search import search_vector_expression
from importing.citations import CitationImporter

from ..citation_corpus import generated_bibtex
from ..factories import ClinicianFactory, ConditionFactory, ResearchArticleFactory

pytestmark = pytest.mark.django_db


def import_generated(count, first, user, conditions=()):
    citation_file = files.read_text(generated_bibtex(count, first=first), "library.bib")
    importer = CitationImporter(citation_file, conditions=conditions, publish=True, user=user)
    with CaptureQueriesContext(connection) as queries:
        outcomes = importer.run()
    assert [outcome.status for outcome in outcomes] == ["new"] * count
    return len(queries)


@pytest.mark.parametrize("publish", [True, False], ids=["published", "drafts"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_records(reviewer, editor, publish):
    """Published by a reviewer and linked to a draft condition, or drafts by an editor linked to a live condition's
    draft copy. (A reviewer who links articles to a live condition signs it off: that save records the condition's
    revision the way every save does, reading each link's article for its label.)"""
    user = reviewer if publish else editor
    condition = ConditionFactory(slug="sciatica", name="Sciatica", status=Status.DRAFT if publish else Status.PUBLISHED)
    import_generated(1, first=1, user=user, conditions=[condition])  # the first import also makes the draft copy
    small = import_generated(5, first=10, user=user, conditions=[condition])
    large = import_generated(60, first=100, user=user, conditions=[condition])
    assert large == small
    assert ResearchArticle.objects.filter(draft_of=None).count() == 66


def test_bulk_published_articles_are_signed_off_for_exactly_their_content_and_kept_in_history(reviewer):
    import_generated(3, first=1, user=reviewer)
    for article in ResearchArticle.objects.all():
        assert article.status == Status.PUBLISHED and article.is_published
        assert article.signoff.reviewer == reviewer
        assert article.signoff.content_digest == state_of(article).digest()  # not "changed since sign-off"
        version = Version.objects.get_for_object(article).get()
        assert version.field_dict["title"] == article.title
        assert version.revision.comment == "Imported from library.bib" and version.revision.user == reviewer
        authors = version.revision.version_set.filter(content_type__model="articleauthor")
        own = {str(pk) for pk in article.authors.values_list("pk", flat=True)}
        assert own and own <= set(authors.values_list("object_id", flat=True))
    if connection.vendor == "postgresql":  # each row written once, its search vector computed as a save computes it
        fresh = ResearchArticle.objects.annotate(fresh=search_vector_expression(ResearchArticle))
        vectors = list(fresh.values_list("search_vector", "fresh"))
        assert len(vectors) == 3 and all(stored == computed and stored for stored, computed in vectors)


def test_an_imported_article_names_the_reviewers_clinician_profile_as_a_single_publish_does(reviewer):
    """ "Reviewed by" links to the reviewer's clinician profile, for articles published on import too."""
    clinician = ClinicianFactory(user=reviewer, name="Michael Erdek", credentials="MD")
    import_generated(2, first=1, user=reviewer)
    single = ResearchArticleFactory(status=Status.DRAFT)
    publish(single, reviewer)
    for article in ResearchArticle.objects.select_related("signoff"):
        assert article.signoff.clinician == clinician
        assert (article.signoff.reviewer_name, article.signoff.reviewer_credentials) == ("Michael Erdek", "MD")


def test_the_history_of_a_bulk_import_is_what_django_reversion_stores(reviewer):
    """Each new article and author's version holds exactly what `reversion.add_to_revision` stores for it, to the
    character (names with accents included), so restores and comparisons read it as any other version."""
    import_generated(12, first=1, user=reviewer)
    imported = list(ResearchArticle.objects.all()) + list(ArticleAuthor.objects.all())
    assert any(not author.family_name.isascii() for author in imported[12:])  # M{\"u}ller: stored as Müller
    with reversion.create_revision():
        for obj in imported:
            reversion.add_to_revision(obj)
    for obj in imported:
        by_reversion, by_import = Version.objects.get_for_object(obj)  # newest first
        assert by_import.revision.comment == "Imported from library.bib"
        for attribute in ("serialized_data", "object_repr", "format", "db", "object_id", "content_type_id"):
            assert getattr(by_import, attribute) == getattr(by_reversion, attribute), (obj, attribute)


def test_the_command_reports_every_record_of_a_large_file(tmp_path, reviewer):
    path = tmp_path / "library.bib"
    path.write_text(generated_bibtex(300))
    out = io.StringIO()
    call_command("import_citations", str(path), "--reviewer", reviewer.username, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("new ") for line in lines) == 300 and "300 new, 0 duplicates, 0 errors." in lines
    assert ArticleAuthor.objects.filter(article__slug=ResearchArticle.objects.first().slug).exists()
    assert not ConditionArticle.objects.exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_only(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(generated_bibtex(1500))
    terminal, captured = Terminal(), io.StringIO()
    call_command("import_citations", str(path), "--draft", stdout=io.StringIO(), stderr=terminal)
    assert "] 1000/1500" in terminal.getvalue() and "] 1500/1500 done" in terminal.getvalue()
    ResearchArticle.objects.all().delete()
    call_command("import_citations", str(path), "--draft", stdout=io.StringIO(), stderr=captured)
    assert "1500/1500" not in captured.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes and their pending lists are PostgreSQL's")
def test_after_a_large_import_the_search_indexes_hold_no_pending_entries(tmp_path, django_capture_on_commit_callbacks):
    """New GIN entries wait in a pending list that every lookup reads in full until autovacuum merges it: after a
    7,000-article import, every condition page's keyword lookup took 5 ms instead of 0.2 ms."""
    path = tmp_path / "library.bib"
    path.write_text(generated_bibtex(SETTLE_AFTER))
    with django_capture_on_commit_callbacks(execute=True):  # the import's transaction commits
        call_command("import_citations", str(path), "--draft", stdout=io.StringIO(), stderr=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(MERGE_PENDING_GIN_ENTRIES, [ResearchArticle._meta.db_table])
        merged_now = [pages for (pages,) in cursor.fetchall()]
    assert len(merged_now) >= 3 and set(merged_now) == {0}  # full text, title trigrams, keyword terms: all merged
