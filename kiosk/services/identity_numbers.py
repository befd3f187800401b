"""Resident ID numbers (公民身份号码, GB 11643): validation and masking.

A number that fails validation is an error, never an identity. Full numbers are used only
to compute keyed hashes and masked forms; neither the number nor a name is ever stored,
logged or reported.
"""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII digits only: \d would take Arabic-Indic and other digits that int() reads.
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# First digit of the region code: 1-6 for mainland provinces, 8 for Hong Kong, Macao and
# Taiwan residence permits (81, 82, 83).
_FULL_WIDTH = re.compile(r"[０-９Ｘｘ]")
_REGION = re.compile(r"[1-6]\d{5}|8[123]0000")


class InvalidIdNumber(ValueError):
    pass


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def validate_id_number(text: str, today: date | None = None) -> str:
    """Returns the normalised number (ASCII, upper-case X) or raises InvalidIdNumber.
    Full-width digits and Ｘ, as a Chinese input method types them, are accepted and
    normalised; any other digit is refused."""
    number = _FULL_WIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text.strip()).upper()
    if not _SHAPE.fullmatch(number):
        raise InvalidIdNumber("an ID number has 18 characters: 17 digits and a digit or X")
    if not _REGION.fullmatch(number[:6]):
        raise InvalidIdNumber("the first six digits are not a region code")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("digits 7 to 14 are not a real birth date") from None
    if born > (today or date.today()) or born.year < 1900:
        raise InvalidIdNumber("digits 7 to 14 are not a possible birth date")
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("the last character does not match (check digit): a typing "
                              "mistake?")
    return number


def mask_id_number(number: str) -> str:
    """6101**********1234: enough for a person to recognise their own card."""
    return f"{number[:4]}{'*' * 10}{number[-4:]}"
