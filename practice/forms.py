from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AppointmentRequest, Location


class AppointmentRequestForm(forms.ModelForm):
    # A field people never see (hidden by the stylesheet, skipped by the keyboard): spam robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = AppointmentRequest
        fields = ("name", "phone", "email", "location", "preferred_time", "reason", "consent")
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "reason": forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
            "preferred_time": forms.RadioSelect,
        }
        labels = {"consent": _("I agree that the clinic contacts me by phone or e-mail about this request.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.all()  # built per form: locations change
        self.fields["location"].empty_label = _("Any location")
        self.fields["consent"].required = True
        self.fields["consent"].error_messages["required"] = _("We can only contact you with your consent.")

    @property
    def is_spam(self):
        return bool(self.data.get("website"))
