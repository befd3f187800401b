"""Seals a pickup code so that only the district center can read it.

TLS protects the link, not the message: the broker, a bridge or a log could still see a
plain code. Each code is sealed with an ephemeral X25519 key agreed with the center's
public key, HKDF-SHA256, and AES-256-GCM, with the deposit id as associated data so a
sealed code cannot be moved onto another deposit.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SCHEME = "x25519-hkdf-sha256-aes256gcm"
_INFO = b"station-kiosk pickup code v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public,
                info=_INFO).derive(shared)


def public_key_from_base64(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(base64.b64decode(text))


def seal(recipient: X25519PublicKey, secret: dict[str, Any], associated: str) -> dict[str, str]:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    recipient_public = recipient.public_bytes(serialization.Encoding.Raw,
                                              serialization.PublicFormat.Raw)
    key = _key(ephemeral.exchange(recipient), ephemeral_public, recipient_public)
    nonce = os.urandom(12)
    plaintext = json.dumps(secret, separators=(",", ":")).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, associated.encode())
    return {"scheme": SCHEME, "epk": _b64(ephemeral_public), "nonce": _b64(nonce),
            "ct": _b64(ciphertext)}


def unseal(private: X25519PrivateKey, sealed: dict[str, str], associated: str) -> dict[str, Any]:
    """What the district center does; here for its reference and for tests."""
    if sealed.get("scheme") != SCHEME:
        raise ValueError(f"unknown sealing scheme {sealed.get('scheme')!r}")
    ephemeral_public = base64.b64decode(sealed["epk"])
    recipient_public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                         serialization.PublicFormat.Raw)
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _key(shared, ephemeral_public, recipient_public)
    plaintext = AESGCM(key).decrypt(base64.b64decode(sealed["nonce"]),
                                    base64.b64decode(sealed["ct"]), associated.encode())
    return dict(json.loads(plaintext))
