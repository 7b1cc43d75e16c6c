"""A CKEditor 5 field whose value is sanitized on every save, whoever saves it (admin, importer, shell)."""

from django_ckeditor_5.fields import CKEditor5Field

from .sanitize import clean_html, is_blank_html


def stored_html(value):
    """What a RichTextField stores for `value`: the sanitized HTML, or "" when it shows nothing (CKEditor's
    `<p>&nbsp;</p>`). Importers compare with it before saving, so an unchanged page is not saved again."""
    return "" if is_blank_html(value) else clean_html(value)


class RichTextField(CKEditor5Field):
    def pre_save(self, model_instance, add):
        cleaned = stored_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, cleaned)
        return cleaned

    def get_prep_value(self, value):
        # QuerySet.update() and bulk_update() skip pre_save() but not this: sanitize here too.
        value = super().get_prep_value(value)
        return clean_html(value) if isinstance(value, str) and "<" in value else value
