"""What every page says about the center's own link to the terminals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from center.ingest.models import WorkerState

# A worker beats every few seconds; one silent this long is taken as stopped.
WORKER_SILENT_AFTER = timedelta(seconds=30)


def broker_status(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
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
