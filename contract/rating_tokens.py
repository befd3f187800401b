"""The rating token: a terminal's signed word that it issued one queue ticket, printed on
the ticket slip as the address of the district center's rating page (docs/mqtt.md,
"Ratings (好差评)"). The resident scans it on a phone after the service at the window.

The terminal signs with an Ed25519 key derived from its own secret and announces the
public half in its birth (`ratingKey`), so the center can check a token whether or not the
terminal is online, and nobody without the terminal's secret can make one.

    token          = base64url(claims bytes) "." base64url(Ed25519 signature), unpadded
    signed message = b"station-kiosk rating token v1\\n" + claims bytes
    claims bytes   = version (1 byte), day and expiry (2 bytes each, big-endian, days since
                     2020-01-01), then district, terminal and ticket, each one length byte
                     and that many ASCII bytes

Packed rather than JSON because the whole address becomes a QR code a 58 mm receipt
printer prints: with a 30-character site address it is a version 8 code (49 modules).
The fixed prefix keeps a signature made for anything else under the key (there is
nothing else today) from ever passing as a rating token.

A token is good for VALID_DAYS days after the ticket's day: the provincial rules' window
for a rating, after which the service counts as rated by default.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TOKEN_VERSION = 1
VALID_DAYS = 7
SIGNING_PREFIX = b"station-kiosk rating token v1\n"
SIGNATURE_BYTES = 64
PUBLIC_KEY_BYTES = 32
EPOCH = date(2020, 1, 1)
LAST_DAY = EPOCH + timedelta(days=0xFFFF)
# Ids as the configuration allows them (kiosk/config/schema.py IDENTIFIER); a ticket label
# as the queue makes them (a letter and digits), kept to what can stand in an event ref.
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
TICKET = re.compile(r"[A-Za-z0-9-]{1,16}")
# The claims take 9 to 150 bytes (12 to 200 characters), the signature 86 characters.
TOKEN_TEXT = re.compile(r"[A-Za-z0-9_-]{12,200}\.[A-Za-z0-9_-]{86}")
_HEAD = struct.Struct(">BHH")


@dataclass(frozen=True)
class RatingClaims:
    """What a token says: this terminal issued this ticket on this day."""

    district: str
    terminal: str
    ticket: str
    day: date
    expires: date          # the last day the token may be used
    version: int = TOKEN_VERSION

    @property
    def event_ref(self) -> str:
        """The service's reference as the rating keeps it: `<ticket>/<day>`, as the
        queue events name a ticket."""
        return f"{self.ticket}/{self.day.isoformat()}"


class TokenRefused(ValueError):
    """The token cannot be used; ``reason`` is "malformed", "forged" or "expired"."""

    reason = "refused"


class TokenMalformed(TokenRefused):
    """Not a token this contract makes (cut short, mistyped, another version)."""

    reason = "malformed"


class TokenForged(TokenRefused):
    """Well formed, but not signed by the terminal it names."""

    reason = "forged"


class TokenExpired(TokenRefused):
    """Genuine, but past its last day."""

    reason = "expired"

    def __init__(self, claims: RatingClaims) -> None:
        super().__init__(f"the token expired after {claims.expires.isoformat()}")
        self.claims = claims


def claims_for_ticket(district: str, terminal: str, ticket: str, day: date) -> RatingClaims:
    return RatingClaims(district, terminal, ticket, day, day + timedelta(days=VALID_DAYS))


def sign(key: Ed25519PrivateKey, claims: RatingClaims) -> str:
    """The terminal's side: the token for ``claims``."""
    packed = _pack(claims)
    signature = key.sign(SIGNING_PREFIX + packed)
    return f"{_b64(packed)}.{_b64(signature)}"


def read_claims(token: str) -> RatingClaims:
    """What ``token`` claims, NOT checked: only to find the key it must be checked with.
    Raises TokenMalformed."""
    return _unpack(_split(token)[0])


