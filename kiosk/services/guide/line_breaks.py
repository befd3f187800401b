"""Where a long Chinese title breaks into lines: never leaving one lone character on the
last line (…开 / 柜。), after punctuation rather than in the middle of a phrase, never
inside an ASCII word or number, and never before closing or after opening punctuation.

Chinese has no spaces between words and no word list ships with the terminal (no jieba),
so the break points are punctuation, brackets, spaces and the gaps between Han
characters, weighed against each other: fewest lines first, then no widow, then breaks
after punctuation when the line is still well filled, then full lines.

Pure Python: the printed notice measures in printer columns, the screens in pixels of the
label's font (kiosk/ui/widgets/title_text.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from devices.printer.text_layout import NO_LINE_END, NO_LINE_START

Measure = Callable[[str], float]

# The last line holds at least this many letters or digits (punctuation does not count:
# "柜。" is as lonely as "柜").
MIN_LAST_LINE_CHARS = 2
# After these a line may end naturally: a phrase or a clause is over.
BREAK_AFTER = frozenset("，。、；：？！）》」』】〕〉…,;:?!)]}")

# The costs the best breaking minimises. An extra line costs more than anything else but a
# widow; a break between two Han characters costs as much as a line 35 % short
# (0.35² ≈ 0.12), so a break after punctuation wins when it leaves the line 65 % full.
LINE_COST = 1_000.0
WIDOW_COST = 100_000.0
PLAIN_BREAK_COST = 0.12
# A single piece wider than the line (a character in a very narrow label) still has to go
# somewhere: on a line of its own, which overflows.
OVERFLOW_COST = 1_000_000.0


@dataclass(frozen=True)
class _Piece:
    """What stays on one line: a Han character or an ASCII word, with the punctuation that
    must not be parted from it, and any spaces after it (dropped at a line's end)."""

    text: str

    @property
    def bare(self) -> str:
        return self.text.rstrip(" ")


def break_lines(text: str, width: float, measure: Measure = len) -> list[str]:
    """``text`` as lines no wider than ``width`` where possible. ``measure`` gives the width
    of a piece (a character, a word); widths add up, as a printer's columns do and as a
    font's advances do closely enough for Han characters. Line breaks in ``text`` stay."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_break_paragraph(paragraph.strip(" "), width, measure))
    return lines


def with_line_breaks(text: str, width: float, measure: Measure = len) -> str:
    """``text`` with "\\n" where break_lines breaks it."""
    return "\n".join(break_lines(text, width, measure))


def has_widow(lines: list[str]) -> bool:
    """Whether the last of several lines holds too few letters or digits to stand alone."""
    return len(lines) > 1 and _letters(lines[-1]) < MIN_LAST_LINE_CHARS


def _break_paragraph(paragraph: str, width: float, measure: Measure) -> list[str]:
    if not paragraph:
        return [""]
    pieces = _pieces(paragraph, width, measure)
    widths = [measure(piece.text) for piece in pieces]
    bare_widths = [measure(piece.bare) for piece in pieces]
    count = len(pieces)
    if sum(widths[:-1]) + bare_widths[-1] <= width:
        return [paragraph]      # fits on one line, as most titles do
    # best[j]: the lowest cost of setting pieces[:j], the line before ending at start[j].
    best = [0.0] + [float("inf")] * count
    start = [0] * (count + 1)
    for end in range(1, count + 1):
        line_width = 0.0
        for first in range(end - 1, -1, -1):
            line_width = (widths[first] + line_width if first < end - 1
                          else bare_widths[first])
            if line_width > width and first < end - 1:
                break       # wider still with every piece added in front
            cost = best[first] + _line_cost(pieces, first, end, line_width, width)
            if cost < best[end]:
                best[end], start[end] = cost, first
    ends: list[int] = []
    end = count
    while end > 0:
        ends.append(end)
        end = start[end]
    ends.reverse()
    lines, first = [], 0
    for end in ends:
        lines.append("".join(piece.text for piece in pieces[first:end]).rstrip(" "))
        first = end
    return lines


def _line_cost(pieces: list[_Piece], first: int, end: int, line_width: float,
               width: float) -> float:
    cost = LINE_COST
    if line_width > width:
        cost += OVERFLOW_COST
    last_line = end == len(pieces)
    if last_line:
        if first > 0 and _letters("".join(p.text for p in pieces[first:end])) \
                < MIN_LAST_LINE_CHARS:
            cost += WIDOW_COST
        return cost
    slack = max(0.0, (width - line_width) / width) if width > 0 else 0.0
    cost += slack * slack
    if not _natural_break(pieces[end - 1], pieces[end]):
        cost += PLAIN_BREAK_COST
    return cost


def _natural_break(before: _Piece, after: _Piece) -> bool:
    """After a space or punctuation that ends a phrase, or before an opening bracket."""
    return (before.text.endswith(" ") or before.bare[-1] in BREAK_AFTER
            or after.text[0] in NO_LINE_END)


def _pieces(paragraph: str, width: float, measure: Measure) -> list[_Piece]:
    texts: list[str] = []
    for index, char in enumerate(paragraph):
        previous = texts[-1] if texts else ""
        following = paragraph[index + 1: index + 2]
        if previous and (char == " " or _in_ascii_word(previous[-1], char, following)
                         or char in NO_LINE_START or previous[-1] in NO_LINE_END):
            texts[-1] = previous + char
        else:
            texts.append(char)
    pieces: list[_Piece] = []
    for text in texts:
        # A word wider than a whole line (a long code or address) breaks where it must.
        word = text.rstrip(" ")
        if len(word) > 1 and measure(word) > width:
            pieces.extend(_Piece(char) for char in word)
        else:
            pieces.append(_Piece(text))
    return pieces


def _in_ascii_word(last: str, char: str, following: str) -> bool:
    """Letters, digits and the signs inside codes and numbers (12345-6789, 3.5, 1,000)
    hold together; a comma or semicolon followed by anything but a digit ends a clause."""
    if not (char.isascii() and last.isascii()) or char.isspace() or last.isspace():
        return False
    if last in ",;":
        return char.isdigit()
    return char not in "([{" and last not in ")]}"


def _letters(text: str) -> int:
    return sum(1 for char in text if unicodedata.category(char)[0] in "LN")
