"""`manage.py restore_site INPUT.tar.gz [--force]`: restore an archive made by backup_site.

Into an empty, migrated database (`manage.py migrate` first). With --force, what the database holds is replaced.
The whole archive is checked before anything is touched; a bad archive or a failed restore leaves the database and
the media as they were, and the command exits 1 with one line saying why.
"""

from django.core.management.base import BaseCommand, CommandError

from clinic.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore content, accounts, redirects and media from a backup_site archive into an empty, migrated "
        "database. --force replaces whatever the database already holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by backup_site.")
        parser.add_argument(
            "--force", action="store_true", help="Delete everything in the database first, and overwrite media files."
        )
        parser.add_argument("--database", default="default", help="The database to restore into (default: default).")

    def handle(self, *args, archive, force, database, **options):
        try:
            manifest = restore_backup(archive, force=force, using=database)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        objects = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {objects} database rows and {manifest['media_files']} media files "
                f"from the backup of {manifest['created']}."
            )
        )
