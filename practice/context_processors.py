from .models import clinic


def clinic_details(request):
    """The clinic (name, phone, locations) for every template: header, footer, calls to action."""
    details = clinic()
    return {"clinic": details, "clinic_name": details.name}
