"""ID numbers are ASCII digits: full-width ones (as an input method types them) are
normalised, every other kind of digit is refused."""

from __future__ import annotations

import pytest

from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number

VALID = "11010519491231002X"


def test_full_width_digits_and_x_are_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    assert validate_id_number(full_width) == VALID
    assert validate_id_number(VALID.lower()) == VALID


@pytest.mark.parametrize("digits", [
    "٠١٢٣٤٥٦٧٨٩",      # Arabic-Indic
    "۰۱۲۳۴۵۶۷۸۹",      # Extended Arabic-Indic
    "०१२३४५६७८९",      # Devanagari
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",      # mathematical bold
])
def test_other_digits_are_refused(digits):
    foreign = "".join(digits[int(c)] if c.isdigit() else c for c in VALID)
    with pytest.raises(InvalidIdNumber, match="18 characters"):
        validate_id_number(foreign)
