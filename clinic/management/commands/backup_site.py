"""`manage.py backup_site OUTPUT.tar.gz`: content, accounts, redirects and uploaded media in one archive."""

from django.core.management.base import BaseCommand, CommandError

from clinic.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the site's content, accounts, redirects and uploaded media to a .tar.gz "
        "(restore with restore_site). The archive holds password hashes: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="The archive to write, e.g. backups/clinic-2026-11-24.tar.gz")
        parser.add_argument("--database", default="default", help="The database to back up (default: default).")

    def handle(self, *args, output, database, **options):
        try:
            manifest = create_backup(output, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from None
        objects = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {objects} database rows and {manifest['media_files']} media files to {output}."
            )
        )
