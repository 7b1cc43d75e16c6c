"""`manage.py import_citations FILE [--condition SLUG ...] [--reviewer USERNAME] [--dry-run] [--draft]`: research
articles from RIS, BibTeX or PubMed (MEDLINE/.nbib) files.

New articles are published, signed off in the name of `--reviewer` (a medical reviewer's account); without it they
are drafts, and links added to a live condition go to its draft copy: nothing reaches patients unreviewed.

Exit status: 0 when every record was imported or was a duplicate, 1 when a record had an error (the good ones are
imported), 2 when the file could not be read at all (missing, too large, not a citation file) or the import failed
midway (rolled back: nothing imported).
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from citations.files import FILE_FORMATS, CitationFileError, read_path, size_text
from conditions.models import Condition, ResearchArticle
from conditions.publishing import reviewer_named
from importing.citations import DUPLICATE, ERROR, NEW, CitationImporter, ImportFailed, error_summary, summary
from importing.progress import ProgressBar

EXIT_RECORD_ERRORS = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Import research articles from a RIS (.ris), BibTeX (.bib) or PubMed (.nbib/.txt) file. Duplicates (same DOI, "
        "PubMed ID, or title and year) are skipped, so a file can be imported twice. Articles are published, signed "
        "off by --reviewer, unless --draft; without --reviewer they are drafts. Exit status: 1 if a record had an "
        "error (the others are imported), 2 if the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The citation file exported from a reference manager or PubMed.")
        parser.add_argument(
            "--condition",
            dest="conditions",
            action="extend",
            nargs="+",
            default=[],
            metavar="SLUG",
            help="Add the imported articles (and duplicates already on the site) to these conditions' related "
            "articles, after the ones they have.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, save nothing.")
        parser.add_argument("--draft", action="store_true", help="Create the new articles as drafts.")
        parser.add_argument(
            "--reviewer",
            metavar="USERNAME",
            help="The medical reviewer in whose name new articles are published (and live conditions changed). "
            "Without it, new articles are drafts and links to live conditions go to their draft copies.",
        )
        parser.add_argument("--format", choices=FILE_FORMATS, help="Read the file as this format (default: detect).")
        parser.add_argument(
            "--max-size-mb",
            type=int,
            help="Refuse files larger than this (default: the CITATION_IMPORT_MAX_MB setting, 10).",
        )

    def handle(self, *args, file, conditions, dry_run, draft, format, max_size_mb, reviewer, **options):
        try:
            user = reviewer_named(reviewer, ResearchArticle) if reviewer else None
        except PermissionDenied as error:
            raise CommandError(f"--reviewer: {error}.", returncode=EXIT_UNREADABLE) from None
        found = {
            condition.slug: condition for condition in Condition.objects.filter(slug__in=conditions, draft_of=None)
        }
        if missing := [slug for slug in conditions if slug not in found]:
            raise CommandError(f"No condition has the slug {', '.join(missing)}.", returncode=EXIT_UNREADABLE)
        limit = max_size_mb * 1024 * 1024 if max_size_mb else None
        try:
            citation_file = read_path(file, format, limit=limit)
        except CitationFileError as error:
            raise CommandError(f"{file}: {error}.", returncode=EXIT_UNREADABLE) from None

        importer = CitationImporter(
            citation_file, conditions=[found[slug] for slug in dict.fromkeys(conditions)], publish=not draft, user=user
        )
        outcomes = importer.plan()
        self.stdout.write(f"{citation_file.description}, {size_text(len(citation_file.text.encode()))}")
        for note in citation_file.notes:
            self.stdout.write(f"note: {note}", self.style.WARNING)
        if not dry_run:
            progress = ProgressBar(self.stderr, len(outcomes), enabled=self.stderr.isatty() and len(outcomes) > 20)
            try:
                outcomes = importer.run(progress=progress)
            except ImportFailed as error:
                raise CommandError(str(error), returncode=EXIT_UNREADABLE) from None

        styles = {NEW: self.style.SUCCESS, DUPLICATE: None, ERROR: self.style.ERROR}
        for outcome in outcomes:
            self.stdout.write(outcome.line(), styles[outcome.status])
            for line in outcome.warning_lines():
                self.stdout.write(line, self.style.WARNING)
        self.stdout.write(summary(outcomes))
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")

        errors = [outcome for outcome in outcomes if outcome.status == ERROR]
        if errors:
            for outcome in errors:
                self.stderr.write(f"{outcome.record.label}: {outcome.detail}")
            raise CommandError(error_summary(outcomes, dry_run), returncode=EXIT_RECORD_ERRORS)
