"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class DistinctCharactersValidator:
    """Refuse passwords made of a few characters repeated ("aaaaaaaaaaaa", "abababababab")."""

    def __init__(self, min_distinct=5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password repeats too few different characters: use at least %(min)d different character.",
                    "This password repeats too few different characters: use at least %(min)d different characters, "
                    "for example a few words.",
                    self.min_distinct,
                ),
                code="password_too_repetitive",
                params={"min": self.min_distinct},
            )

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min)d different character.",
            "Your password must contain at least %(min)d different characters.",
            self.min_distinct,
        ) % {"min": self.min_distinct}
