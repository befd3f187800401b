"""Romanisation, at index time only: the tokens each character of an indexed text stands for.

A character stands for itself, each of its readings whole ("bao." is the reading bao) and
every prefix of each reading ("b", "ba", "bao"); a character with several readings (重:
zhong, chong) has the tokens of all of them. pypinyin is asked once per distinct character,
and only here: searching never romanises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

import pypinyin

from kiosk.services.guide.search.text import is_han

MAX_READINGS_PER_CHAR = 4   # only 64 of the 20,902 basic CJK characters have more
LONGEST_SYLLABLE = 6        # zhuang, shuang, chuang

WHOLE = "."   # "bao." is the reading bao itself; "bao" is any reading starting with bao

Chars = tuple[frozenset[str], ...]   # per character of a text: the tokens it stands for


class Romaniser:
    """The tokens of each character; pypinyin is asked once per distinct character."""

    def __init__(self) -> None:
        self._readings: dict[str, tuple[str, ...]] = {}
        self._token_sets: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self._plain_tokens: dict[str, frozenset[str]] = {}
        self._texts: dict[str, Chars] = {}

    def chars(self, text: str) -> Chars:
        """Tokens per character of a normalised text."""
        known = self._texts.get(text)
        if known is None:
            context = self._readings_in_context(text)
            known = tuple(self._tokens(ch, reading)
                          for ch, reading in zip(text, context, strict=True))
            self._texts[text] = known
        return known

    def token_sets(self) -> Iterable[frozenset[str]]:
        """Every distinct set of tokens a character of the romanised texts stands for."""
        return self._token_sets.values()

    def _tokens(self, ch: str, contextual: str) -> frozenset[str]:
        if not contextual:   # the common case, looked up per character
            tokens = self._plain_tokens.get(ch)
            if tokens is None:
                tokens = self._plain_tokens[ch] = self._tokens_with(ch, "")
            return tokens
        return self._tokens_with(ch, contextual)

    def _tokens_with(self, ch: str, contextual: str) -> frozenset[str]:
        readings = _bounded(self._char_readings(ch), contextual)
        key = (ch, readings)
        tokens = self._token_sets.get(key)
        if tokens is None:
            tokens = self._token_sets[key] = _tokens_of(ch, readings)
        return tokens

    def _char_readings(self, ch: str) -> tuple[str, ...]:
        if not is_han(ch):
            return (ch,)
        readings = self._readings.get(ch)
        if readings is None:
            found = pypinyin.pinyin(ch, style=pypinyin.Style.NORMAL, heteronym=True)[0]
            readings = tuple(r for r in dict.fromkeys(found) if r.isascii() and r.isalpha())
            self._readings[ch] = readings
        return readings

    def _readings_in_context(self, text: str) -> list[str]:
        """The reading pypinyin picks from the words around each character, where it matters.

        It matters only for a character with more readings than are kept: the one its words
        call for must not be the one dropped. Asking costs far more than a character lookup,
        so texts without such a character are not asked about.
        """
        if all(len(self._char_readings(ch)) <= MAX_READINGS_PER_CHAR for ch in text):
            return [""] * len(text)
        readings = pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL,
                                        errors=_NO_READING_EACH)
        return readings if len(readings) == len(text) else [""] * len(text)


def _no_reading_each(chars: str) -> list[str]:
    """For a run of characters pypinyin has no reading for: no reading, one per character,
    so the readings stay aligned with the text."""
    return [""] * len(chars)


# pypinyin's stubs type an ``errors`` callback as returning a str, but pypinyin itself takes
# a list too, one reading per character (DefaultConverter.handle_nopinyin in
# pypinyin/converter.py). A str would stand for the whole run, one item for several
# characters, and the readings would no longer line up with the text.
_NO_READING_EACH = cast("Callable[[str], str]", _no_reading_each)


def _bounded(readings: tuple[str, ...], contextual: str) -> tuple[str, ...]:
    """At most MAX_READINGS_PER_CHAR readings (the contextual one kept), plus ü spelt u."""
    if len(readings) > MAX_READINGS_PER_CHAR:
        others = tuple(r for r in readings if r != contextual)
        kept = ((contextual,) if contextual in readings else ()) + others
        readings = kept[:MAX_READINGS_PER_CHAR]
    # pypinyin spells ü as v (nv, lve); residents type nu and lue as often as nv and lve.
    u_spellings = tuple(r.replace("v", "u") for r in readings if "v" in r)
    return readings + u_spellings


def _tokens_of(ch: str, readings: tuple[str, ...]) -> frozenset[str]:
    tokens = {ch} if is_han(ch) else set()
    for reading in readings:
        tokens.add(reading + WHOLE)
        tokens.update(reading[:end] for end in range(1, len(reading) + 1))
    return frozenset(tokens)
