"""Applicants' mobile numbers: read strictly, stored encrypted, shown masked, compared by a
keyed digest.

The key is 32 random bytes in the file CENTER_PHONE_KEY_FILE (base64, like the center's
other key files), outside the database: a copy of the database alone reveals no number.
Numbers are sealed with AES-256-GCM under a key derived for that purpose, and digested with
HMAC-SHA256 under another (the sender's per-number rate limit counts by digest, so no
number is kept where only counting is needed).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from contract.key_files import KeyFileError, read_key_bytes

# Mainland mobile numbers: 11 digits from 13x to 19x (docs/center.md "Pickup notices").
MOBILE = re.compile(r"1[3-9][0-9]{9}")
PREFIXES = ("+86", "0086", "86")
NONCE_BYTES = 12


class PhoneError(ValueError):
    """A number that is not a mainland mobile, or a key that cannot be used."""


def normalised(text: str) -> str:
    """'+86 138-0013-8000' -> '13800138000'; anything else that is not a mobile is refused
    (a landline cannot take an SMS)."""
    digits = re.sub(r"[\s\-()]", "", text)
    for prefix in PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    if not MOBILE.fullmatch(digits):
        raise PhoneError("not a mainland mobile number (11 digits from 13 to 19)")
    return digits


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


class PhoneVault:
    def __init__(self, key: bytes) -> None:
        self._seal_key = _derive(key, b"center phone numbers v1 seal")
        self._digest_key = _derive(key, b"center phone numbers v1 digest")

    def seal(self, phone: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self._seal_key).encrypt(nonce, phone.encode("ascii"), None)

    def open(self, sealed: bytes) -> str:
        data = bytes(sealed)
        try:
            return AESGCM(self._seal_key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:],
                                                  None).decode("ascii")
        except (InvalidTag, ValueError):
            raise PhoneError("a number sealed under another key (CENTER_PHONE_KEY_FILE was "
                             "changed): import the case system's export again") from None

    def digest(self, phone: str) -> str:
        return hmac.new(self._digest_key, phone.encode("ascii"), hashlib.sha256).hexdigest()


def vault() -> PhoneVault:
    path = settings.PHONE_KEY_FILE
    if not path:
        raise PhoneError("the center has no key for mobile numbers (CENTER_PHONE_KEY_FILE)")
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError as error:
        raise PhoneError(f"{path}: cannot read the key file ({error})") from None
    return _vault(str(path), stamp)


@lru_cache(maxsize=4)
def _vault(path: str, _stamp: int) -> PhoneVault:
    try:
        return PhoneVault(read_key_bytes(path))
    except KeyFileError as error:
        raise PhoneError(str(error)) from None


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)
