"""Text on a Chinese thermal printer: which characters print, how wide they are, where
lines break, and the bytes that carry them.

Font A is 12 x 24 dots: a single-byte (ASCII) character takes one column and every
two-byte GB character (Han, full-width punctuation, ￥, 〇, ①...) takes a 24-dot cell, two
columns. So on the printer a character's width follows from its encoding, not from Unicode's
East Asian Width: '—' or '·' are "ambiguous" in Unicode but two-byte, so two columns, here.
"""

from __future__ import annotations

from typing import Literal

TextEncoding = Literal["gb18030", "gbk"]

# Columns of font A across the printable width, and the printable width in dots.
PAPER_COLUMNS = {58: 32, 80: 48}
PAPER_DOTS = {58: 384, 80: 576}

# '¥' (U+00A5) is a four-byte GB18030 sequence (81 30 84 36) that GBK-only firmware prints
# as "0 6"; '￥' (U+FFE5) is the two-byte A3 A4 every Chinese printer has.
SUBSTITUTIONS = str.maketrans({"¥": "￥", "\t": "    "})
# Printed for a character the printer's character set does not have.
MISSING_GLYPH = "□"

# Chinese line breaking (避头尾): these never start a line...
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉…’”%‰℃,.;:?!)]}")
# ...and these never end one.
NO_LINE_END = frozenset("（《「『【〔〈‘“([{￥¥$")


def printable(text: str, encoding: TextEncoding = "gb18030") -> str:
    """``text`` as it will print: ¥ as ￥, tabs as spaces, control characters (which would
    reach the printer as commands) dropped, and characters outside the printer's character
    set as □."""
    cleaned = "".join(c for c in text.translate(SUBSTITUTIONS)
                      if c == "\n" or (c.isprintable() and c != "\x7f"))
    if encoding == "gb18030":
        return cleaned
    return "".join(c if _encodes(c, encoding) else MISSING_GLYPH for c in cleaned)


def encode(text: str, encoding: TextEncoding = "gb18030") -> bytes:
    """The bytes of already printable() text, for the printer in two-byte (FS &) mode."""
    return text.encode(encoding, errors="replace")


def columns_of(text: str) -> int:
    return sum(1 if ord(c) < 0x80 else 2 for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """Breaks ``text`` into lines of at most ``columns`` columns: at spaces between words,
    between any two Han characters, never before closing punctuation or after opening
    punctuation, and inside a word only when the word alone is wider than a line."""
    if columns < 2:
        raise ValueError("a line holds at least one two-byte character (2 columns)")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, columns))
    return lines


def _wrap_paragraph(paragraph: str, columns: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for unit in _units(paragraph):
        if columns_of(current + unit) <= columns:
            current += unit
            continue
        if unit.isspace():
            lines.append(current.rstrip(" "))
            current = ""
            continue
        if current.strip():
            lines.append(current.rstrip(" "))
        current = ""
        while columns_of(unit) > columns:
            head = _longest_prefix(unit, columns)
            lines.append(head)
            unit = unit[len(head):]
        current = unit
    if current or not lines:
        lines.append(current.rstrip(" "))
    return lines


def _units(paragraph: str) -> list[str]:
    """Pieces that stay on one line: an ASCII word, a run of spaces, or one two-byte
    character, with punctuation glued to the piece it must not be separated from."""
    units: list[str] = []
    for char in paragraph:
        previous = units[-1] if units else ""
        ascii_word = (previous and char.isascii() and not char.isspace()
                      and previous[-1].isascii() and not previous[-1].isspace())
        glued = previous and (char in NO_LINE_START or previous[-1] in NO_LINE_END)
        spaces = previous and char == " " and previous[-1] == " "
        if ascii_word or (glued and not char.isspace()) or spaces:
            units[-1] = previous + char
        else:
            units.append(char)
    return units


def _longest_prefix(unit: str, columns: int) -> str:
    width = 0
    for index, char in enumerate(unit):
        width += columns_of(char)
        if width > columns:
            return unit[:index]
    return unit


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
