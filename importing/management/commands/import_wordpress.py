"""`manage.py import_wordpress EXPORT.xml`: condition pages from a WordPress export (README: "Moving from WordPress").

Exit status: 0 when every item was imported or skipped, 1 when an item had an error (the good ones are imported),
2 when the file could not be read at all (missing, not XML, not a WordPress export, truncated): nothing imported.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from conditions.models import Condition
from conditions.publishing import reviewer_named
from importing.wordpress import Importer, ImportOptions, WXRError, read_export
from importing.wordpress.report import ProgressBar

EXIT_ITEM_ERRORS = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Import condition pages from a WordPress export (WXR, Tools → Export), WPBakery shortcodes included. "
        "Creates or updates conditions (drafts unless --status publish), matched on the WordPress post ID, "
        "and redirects the old addresses. Exit status: 1 if an item had an error, 2 if the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The WXR file exported from WordPress (Tools → Export).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check everything, print the report, save nothing."
        )
        parser.add_argument(
            "--post-type",
            dest="post_types",
            action="extend",
            nargs="+",
            metavar="TYPE",
            help='WordPress post types to read as condition pages (default: "page"). Other items are skipped.',
        )
        parser.add_argument(
            "--status",
            choices=["publish", "draft"],
            help="Status of the imported conditions. Default: new ones are drafts, existing ones keep theirs. "
            "Pages that are drafts in WordPress are never published.",
        )
        parser.add_argument(
            "--reviewer",
            metavar="USERNAME",
            help="The medical reviewer who signs off what is published (needed with --status publish) and the changes "
            "to live pages. Without it, changes to a live page go into its draft copy.",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the old site's wp-content/uploads/ folder: featured images and images in the text "
            "are imported from it. Without it they are reported (nothing is downloaded).",
        )

    def handle(self, *args, export, dry_run, post_types, status, media_dir, reviewer, **options):
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.", returncode=EXIT_UNREADABLE)
        try:
            user = reviewer_named(reviewer, Condition) if reviewer else None
        except PermissionDenied as error:
            raise CommandError(f"--reviewer: {error}.", returncode=EXIT_UNREADABLE) from None
        if status == "publish" and user is None:
            raise CommandError(
                "--status publish needs --reviewer USERNAME: every published page is signed off by a medical reviewer.",
                returncode=EXIT_UNREADABLE,
            )
        try:
            wxr = read_export(export)
        except WXRError as error:
            raise CommandError(str(error), returncode=EXIT_UNREADABLE) from None

        progress = ProgressBar(self.stderr, len(wxr.items), enabled=self.stderr.isatty())
        importer_options = ImportOptions(
            status=status, post_types=tuple(post_types or ["page"]), media_dir=media_dir, dry_run=dry_run, reviewer=user
        )
        report = Importer(wxr, importer_options, progress=progress).run()

        styles = {"error": self.style.ERROR, "created": self.style.SUCCESS, "updated": self.style.SUCCESS}
        self.stdout.write(report.source)
        for result in report.results:
            self.stdout.write(result.line(), styles.get(result.outcome))
            for line in result.warning_lines():
                self.stdout.write(line, self.style.WARNING)
        for line in report.summary_lines():
            self.stdout.write(line)

        if report.errors:
            for result in report.errors:
                self.stderr.write(f"{result.label}: {result.detail}")
            count = len(report.errors)
            raise CommandError(
                f"{count} item{'s' if count != 1 else ''} could not be imported (listed above); "
                "the other items were processed.",
                returncode=EXIT_ITEM_ERRORS,
            )
