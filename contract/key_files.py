"""The center's key files: base64 of the raw key bytes on the first line that is neither
blank nor a comment. A key file lives outside any repository (the demo's keys in
config/demo/ are the only exception, and are marked so)."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey


class KeyFileError(ValueError):
    """A key file that cannot be used; the message names the file and what is wrong."""


def read_key_bytes(path: Path | str) -> bytes:
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise KeyFileError(f"{path}: cannot read the key file ({error})") from None
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise KeyFileError(f"{path}: no key in the file")
    try:
        raw = base64.b64decode(lines[0], validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{path}: the key is not base64") from None
    if len(raw) != 32:
        raise KeyFileError(f"{path}: the key is {len(raw)} bytes, not 32")
    return raw


def load_signing_key(path: Path | str) -> Ed25519PrivateKey:
    """The center's Ed25519 command-signing key."""
    return Ed25519PrivateKey.from_private_bytes(read_key_bytes(path))


def load_sealing_key(path: Path | str) -> X25519PrivateKey:
    """The center's X25519 key that opens sealed pickup codes."""
    return X25519PrivateKey.from_private_bytes(read_key_bytes(path))
