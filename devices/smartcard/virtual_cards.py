"""Card personalities for the vpcd simulator."""

from __future__ import annotations

from dataclasses import dataclass

# An ISO 14443 contactless card as PC/SC part 3 reports it (storage card, MIFARE 1K).
CONTACTLESS_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

SW_OK = b"\x90\x00"
SW_WRONG_P1P2 = b"\x6a\x81"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"


@dataclass
class StaffBadge:
    """A contactless staff badge: answers the reader's GET DATA (UID) pseudo-APDU."""

    uid: bytes
    kind: str = "staff_badge"

    @property
    def atr(self) -> bytes:
        return CONTACTLESS_ATR

    def reset(self) -> None:
        pass

    def respond(self, apdu: bytes) -> bytes:
        if apdu[:2] == b"\xff\xca":
            if apdu[2:4] == b"\x00\x00":
                return self.uid + SW_OK
            return SW_WRONG_P1P2
        return SW_INS_NOT_SUPPORTED
