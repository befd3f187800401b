"""What the search takes in (one document per service item) and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass


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
