"""The clinic's clinicians. A medical reviewer's sign-off takes the name and credentials patients read from here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Clinician(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinician",
        help_text=_("The account this clinician signs in with; their medical sign-offs show this name."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_('As patients should read it, e.g. "Arif Hussain".'))
    credentials = models.CharField(
        _("credentials"), max_length=100, blank=True, help_text=_("Degrees and titles, e.g. DO, MD, FIPP.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def author_name(self):
        """(family name, first initial) as research articles list authors: "Arif Hussain" -> ("Hussain", "A")."""
        words = self.name.replace(".", " ").split()
        return (words[-1], words[0][0]) if len(words) > 1 else ("", "")


def signing_clinician(user=None, name="", credentials=""):
    """The clinician a sign-off names: the reviewer's own profile, else (an import) the clinician of that name."""
    if user is not None and user.pk:
        return Clinician.objects.filter(user=user).first()
    if name:
        return Clinician.objects.filter(name=name, credentials=credentials or "").first()
    return None


def reviewer_identity(user):
    """(name, credentials) a sign-off by `user` shows patients: their clinician profile, else their account name."""
    clinician = Clinician.objects.filter(user=user).first() if user is not None and user.pk else None
    if clinician is not None:
        return clinician.name, clinician.credentials
    if user is None:
        return "", ""
    return user.get_full_name() or user.get_username(), ""
