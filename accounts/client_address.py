"""The browser's own address behind the proxies in front of the app (django-axes counts failed sign-ins by it)."""

from django.conf import settings
from ipware import get_client_ip


def client_ip(request):
    """The address the first trusted proxy saw the browser connect from.

    Each proxy appends the address it sees to X-Forwarded-For (nginx: `$proxy_add_x_forwarded_for`), and the last
    proxy is the connection itself (REMOTE_ADDR). So with N trusted proxies the browser's address is the N-th from
    the right of the header; anything further left is whatever the browser sent and may be forged. Without a proxy
    (TRUSTED_PROXY_COUNT = 0) the header is ignored altogether.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        # proxy_count: the proxies *listed in the header*, i.e. all but the last; not strict, so addresses the
        # browser put in front are skipped rather than making the whole header untrusted.
        address, _routable = get_client_ip(
            request, proxy_count=proxies - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")
