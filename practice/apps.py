from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """The clinic as patients reach it: its details, locations and appointment requests."""

    name = "practice"
    verbose_name = "The clinic"

    def ready(self):
        from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

        from clinic.cache import watch  # noqa: PLC0415

        from .models import ClinicDetails, Location, forget_clinic  # noqa: PLC0415

        watch(ClinicDetails, Location)  # the header, footer and call to action of every page show them
        for model in (ClinicDetails, Location):
            post_save.connect(forget_clinic, sender=model, dispatch_uid=f"practice-forget-save-{model.__name__}")
            post_delete.connect(forget_clinic, sender=model, dispatch_uid=f"practice-forget-delete-{model.__name__}")
