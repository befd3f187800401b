"""What every page says about the person signed in and the center's own link to the terminals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from center.accounts.roles import DISTRICT_ADMIN, role_of
from center.ingest.models import WorkerState

# A worker beats every few seconds; one silent this long is taken as stopped.
WORKER_SILENT_AFTER = timedelta(seconds=30)


def page_shell(request: HttpRequest) -> dict[str, Any]:
    """What the shell of every page shows: the role's menu and the ingest's health."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    context: dict[str, Any] = {"is_district_admin": role_of(request.user) == DISTRICT_ADMIN}
    context.update(_ingest_problem())
    return context


def _ingest_problem() -> dict[str, Any]:
    now = timezone.now()
    workers = list(WorkerState.objects.all())
    running = [w for w in workers if now - w.beat_at < WORKER_SILENT_AFTER]
    if not running:
        return {"ingest_problem": "stopped", "ingest_since": max(
            (w.beat_at for w in workers), default=None)}
    if not any(w.connected for w in running):
        return {"ingest_problem": "broker", "ingest_since": min(w.since for w in running),
                "ingest_detail": running[0].detail}
    return {}
