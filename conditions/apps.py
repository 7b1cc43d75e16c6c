from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Clinic content"

    def ready(self):
        from .cache import connect_signals

        connect_signals()  # any saved, deleted or re-linked content empties the page cache
