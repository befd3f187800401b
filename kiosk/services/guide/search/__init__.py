"""Finding service items as a resident types: Han text, pinyin, initials, mixtures, typos.

Residents type on an on-screen keyboard and the list of items is searched again on every
key press, so a search has to take a few milliseconds even over a large catalog, and has to
accept the ways people type Chinese: 社保卡, shebaoka, "shebao ka", sbk, 社保ka, shebso.

How a query matches. Queries and indexed texts are normalised (NFKC, lower case; only Han
characters, a-z and 0-9 kept: `text`). Each character of an indexed text stands for a set
of *tokens*: the character itself, each of its readings whole and every prefix of each
reading (`pinyin`). A query is read as a sequence of units, one per character it is to fall
on (`query`); one wrong, missing or extra letter is forgiven by trying the Latin run with
one piece replaced by a syllable one edit away (`typos`). A text matches when the units fall
on its characters in order: from its first character, on consecutive characters or with
gaps (`matching`).

How it stays fast. The postings are bitsets over document numbers (`postings`), and the
documents are numbered in ranking order within a tier (`ranking`), so a tier's candidates
are a few ANDs and ORs, checked in number order until `limit` hits are held. A search costs
about the same on the first key press as on the tenth, and the previous key press's results
are not needed. `index` puts it together: `SearchIndex`, built once per catalog.
"""

from kiosk.services.guide.search.documents import SearchDocument, SearchHit
from kiosk.services.guide.search.index import SearchIndex
from kiosk.services.guide.search.text import is_han, is_latin, normalise

__all__ = ["SearchDocument", "SearchHit", "SearchIndex", "is_han", "is_latin", "normalise"]
