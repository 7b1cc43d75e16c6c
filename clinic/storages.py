"""Uploaded media in an S3-compatible bucket (AWS S3, R2, MinIO...), used when AWS_STORAGE_BUCKET_NAME is set.

The content type of every object is decided here from the file's extension, never taken from the uploading browser
(django-storages would otherwise store whatever `Content-Type` the upload claimed): images are served as images,
anything else as a download, so an uploaded file can never become a page that runs script on a visitor's browser.
"""

from storages.backends.s3 import S3Storage

from clinic.media import RandomNameMixin, media_headers


class MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        headers = media_headers(name)
        params["ContentType"] = headers["Content-Type"]
        if "Content-Disposition" in headers:
            params["ContentDisposition"] = headers["Content-Disposition"]
        return params


class EditorUploadStorage(RandomNameMixin, MediaStorage):
    """CKEditor 5 uploads in the bucket, under editor/ with random names."""
