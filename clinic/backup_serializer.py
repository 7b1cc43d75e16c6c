"""Django's JSON fixtures, but with times to the microsecond (backup_site / restore_site use it as "clinicjson").

Django's own JSON encoder cuts datetimes to milliseconds, so a page's "last updated" (shown in the sitemap and the
structured data) would change slightly on every backup and restore.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder  # noqa: F401 - the format's Deserializer
from django.core.serializers.json import Serializer as JSONSerializer


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()  # all six digits of microseconds; parse_datetime reads them back
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", PreciseJSONEncoder)
        super()._init_options()
