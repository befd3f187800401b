"""The order of hits: tiers, searched best first, each stopping once `limit` hits are held.

Ranking is by tier (exact name; name or keyword prefix; name contiguous; keyword
contiguous; name scattered; keyword scattered; department or implementing body;
typo-corrected prefix; typo-corrected contiguous), then shorter name, then catalog order.
Documents are numbered in that tie order, so a tier's candidates are checked in number
order and the search stops as soon as it holds `limit` hits: nothing later in the tier,
nor in any later tier, can rank above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.services.guide.search.documents import SearchHit
from kiosk.services.guide.search.matching import Mode
from kiosk.services.guide.search.postings import FieldIndex, ascending
from kiosk.services.guide.search.query import Reading

# The kinds of text, as positions in the index's tuple of FieldIndex.
NAME, KEYWORD, CONTEXT = 0, 1, 2
EXACT_SCORE = 1.0


@dataclass(frozen=True)
class Tier:
    score: float
    fields: tuple[int, ...]
    mode: Mode
    corrected: bool = False   # matched with one letter of the query corrected


TIERS = (
    Tier(0.9, (NAME, KEYWORD), Mode.PREFIX),
    Tier(0.8, (NAME,), Mode.CONTIGUOUS),
    Tier(0.7, (KEYWORD,), Mode.CONTIGUOUS),
    Tier(0.6, (NAME,), Mode.SCATTERED),
    Tier(0.5, (KEYWORD,), Mode.SCATTERED),
    Tier(0.4, (CONTEXT,), Mode.CONTIGUOUS),
    Tier(0.3, (NAME, KEYWORD), Mode.PREFIX, corrected=True),
    Tier(0.2, (NAME, KEYWORD), Mode.CONTIGUOUS, corrected=True),
)


@dataclass(frozen=True)
class _Route:
    """Documents one reading may match in one field at a tier."""

    field: int
    reading: Reading
    bits: int


class Hits:
    """The hits found so far, in rank order, and which documents they are."""

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


def search_tier(fields: Sequence[FieldIndex], tier: Tier, readings: list[Reading] | None,
                hits: Hits) -> None:
    """Adds the tier's hits not found yet, in rank order, until hits is full."""
    unseen = ~hits.found
    routes = [_Route(field, reading, bits)
              for field in tier.fields for reading in readings or ()
              if (bits := fields[field].candidates(reading, tier.mode) & unseen)]
    candidates = 0
    for route in routes:
        candidates |= route.bits
    for number in ascending(candidates):
        matched = _matched(fields, number, tier, routes)
        if matched is not None:
            hits.add(number, tier.score, matched)
            if hits.full:
                return


def _matched(fields: Sequence[FieldIndex], number: int, tier: Tier,
             routes: list[_Route]) -> str | None:
    """How the document matches at this tier, or None if it does not."""
    for route in routes:
        if (route.bits >> number) & 1 and fields[route.field].matches(
                number, route.reading, tier.mode):
            return _label(tier, route)
    return None


def _label(tier: Tier, route: _Route) -> str:
    if tier.corrected:
        return "fuzzy"
    if route.field == KEYWORD:
        return "keyword"
    if route.field == CONTEXT:
        return "context"
    return route.reading.label
