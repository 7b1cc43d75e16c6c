"""Django's admin, installed with the clinic's admin site (clinic/admin.py). Its own module: an apps.py with two
AppConfig classes would leave Django unsure which one "clinic" means."""

from django.contrib.admin.apps import AdminConfig


class ClinicAdminConfig(AdminConfig):
    default_site = "clinic.admin.ClinicAdminSite"
