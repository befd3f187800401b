"""Appointment QR codes: made by the district's booking system, signed with its Ed25519
key, checked here before a resident is put in a queue ahead of walk-ins.

The code is plain text so that a person can read what it is:

    政务预约|1|<appointment id>|<category id>|<YYYY-MM-DD>|<HH:MM>|<priority 0/1>|<signature>

The signature is over the UTF-8 bytes of everything before the last "|", base64url
without padding. The Chinese marker also means every scanner path must get UTF-8 right
(zbar's Shift-JIS guess mangles it; see devices/qr/camera_scanner.py).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MARKER = "政务预约"
VERSION = "1"
_FIELDS = re.compile(r"[A-Za-z0-9-]{1,40}\|[a-z0-9][a-z0-9-]{0,62}\|\d{4}-\d{2}-\d{2}\|"
                     r"\d{2}:\d{2}\|[01]")


@dataclass(frozen=True)
class Appointment:
    id: str
    category: str
    day: str
    slot: str
    priority: bool


class AppointmentInvalid(Exception):
    """Not an appointment this station can accept; ``reason`` says why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def looks_like_appointment(text: str) -> bool:
    return text.startswith(MARKER + "|")


def read_appointment(text: str, key: Ed25519PublicKey) -> Appointment:
    signed, _, signature = text.strip().rpartition("|")
    parts = signed.split("|")
    if len(parts) != 7 or parts[0] != MARKER:
        raise AppointmentInvalid("malformed", "not an appointment code")
    if parts[1] != VERSION:
        raise AppointmentInvalid("malformed", f"appointment code version {parts[1]!r}")
    if not _FIELDS.fullmatch("|".join(parts[2:])):
        raise AppointmentInvalid("malformed", "appointment fields are malformed")
    try:
        key.verify(_unb64(signature), signed.encode("utf-8"))
    except (InvalidSignature, ValueError, binascii.Error):
        raise AppointmentInvalid("forged", "the appointment's signature does not verify"
                                 ) from None
    return Appointment(id=parts[2], category=parts[3], day=parts[4], slot=parts[5],
                       priority=parts[6] == "1")


def make_appointment_code(appointment: Appointment, key: Ed25519PrivateKey) -> str:
    """What the booking system does (used by the demo center and tests)."""
    signed = "|".join([MARKER, VERSION, appointment.id, appointment.category, appointment.day,
                       appointment.slot, "1" if appointment.priority else "0"])
    signature = base64.urlsafe_b64encode(key.sign(signed.encode("utf-8"))).rstrip(b"=")
    return f"{signed}|{signature.decode('ascii')}"


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """A booking system's private key: base64 of the 32 raw bytes, '#' lines ignored."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(lines[0]))


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def _unb64(text: str) -> bytes:
    """Strict: urlsafe_b64decode skips stray characters, so one signature would have many
    spellings. The code carries it unpadded, as make_appointment_code writes it."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("the signature is not unpadded base64url")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
