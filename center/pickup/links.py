"""The link in a pickup notice: a page on the resident's phone showing the code as the QR
the terminal's scanner reads. The token is 128 random bits, in the SMS only; the notice
keeps its SHA-256, so the database alone opens no link."""

from __future__ import annotations

import hashlib
import secrets


def new_link() -> tuple[str, str]:
    """(token, its hash)"""
    token = secrets.token_urlsafe(16)
    return token, link_hash(token)


def link_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()
