"""Finding service items as a resident types: Han text, pinyin, initials, mixtures, typos.

Residents type on an on-screen keyboard and the list of items is searched again on every
key press, so a search has to take a few milliseconds even over a large catalog, and has to
accept the ways people type Chinese: 社保卡, shebaoka, "shebao ka", sbk, 社保ka, shebso.

How a query matches. Queries and indexed texts are normalised (NFKC, lower case; only Han
characters, a-z and 0-9 kept). Each character of an indexed text stands for a set of
*tokens*: the character itself, each of its readings whole ("bao.") and every prefix of
each reading ("b", "ba", "bao"); a character with several readings (重: zhong, chong) has
the tokens of all of them. A query is read as a sequence of units, one per character it is
to fall on: a Han character is its own unit; a run of Latin letters is cut into whole
syllables and initials (one letter, or zh/ch/sh), and the run that ends the query may end on
any syllable prefix, since the resident is still typing it. The few best cuts are tried. A
text matches when the units fall on its characters in order: from its first character
(prefix), on consecutive characters (contiguous) or with gaps (scattered). One wrong,
missing or extra letter is forgiven by trying the Latin run with one piece replaced by a
syllable one edit away ("shebso" -> she bao).

Ranking is by tier (exact name; name or keyword prefix; name contiguous; keyword
contiguous; name scattered; keyword scattered; department or implementing body;
typo-corrected prefix; typo-corrected contiguous), then shorter name, then catalog order.

How it stays fast. Documents are numbered in ranking order within a tier (name length, then
catalog order) and the postings are bitsets over those numbers (Python ints): per token, the
documents having it anywhere and at the first character; per pair of adjacent characters,
their first letters or Han characters ("社b"); per pair of first letters, the documents
where one comes before the other ("sq"). A tier's candidates are a few ANDs and ORs of
bitsets, precise enough that few fail the check that follows; they are checked in number
order and the search stops as soon as it holds `limit` hits, since nothing later in the
tier, nor in any later tier, can rank above them. So a search costs about the same on the
first key press as on the tenth, and the previous key press's results are not needed.
pypinyin runs only while the index is built; an index is never changed once built, so a
new catalog gets a new index, swapped in whole.
"""

from __future__ import annotations

import enum
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise, product

import pypinyin

# Bounds that keep romanisation and the reading of a query small.
MAX_READINGS_PER_CHAR = 4   # only 64 of the 20,902 basic CJK characters have more
MAX_CUTS_PER_RUN = 6
MAX_QUERY_READINGS = 8
MAX_CORRECTIONS_TRIED = 200   # corrected readings looked up in the postings
MAX_CORRECTIONS = 12          # of those, the ones that match something and are searched
MIN_LETTERS_FOR_TYPOS = 4   # one wrong letter in a shorter run leaves too little to go on

_WHOLE = "."   # "bao." is the reading bao itself; "bao" is any reading starting with bao
_INITIAL_DIGRAPHS = frozenset({"zh", "ch", "sh"})
_LONGEST_SYLLABLE = 6       # zhuang, shuang, chuang
_LONGEST_TYPED_PIECE = _LONGEST_SYLLABLE + 1   # a syllable with one letter too many

Chars = tuple[frozenset[str], ...]   # per character of a text: the tokens it stands for


@dataclass(frozen=True)
class SearchDocument:
    id: str
    name: str                       # the item name, main target
    keywords: tuple[str, ...] = ()  # synonyms, e.g. 低保
    context: tuple[str, ...] = ()   # department / implementing body, matched with lower weight


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    matched: str   # how it matched: "name", "keyword", "pinyin", "initials", "fuzzy", "context"


# --- normalisation -------------------------------------------------------------------


