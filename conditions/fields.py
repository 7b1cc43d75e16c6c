"""A CKEditor 5 field whose value is sanitized on every save, whoever saves it (admin, importer, shell)."""

from django_ckeditor_5.fields import CKEditor5Field

from .sanitize import clean_html, is_blank_html


class RichTextField(CKEditor5Field):
    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        cleaned = "" if is_blank_html(value) else clean_html(value)
        setattr(model_instance, self.attname, cleaned)
        return cleaned

    def get_prep_value(self, value):
        # QuerySet.update() and bulk_update() skip pre_save() but not this: sanitize here too.
        value = super().get_prep_value(value)
        return clean_html(value) if isinstance(value, str) and "<" in value else value
