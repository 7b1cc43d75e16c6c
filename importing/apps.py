from django.apps import AppConfig


class ImportingConfig(AppConfig):
    """Bringing content in: citation files (RIS, BibTeX, PubMed) and WordPress exports."""

    name = "importing"
    verbose_name = "Imports"
