"""What residents are told when a card cannot be used (English message ids; no Kivy
here, so tests can check every text has a translation)."""

from __future__ import annotations

REFUSALS = {
    "invalid_number": "This card's ID number is not valid. Please ask the staff.",
    "birth_mismatch": "This card could not be verified. Please ask the staff.",
    "expired": "This card has expired. Please use a valid card.",
    "unsupported": "This kind of card cannot be used here yet. Please ask the staff.",
    "select_failed": "The card was not read. Lay it flat on the reader and keep it still.",
    "read_failed": "The card was not read. Lay it flat on the reader and keep it still.",
    "checksum": "The card was not read. Lay it flat on the reader and keep it still.",
    "truncated": "The card was not read. Lay it flat on the reader and keep it still.",
    "unknown_card": "This card cannot be read. Please use your resident ID card.",
    "sam_fault": "The card reader is not working. The staff have been told.",
    "silent": "The card reader is not working. The staff have been told.",
    "unreadable": "This card cannot be read. Please use your ID card or social-security card.",
}


def refusal_message(code: str) -> str:
    """The message id the 请刷身份证 prompt shows for an IdentityRefused ``code``; a code
    it has no words for reads as a failed read (lay the card down again)."""
    return REFUSALS.get(code, REFUSALS["read_failed"])
