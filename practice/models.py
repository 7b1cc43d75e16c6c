"""The clinic itself: its name, logo, phone and e-mail, its locations, and the appointment requests patients send.

`clinic()` is what every page shows (header, footer, call to action, schema.org): read once from the shared cache,
so a page costs no query for it; any save or delete of the details or a location forgets the cached copy.
"""

import re
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.cached_values import forget, remembered
from clinic.media import ImageUploadValidator, random_name

CACHE_KEY = "practice:clinic:v1"

#: schema.org `openingHours` lines, e.g. "Mo-Fr 08:00-17:00" or "Sa 09:00-12:00".
DAYS = {"Mo": _("Monday"), "Tu": _("Tuesday"), "We": _("Wednesday"), "Th": _("Thursday"), "Fr": _("Friday"),
        "Sa": _("Saturday"), "Su": _("Sunday")}  # fmt: skip
HOURS_LINE = re.compile(
    r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))? ([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$"
)


def validate_opening_hours(value):
    bad = [line for line in value.splitlines() if line.strip() and not HOURS_LINE.match(line.strip())]
    if bad:
        raise ValidationError(
            _('Write each line as days and hours, e.g. "Mo-Fr 08:00-17:00" or "Sa 09:00-12:00" (not: %(line)s).'),
            code="opening_hours",
            params={"line": bad[0]},
        )


phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{7,25}$", _("A phone number: digits, spaces, brackets, dots or dashes, e.g. (555) 010-2040.")
)


def logo_path(instance, filename):
    return random_name(filename, "clinic")


class ClinicDetails(models.Model):
    """The clinic's details, one row (the admin offers no second one)."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("As patients know the clinic; shown on every page."))
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        validators=[ImageUploadValidator()],
        help_text=_("Shown in the header with the clinic's name as its text alternative."),
    )
    phone = models.CharField(
        _("phone"), max_length=30, validators=[phone_validator], help_text=_("The number patients call to book.")
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Shown to patients; leave empty to show none."))
    front_desk_email = models.EmailField(
        _("front desk e-mail"),
        blank=True,
        help_text=_("Where new appointment requests are announced (never with the patient's reason). Empty: the "
                    "e-mail addresses of everyone with the Front desk role."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("clinic details")
        verbose_name_plural = _("clinic details")
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="clinic_details_single_row")]

    def __str__(self):
        return self.name

    @property
    def phone_link(self):
        """`tel:` address: the number's digits and a leading +."""
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone)


class Location(models.Model):
    name = models.CharField(_("name"), max_length=120, help_text=_('e.g. "Riverside main clinic".'))
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Used in links to this location."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    street_address = models.CharField(_("street address"), max_length=200)
    locality = models.CharField(_("town or city"), max_length=100)
    region = models.CharField(_("state"), max_length=50, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=20, blank=True)
    country = models.CharField(_("country code"), max_length=2, default="US")
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, validators=[phone_validator], help_text=_("Empty: the clinic's number.")
    )
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        validators=[validate_opening_hours],
        help_text=_(
            'One line per group of days, e.g. "Mo-Fr 08:00-17:00" then "Sa 09:00-12:00". Other days are closed.'
        ),
    )
    map_url = models.URLField(
        _("map link"),
        blank=True,
        help_text=_("A link to this address on a map. Empty: a link to OpenStreetMap's search for the address."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name

    @property
    def address_lines(self):
        last = " ".join(part for part in (self.region, self.postal_code) if part)
        return [self.street_address, f"{self.locality}, {last}" if last else self.locality]

    @property
    def one_line_address(self):
        return ", ".join(self.address_lines)

    @property
    def map_link(self):
        """A plain link (no embedded map, no script)."""
        return self.map_url or "https://www.openstreetmap.org/search?" + urlencode({"query": self.one_line_address})

    @property
    def phone_link(self):
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else ""

    @property
    def hours(self):
        """[(days, hours)] as patients read them: ("Monday to Friday", "8:00 to 17:00")."""
        rows = []
        for line in self.opening_hours.splitlines():
            match = HOURS_LINE.match(line.strip())
            if not match:
                continue
            first, last, open_h, open_m, close_h, close_m = match.groups()
            days = f"{DAYS[first]} – {DAYS[last]}" if last else str(DAYS[first])
            rows.append((days, f"{int(open_h)}:{open_m} – {int(close_h)}:{close_m}"))
        return rows

    @property
    def opening_hours_list(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]


def clinic():
    """The clinic's details with `.locations` (a list), from the shared cache; an unsaved default before any is set."""

    def load():
        details = ClinicDetails.objects.first() or ClinicDetails(name=settings.CLINIC_NAME, phone="")
        details.locations = list(Location.objects.all())
        return details

    return remembered(CACHE_KEY, load)


def forget_clinic(**kwargs):
    forget(CACHE_KEY)


class PreferredTime(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class AppointmentRequestQuerySet(models.QuerySet):
    def past_retention(self, now=None):
        """Requests older than APPOINTMENT_RETENTION_DAYS: deleted by `delete_old_appointment_requests`."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.APPOINTMENT_RETENTION_DAYS)
        return self.filter(created_at__lt=cutoff)


class AppointmentRequest(models.Model):
    """A patient's request to be contacted for an appointment. Health details stay here: they are never e-mailed."""

    name = models.CharField(_("your name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), max_length=200, blank=True)
    location = models.ForeignKey(
        Location,
        verbose_name=_("preferred location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment_requests",
    )
    preferred_time = models.CharField(
        _("preferred time"), max_length=10, choices=PreferredTime, default=PreferredTime.ANY
    )
    reason = models.TextField(
        _("reason for your visit"),
        max_length=500,
        blank=True,
        help_text=_("A few words, e.g. “back pain since my operation”. 500 characters at most."),
    )
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    handled = models.BooleanField(_("handled"), default=False, help_text=_("Tick once the patient was contacted."))

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="appointment_request_has_contact"),
            models.CheckConstraint(condition=Q(consent=True), name="appointment_request_has_consent"),
        ]

    def __str__(self):
        return f"{self.name} – {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if not (self.phone.strip() or self.email.strip()):
            raise ValidationError(_("Give a phone number or an e-mail address, so we can reach you."))
