"""Undoes zbar's charset guess for QR codes, where zbar cannot hand over raw bytes.

A QR code's byte-mode segment carries bytes, usually UTF-8 without saying so. zbar (which
pyzbar wraps) guesses a charset and converts to UTF-8: it tries Shift-JIS, ISO-8859-1,
BIG-5 and UTF-8 in an order that depends on the bytes (zbar/qrcode/qrdectxt.c; pyzbar#14,
#55, zbar#244). So UTF-8 Chinese often comes back as Japanese, Latin-1 or traditional-Chinese
mojibake, and GBK Chinese nearly always as BIG-5 mojibake. The usual fix,
``data.decode("utf-8").encode("shift-jis").decode("utf-8")``, only undoes one of these, with
Python's Shift-JIS rather than the iconv one zbar used.

This module undoes each guess with the converter zbar used (glibc iconv), keeps the readings
that convert back to exactly what zbar said, and picks the most plausible one: the text with
the fewest characters outside GB2312 (everyday simplified Chinese and ASCII), then UTF-8
over GB18030, then a reading that needed undoing over zbar's text as it stands.

Limits (this is why ZbarQrReader asks zbar for raw bytes when the library can): a GBK code
of one or two characters can have an equally plausible BIG-5 reading, and a code made of
several byte segments (long digit runs split out by an optimising encoder) may have had
each segment guessed differently.
"""

from __future__ import annotations

import functools

from devices.qr import iconv
from devices.qr.code_text import decode_code
from devices.qr.port import ScannedCode

# zbar's guesses, as iconv names them; zbar's output as it stands (UTF-8) last, so that on a
# tie a reading that undid a guess wins.
ZBAR_GUESSES = ("SJIS", "BIG-5", "ISO8859-1", "UTF-8")


def original_bytes(zbar_text: bytes) -> bytes:
    """The bytes the code most plausibly carried, given the UTF-8 text zbar made of them."""
    best: tuple[tuple[int, bool, int], bytes] | None = None
    for rank, charset in enumerate(ZBAR_GUESSES):
        raw = zbar_text if charset == "UTF-8" else iconv.convert(zbar_text, charset, "UTF-8")
        if raw is None or iconv.convert(raw, "UTF-8", charset) != zbar_text:
            continue
        code = decode_code(raw)
        if not isinstance(code, ScannedCode):
            continue
        key = (_outside_gb2312(code.text), code.encoding != "utf-8", rank)
        if best is None or key < best[0]:
            best = (key, raw)
    return zbar_text if best is None else best[1]


def _outside_gb2312(text: str) -> int:
    return sum(not _in_gb2312(character) for character in text)


@functools.lru_cache(maxsize=8192)
def _in_gb2312(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
