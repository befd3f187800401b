"""Sign-in throttling: after LOGIN_FAILURES_ALLOWED failures in LOGIN_LOCKOUT_SECONDS for
a user name, or from one address, further attempts are refused until the window passes.
Counted in the database, so every web worker process sees the same count."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from center.accounts.models import SignInAttempt


def seconds_locked_out(username: str, address: str | None) -> int:
    """0 when a sign-in may be tried; otherwise how long until it may."""
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    since = timezone.now() - window
    limit = settings.LOGIN_FAILURES_ALLOWED
    longest = 0
    for field, value in (("username", username.casefold()), ("address", address)):
        if value is None:
            continue
        failures = list(SignInAttempt.objects.filter(
            **{field: value}, succeeded=False, at__gte=since,
        ).order_by("-at").values_list("at", flat=True)[:limit])
        if len(failures) >= limit:
            remaining = (failures[-1] + window - timezone.now()).total_seconds()
            longest = max(longest, int(remaining) + 1)
    return longest


def record(username: str, address: str | None, succeeded: bool) -> None:
    SignInAttempt.objects.create(username=username.casefold()[:150], address=address,
                                 succeeded=succeeded)
