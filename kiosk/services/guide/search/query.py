"""Reading a query: the ways it may be cut into units, one per character it is to fall on.

A Han character is its own unit. A run of Latin letters is cut into whole syllables and
initials (one letter, or zh/ch/sh); the run that ends the query may end on any syllable
prefix, since the resident is still typing it. Only the pieces the indexed texts can match
are used, and the few cuts with fewest pieces are tried. Each reading also carries the
posting keys that narrow its candidates: the first characters of adjacent units, and the
letter pairs that must occur in order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, pairwise, product

from kiosk.services.guide.search.pinyin import LONGEST_SYLLABLE, WHOLE
from kiosk.services.guide.search.text import is_han, is_latin, segments
from kiosk.services.guide.search.typos import (
    MAX_CORRECTIONS_TRIED,
    MIN_LETTERS_FOR_TYPOS,
    TypoCorrector,
)

# Bounds that keep the reading of a query small.
MAX_CUTS_PER_RUN = 6
MAX_QUERY_READINGS = 8

_INITIAL_DIGRAPHS = frozenset({"zh", "ch", "sh"})


@dataclass(frozen=True)
class Reading:
    """One way to read a query: one unit (a token) per character it falls on, in order."""

    units: tuple[str, ...]
    label: str               # how a name match is reported: "name", "pinyin" or "initials"
    pairs: tuple[str, ...]   # first characters of consecutive units: adjacency posting keys
    # Per consecutive units, the letter pairs one of which must occur in that order.
    ordered: tuple[tuple[str, ...], ...]


def _label_of(units: tuple[str, ...]) -> str:
    letters = [u for u in units if "a" <= u[0] <= "z"]
    if not letters:
        return "name"
    if all(len(u) == 1 or u in _INITIAL_DIGRAPHS for u in letters):
        return "initials"
    return "pinyin"


class Vocabulary:
    """The Latin pieces the indexed texts can match: for cutting queries and fixing typos."""

    def __init__(self, token_sets: Iterable[frozenset[str]]) -> None:
        token_sets = list(token_sets)
        latin = {t for tokens in token_sets for t in tokens if is_latin(t[0])}
        self._han_letters = _han_letters(token_sets)
        self._whole = frozenset(t[:-1] for t in latin if t.endswith(WHOLE))
        self._prefixes = frozenset(t for t in latin if not t.endswith(WHOLE))
        self._typos = TypoCorrector(self._whole, self._prefixes)

    def read(self, text: str) -> list[Reading]:
        """The ways to read a normalised query, best first; [] if it cannot match at all."""
        runs = segments(text)
        options: list[list[tuple[str, ...]]] = []
        for index, run in enumerate(runs):
            cuts = self._run_options(run, open_end=index == len(runs) - 1)
            if not cuts:
                return []
            options.append(cuts)
        return [self._reading(_joined(parts))
                for parts in islice(product(*options), MAX_QUERY_READINGS)]

    def correct(self, text: str) -> list[Reading]:
        """Readings of the query with one letter of one Latin run wrong, missing or extra."""
        runs = segments(text)
        best = [self._run_options(s, open_end=i == len(runs) - 1)[:1]
                for i, s in enumerate(runs)]
        readings: list[Reading] = []
        for index, run in enumerate(runs):
            if is_han(run[0]) or len(run) < MIN_LETTERS_FOR_TYPOS:
                continue
            if any(not cuts for i, cuts in enumerate(best) if i != index):
                continue
            open_end = index == len(runs) - 1
            for corrected in self._typos.corrected_cuts(run, open_end):
                parts = [corrected if i == index else cuts[0] for i, cuts in enumerate(best)]
                readings.append(self._reading(_joined(parts)))
        return readings[:MAX_CORRECTIONS_TRIED]

    def _reading(self, units: tuple[str, ...]) -> Reading:
        pairs = tuple(a[0] + b[0] for a, b in pairwise(units))
        ordered = tuple(keys for a, b in pairwise(units)
                        if (keys := tuple(x + y for x in self._letters(a)
                                          for y in self._letters(b))))
        return Reading(units, _label_of(units), pairs, ordered)

    def _letters(self, unit: str) -> frozenset[str]:
        """First letters of the readings a unit can fall on."""
        return self._han_letters.get(unit, frozenset()) if is_han(unit[0]) else frozenset(unit[0])

    def _run_options(self, run: str, open_end: bool) -> list[tuple[str, ...]]:
        if is_han(run[0]):
            return [tuple(run)]
        return self._cuts(run, open_end)

    def _cuts(self, run: str, open_end: bool) -> list[tuple[str, ...]]:
        """Ways to cut a Latin run into pieces, fewest pieces first, at most MAX_CUTS_PER_RUN."""
        best: list[list[tuple[str, ...]]] = [[] for _ in run] + [[()]]
        for start in range(len(run) - 1, -1, -1):
            found: list[tuple[str, ...]] = []
            for end in range(start + 1, min(len(run), start + LONGEST_SYLLABLE) + 1):
                token = self._piece_token(run[start:end], last=open_end and end == len(run))
                if token is not None:
                    found.extend((token, *rest) for rest in best[end])
            found.sort(key=len)
            best[start] = found[:MAX_CUTS_PER_RUN]
        return best[0]

    def _piece_token(self, piece: str, last: bool) -> str | None:
        """The unit a piece of typed Latin stands for, or None if it is no such piece."""
        if last:   # still being typed: any syllable prefix
            return piece if piece in self._prefixes else None
        if len(piece) == 1 or piece in _INITIAL_DIGRAPHS:   # an initial
            return piece if piece in self._prefixes else None
        return piece + WHOLE if piece in self._whole else None


def _han_letters(token_sets: Iterable[frozenset[str]]) -> dict[str, frozenset[str]]:
    """Han character -> first letters of its readings."""
    letters: dict[str, set[str]] = defaultdict(set)
    for tokens in token_sets:
        for han in (t for t in tokens if is_han(t[0])):
            letters[han].update(t[0] for t in tokens if "a" <= t[0] <= "z")
    return {han: frozenset(firsts) for han, firsts in letters.items()}


def _joined(parts: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(unit for part in parts for unit in part)
