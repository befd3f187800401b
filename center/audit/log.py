from __future__ import annotations

from typing import Any

from center.audit.models import AuditEntry
from center.fleet.models import Terminal


def record(user: Any, action: str, terminal: Terminal | None = None, *,
           using: str = "default", **detail: Any) -> AuditEntry:
    """One line of the audit trail; ``user`` None is the center itself ("system")."""
    return AuditEntry.objects.using(using).create(
        user=user if user and user.is_authenticated else None,
        username=user.get_username() if user else "system",
        action=action, terminal=terminal, detail=detail)
