"""Text as the search sees it: normalised to Han characters, a-z and 0-9, and cut into runs
of Han characters and of Latin letters and digits."""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """The text as searched: Han characters, a-z and 0-9 only; full-width Latin folded."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("ü", "v")
    return "".join(ch for ch in folded if is_han(ch) or is_latin(ch))


def is_han(ch: str) -> bool:
    return ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
            or "\U00020000" <= ch <= "\U0003134f")


def is_latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


def segments(text: str) -> list[str]:
    """A normalised text cut into maximal runs of Han characters and of Latin letters/digits."""
    runs: list[str] = []
    for ch in text:
        if runs and is_han(runs[-1][-1]) == is_han(ch):
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs
