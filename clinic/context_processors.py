from django.conf import settings


def site(request):
    """The clinic's name for every template (header, titles, footer)."""
    return {"clinic_name": settings.CLINIC_NAME}
