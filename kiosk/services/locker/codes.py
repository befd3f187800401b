"""Pickup codes: random, 8 digits, kept only as keyed hashes, and guarded against guessing.

A code is shown to nobody at the terminal: it reaches the applicant through the district
center (sealed to the center's key), as an SMS or a QR code that this terminal can scan.
"""

from __future__ import annotations

import re
import secrets

from kiosk.services.keys import KeyedHash

CODE_DIGITS = 8
QR_PREFIX = "KIOSK-PICKUP:"
_CODE = re.compile(rf"[0-9]{{{CODE_DIGITS}}}")   # ASCII only: \d takes any digit


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def is_well_formed(code: str) -> bool:
    return bool(_CODE.fullmatch(code))


def code_hash(keyed_hash: KeyedHash, code: str) -> str:
    return keyed_hash("pickup-code", code)


def qr_payload(terminal_id: str, code: str) -> str:
    """What the notification's QR code holds: which terminal, and the code."""
    return f"{QR_PREFIX}{terminal_id}:{code}"


def code_from_qr(text: str, terminal_id: str) -> str | None:
    """The code in a scanned pickup QR for this terminal, or None if it is not one."""
    if not text.startswith(QR_PREFIX):
        return None
    terminal, _, code = text[len(QR_PREFIX):].partition(":")
    if terminal != terminal_id or not is_well_formed(code):
        return None
    return code
