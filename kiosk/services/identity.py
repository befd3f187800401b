"""One identity, whatever card it came from, and what may be kept of it.

An Identity lives in memory for one resident's task. Only two things derived from it may
be stored or sent anywhere: its keyed hash (for matching) and its masked forms (for
display). The name and the ID number never reach the database, the logs or MQTT; reprs
are masked so that an accidental log line cannot leak them either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from devices.idcard.nations import nation_name
from devices.idcard.port import IdCardText
from devices.smartcard.port import SocialSecurityCard
from kiosk.services.identity_numbers import InvalidIdNumber, mask_id_number, validate_id_number
from kiosk.services.keys import KeyedHash

Source = Literal["id_card", "social_security", "typed"]


class IdentityError(ValueError):
    """A card that must not become an identity. ``code`` is what the UI words: invalid_number,
    birth_mismatch, expired, unsupported."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Identity:
    source: Source
    card_type: str
    name: str = field(repr=False)
    id_number: str = field(repr=False)
    sex: str | None = None           # "1" male, "2" female
    birth: date | None = None
    nation: str | None = None
    valid_to: date | None = None     # None: 长期, or not on this card

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def age(self, today: date | None = None) -> int | None:
        if self.birth is None:
            return None
        today = today or date.today()
        had_birthday = (today.month, today.day) >= (self.birth.month, self.birth.day)
        return today.year - self.birth.year - (0 if had_birthday else 1)

    def keyed_hash(self, keyed: KeyedHash) -> str:
        return keyed("id-number", self.id_number)


def mask_name(name: str) -> str:
    """张*三 for three characters, 张* for two, 欧**锋 for four; Latin names keep their
    first letter."""
    name = name.strip()
    if not name:
        return ""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[0] + "***"
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def identity_from_id_card(text: IdCardText, today: date | None = None) -> Identity:
    today = today or date.today()
    if text.card_type == "foreign":
        raise IdentityError("unsupported", "foreign permanent residence cards are not "
                                           "supported yet")
    number = _valid_number(text.id_number, today)
    if number[6:14] != f"{text.birth:%Y%m%d}":
        raise IdentityError("birth_mismatch", "the card's birth date does not match its ID "
                                              "number")
    if text.valid_to is not None and text.valid_to < today:
        raise IdentityError("expired", f"the card expired on {text.valid_to:%Y-%m-%d}")
    return Identity(
        source="id_card", card_type=text.card_type, name=text.name.strip(), id_number=number,
        sex=text.sex or None, birth=text.birth,
        nation=nation_name(text.nation_code) or None,
        valid_to=text.valid_to,
    )


def identity_from_social_security(card: SocialSecurityCard,
                                  today: date | None = None) -> Identity:
    number = _valid_number(card.id_number, today or date.today())
    birth = card.birth or date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return Identity(source="social_security", card_type="social_security",
                    name=card.name.strip(), id_number=number, sex=card.sex or None, birth=birth)


def identity_from_typed_number(text: str, today: date | None = None) -> Identity:
    """An ID number typed on the keypad (no name: the masked name is empty)."""
    number = _valid_number(text, today or date.today())
    birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return Identity(source="typed", card_type="typed", name="", id_number=number, birth=birth)


def _valid_number(text: str, today: date) -> str:
    try:
        return validate_id_number(text, today)
    except InvalidIdNumber as error:
        raise IdentityError("invalid_number", str(error)) from None
