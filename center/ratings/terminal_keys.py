"""The key a terminal signs its rating tokens with, as its births announce it
(`ratingKey`, docs/mqtt.md "state"): kept on the terminal for the QR rating page
(center/ratings/qr_views.py). Only the current connection's birth sets it, so a late birth
of an older connection never brings an old key back; a new key (a terminal given a new
secret) replaces the old one, and the audit trail says so, since every code printed
under the old key stops working."""

from __future__ import annotations

from center.audit.log import record
from center.fleet.models import Terminal


def keep_rating_key(terminal: Terminal, bd_seq: int, key: str | None, using: str) -> None:
    """Called after the birth ``bd_seq`` was applied; the caller saves the terminal."""
    if key is None or terminal.bd_seq != bd_seq or key == terminal.rating_key:
        return
    if terminal.rating_key:
        record(None, "terminal.rating_key_replaced", terminal, using=using,
               previous=terminal.rating_key, new=key)
    terminal.rating_key = key
