"""What every page at a secret address shares (a pickup notice's link /p/<token>, a
ticket's rating code /r/<token>): the token in the path is a key, so the answer is never
cached, never passed on as a referrer, never indexed and never logged with its path, and an
address that asks too often in a minute is turned away before any lookup."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


def too_many_lookups(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """More than ``per_minute`` lookups of ``scope`` from this address in its current
    minute: guessing tokens, or a page reloading itself. (The address behind a proxy is the
    proxy's.) The count is the default cache's, so each web process counts its own."""
    key = f"{scope}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:                  # its minute ended between the two calls
        cache.set(key, 1, timeout=60)
        count = 1
    return count > per_minute


def answer(request: HttpRequest, template: str, context: dict[str, Any],
           status: int = 200) -> HttpResponse:
    # Always plain Chinese: it is read on a resident's phone, whatever its language.
    with translation.override(settings.LANGUAGE_CODE):
        response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Language"] = settings.LANGUAGE_CODE
    # Django logs every 4xx and 5xx with the request's path, which holds the token; this
    # says it is logged already (django.utils.log.log_response reads the flag).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
