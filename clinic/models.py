"""The site's own bookkeeping rows (content lives in the content apps)."""

from django.db import models


class ContentVersion(models.Model):
    """One row whose value is replaced after every committed change of public content (clinic/content_version.py).

    While Redis cannot be reached, a process serves its own copy of a page only if this value is the one it read
    before rendering it: a page withdrawn through any process or app server is gone at once, and a hung Redis still
    costs one render per page and process, not one per visit.
    """

    value = models.CharField(max_length=32)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return self.value
