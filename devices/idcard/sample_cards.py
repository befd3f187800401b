"""Sample ID cards for the simulated reader: laid out byte for byte as a SAM returns them.

The samples are fictional: obviously made-up names (张三, 李四, 陈大文), addresses in 示例市,
and ID numbers that are only syntactically valid (GB 11643 check digit right), except the
one sample whose check digit is deliberately wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from devices.idcard.card_text import (
    ADDRESS,
    AUTHORITY,
    BIRTH,
    CARD_TYPE,
    FOR_LIFE,
    ID_NUMBER,
    ISSUE_COUNT,
    NAME,
    NATION,
    PASS_NUMBER,
    SEX,
    VALID_FROM,
    VALID_TO,
)
from devices.idcard.port import CardType
from devices.idcard.protocol import PHOTO_LENGTH, TEXT_LENGTH

# GB 11643 (ISO 7064 MOD 11-2).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

def check_digit(first17: str) -> str:
    """The GB 11643 check character of a resident ID number's first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the check digit is computed over 17 digits")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_for(region: str, birth: date, sequence: str) -> str:
    """A syntactically valid ID number: region (6), birth YYYYMMDD, sequence (3; odd for
    men, even for women), check digit."""
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + check_digit(first17)


@dataclass(frozen=True)
class SimCard:
    """A card to place on the simulated reader: its 256-byte text block and 1024-byte photo."""

    kind: CardType
    text: bytes = field(repr=False)
    photo: bytes = field(repr=False)
    label: str = ""     # the sample's key, for the panel and status


def make_card(
    *,
    name: str = "张三",
    sex: str = "1",
    nation: str = "01",
    birth: date = date(1985, 6, 15),
    address: str = "示例省示例市示例区示例路1号",
    id_number: str | None = None,
    authority: str = "示例市公安局示例分局",
    valid_from: date = date(2020, 1, 1),
    valid_to: date | None = date(2040, 1, 1),
    card_type: CardType = "resident",
    pass_number: str = "",
    issue_count: str = "01",
    region: str | None = None,
    sequence: str | None = None,
    label: str = "",
) -> SimCard:
    """A card laid out as the SAM returns it. ``valid_to=None`` writes 长期. ``id_number``
    defaults to a valid number built from ``region``, ``birth`` and ``sequence``. A 'J' card
    (hk_mo_tw) has no nation and carries ``pass_number`` at 220; an 'I' card (foreign) is
    filled in the resident layout only so that its type byte can be recognised."""
    if sex not in ("1", "2"):
        raise ValueError("sex is '1' (male) or '2' (female)")
    if id_number is None:
        region = region or ("810000" if card_type == "hk_mo_tw" else "110101")
        sequence = sequence or ("123" if sex == "1" else "124")
        id_number = id_number_for(region, birth, sequence)
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LENGTH // 2))
    _put(block, NAME, name)
    _put(block, SEX, sex)
    _put(block, NATION, nation if card_type == "resident" else "")
    _put(block, BIRTH, f"{birth:%Y%m%d}")
    _put(block, ADDRESS, address)
    _put(block, ID_NUMBER, id_number)
    _put(block, AUTHORITY, authority)
    _put(block, VALID_FROM, f"{valid_from:%Y%m%d}")
    _put(block, VALID_TO, FOR_LIFE if valid_to is None else f"{valid_to:%Y%m%d}")
    if card_type == "hk_mo_tw":
        _put(block, PASS_NUMBER, pass_number or "H12345678")
        _put(block, ISSUE_COUNT, issue_count)
        _put(block, CARD_TYPE, "J")
    elif card_type == "foreign":
        _put(block, CARD_TYPE, "I")
    seed = hashlib.sha256(bytes(block)).digest()
    photo = (b"WLT-SIM-" + seed * (PHOTO_LENGTH // len(seed) + 1))[:PHOTO_LENGTH]
    return SimCard(card_type, bytes(block), photo, label)


def _put(block: bytearray, where: tuple[int, int], value: str) -> None:
    offset, length = where
    encoded = value.encode("utf-16-le")
    if len(encoded) > length:
        raise ValueError(f"{value!r} does not fit in {length // 2} characters")
    block[offset:offset + length] = encoded + " ".encode("utf-16-le") * (
        (length - len(encoded)) // 2)


def _wrong_check_digit() -> str:
    number = id_number_for("110101", date(1979, 3, 8), "125")
    digit = next(c for c in "0123456789X" if c != number[-1])
    return number[:-1] + digit


SAMPLE_CARDS: dict[str, SimCard] = {
    "zhang_san": make_card(label="zhang_san"),
    "li_si": make_card(name="李四", sex="2", nation="03", birth=date(1952, 11, 2),
                       address="示例省示例市示例县示例镇幸福村2组", valid_from=date(2012, 4, 1),
                       valid_to=None, label="li_si"),
    "chen_hk": make_card(name="陈大文", birth=date(1990, 2, 28), card_type="hk_mo_tw",
                         address="示例省示例市示例区港湾路8号", authority="示例市公安局",
                         valid_from=date(2022, 7, 1), valid_to=date(2027, 7, 1),
                         pass_number="H87654321", issue_count="02", label="chen_hk"),
    "foreign": make_card(name="SAMPLE JOHN", birth=date(1980, 1, 1), card_type="foreign",
                         id_number="SIM000000000000000", label="foreign"),
    "bad_check_digit": make_card(name="王五", birth=date(1979, 3, 8),
                                 id_number=_wrong_check_digit(), label="bad_check_digit"),
}
