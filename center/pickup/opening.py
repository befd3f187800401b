"""Opening a deposit's sealed pickup code (docs/mqtt.md "The sealed pickup code") with the
center's X25519 key from CENTER_SEALING_KEY_FILE, read when needed and never stored. The
code lives only in memory: the sender's, for the one message it goes into, and the link
page's, for the one answer it goes into."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.conf import settings

from center.pickup.models import Deposit
from contract.key_files import KeyFileError, load_sealing_key
from contract.sealing import unseal


class CodeUnopenable(ValueError):
    """The sealed code cannot be opened: the message says why, never what it holds."""


class OpenedCode(NamedTuple):
    code: str
    qr: str             # what the pickup QR holds: KIOSK-PICKUP:<terminal id>:<code>


def open_code(deposit: Deposit) -> str:
    return _open(deposit)[0]


def open_pickup(deposit: Deposit) -> OpenedCode:
    """The code and the QR text the terminal sealed with it (the link page shows the QR)."""
    code, secret = _open(deposit)
    # The terminal's scanner takes only a QR naming itself and this code.
    qr = secret.get("qr")
    if qr != f"KIOSK-PICKUP:{deposit.terminal.terminal_id}:{code}":
        raise CodeUnopenable("the sealed code holds no QR text for this terminal and code")
    return OpenedCode(code, qr)


def _open(deposit: Deposit) -> tuple[str, dict[str, Any]]:
    path = settings.CENTER_SEALING_KEY_FILE
    if not path:
        raise CodeUnopenable("the center has no key for sealed codes "
                             "(CENTER_SEALING_KEY_FILE)")
    try:
        key = load_sealing_key(path)
    except KeyFileError as error:
        raise CodeUnopenable(str(error)) from None
    try:
        secret = unseal(key, deposit.sealed_code, associated=deposit.deposit_id)
    except Exception:
        # A forged, damaged or misaddressed seal: any failure to authenticate it.
        raise CodeUnopenable("the sealed code does not open with the center's key") from None
    code = secret.get("code") if isinstance(secret, dict) else None
    if not isinstance(code, str) or len(code) != 8 or not code.isascii() or \
            not code.isdigit():
        raise CodeUnopenable("the sealed code holds no 8-digit code")
    return code, secret
