from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from clinic.cached_values import forget, remembered

# Staff holding any of these may publish medical content or manage accounts: the accounts two-factor protects.
PRIVILEGED_PERMISSIONS = (
    "conditions.publish_condition",
    "conditions.publish_treatment",
    "conditions.publish_researcharticle",
    "auth.add_user",
    "auth.change_user",
    "auth.change_group",
)


def is_privileged(user):
    return user.is_superuser or any(user.has_perm(permission) for permission in PRIVILEGED_PERMISSIONS)


class SecurityPolicy(models.Model):
    """Site-wide account rules that administrators set in the admin (a single row)."""

    CACHE_KEY = "accounts:security-policy"

    require_two_factor_for_privileged = models.BooleanField(
        _("require two-factor sign-in for reviewers and administrators"),
        default=False,
        help_text=_(
            "When on, everyone who may publish or manage accounts must sign in with a code from an authenticator "
            "app. People without one are asked to set it up at their next sign-in."
        ),
    )

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self):
        return str(_("Security policy"))

    def save(self, *args, **kwargs):
        self.pk = 1  # there is one policy
        super().save(*args, **kwargs)
        forget(self.CACHE_KEY)

    @classmethod
    def current(cls):
        """The policy, from the cache when it answers, else from the database (Redis down or hung: staff keep
        working)."""
        return remembered(cls.CACHE_KEY, lambda: cls.objects.get_or_create(pk=1)[0])


def two_factor_needed(user):
    """Staff who set up an authenticator always use it; privileged staff must when the policy says so."""

    if user_has_device(user, confirmed=True):
        return True
    return SecurityPolicy.current().require_two_factor_for_privileged and is_privileged(user)


def staff_privileges_usable(user):
    """May `user` use staff privileges (admin, draft previews, uploads) in this request?

    The one rule, used by everything a staff session can do: a staff member who must use two-factor sign-in (see
    `two_factor_needed`) has no staff privileges anywhere until this session has passed the second factor.
    `user.is_verified` is set by django-otp's OTPMiddleware; a user that did not come through it counts as unverified.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified()) or not two_factor_needed(user)
