from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _


class ClinicAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in, saying why a right password does not let someone in (instead of "wrong password")."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "inactive": _("This account has been deactivated. Ask an administrator if you need it again."),
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "not_staff": _(
            "Your password is right, but this account has no role in the admin yet. Ask an administrator to give you "
            "the Editor or Medical reviewer role."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # The authentication backend refuses a deactivated account as if the password were wrong: with the
            # right password, say what is really the matter.
            user = get_user_model()._default_manager.filter(username=self.cleaned_data.get("username")).first()
            if user is not None and not user.is_active and user.check_password(self.cleaned_data.get("password")):
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def confirm_login_allowed(self, user):
        if user.is_active and not user.is_staff:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
        super().confirm_login_allowed(user)


class StaffCreationForm(AdminUserCreationForm):
    """A new staff account. By default the person gets an e-mail to choose their own password."""

    usable_password = forms.ChoiceField(
        label=_("Password"),
        required=False,
        initial="false",
        choices={
            "false": _("Send an invitation e-mail: they choose their own password"),
            "true": _("Set a password now and tell them"),
        },
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("set_usable_password", True) and not cleaned_data.get("email"):
            self.add_error("email", _("The invitation is sent to this address: enter it, or set a password now."))
        return cleaned_data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, device, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(_("Too many wrong codes. Wait a minute and try again."))
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("That code is not right. Check the time on your phone and try again."))
        return token
