"""What every page at a secret address shares (a pickup notice's link /p/<token>, a
ticket's rating code /r/<token>): the token in the path is a key, so the answer is never
cached, never passed on as a referrer, never indexed and never logged with its path, and an
address that asks too often in a minute is turned away before any lookup."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from center.accounts.client_address import client_address


def too_many_lookups(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """More than ``per_minute`` lookups of ``scope`` from this address in its current
    minute: guessing tokens, or a page reloading itself (the client's address, behind the
    district's proxy too: center/accounts/client_address.py). The count is the default
    cache's, so each web process counts its own."""
    key = f"{scope}:{client_address(request)}"
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


SECRET_PATH = re.compile(r"/([pr])/[^\s?\"']+")


class HideSecretPaths(logging.Filter):
    """Every log line goes through this (settings.LOGGING's handler): a path under /p/ or
    /r/ loses its token before it is written, whichever logger wrote it (Django's request
    and server loggers name the path on a refused method, an error, a runserver request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = SECRET_PATH.sub(r"/\1/…", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(SECRET_PATH.sub(r"/\1/…", arg) if isinstance(arg, str)
                                else arg for arg in record.args)
        return True