def verify(key: Ed25519PublicKey, token: str, today: date) -> RatingClaims:
    """The center's side: the claims of a genuine token still good on ``today``. Raises
    TokenMalformed, TokenForged (checked before the expiry: a forged token is never
    called merely expired) or TokenExpired."""
    packed, signature = _split(token)
    claims = _unpack(packed)
    try:
        key.verify(signature, SIGNING_PREFIX + packed)
    except InvalidSignature:
        raise TokenForged("the signature is not the terminal's") from None
    if today > claims.expires:
        raise TokenExpired(claims)
    return claims


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public half as the birth's `ratingKey`: standard base64 of the raw 32 bytes."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """A `ratingKey` read back; ValueError says what is wrong with it."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("'ratingKey' is not base64") from None
    if len(raw) != PUBLIC_KEY_BYTES:
        raise ValueError(f"'ratingKey' is {len(raw)} bytes, not {PUBLIC_KEY_BYTES}")
    return Ed25519PublicKey.from_public_bytes(raw)


def _pack(claims: RatingClaims) -> bytes:
    if claims.version != TOKEN_VERSION:
        raise ValueError(f"only version {TOKEN_VERSION} tokens are made")
    for name, value, pattern in (("district", claims.district, IDENTIFIER),
                                 ("terminal", claims.terminal, IDENTIFIER),
                                 ("ticket", claims.ticket, TICKET)):
        if not pattern.fullmatch(value):
            raise ValueError(f"{name} {value!r} cannot go into a rating token")
    if not EPOCH <= claims.day <= claims.expires <= LAST_DAY:
        raise ValueError("the day and expiry must be in order, from 2020 on")
    out = bytearray(_HEAD.pack(claims.version, _day_number(claims.day),
                               _day_number(claims.expires)))
    for text in (claims.district, claims.terminal, claims.ticket):
        out += bytes([len(text)]) + text.encode("ascii")
    return bytes(out)


def _unpack(packed: bytes) -> RatingClaims:
    if len(packed) < _HEAD.size:
        raise TokenMalformed("the claims are cut short")
    version, day, expires = _HEAD.unpack_from(packed)
    if version != TOKEN_VERSION:
        raise TokenMalformed(f"version {version} is not {TOKEN_VERSION}")
    texts: list[str] = []
    at = _HEAD.size
    for _ in range(3):
        if at >= len(packed) or at + 1 + packed[at] > len(packed):
            raise TokenMalformed("the claims are cut short")
        raw = packed[at + 1:at + 1 + packed[at]]
        at += 1 + packed[at]
        if not raw.isascii():
            raise TokenMalformed("the claims hold a character that is not ASCII")
        texts.append(raw.decode("ascii"))
    if at != len(packed):
        raise TokenMalformed("the claims run on past their end")
    district, terminal, ticket = texts
    if not (IDENTIFIER.fullmatch(district) and IDENTIFIER.fullmatch(terminal)
            and TICKET.fullmatch(ticket)):
        raise TokenMalformed("the claims name no district, terminal or ticket")
    if expires < day:
        raise TokenMalformed("the token expires before its day")
    return RatingClaims(district, terminal, ticket, EPOCH + timedelta(days=day),
                        EPOCH + timedelta(days=expires), version)


def _split(token: str) -> tuple[bytes, bytes]:
    if not TOKEN_TEXT.fullmatch(token):
        raise TokenMalformed("not the shape of a rating token")
    claims, signature = token.split(".")
    try:
        packed, raw_signature = _unb64(claims), _unb64(signature)
    except (binascii.Error, ValueError):
        raise TokenMalformed("not base64url") from None
    if len(raw_signature) != SIGNATURE_BYTES:
        raise TokenMalformed("the signature is not 64 bytes")
    return packed, raw_signature


def _day_number(day: date) -> int:
    return (day - EPOCH).days


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if len(text) % 4 == 1:
        raise ValueError("no base64 text is this long")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
