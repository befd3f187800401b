"""Fixtures of the catalog editor's tests: the center's signing key, written to its file."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@pytest.fixture
def signing_key(tmp_path, settings) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    path = tmp_path / "center-ed25519.key"
    path.write_text(base64.b64encode(raw).decode() + "\n")
    settings.CENTER_SIGNING_KEY_FILE = str(path)
    return key
