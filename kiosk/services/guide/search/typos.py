"""Forgiving one wrong, missing or extra letter in a run of typed pinyin.

The run is cut into whole syllables with one piece replaced by a syllable one edit away
("shebso" -> she bao). Syllables one edit away are found by symmetric deletion: each known
syllable is filed under itself and under each of its one-letter deletions, and a typed piece
is looked up the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kiosk.services.guide.search.pinyin import LONGEST_SYLLABLE, WHOLE

MAX_CORRECTIONS_TRIED = 200   # corrected readings looked up in the postings
MIN_LETTERS_FOR_TYPOS = 4     # one wrong letter in a shorter run leaves too little to go on

_LONGEST_TYPED_PIECE = LONGEST_SYLLABLE + 1   # a syllable with one letter too many


class TypoCorrector:
    """Cuts of a Latin run with one piece corrected, from the syllables the index knows."""

    def __init__(self, whole: frozenset[str], prefixes: frozenset[str]) -> None:
        self._whole = whole         # whole readings, without the WHOLE mark
        self._prefixes = prefixes   # prefixes of readings (the readings among them)
        self._near_whole = _deletion_table(w for w in whole if w.isalpha())
        self._near_prefixes = _deletion_table(p for p in prefixes if p.isalpha())

    def corrected_cuts(self, run: str, open_end: bool) -> list[tuple[str, ...]]:
        """Cuts of the run into whole syllables with one piece one edit away from typed."""
        heads = self._whole_heads(run)
        tails = self._whole_tails(run, open_end)
        found: set[tuple[str, ...]] = set()
        for start, head in enumerate(heads[:-1]):
            if head is None:
                continue
            # A one-letter piece is left alone: any letter is one edit from any other.
            for end in range(start + 2, min(len(run), start + _LONGEST_TYPED_PIECE) + 1):
                tail = tails[end]
                if tail is None:
                    continue
                last = open_end and end == len(run)
                for word in self._near(run[start:end], last):
                    found.add((*head, word if last else word + WHOLE, *tail))
        return sorted(found, key=lambda units: (len(units), units))[:MAX_CORRECTIONS_TRIED]

    def _whole_heads(self, run: str) -> list[tuple[str, ...] | None]:
        """heads[i]: run[:i] cut into whole syllables (fewest pieces), or None."""
        heads: list[tuple[str, ...] | None] = [()] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - LONGEST_SYLLABLE), end):
                head = heads[start]
                if head is None or run[start:end] not in self._whole:
                    continue
                if heads[end] is None or len(head) + 1 < len(heads[end] or ()):
                    heads[end] = (*head, run[start:end] + WHOLE)
        return heads

    def _whole_tails(self, run: str, open_end: bool) -> list[tuple[str, ...] | None]:
        """tails[i]: run[i:] cut into whole syllables, the last one open if open_end."""
        tails: list[tuple[str, ...] | None] = [None] * len(run) + [()]
        for start in range(len(run) - 1, -1, -1):
            for end in range(start + 1, min(len(run), start + LONGEST_SYLLABLE) + 1):
                tail = tails[end]
                piece = run[start:end]
                if open_end and end == len(run):
                    token = piece if piece in self._prefixes else None
                else:
                    token = piece + WHOLE if piece in self._whole else None
                if tail is None or token is None:
                    continue
                if tails[start] is None or len(tail) + 1 < len(tails[start] or ()):
                    tails[start] = (token, *tail)
        return tails

    def _near(self, piece: str, last: bool) -> set[str]:
        """Syllables (or, for a piece still being typed, syllable prefixes) one edit away."""
        table = self._near_prefixes if last else self._near_whole
        near = set(table.get(piece, ()))
        for shorter in _deletions(piece):
            near.update(table.get(shorter, ()))
        return {word for word in near if word != piece and _one_edit_apart(word, piece)}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} - {""}


def _deletion_table(words: Iterable[str]) -> dict[str, set[str]]:
    """Each word and each of its one-letter deletions -> the words (symmetric delete lookup)."""
    table: dict[str, set[str]] = defaultdict(set)
    for word in words:
        table[word].add(word)
        for shorter in _deletions(word):
            table[shorter].add(word)
    return dict(table)


def _one_edit_apart(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))
