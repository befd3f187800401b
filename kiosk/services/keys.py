"""This terminal's secret: the key for every keyed hash (pickup codes, later identities),
and the seed of the key its rating tokens are signed with.

Kept in its own 0600 file, apart from the database, so a copied database alone cannot be
brute-forced for codes: 8-digit codes are few, but their HMACs are useless without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_BYTES = 32
# The purpose the rating-token key is derived under (contract/rating_tokens.py). Changing
# it changes the key: every rating code already printed would stop working.
RATING_TOKEN_PURPOSE = "rating-token v1"


class TerminalKeyError(RuntimeError):
    """The key file exists but cannot be used; the message says how to fix it."""


def load_or_create_key(path: Path) -> bytes:
    path = Path(path)
    if path.exists():
        data = path.read_bytes()
        if len(data) != KEY_BYTES:
            raise TerminalKeyError(
                f"{path} holds {len(data)} bytes, not a {KEY_BYTES}-byte key. Restore it from "
                "the terminal's backup: a new key would make every stored pickup code unusable."
            )
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return data
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, key)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return key


class KeyedHash:
    """HMAC-SHA256 under the terminal key, with a purpose label so hashes of different
    kinds of value can never be confused."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, purpose: str, value: str) -> str:
        message = f"{purpose}\x00{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def derived_key(self, purpose: str) -> bytes:
        """32 bytes for ``purpose`` alone: HMAC(key, purpose). No keyed hash of a value is
        ever the same, since those always hold a NUL after the purpose."""
        if "\x00" in purpose:
            raise ValueError("a purpose holds no NUL")
        return hmac.new(self._key, purpose.encode(), hashlib.sha256).digest()


def rating_signing_key(keyed_hash: KeyedHash) -> Ed25519PrivateKey:
    """The Ed25519 key rating tokens are signed with, derived from the terminal's secret:
    no file of its own, the same after every restart, and new only with a new secret. Its
    public half goes to the center in the birth (`ratingKey`)."""
    return Ed25519PrivateKey.from_private_bytes(keyed_hash.derived_key(RATING_TOKEN_PURPOSE))
