"""Completeness of one terminal's event stream: the highest seq seen, the open gaps below
it, and the watermark "complete up to N". Every seq eventually arrives or is listed in an
`outbox.dropped` event (docs/mqtt.md "Delivery"), so a gap that stays open means events
were lost on the way, and the center asks the terminal to send them again.

Kept incrementally, so the work per batch is proportional to the batch and the open gaps,
never to the terminal's history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class OpenGap:
    first: int
    last: int
    opened_at: datetime
    resend_asked_at: datetime | None = None


@dataclass
class Stream:
    highest: int
    gaps: list[OpenGap]

    @property
    def complete_upto(self) -> int:
        return self.gaps[0].first - 1 if self.gaps else self.highest

    def arrived(self, seq: int, now: datetime) -> None:
        """A seq stored for the first time."""
        self.filled(seq, seq, now)

    def filled(self, first: int, last: int, now: datetime) -> None:
        """Seqs first..last are accounted for (arrived, or announced dropped)."""
        if last > self.highest:
            if first > self.highest + 1:
                self.gaps.append(OpenGap(self.highest + 1, first - 1, now))
            self.highest = last
        kept: list[OpenGap] = []
        for gap in self.gaps:
            if gap.last < first or gap.first > last:
                kept.append(gap)
                continue
            if gap.first < first:
                kept.append(replace(gap, last=first - 1))
            if gap.last > last:
                kept.append(replace(gap, first=last + 1))
        self.gaps = sorted(kept, key=lambda g: g.first)
