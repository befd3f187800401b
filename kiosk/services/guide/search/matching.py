"""Whether a reading's units fall on one romanised text, in one of three ways.

A text matches when the units fall on its characters in order: from its first character
(prefix), on consecutive characters (contiguous) or with gaps (scattered). The postings only
narrow the candidates; this is the check each candidate then passes or fails.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from kiosk.services.guide.search.pinyin import Chars


class Mode(enum.Enum):
    PREFIX = "prefix"
    CONTIGUOUS = "contiguous"
    SCATTERED = "scattered"


def starts_with(chars: Chars, units: tuple[str, ...]) -> bool:
    return len(units) <= len(chars) and all(u in c for u, c in zip(units, chars, strict=False))


def contains(chars: Chars, units: tuple[str, ...]) -> bool:
    first = units[0]
    return any(first in chars[start] and starts_with(chars[start:], units)
               for start in range(len(chars) - len(units) + 1))


def in_order(chars: Chars, units: tuple[str, ...]) -> bool:
    # Each unit takes exactly one character, so taking the earliest one that fits is safe.
    remaining = iter(chars)
    return all(any(unit in c for c in remaining) for unit in units)


MATCHERS: dict[Mode, Callable[[Chars, tuple[str, ...]], bool]] = {
    Mode.PREFIX: starts_with, Mode.CONTIGUOUS: contains, Mode.SCATTERED: in_order,
}
