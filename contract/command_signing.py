"""The signed envelope of a district-center command (docs/mqtt.md, "Commands").

The center signs bytes, not a JSON value: the command body is serialised once, by the
center, and travels base64-encoded inside the envelope. The terminal verifies the
signature over exactly those bytes and only then parses them, so neither side has to
reproduce a canonical JSON form, and what was verified is exactly what is carried out.

    signed message = b"station-kiosk command v1\\n" + body bytes
    envelope       = {"schema": 1, "body": base64(body bytes), "sig": base64(Ed25519 signature)}

The fixed prefix keeps a signature made for anything else under the same key from ever
passing as a command signature.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contract.wire_text import quoted

SIGNING_PREFIX = b"station-kiosk command v1\n"
ENVELOPE_SCHEMA = 1
SIGNATURE_BYTES = 64
ENVELOPE_KEYS = frozenset({"schema", "body", "sig"})


class EnvelopeRejected(Exception):
    """The envelope does not carry an authentic command; ``reason`` is a result code."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason
        self.text = text


def signed_message(body: bytes) -> bytes:
    return SIGNING_PREFIX + body


def sign_command(key: Ed25519PrivateKey, body: Mapping[str, Any] | bytes) -> bytes:
    """The center's side: the MQTT payload of a command. Used by the demo center, the
    command tool and the tests."""
    raw = body if isinstance(body, bytes) else json.dumps(
        dict(body), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    envelope = {"schema": ENVELOPE_SCHEMA, "body": base64.b64encode(raw).decode("ascii"),
                "sig": base64.b64encode(key.sign(signed_message(raw))).decode("ascii")}
    return json.dumps(envelope, separators=(",", ":")).encode("ascii")


def open_envelope(payload: bytes, key: Ed25519PublicKey | None) -> bytes:
    """The body bytes of an authentic command; raises EnvelopeRejected otherwise."""
    envelope = strict_json_object(payload, "the envelope")
    if set(envelope) - ENVELOPE_KEYS:
        unknown = ", ".join(quoted(k) for k in sorted(set(envelope) - ENVELOPE_KEYS)[:5])
        raise EnvelopeRejected("malformed", f"unknown envelope field(s): {unknown}")
    # type() rather than ==: 1.0 == 1 and True == 1 in Python, but neither is schema 1.
    if type(envelope.get("schema")) is not int or envelope["schema"] != ENVELOPE_SCHEMA:
        raise EnvelopeRejected("malformed", f"envelope schema must be {ENVELOPE_SCHEMA}")
    body = _base64_field(envelope, "body")
    if key is None:
        raise EnvelopeRejected("no_signing_key", "this terminal has no center signing key "
                                                 "(security.center_signing_key)")
    if not envelope.get("sig"):
        raise EnvelopeRejected("unsigned", "the command carries no signature")
    try:
        signature = _base64_field(envelope, "sig")
    except EnvelopeRejected:
        raise EnvelopeRejected("bad_signature", "the signature is not base64") from None
    if len(signature) != SIGNATURE_BYTES:
        raise EnvelopeRejected("bad_signature", "the signature is not 64 bytes")
    try:
        key.verify(signature, signed_message(body))
    except InvalidSignature:
        raise EnvelopeRejected("bad_signature", "the signature does not verify with the "
                                                "center's key") from None
    return body


def strict_json_object(data: bytes, what: str) -> dict[str, Any]:
    """A JSON object in UTF-8 with no repeated keys (which parsers resolve differently)."""
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise EnvelopeRejected("malformed", f"{what} repeats a key")
        return dict(pairs)

    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeRejected("malformed", f"{what} is not JSON in UTF-8") from None
    except RecursionError:
        # json's decoder recurses per nesting level; nothing we accept nests deeply.
        raise EnvelopeRejected("malformed", f"{what} is nested too deeply") from None
    if not isinstance(value, dict):
        raise EnvelopeRejected("malformed", f"{what} is not a JSON object")
    return value


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def public_key_to_base64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)).decode("ascii")


def _base64_field(envelope: Mapping[str, Any], name: str) -> bytes:
    value = envelope.get(name)
    if not isinstance(value, str):
        raise EnvelopeRejected("malformed", f"envelope field {name!r} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeRejected("malformed", f"envelope field {name!r} is not base64") from None
