"""Births, deaths and heartbeats applied to a terminal by the contract's rules
(docs/mqtt.md "state"). Every worker reads every state message, in order per topic, and
may read one again after a restart: each rule gives the same result however often it is
applied. The caller saves the terminal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from center.fleet.models import Terminal


def apply_birth(terminal: Terminal, bd_seq: int, at: datetime, version: str,
                started_at: datetime | None) -> bool:
    """A birth opens connection ``bd_seq``; returns whether anything changed."""
    current = terminal.bd_seq
    if current is not None and bd_seq == current:
        if not terminal.online:
            return False        # this connection's death was seen: it is over for good
        if terminal.born_at is not None and at <= terminal.born_at:
            return False        # the same birth read again
        terminal.born_at = at   # presence.rebirth: the same connection says it lives
        return True
    if current is not None and bd_seq < current and (
            terminal.born_at is None or at <= terminal.born_at):
        return False            # an old connection's birth, late
    # A newer connection (or a terminal whose database was reset: bdSeq starts again, but
    # its birth is newer than anything seen).
    if not terminal.online:
        terminal.presence_since = at
    terminal.online = True
    terminal.bd_seq = bd_seq
    terminal.born_at = at
    terminal.version = version
    terminal.started_at = started_at
    return True


def apply_death(terminal: Terminal, bd_seq: int, received_at: datetime) -> bool:
    """A death counts only with the bdSeq of the last birth: a Will can arrive after the
    next connection's birth. A Will's ts is its connection's time, so the center's own
    clock says when it died."""
    if terminal.bd_seq is None or bd_seq > terminal.bd_seq:
        # The center never saw this connection's birth (it started after it).
        terminal.bd_seq = bd_seq
        terminal.online = False
        terminal.presence_since = None
        return True
    if bd_seq != terminal.bd_seq or not terminal.online:
        return False
    terminal.online = False
    terminal.presence_since = received_at
    return True


def apply_heartbeat(terminal: Terminal, bd_seq: int, at: datetime, body: dict[str, Any]
                    ) -> bool:
    """Keeps the newest heartbeat; a retained one read again changes nothing."""
    if terminal.heartbeat_at is not None and at <= terminal.heartbeat_at:
        return False
    terminal.heartbeat = body
    terminal.heartbeat_at = at
    version = body.get("version")
    if isinstance(version, str) and bd_seq == terminal.bd_seq:
        terminal.version = version[:40]
    catalog = body.get("catalog")
    terminal.catalog_version = catalog[:60] if isinstance(catalog, str) else ""
    return True
