"""`manage.py review_due [--send-reminders]`: pages whose medical review is overdue or due soon.

Exits 1 when a review is overdue, so a daily cron job can alert. With --send-reminders it e-mails each page's
owner REVIEW_REMINDER_DAYS before the due date, and the Medical reviewer group once a page is overdue; each
reminder is sent once per review cycle. A reminder that cannot be sent (a bad address, a mail server error) is
reported on stderr and tried again on the next run; the other reminders are still sent, and the command exits 1.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conditions.models import Condition, Treatment

REVIEWER_GROUP = "Medical reviewer"


def one_line(value):
    """A page name in a subject, a list or a report: line breaks in it would forge headers or lines."""
    return " ".join(str(value).split())


class Command(BaseCommand):
    help = "List pages whose medical review is overdue or due soon; exit 1 if any is overdue."

    def add_arguments(self, parser):
        parser.add_argument("--send-reminders", action="store_true", help="E-mail owners and reviewers.")
        parser.add_argument(
            "--days", type=int, default=settings.REVIEW_REMINDER_DAYS, help="How far ahead counts as due soon."
        )

    def handle(self, *args, send_reminders=False, days=None, **options):
        today = timezone.localdate()
        overdue, due_soon = [], []
        for model in (Condition, Treatment):
            overdue += model.objects.review_overdue(today).select_related("owner").order_by("next_review_due")
            due_soon += model.objects.review_due_within(days, today).select_related("owner").order_by("next_review_due")

        for label, pages in (("OVERDUE", overdue), ("DUE SOON", due_soon)):
            for page in pages:
                owner = page.owner.get_username() if page.owner else "no owner"
                self.stdout.write(
                    f"{label:<9} {page.next_review_due}  {page._meta.verbose_name}: {one_line(page)}  "
                    f"({page.get_absolute_url()}, {owner})"
                )
        self.stdout.write(f"{len(overdue)} overdue, {len(due_soon)} due within {days} days.")

        problems = []
        if send_reminders:
            self.failed = 0
            sent = self._remind_owners(due_soon) + self._alert_reviewers(overdue)
            self.stdout.write(f"{sent} reminder e-mail(s) sent.")
            if self.failed:
                problems.append(f"{self.failed} reminder(s) could not be sent (see above); they are tried again.")
        if overdue:
            problems.append(f"{len(overdue)} page(s) overdue for medical review.")
        if problems:
            raise CommandError(" ".join(problems), returncode=1)

    def _send(self, what, subject, body, recipients):
        """Send one e-mail; True when sent. A failure is reported on one line and does not stop the others."""
        try:
            # A line break in a header would forge headers: Django refuses it, so a page name is folded.
            send_mail(one_line(subject), body, None, recipients)
        except Exception as error:  # noqa: BLE001 - any failure of one e-mail is reported; the rest go out
            self.stderr.write(f"Could not send the reminder for {what}: {error}")
            self.failed += 1
            return False
        return True

    def _remind_owners(self, pages):
        sent = 0
        for page in pages:
            if page.owner is None or not page.owner.email or page.review_reminder_sent_for == page.next_review_due:
                continue
            url = page.get_absolute_url()
            if not self._send(
                f"“{one_line(page)}” ({url})",
                f"Medical review due {page.next_review_due}: {page}",
                f"The page “{one_line(page)}” ({url}) is due for its medical review on "
                f"{page.next_review_due}. Please ask a medical reviewer to check it.\n",
                [page.owner.email],
            ):
                continue
            type(page).objects.filter(pk=page.pk).update(review_reminder_sent_for=page.next_review_due)
            sent += 1
        return sent

    def _alert_reviewers(self, pages):
        pages = [page for page in pages if page.overdue_notice_sent_for != page.next_review_due]
        reviewers = list(
            get_user_model()
            .objects.filter(groups__name=REVIEWER_GROUP, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not pages or not reviewers:
            return 0
        lines = "\n".join(
            f"- {one_line(page)} ({page.get_absolute_url()}), due {page.next_review_due}" for page in pages
        )
        if not self._send(
            "the Medical reviewer group",
            f"{len(pages)} page(s) overdue for medical review",
            f"These pages are past their review date:\n\n{lines}\n",
            reviewers,
        ):
            return 0
        for page in pages:
            type(page).objects.filter(pk=page.pk).update(overdue_notice_sent_for=page.next_review_due)
        return 1
