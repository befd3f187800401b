from __future__ import annotations

from typing import Any

from center.audit.models import AuditEntry
from center.fleet.models import Terminal


def record(user: Any, action: str, terminal: Terminal | None = None,
           **detail: Any) -> AuditEntry:
    return AuditEntry.objects.create(user=user if user and user.is_authenticated else None,
                                     username=user.get_username() if user else "system",
                                     action=action, terminal=terminal, detail=detail)
