"""The search index: every document romanised and posted once, searched on each key press.

Documents are numbered by name length, then catalog order (the order of ties in every
tier), and each kind of text (names, keywords, context) gets its postings. pypinyin runs
only while the index is built; an index is never changed once built, so a new catalog gets
a new index, swapped in whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import islice

from kiosk.services.guide.search.documents import SearchDocument, SearchHit
from kiosk.services.guide.search.matching import Mode
from kiosk.services.guide.search.pinyin import Chars, Romaniser
from kiosk.services.guide.search.postings import FieldIndex
from kiosk.services.guide.search.query import Reading, Vocabulary
from kiosk.services.guide.search.ranking import (
    EXACT_SCORE,
    KEYWORD,
    NAME,
    TIERS,
    Hits,
    search_tier,
)
from kiosk.services.guide.search.text import normalise

MAX_CORRECTIONS = 12   # corrected readings that match something and are searched


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
        romaniser = Romaniser()

        def romanised(texts: Iterable[str]) -> tuple[Chars, ...]:
            return tuple(romaniser.chars(t) for t in map(normalise, texts) if t)

        self._fields = (   # in the order of ranking.NAME, KEYWORD and CONTEXT
            FieldIndex([romanised((names[i],)) for i in order]),
            FieldIndex([romanised(docs[i].keywords) for i in order]),
            FieldIndex([romanised(docs[i].context) for i in order], scattered=False),
        )
        self._vocabulary = Vocabulary(romaniser.token_sets())

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: str, limit: int = 30) -> list[SearchHit]:
        text = normalise(query)
        if not text or limit <= 0:
            return []
        hits = Hits(self._ids, limit)
        for number in self._exact.get(text, ())[:limit]:
            hits.add(number, EXACT_SCORE, "name")
        readings = self._vocabulary.read(text)
        corrections: list[Reading] | None = None
        for tier in TIERS:
            if hits.full:
                break
            if tier.corrected and corrections is None:
                corrections = self._corrections(text)
            search_tier(self._fields, tier, corrections if tier.corrected else readings, hits)
        return hits.hits

    def _corrections(self, text: str) -> list[Reading]:
        """Corrected readings of the query that match some name or keyword.

        A long query has dozens of corrections one edit away, most of them matching
        nothing; a few ANDs of postings tell which do, and only those are searched.
        """
        fields = (self._fields[NAME], self._fields[KEYWORD])
        matching = (reading for reading in self._vocabulary.correct(text)
                    if any(f.candidates(reading, Mode.CONTIGUOUS) for f in fields))
        return list(islice(matching, MAX_CORRECTIONS))
