from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Clinic content"

    def ready(self):
        # Models are importable only once apps are ready; each effect of a save is connected here, with its sender.
        from clinic.cache import watch  # noqa: PLC0415
        from clinicians.models import Clinician  # noqa: PLC0415

        from . import history, search  # noqa: PLC0415
        from .models import (  # noqa: PLC0415
            ArticleAuthor,
            ClinicianProfile,
            Condition,
            ConditionArticle,
            ConditionRegion,
            ConditionTreatment,
            ResearchArticle,
            Treatment,
        )
        from .page_tags import changed_tags  # noqa: PLC0415

        history.connect()  # every save is a revision
        search.connect()  # every save of a page updates its search index
        # Each change purges the pages showing what changed (conditions/page_tags.py).
        watch(
            Condition,
            Treatment,
            ResearchArticle,
            ConditionTreatment,
            ConditionArticle,
            ConditionRegion,
            ArticleAuthor,
            tags=changed_tags,
        )
        watch(ClinicianProfile, Clinician)  # profiles, and the names "Reviewed by" shows: every page is purged