def normalise(text: str) -> str:
    """The text as searched: Han characters, a-z and 0-9 only; full-width Latin folded."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("ü", "v")
    return "".join(ch for ch in folded if is_han(ch) or is_latin(ch))


def is_han(ch: str) -> bool:
    return ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
            or "\U00020000" <= ch <= "\U0003134f")


def is_latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


def _segments(text: str) -> list[str]:
    """A normalised text cut into maximal runs of Han characters and of Latin letters/digits."""
    segments: list[str] = []
    for ch in text:
        if segments and is_han(segments[-1][-1]) == is_han(ch):
            segments[-1] += ch
        else:
            segments.append(ch)
    return segments


# --- romanisation (index time only) --------------------------------------------------


class _Romaniser:
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
                                        errors=lambda chars: [""] * len(chars))
        return readings if len(readings) == len(text) else [""] * len(text)


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
        tokens.add(reading + _WHOLE)
        tokens.update(reading[:end] for end in range(1, len(reading) + 1))
    return frozenset(tokens)


# --- reading a query -----------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
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


class _Vocabulary:
    """The Latin pieces the indexed texts can match: for cutting queries and fixing typos."""

    def __init__(self, token_sets: Iterable[frozenset[str]]) -> None:
        token_sets = list(token_sets)
        latin = {t for tokens in token_sets for t in tokens if is_latin(t[0])}
        self._han_letters = _han_letters(token_sets)
        self._whole = frozenset(t[:-1] for t in latin if t.endswith(_WHOLE))
        self._prefixes = frozenset(t for t in latin if not t.endswith(_WHOLE))
        self._near_whole = _deletion_table(w for w in self._whole if w.isalpha())
        self._near_prefixes = _deletion_table(p for p in self._prefixes if p.isalpha())

    def read(self, text: str) -> list[_Reading]:
        """The ways to read a normalised query, best first; [] if it cannot match at all."""
        segments = _segments(text)
        options: list[list[tuple[str, ...]]] = []
        for index, segment in enumerate(segments):
            cuts = self._segment_options(segment, open_end=index == len(segments) - 1)
            if not cuts:
                return []
            options.append(cuts)
        return [self._reading(_joined(parts))
                for parts in islice(product(*options), MAX_QUERY_READINGS)]

    def correct(self, text: str) -> list[_Reading]:
        """Readings of the query with one letter of one Latin run wrong, missing or extra."""
        segments = _segments(text)
        best = [self._segment_options(s, open_end=i == len(segments) - 1)[:1]
                for i, s in enumerate(segments)]
        readings: list[_Reading] = []
        for index, segment in enumerate(segments):
            if is_han(segment[0]) or len(segment) < MIN_LETTERS_FOR_TYPOS:
                continue
            if any(not cuts for i, cuts in enumerate(best) if i != index):
                continue
            for corrected in self._corrected_cuts(segment, open_end=index == len(segments) - 1):
                parts = [corrected if i == index else cuts[0] for i, cuts in enumerate(best)]
                readings.append(self._reading(_joined(parts)))
        return readings[:MAX_CORRECTIONS_TRIED]

    def _reading(self, units: tuple[str, ...]) -> _Reading:
        pairs = tuple(a[0] + b[0] for a, b in pairwise(units))
        ordered = tuple(keys for a, b in pairwise(units)
                        if (keys := tuple(x + y for x in self._letters(a)
                                          for y in self._letters(b))))
        return _Reading(units, _label_of(units), pairs, ordered)

    def _letters(self, unit: str) -> frozenset[str]:
        """First letters of the readings a unit can fall on."""
        return self._han_letters.get(unit, frozenset()) if is_han(unit[0]) else frozenset(unit[0])

    def _segment_options(self, segment: str, open_end: bool) -> list[tuple[str, ...]]:
        if is_han(segment[0]):
            return [tuple(segment)]
        return self._cuts(segment, open_end)

    def _cuts(self, run: str, open_end: bool) -> list[tuple[str, ...]]:
        """Ways to cut a Latin run into pieces, fewest pieces first, at most MAX_CUTS_PER_RUN."""
        best: list[list[tuple[str, ...]]] = [[] for _ in run] + [[()]]
        for start in range(len(run) - 1, -1, -1):
            found: list[tuple[str, ...]] = []
            for end in range(start + 1, min(len(run), start + _LONGEST_SYLLABLE) + 1):
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
        return piece + _WHOLE if piece in self._whole else None

    def _corrected_cuts(self, run: str, open_end: bool) -> list[tuple[str, ...]]:
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
                    found.add((*head, word if last else word + _WHOLE, *tail))
        return sorted(found, key=lambda units: (len(units), units))[:MAX_CORRECTIONS_TRIED]

    def _whole_heads(self, run: str) -> list[tuple[str, ...] | None]:
        """heads[i]: run[:i] cut into whole syllables (fewest pieces), or None."""
        heads: list[tuple[str, ...] | None] = [()] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - _LONGEST_SYLLABLE), end):
                head = heads[start]
                if head is None or run[start:end] not in self._whole:
                    continue
                if heads[end] is None or len(head) + 1 < len(heads[end] or ()):
                    heads[end] = (*head, run[start:end] + _WHOLE)
        return heads

    def _whole_tails(self, run: str, open_end: bool) -> list[tuple[str, ...] | None]:
        """tails[i]: run[i:] cut into whole syllables, the last one open if open_end."""
        tails: list[tuple[str, ...] | None] = [None] * len(run) + [()]
        for start in range(len(run) - 1, -1, -1):
            for end in range(start + 1, min(len(run), start + _LONGEST_SYLLABLE) + 1):
                tail = tails[end]
                piece = run[start:end]
                if open_end and end == len(run):
                    token = piece if piece in self._prefixes else None
                else:
                    token = piece + _WHOLE if piece in self._whole else None
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


def _han_letters(token_sets: Iterable[frozenset[str]]) -> dict[str, frozenset[str]]:
    """Han character -> first letters of its readings."""
    letters: dict[str, set[str]] = defaultdict(set)
    for tokens in token_sets:
        for han in (t for t in tokens if is_han(t[0])):
            letters[han].update(t[0] for t in tokens if "a" <= t[0] <= "z")
    return {han: frozenset(firsts) for han, firsts in letters.items()}


def _joined(parts: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(unit for part in parts for unit in part)


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


# --- matching one text ---------------------------------------------------------------


class _Mode(enum.Enum):
    PREFIX = "prefix"
    CONTIGUOUS = "contiguous"
    SCATTERED = "scattered"


def _starts_with(chars: Chars, units: tuple[str, ...]) -> bool:
    return len(units) <= len(chars) and all(u in c for u, c in zip(units, chars, strict=False))


def _contains(chars: Chars, units: tuple[str, ...]) -> bool:
    first = units[0]
    return any(first in chars[start] and _starts_with(chars[start:], units)
               for start in range(len(chars) - len(units) + 1))


def _in_order(chars: Chars, units: tuple[str, ...]) -> bool:
    # Each unit takes exactly one character, so taking the earliest one that fits is safe.
    remaining = iter(chars)
    return all(any(unit in c for c in remaining) for unit in units)


_MATCHERS = {_Mode.PREFIX: _starts_with, _Mode.CONTIGUOUS: _contains,
             _Mode.SCATTERED: _in_order}


# --- postings ------------------------------------------------------------------------


class _FieldIndex:
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

    def candidates(self, reading: _Reading, mode: _Mode) -> int:
        """Documents that may match: every unit present, at the start, in order as needed."""
        first, *rest = reading.units
        bits = (self._at_start if mode is _Mode.PREFIX else self._anywhere).get(first, 0)
        for unit in rest:
            if not bits:
                return 0
            bits &= self._anywhere.get(unit, 0)
        if mode is _Mode.SCATTERED:
            for alternatives in reading.ordered:
                in_order = 0
                for key in alternatives:
                    in_order |= self._ordered.get(key, 0)
                bits &= in_order
        else:
            for pair in reading.pairs:
                bits &= self._adjacent.get(pair, 0)
        return bits

    def matches(self, number: int, reading: _Reading, mode: _Mode) -> bool:
        matcher = _MATCHERS[mode]
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


def _ascending(bits: int) -> Iterator[int]:
    """The numbers in a bitset, smallest first."""
    binary = bin(bits)[:1:-1]   # least significant bit first, without the "0b"
    at = binary.find("1")
    while at >= 0:
        yield at
        at = binary.find("1", at + 1)


# --- the index -----------------------------------------------------------------------

_NAME, _KEYWORD, _CONTEXT = 0, 1, 2
_EXACT_SCORE = 1.0


@dataclass(frozen=True)
class _Tier:
    score: float
    fields: tuple[int, ...]
    mode: _Mode
    corrected: bool = False   # matched with one letter of the query corrected


_TIERS = (
    _Tier(0.9, (_NAME, _KEYWORD), _Mode.PREFIX),
    _Tier(0.8, (_NAME,), _Mode.CONTIGUOUS),
    _Tier(0.7, (_KEYWORD,), _Mode.CONTIGUOUS),
    _Tier(0.6, (_NAME,), _Mode.SCATTERED),
    _Tier(0.5, (_KEYWORD,), _Mode.SCATTERED),
    _Tier(0.4, (_CONTEXT,), _Mode.CONTIGUOUS),
    _Tier(0.3, (_NAME, _KEYWORD), _Mode.PREFIX, corrected=True),
    _Tier(0.2, (_NAME, _KEYWORD), _Mode.CONTIGUOUS, corrected=True),
)


@dataclass(frozen=True)
class _Route:
    """Documents one reading may match in one field at a tier."""

    field: int
    reading: _Reading
    bits: int


class _Hits:
    def __init__(self, ids: Sequence[str], limit: int) -> None:
        self._ids = ids
        self.limit = limit
        self.hits: list[SearchHit] = []
        self.found = 0   # bitset of the document numbers already in hits

    @property
    def full(self) -> bool:
        return len(self.hits) >= self.limit

    def add(self, number: int, score: float, matched: str) -> None:
        self.hits.append(SearchHit(self._ids[number], score, matched))
        self.found |= 1 << number


class SearchIndex:
    """Every document romanised and posted once; searched on each key press."""

    def __init__(self, documents: Iterable[SearchDocument]) -> None:
        docs = list(documents)
        names = [normalise(doc.name) for doc in docs]
        # Numbered by name length, then catalog order: the order of ties in every tier.
        order = sorted(range(len(docs)), key=lambda i: (len(names[i]), i))
        self._ids = tuple(docs[i].id for i in order)
        self._exact: dict[str, list[int]] = defaultdict(list)
        for number, i in enumerate(order):
            self._exact[names[i]].append(number)
        romaniser = _Romaniser()

        def romanised(texts: Iterable[str]) -> tuple[Chars, ...]:
            return tuple(romaniser.chars(t) for t in map(normalise, texts) if t)

        self._fields = (
            _FieldIndex([romanised((names[i],)) for i in order]),
            _FieldIndex([romanised(docs[i].keywords) for i in order]),
            _FieldIndex([romanised(docs[i].context) for i in order], scattered=False),
        )
        self._vocabulary = _Vocabulary(romaniser.token_sets())

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: str, limit: int = 30) -> list[SearchHit]:
        text = normalise(query)
        if not text or limit <= 0:
            return []
        hits = _Hits(self._ids, limit)
        for number in self._exact.get(text, ())[:limit]:
            hits.add(number, _EXACT_SCORE, "name")
        readings = self._vocabulary.read(text)
        corrections: list[_Reading] | None = None
        for tier in _TIERS:
            if hits.full:
                break
            if tier.corrected and corrections is None:
                corrections = self._corrections(text)
            self._search_tier(tier, corrections if tier.corrected else readings, hits)
        return hits.hits

    def _corrections(self, text: str) -> list[_Reading]:
        """Corrected readings of the query that match some name or keyword.

        A long query has dozens of corrections one edit away, most of them matching
        nothing; a few ANDs of postings tell which do, and only those are searched.
        """
        fields = (self._fields[_NAME], self._fields[_KEYWORD])
        matching = (reading for reading in self._vocabulary.correct(text)
                    if any(f.candidates(reading, _Mode.CONTIGUOUS) for f in fields))
        return list(islice(matching, MAX_CORRECTIONS))

    def _search_tier(self, tier: _Tier, readings: list[_Reading] | None, hits: _Hits) -> None:
        unseen = ~hits.found
        routes = [_Route(field, reading, bits)
                  for field in tier.fields for reading in readings or ()
                  if (bits := self._fields[field].candidates(reading, tier.mode) & unseen)]
        candidates = 0
        for route in routes:
            candidates |= route.bits
        for number in _ascending(candidates):
            matched = self._matched(number, tier, routes)
            if matched is not None:
                hits.add(number, tier.score, matched)
                if hits.full:
                    return

    def _matched(self, number: int, tier: _Tier, routes: list[_Route]) -> str | None:
        """How the document matches at this tier, or None if it does not."""
        for route in routes:
            if (route.bits >> number) & 1 and self._fields[route.field].matches(
                    number, route.reading, tier.mode):
                return _label(tier, route)
        return None


def _label(tier: _Tier, route: _Route) -> str:
    if tier.corrected:
        return "fuzzy"
    if route.field == _KEYWORD:
        return "keyword"
    if route.field == _CONTEXT:
        return "context"
    return route.reading.label
