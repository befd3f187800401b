"""The rating token both sides use (contract/rating_tokens.py): what the terminal signs the
center reads back; anything else is refused as malformed, forged or expired, and never
mistaken for another; and the address it makes fits a QR code a 58 mm receipt prints at
a size a phone reads."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
import qrcode
import qrcode.constants
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.rating_tokens import (
    VALID_DAYS,
    RatingClaims,
    TokenExpired,
    TokenForged,
    TokenMalformed,
    claims_for_ticket,
    public_key_from_text,
    public_key_text,
    read_claims,
    sign,
    verify,
)
from devices.printer.escpos_render import qr_module_dots
from devices.printer.text_layout import PAPER_DOTS
from kiosk.services.keys import KeyedHash, rating_signing_key

DAY = date(2026, 12, 5)
KEY = rating_signing_key(KeyedHash(b"k" * 32))
PUBLIC = KEY.public_key()


def token(ticket: str = "A012", day: date = DAY, key: Ed25519PrivateKey = KEY) -> str:
    return sign(key, claims_for_ticket("xc", "xc-hsz-01", ticket, day))


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_what_the_terminal_signs_the_center_reads_back():
    claims = verify(PUBLIC, token(), DAY)

    assert claims == RatingClaims("xc", "xc-hsz-01", "A012", DAY, DAY + timedelta(days=7))
    assert claims.event_ref == "A012/2026-12-05"
    assert read_claims(token()) == claims


def test_the_key_is_the_terminals_own_and_travels_as_32_bytes_of_base64():
    text = public_key_text(KEY)

    assert len(base64.b64decode(text)) == 32
    assert public_key_from_text(text).public_bytes_raw() == PUBLIC.public_bytes_raw()
    # Derived from the secret: the same after a restart, another for another terminal.
    assert public_key_text(rating_signing_key(KeyedHash(b"k" * 32))) == text
    assert public_key_text(rating_signing_key(KeyedHash(b"j" * 32))) != text
    for wrong in ("", "not base64!", base64.b64encode(b"x" * 31).decode()):
        with pytest.raises(ValueError, match="ratingKey"):
            public_key_from_text(wrong)


def test_a_token_is_good_for_seven_days_after_its_ticket():
    assert VALID_DAYS == 7
    assert verify(PUBLIC, token(), DAY + timedelta(days=7)).ticket == "A012"
    with pytest.raises(TokenExpired) as refused:
        verify(PUBLIC, token(), DAY + timedelta(days=8))
    assert refused.value.reason == "expired"
    assert refused.value.claims.ticket == "A012"


def test_another_terminals_signature_is_forged_not_expired():
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(TokenForged):
        verify(PUBLIC, token(key=stranger), DAY)
    # A forgery past its day is still called forged: the expiry of a forgery means nothing.
    with pytest.raises(TokenForged):
        verify(PUBLIC, token(key=stranger), DAY + timedelta(days=30))


def test_changing_any_claim_breaks_the_signature():
    claims, signature = token().split(".")
    packed = bytearray(unb64(claims))
    packed[-1] = ord("3")                       # A012 -> A013
    with pytest.raises(TokenForged):
        verify(PUBLIC, f"{b64(bytes(packed))}.{signature}", DAY)
    other_ticket = token("A013").split(".")[1]  # a genuine signature of another ticket
    with pytest.raises(TokenForged):
        verify(PUBLIC, f"{claims}.{other_ticket}", DAY)


@pytest.mark.parametrize("wrong", [
    "", "A012", "x" * 300, "abc.def", token() + "A", token()[:-1],
    token().replace(".", "-", 1), token() + ".x",
    "%E5%8F%96" + token(), token().upper(),
])
def test_anything_else_is_malformed(wrong):
    with pytest.raises((TokenMalformed, TokenForged)) as refused:
        verify(PUBLIC, wrong, DAY)
    if wrong != token().upper():        # the case change may still decode: then forged
        assert isinstance(refused.value, TokenMalformed)


@pytest.mark.parametrize("packed", [
    b"",                                            # nothing
    b"\x02" + unb64(token().split(".")[0])[1:],     # another version
    unb64(token().split(".")[0])[:-1],              # cut short
    unb64(token().split(".")[0]) + b"x",            # runs on
    b"\x01\x0b\x9d\x0b\x9c\x02xc\x09xc-hsz-01\x04A012",   # expires before its day
    b"\x01\x0b\x9d\x0b\xa4\x02XC\x09xc-hsz-01\x04A012",   # not an id
    b"\x01\x0b\x9d\x0b\xa4\x02xc\x09xc-hsz-01\x04A/12",   # a ticket that breaks the ref
])
def test_claims_that_no_terminal_makes_are_malformed_before_any_signature(packed):
    signature = unb64(token().split(".")[1])
    with pytest.raises(TokenMalformed):
        read_claims(f"{b64(packed)}.{b64(signature)}")


def test_the_terminal_refuses_to_sign_what_it_could_not_read_back():
    for district, terminal, ticket in (("XC", "t", "A1"), ("xc", "t", "A/1"),
                                       ("xc", "t", "")):
        with pytest.raises(ValueError, match="cannot go into a rating token"):
            sign(KEY, claims_for_ticket(district, terminal, ticket, DAY))
    with pytest.raises(ValueError, match="must be in order"):
        sign(KEY, RatingClaims("xc", "t", "A1", DAY, DAY - timedelta(days=1)))


def modules(data: str) -> int:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data.encode())
    code.make(fit=True)
    assert code.version is not None
    return 17 + 4 * code.version


def test_the_address_fits_a_qr_code_a_58_mm_receipt_prints_for_a_phone():
    """Measured as the printer adapter draws it (devices/printer/escpos_render.py): at error
    correction M a version 8 code, 49 modules, at 4 dots (0.5 mm at 203 dpi) a module on
    58 mm paper and 6 dots on 80 mm: 25 and 37 mm across with their quiet zones, well
    within what a phone camera reads from a hand's length."""
    longest = token("A999")
    for base in ("https://zwfw.example.gov.cn/r/", "http://127.0.0.1:8000/r/"):
        address = base + longest
        assert len(address) <= 160
        assert modules(address) == 49                       # version 8
        quiet = 2 * 2
        assert qr_module_dots(49 + quiet, PAPER_DOTS[58]) == 4
        assert qr_module_dots(49 + quiet, PAPER_DOTS[80]) == 6
