"""The contents of GA 467 replies: the SAM id, and the card's text block and photo as the
read reply (30 01) carries them. Errors name the field, never its value."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from devices.errors import DeviceError, ProtocolError
from devices.idcard.port import CardType, IdCardText
from devices.idcard.protocol import (
    PHOTO_LENGTH,
    READ_REPLY_LENGTH,
    SAM_ID_LENGTH,
    TEXT_LENGTH,
    Reply,
)


class CardTextError(ProtocolError):
    """The reply checked out but its contents are not laid out as a card's should be."""

    code: ClassVar[str] = "read_failed"


class UnsupportedCardType(DeviceError):
    """A card this software recognises but cannot decode (外国人永久居留证, 'I')."""

    code: ClassVar[str] = "unknown_card"


def format_sam_id(data: bytes) -> str:
    """The SAM id from the 16 data bytes of a 12 FF reply, as the vendor tools print it:
    ``frame[10] "." frame[12] "-" u32LE@14 "-" u32LE@18 "-" u32LE@22``, the last two padded
    to 9 digits as HslCommunication does (YinanSoft pads to 10)."""
    if len(data) < SAM_ID_LENGTH:
        raise CardTextError(f"a SAM id has {SAM_ID_LENGTH} bytes, this reply {len(data)}")

    def u32(offset: int) -> int:
        return int.from_bytes(data[offset:offset + 4], "little")

    return f"{data[0]:02d}.{data[2]:02d}-{u32(4)}-{u32(8):09d}-{u32(12):09d}"


# The 256-byte text block (UCS-2 LE, space padded): (offset, length) of each field.
NAME = (0, 30)
SEX = (30, 2)
NATION = (32, 4)
BIRTH = (36, 16)
ADDRESS = (52, 70)
ID_NUMBER = (122, 36)
AUTHORITY = (158, 30)
VALID_FROM = (188, 16)
VALID_TO = (204, 16)
PASS_NUMBER = (220, 18)      # 'J' cards
ISSUE_COUNT = (240, 4)       # 'J' cards (reference: 4 bytes at 240)
CARD_TYPE = (248, 2)
FOR_LIFE = "长期"

_CARD_TYPES: dict[str, CardType] = {"J": "hk_mo_tw", "I": "foreign"}


def card_type_of(text: bytes) -> CardType:
    """text[248]: 'J' 港澳台居民居住证, 'I' 外国人永久居留证, anything else a resident card."""
    return _CARD_TYPES.get(_field(text, CARD_TYPE), "resident")


def decode_text(text: bytes) -> IdCardText:
    """The card's text block as the card states it. Raises UnsupportedCardType for an 'I'
    card (its layout is not researched: better no answer than a wrong one) and CardTextError
    for a block that is not laid out as expected. Messages name the field, never its value."""
    if len(text) != TEXT_LENGTH:
        raise CardTextError(f"the text block has {len(text)} bytes, not {TEXT_LENGTH}")
    card_type = card_type_of(text)
    if card_type == "foreign":
        raise UnsupportedCardType(
            "ID-card reader: this is a foreign permanent resident ID card (外国人永久居留证, "
            "type 'I'); its layout is not supported, so it was not decoded")
    sex = _field(text, SEX)
    if sex not in ("1", "2"):
        raise CardTextError("the card's sex field is neither 1 nor 2")
    nation = _field(text, NATION) if card_type == "resident" else ""
    if card_type == "resident" and not (len(nation) == 2 and nation.isascii()
                                        and nation.isdigit()):
        raise CardTextError("the card's nation field is not a two-digit code")
    valid_to_text = _field(text, VALID_TO)
    return IdCardText(
        card_type=card_type,
        name=_field(text, NAME),
        sex=sex,
        nation_code=nation,
        birth=_date(text, BIRTH, "birth date"),
        address=_field(text, ADDRESS),
        id_number=_field(text, ID_NUMBER),
        authority=_field(text, AUTHORITY),
        valid_from=_date(text, VALID_FROM, "valid-from date"),
        valid_to=None if valid_to_text == FOR_LIFE else _date(text, VALID_TO, "valid-to date"),
        pass_number=_field(text, PASS_NUMBER) if card_type == "hk_mo_tw" else "",
    )


def split_read_reply(reply: Reply) -> tuple[bytes, bytes]:
    """(text, photo) from a 30 01 reply: lengths 01 00 and 04 00 (big-endian), text at 14,
    photo at 270."""
    frame = reply.frame
    if len(frame) != READ_REPLY_LENGTH:
        raise CardTextError(f"the read reply has {len(frame)} bytes, not {READ_REPLY_LENGTH}")
    text_length = int.from_bytes(frame[10:12], "big")
    photo_length = int.from_bytes(frame[12:14], "big")
    if (text_length, photo_length) != (TEXT_LENGTH, PHOTO_LENGTH):
        raise CardTextError(f"the read reply announces text {text_length} and photo "
                            f"{photo_length} bytes, not {TEXT_LENGTH} and {PHOTO_LENGTH}")
    text_end = 14 + TEXT_LENGTH
    return frame[14:text_end], frame[text_end:text_end + PHOTO_LENGTH]


def _field(text: bytes, where: tuple[int, int]) -> str:
    offset, length = where
    try:
        value = text[offset:offset + length].decode("utf-16-le")
    except UnicodeDecodeError:
        raise CardTextError(f"the text at offset {offset} is not UCS-2") from None
    return value.strip(" \x00")


def _date(text: bytes, where: tuple[int, int], what: str) -> date:
    value = _field(text, where)
    try:
        if len(value) != 8 or not (value.isascii() and value.isdigit()):
            raise ValueError
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardTextError(f"the card's {what} is not a YYYYMMDD date") from None
