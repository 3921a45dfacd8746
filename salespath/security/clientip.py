"""The client's address, the one rule for the sign-in lockout (django-axes) and the API
throttles (DRF's NUM_PROXIES is set from the same setting).

`X-Forwarded-For` is anyone's to write. It is read only when settings.SALESPATH_NUM_PROXIES
says how many proxies of ours stand in front: each appends the address it received from, so
the client is that many entries from the right. With no proxy configured, the address is the
connection's own.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.SALESPATH_NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]
