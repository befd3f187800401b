"""A terminal's events for its page: newest first, a page at a time, by type if asked.

Paged by seq (``before``: the older page, ``after``: the newer one), never by OFFSET: a page
deep in a long history costs what the first does, on the (terminal, seq) index the events
are kept once by. Each event is summed up in a line: its payload's fields as they are,
nested ones shortened, the sealed pickup code left out and every run of six or more digits
masked as the reject excerpt is (payloads carry no personal data, and the page never shows
any should one slip in)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal
from center.ingest.models import Event

PER_PAGE = 50
# docs/mqtt.md "Event types and payloads", in words.
EVENT_NAMES: dict[str, Promise] = {
    "locker.deposited": _("Results put in the locker"),
    "locker.collected": _("Results collected"),
    "locker.dropoff": _("Papers left for staff"),
    "locker.retrieved": _("Papers taken out by staff"),
    "locker.overdue": _("Results not collected in time"),
    "locker.code_reissued": _("A new pickup code made"),
    "locker.compartment": _("Compartment out of or back in service"),
    "guide.catalog_replaced": _("Service guide replaced"),
    "guide.notice": _("Notice handed out"),
    "queue.ticket_issued": _("Ticket issued"),
    "queue.called": _("Ticket called"),
    "queue.finished": _("Ticket served"),
    "queue.no_show": _("Ticket called, nobody came"),
    "queue.transferred": _("Ticket moved to another queue"),
    "queue.window_opened": _("Window opened"),
    "queue.window_closed": _("Window closed"),
    "queue.daily_summary": _("The day's queue figures"),
    "help.requested": _("A resident asked for help"),
    "help.answered": _("Staff answered a call for help"),
    "alarm.raised": _("Alarm raised"),
    "alarm.cleared": _("Alarm cleared"),
    "command.result": _("Answer to a command"),
    "outbox.dropped": _("Reports dropped by the terminal"),
    "rating.submitted": _("A resident rated the service"),
}
# Sealed to the center's key: nothing a person could read.
LEFT_OUT = frozenset({"pickup"})
SUMMARY_LENGTH = 160
_DIGIT_RUN = re.compile(r"\d{6,}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class TimelineEvent:
    seq: int
    type: str
    created_at: datetime
    historical: bool
    summary: str

    @property
    def name(self) -> str:
        return event_name(self.type)


@dataclass(frozen=True)
class Timeline:
    events: list[TimelineEvent]
    kind: str                 # the type asked for; "" for every type
    newer: int | None         # the newest seq shown, when newer events exist
    older: int | None         # the oldest seq shown, when older events exist

    @property
    def kinds(self) -> list[tuple[str, str]]:
        """The types to choose from: the contract's, and the one asked for if it is not."""
        known = [(kind, str(name)) for kind, name in EVENT_NAMES.items()]
        if self.kind and self.kind not in EVENT_NAMES:
            known.append((self.kind, self.kind))
        return known

    @property
    def newer_query(self) -> str:
        return self._query(after=self.newer)

    @property
    def older_query(self) -> str:
        return self._query(before=self.older)

    @property
    def newest_query(self) -> str:
        return self._query()

    def _query(self, **bound: int | None) -> str:
        query = {"type": self.kind} if self.kind else {}
        query.update({name: str(seq) for name, seq in bound.items() if seq is not None})
        return urlencode(query)


def read_timeline(terminal: Terminal, query: Mapping[str, str], per_page: int = PER_PAGE
                  ) -> Timeline:
    """One page of ``terminal``'s events from the query string's ``type``, ``before`` and
    ``after``: two statements at most."""
    kind = query.get("type", "").strip()[:64]
    events = Event.objects.filter(terminal=terminal)
    if kind:
        events = events.filter(type=kind)
    fields = ("seq", "type", "created_at", "historical", "payload")
    after, before = _seq(query.get("after")), _seq(query.get("before"))
    if after is not None:
        ascending = list(events.filter(seq__gt=after).order_by("seq")
                         .values_list(*fields)[:per_page + 1])
        if len(ascending) > per_page:       # newer ones beyond these: a page in between
            shown = ascending[:per_page][::-1]
            return Timeline(_events(shown), kind, newer=shown[0][0], older=(
                shown[-1][0] if events.filter(seq__lte=after).exists() else None))
        before = None                       # the newest events: the first page
    older = events.filter(seq__lt=before) if before is not None else events
    descending = list(older.order_by("-seq").values_list(*fields)[:per_page + 1])
    if before is not None and not descending:   # past the oldest (a stale link): the newest
        return read_timeline(terminal, {"type": kind}, per_page)
    shown = descending[:per_page]
    newer = before is not None and bool(shown) and events.filter(seq__gt=shown[0][0]).exists()
    return Timeline(_events(shown), kind, newer=shown[0][0] if newer else None,
                    older=shown[-1][0] if len(descending) > per_page else None)


def _events(rows: list[tuple[int, str, datetime, bool, object]]) -> list[TimelineEvent]:
    return [TimelineEvent(seq, kind, created_at, historical, summary(payload))
            for seq, kind, created_at, historical, payload in rows]


def _seq(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    return number if number < 2**63 else None


def event_name(kind: str) -> str:
    name = EVENT_NAMES.get(kind)
    return str(name) if name is not None else kind


# -- the payload in a line ---------------------------------------------------------------

def summary(payload: object) -> str:
    text = _fields(payload, nested=False) if isinstance(payload, dict) else _scalar(payload)
    text = _DIGIT_RUN.sub(lambda m: "#" * len(m.group()), text)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


def _fields(mapping: dict[object, object], nested: bool) -> str:
    parts = []
    for key, value in mapping.items():
        if key in LEFT_OUT:
            continue
        if isinstance(value, dict):
            text = "(…)" if nested else f"({_fields(value, nested=True)})"
        elif isinstance(value, list):
            text = ngettext("%(count)d item", "%(count)d items", len(value)) % {
                "count": len(value)}
        else:
            text = _scalar(value)
        parts.append(f"{key}: {text}")
    return " · ".join(parts)


def _scalar(value: object) -> str:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value is None:
        return "—"
    if isinstance(value, str):
        return _local_time(value) or " ".join(value.split())
    return str(value)


def _local_time(text: str) -> str | None:
    """An ISO 8601 time with its offset as the page's clock reads it."""
    if not _ISO_TIME.match(text):
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(at):
        return None
    return date_format(timezone.localtime(at), "m-d H:i")
