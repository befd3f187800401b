"""The postings: per kind of text, bitsets over document numbers (Python ints).

Per token, the documents having it anywhere and at the first character; per pair of
adjacent characters, their first letters or Han characters ("社b"); per pair of first
letters, the documents where one comes before the other ("sq"). A reading's candidates are
a few ANDs and ORs of these, precise enough that few fail the check that follows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise

from kiosk.services.guide.search.matching import MATCHERS, Mode
from kiosk.services.guide.search.pinyin import Chars
from kiosk.services.guide.search.query import Reading
from kiosk.services.guide.search.text import is_latin


class FieldIndex:
    """Bitset postings over one kind of text (names, keywords or context) of every document."""

    def __init__(self, texts: Sequence[tuple[Chars, ...]], scattered: bool = True) -> None:
        self._texts = texts   # per document number: its texts of this kind
        keys_of = _TextKeys(ordered=scattered)
        postings: tuple[_Bitmaps, ...] = tuple(_Bitmaps(len(texts)) for _ in range(4))
        for number, doc_texts in enumerate(texts):
            if not doc_texts:
                continue
            if len(doc_texts) == 1:
                doc_keys: Iterable[Iterable[str]] = keys_of(doc_texts[0])
            else:
                doc_keys = [set().union(*keys)
                            for keys in zip(*map(keys_of, doc_texts), strict=True)]
            for into, keys in zip(postings, doc_keys, strict=True):
                into.add(number, keys)
        self._anywhere, self._at_start, self._adjacent, self._ordered = (
            p.bitsets() for p in postings)

    def candidates(self, reading: Reading, mode: Mode) -> int:
        """Documents that may match: every unit present, at the start, in order as needed."""
        first, *rest = reading.units
        bits = (self._at_start if mode is Mode.PREFIX else self._anywhere).get(first, 0)
        for unit in rest:
            if not bits:
                return 0
            bits &= self._anywhere.get(unit, 0)
        if mode is Mode.SCATTERED:
            for alternatives in reading.ordered:
                in_order = 0
                for key in alternatives:
                    in_order |= self._ordered.get(key, 0)
                bits &= in_order
        else:
            for pair in reading.pairs:
                bits &= self._adjacent.get(pair, 0)
        return bits

    def matches(self, number: int, reading: Reading, mode: Mode) -> bool:
        matcher = MATCHERS[mode]
        return any(matcher(chars, reading.units) for chars in self._texts[number])


_KeySets = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]


class _TextKeys:
    """A text's posting keys, worked out once per distinct text: its tokens, the tokens of
    its first character, the first characters of adjacent characters ("社b": 社 then a
    reading starting with b) and the first letters of readings in order ("sq": a reading
    starting with s somewhere before one starting with q)."""

    def __init__(self, ordered: bool) -> None:
        self._with_ordered = ordered   # only texts searched with gaps need the ordered pairs
        self._firsts: dict[frozenset[str], frozenset[str]] = {}
        self._seen: set[Chars] = set()
        self._known: dict[Chars, _KeySets] = {}

    def __call__(self, chars: Chars) -> _KeySets:
        keys = self._known.get(chars)
        if keys is None:
            keys = self._keys(chars)
            # Only a text seen before is remembered: departments repeat across thousands of
            # items, names hardly ever, and remembering every name's keys costs ~10 kB each.
            if chars in self._seen:
                self._known[chars] = keys
            self._seen.add(chars)
        return keys

    def _keys(self, chars: Chars) -> _KeySets:
        firsts = [self._first(tokens) for tokens in chars]
        adjacent = {a + b for left, right in pairwise(firsts) for a in left for b in right}
        ordered: set[str] = set()
        seen: set[str] = set()
        for letters in firsts if self._with_ordered else ():
            latin = [x for x in letters if is_latin(x)]
            ordered.update(a + b for a in seen for b in latin)
            seen.update(latin)
        return (frozenset().union(*chars), chars[0], frozenset(adjacent), frozenset(ordered))

    def _first(self, tokens: frozenset[str]) -> frozenset[str]:
        firsts = self._firsts.get(tokens)
        if firsts is None:
            firsts = self._firsts[tokens] = frozenset(t[0] for t in tokens)
        return firsts


class _Bitmaps:
    """Postings being collected: key -> a bitmap of document numbers, one bit each."""

    def __init__(self, size: int) -> None:
        self._size = size // 8 + 1
        self._bitmaps: dict[str, bytearray] = {}

    def add(self, number: int, keys: Iterable[str]) -> None:
        at, bit = number >> 3, 1 << (number & 7)
        bitmaps = self._bitmaps
        for key in keys:
            bitmap = bitmaps.get(key)
            if bitmap is None:
                bitmap = bitmaps[key] = bytearray(self._size)
            bitmap[at] |= bit

    def bitsets(self) -> dict[str, int]:
        return {key: int.from_bytes(bitmap, "little") for key, bitmap in self._bitmaps.items()}


def ascending(bits: int) -> Iterator[int]:
    """The numbers in a bitset, smallest first."""
    binary = bin(bits)[:1:-1]   # least significant bit first, without the "0b"
    at = binary.find("1")
    while at >= 0:
        yield at
        at = binary.find("1", at + 1)
