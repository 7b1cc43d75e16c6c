"""`manage.py delete_old_appointment_requests`, daily from cron: requests older than APPOINTMENT_RETENTION_DAYS go."""

from django.conf import settings
from django.core.management.base import BaseCommand

from practice.models import AppointmentRequest


class Command(BaseCommand):
    help = (
        "Delete appointment requests older than APPOINTMENT_RETENTION_DAYS (the privacy notice promises it). Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        old = AppointmentRequest.objects.past_retention()
        days = settings.APPOINTMENT_RETENTION_DAYS
        if dry_run:
            self.stdout.write(f"{old.count()} appointment request(s) older than {days} days would be deleted.")
            return
        deleted, _by_model = old.delete()
        self.stdout.write(f"Deleted {deleted} appointment request(s) older than {days} days.")
