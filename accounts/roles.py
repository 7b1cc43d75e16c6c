"""The clinic's roles, declared once: what each group of staff may do.

`sync_roles()` makes the groups in the database exactly this; it runs after every `migrate` (AccountsConfig) and
whenever tests rebuild a flushed database. Only superusers change roles in the admin (accounts/admin.py), so this
file is the record of what each role means.
"""

from django.contrib.auth.models import Group, Permission

CONTENT = ("condition", "treatment", "researcharticle", "clinicianprofile")
CLINIC = ("clinicdetails", "location")  # practice/: the clinic's details and locations
# Edited through the pages' inlines.
PARTS = ("conditiontreatment", "conditionarticle", "conditionregion", "articleauthor")


def _content(actions, models):
    return [f"conditions.{action}_{model}" for model in models for action in actions]


FRONT_DESK = "Front desk"

ROLES = {
    # Writes and edits content; cannot publish, delete pages or touch accounts.
    "Editor": [
        *_content(("add", "change", "view"), CONTENT),
        *_content(("add", "change", "delete", "view"), PARTS),
        "clinicians.view_clinician",
        "practice.view_location",  # a clinician profile names where they work
    ],
    # Everything an editor does, plus publishing with a medical sign-off, review dates and deleting content.
    "Medical reviewer": [
        *_content(("add", "change", "delete", "view", "publish"), CONTENT),
        *_content(("add", "change", "delete", "view"), PARTS),
        "clinicians.view_clinician",
        "practice.view_location",  # a clinician profile names where they work
    ],
    # Manages staff accounts (never superusers, never their own access: accounts/admin.py), unlocks sign-ins, sets the
    # security policy, keeps the clinician profiles that sign-offs show; reads content but cannot change it.
    "Administrator": [
        *[f"auth.{action}_user" for action in ("add", "change", "delete", "view")],
        "auth.view_group",
        "auth.view_permission",
        "accounts.view_securitypolicy",
        "accounts.change_securitypolicy",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",  # deleting the attempts unlocks the account
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",  # e.g. a lost phone: the person sets up a new app at next sign-in
        *[f"clinicians.{action}_clinician" for action in ("add", "change", "delete", "view")],
        # The clinic's details and locations shown on every page (practice/).
        *[f"practice.{action}_{model}" for model in CLINIC for action in ("add", "change", "delete", "view")],
        *_content(("view",), CONTENT + PARTS),
    ],
    # Reads the appointment requests patients send (/appointments/request/) and marks them handled. Only this role
    # and superusers see them: they hold health details.
    FRONT_DESK: [
        "practice.view_appointmentrequest",
        "practice.change_appointmentrequest",
        "practice.delete_appointmentrequest",
    ],
}


#: What each role means, in the words the account form shows beside it.
ROLE_DESCRIPTIONS = {
    "Editor": "writes and edits conditions, treatments and research articles; cannot publish",
    "Medical reviewer": "everything an editor does, plus signing off and publishing pages",
    "Administrator": "manages staff accounts, sign-in security and clinician profiles; reads content",
}


def sync_roles(**kwargs):
    """Create the role groups and give each exactly its declared permissions (also a post_migrate receiver)."""
    wanted = {tuple(name.split(".")) for names in ROLES.values() for name in names}
    permissions = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    }
    missing = wanted - set(permissions)
    if missing:  # a permission of an app not migrated yet: the next migrate finishes the job
        return
    for role, names in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([permissions[tuple(name.split("."))] for name in names])
