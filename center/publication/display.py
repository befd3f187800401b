"""A snapshot (snapshot.py) as the page shows it: the rates in percent, the charts as
inline SVG (center/charts/svg.py, the same markup on screen, in print and in the PDF), the
codes in words. Everything is derived from the snapshot alone, so a published page reads
the same for ever."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import pgettext, pgettext_lazy

from center.charts.svg import bar_chart
from center.publication.quarters import Quarter
from center.ratings.figures import RatingFigures
from center.ratings.models import LEVELS, Handling

WIDE, NARROW = 640, 340             # the charts' widths in CSS pixels
GOOD_COLOUR, MIDDLE_COLOUR, BAD_COLOUR = "#17703a", "#7a8591", "#b42318"
LEVEL_COLOURS = {5: GOOD_COLOUR, 4: GOOD_COLOUR, 3: MIDDLE_COLOUR, 2: BAD_COLOUR,
                 1: BAD_COLOUR}
CHANNEL_WORDS = {"terminal": pgettext_lazy("publication", "self-service terminal"),
                 "qr": pgettext_lazy("publication", "QR code on a phone")}
KIND_WORDS = {"pickup": pgettext_lazy("publication", "collecting a result from the locker"),
              "dropoff": pgettext_lazy("publication", "dropping off papers"),
              "notice": pgettext_lazy("publication", "printing a service notice"),
              "ticket": pgettext_lazy("publication", "taking a queue ticket"),
              "window": pgettext_lazy("publication", "service at a window")}
HANDLING_WORDS = {Handling.FIX_NOW: pgettext_lazy("publication", "rectified on the spot"),
                  Handling.FIX_BY: pgettext_lazy("publication", "to be rectified by a deadline"),
                  Handling.EXPLAIN: pgettext_lazy("publication", "explained: no fault to rectify"),
                  "": pgettext_lazy("publication", "being handled")}


def percent(part: int, whole: int | None) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


@dataclass(frozen=True)
class Rates:
    good: str
    bad: str
    unrated: str
    rectification: str
    revisit: str


def shown(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The template's context for a snapshot."""
    totals = snapshot["totals"]
    figures = RatingFigures(totals["rated"], totals["good"], totals["bad"],
                            totals["services"])
    quarter = Quarter(snapshot["year"], snapshot["quarter"])
    return {
        "snapshot": snapshot, "totals": totals, "quarter": quarter,
        "quarter_label": quarter.label(),
        "first_day": date.fromisoformat(snapshot["first_day"]),
        "last_day": date.fromisoformat(snapshot["last_day"]),
        "rates": Rates(rate(figures.good_rate), rate(figures.bad_rate),
                       rate(figures.unrated_rate),
                       percent(totals["rectified"], totals["needing"]),
                       percent(totals["revisited"], totals["revisit_base"])),
        # Each chart twice: for a desktop and paper, and narrower for a phone, whose text
        # would be too small scaled down (the page shows one of the two).
        "level_chart": _level_chart(snapshot["levels"], WIDE),
        "level_chart_narrow": _level_chart(snapshot["levels"], NARROW),
        "channel_chart": _channel_chart(snapshot["channels"], WIDE),
        "channel_chart_narrow": _channel_chart(snapshot["channels"], NARROW),
        "item_chart": _item_chart(snapshot["items"]),
        "stations": [{**row, "good_rate": percent(row["good"], row["rated"]),
                      "bad_rate": percent(row["bad"], row["rated"])}
                     for row in snapshot["stations"]],
        "cases": [_case(row) for row in snapshot["cases"]],
    }


def _level_chart(levels: list[dict[str, int]], width: int) -> SafeString:
    return bar_chart([(str(LEVELS[row["level"]]), row["count"]) for row in levels],
                     width=width,
                     title=pgettext("publication", "Ratings by level"),
                     colours=[LEVEL_COLOURS[row["level"]] for row in levels])


def _channel_chart(channels: list[dict[str, Any]], width: int) -> SafeString:
    return bar_chart([(str(CHANNEL_WORDS.get(row["channel"], row["channel"])), row["count"])
                      for row in channels], width=width,
                     title=pgettext("publication", "Ratings by channel"))


def _item_chart(items: list[dict[str, Any]]) -> SafeString:
    return bar_chart([(row["name"], row["count"]) for row in items],
                     title=pgettext("publication", "Items rated most"), width=720)


def _case(row: dict[str, Any]) -> dict[str, Any]:
    if row["handling"] == Handling.APPEAL:
        outcomes = {
            True: pgettext("publication",
                           "appealed as a mistaken or malicious rating: upheld, not counted"),
            False: pgettext("publication", "appealed: not upheld, handled again")}
        handling = outcomes.get(row["appeal_upheld"],
                                pgettext("publication", "appealed: under review"))
    elif row["handling"] == Handling.FIX_BY and row["rectified"]:
        handling = pgettext("publication", "rectified by a deadline: done")
    else:
        handling = str(HANDLING_WORDS.get(row["handling"], row["handling"]))
    return {**row, "day": date.fromisoformat(row["day"]),
            "kind_words": str(KIND_WORDS.get(row["kind"], row["kind"])),
            "handling_words": handling}
