"""Who is staff, and how new staff get in: one rule each.

- A role makes a person staff: giving someone a role (a group of accounts/roles.py) lets them into the admin, and
  taking their last role away shuts them out (superusers stay staff). Enforced on every change of a person's
  groups, in the admin, the shell or a script (`m2m_changed`, connected in AccountsConfig.ready()).
- An invitation is Django's password-reset e-mail with its own words: a one-time link, valid for
  PASSWORD_RESET_TIMEOUT, with which the new person chooses their own password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm

from .roles import ROLES


def has_role(user):
    return user.groups.filter(name__in=ROLES).exists()


def sync_staff_status(sender, instance, action, reverse, pk_set, **kwargs):
    """`m2m_changed` on User.groups: staff status follows the roles."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    users = [instance] if not reverse else get_user_model().objects.filter(pk__in=pk_set or [])
    if reverse and action == "post_clear":
        return  # a role deleted outright: superusers only, in the admin; its former members keep their status
    for user in users:
        staff = user.is_superuser or has_role(user)
        if user.is_staff != staff:
            user.is_staff = staff
            user.save(update_fields=["is_staff"])


class InvitationForm(PasswordResetForm):
    """Sends one person the set-your-password link, whether or not they have a password yet."""

    def __init__(self, user):
        super().__init__(data={"email": user.email})
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active and self.user.email else []


def send_invitation(user, request):
    """E-mail `user` a link to choose their password. False when they have no e-mail address or are inactive."""
    form = InvitationForm(user)
    if not form.is_valid() or not form.get_users(user.email):
        return False
    form.save(
        request=request,
        use_https=request.is_secure(),
        subject_template_name="registration/invitation_subject.txt",
        email_template_name="registration/invitation_email.txt",
    )
    return True
