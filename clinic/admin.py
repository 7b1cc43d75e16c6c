"""The admin site in the clinic's words: its name, its home page, and the index grouped for the people who use it.

Content comes first; sign-in security and technical settings are grouped under "Security" and "Site settings"
with plain names instead of the apps' own ("AXES", "OTP_TOTP", "Sites"). The site is installed through
`clinic.apps.ClinicAdminConfig`, so `admin.site` is this site everywhere (registrations, URLs).
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _

#: The admin index, in this order: (group label, [(app label, model name, plain name or None to keep it)]).
#: Apps and models not named here follow, as Django lists them.
INDEX_GROUPS = [
    # The apps themselves, under their names: the content, the clinic (details, locations), the clinicians.
    (None, [("conditions", None, None), ("practice", None, None), ("clinicians", None, None)]),
    (
        _("Staff accounts"),
        [("auth", "user", _("Staff accounts")), ("auth", "group", _("Roles (what each may do)"))],
    ),
    (
        _("Security"),
        [
            ("accounts", "securitypolicy", _("Security policy (two-factor sign-in)")),
            ("axes", "accessattempt", _("Locked-out sign-ins (delete to unlock)")),
            ("axes", "accessfailurelog", _("Failed sign-ins")),
            ("axes", "accesslog", _("Sign-in log")),
            ("otp_totp", "totpdevice", _("Authenticator apps (two-factor)")),
            ("otp_static", "staticdevice", _("Backup codes (two-factor)")),
        ],
    ),
    (
        _("Site settings"),
        [
            ("sites", "site", _("Site address (used in e-mails)")),
            ("redirects", "redirect", _("Redirects (old addresses)")),
        ],
    ),
]


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Pickers name an item by its `choice_label` where the model has one (an article: title, year and journal),
    so that similar items can be told apart."""

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": getattr(obj, "choice_label", str(obj))}


class ClinicAdminSite(admin.AdminSite):
    site_header = _("Clinic content")
    site_title = _("Clinic CMS")
    index_title = _("Conditions, treatments and research")
    index_template = "admin/clinic_index.html"

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return apps if app_label is not None else grouped(apps)


def grouped(apps):
    """The index's apps regrouped by INDEX_GROUPS; what a person may not see stays out, as before."""
    models = {(app["app_label"], model["object_name"].lower()): model for app in apps for model in app["models"]}
    by_label = {app["app_label"]: app for app in apps}
    used, result = set(), []
    for label, entries in INDEX_GROUPS:
        if label is None:  # whole apps, under their own names
            for app_label, _model, _name in entries:
                if app_label in by_label:
                    result.append(by_label[app_label])
                    used.update(key for key in models if key[0] == app_label)
            continue
        chosen = []
        for app_label, model_name, name in entries:
            model = models.get((app_label, model_name))
            if model is not None:
                chosen.append({**model, "name": name} if name else model)
                used.add((app_label, model_name))
        if chosen:
            slug = str(label).lower().replace(" ", "-")
            result.append({
                "name": label, "app_label": slug, "app_url": chosen[0]["admin_url"] or "",
                "has_module_perms": True, "models": chosen,
            })  # fmt: skip
    for app in apps:  # anything not placed above (a new app), as Django lists it
        rest = [model for model in app["models"] if (app["app_label"], model["object_name"].lower()) not in used]
        if rest:
            result.append({**app, "models": rest})
    return result
