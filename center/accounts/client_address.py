"""The address a request came from, as the limits on sign-in and on the residents' secret
addresses count it. In production gunicorn listens on loopback behind the district's reverse
proxy, so REMOTE_ADDR is the proxy's for everyone: one resident guessing tokens would lock
out the whole district. When the request comes from one of CENTER_PROXY_ADDRESSES, the
address is taken from the header the proxy sets (CENTER_CLIENT_ADDRESS_HEADER, e.g.
X-Real-IP); from anywhere else the header is ignored, since a client can send any header."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_ADDRESS_HEADER
    if not header or remote not in settings.PROXY_ADDRESSES:
        return remote
    value = request.headers.get(header, "")
    # X-Forwarded-For lists every hop; the last is the one our proxy added.
    forwarded = value.split(",")[-1].strip()
    return forwarded or remote
