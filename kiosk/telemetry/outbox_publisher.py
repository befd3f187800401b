"""Drains the outbox to the broker: QoS 1, marked sent only on the broker's PUBACK.

One thread ("outbox-publisher") does the work; nothing a resident or the locker does
waits for it. The rules (docs/mqtt.md, "Events", says what a subscriber sees):

- Order: priority class first (business, then alarms, then reports), seq order within a
  class. Events are read from SQLite ahead of need (at most HANDED_WINDOWS windows), so a
  new event of a higher class waits behind what was already read or handed over: at most
  2 x HANDED_WINDOWS windows, a fraction of a second at full speed.
- At most ``window`` events are on the wire unacknowledged (paho's in-flight limit), and
  at most HANDED_WINDOWS windows are handed to paho at once: paho's own network thread
  then sends the next event the moment a PUBACK frees a slot, as it does for raw
  publishing, instead of waiting for this thread to be scheduled.
- Acknowledged events are written back as sent every FLUSH_S, MARK_CHUNK to a
  transaction: one fsync for hundreds of events. An event acknowledged but not yet
  marked when the terminal dies is simply sent again: delivery is at least once, and
  subscribers drop repeats by event id.
- After a lost connection paho itself re-sends the unacknowledged window, in order, on
  the next connection; new events wait until that window is acknowledged, so they never
  overtake it. After a restart the unsent rows are read again from SQLite.
- An event refused by the broker (a PUBACK reason code of 0x80 or more) stays unsent and
  is tried again after RETRY_S.
- ``historical`` is true on an event created before the connection that first carries it
  began: it waited for the link (an outage, or a restart).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from contract.topics import Topics
from kiosk.services.outbox import OutboxEvent, mark_sent, now_iso, unsent_events
from kiosk.store import Store
from kiosk.telemetry.link import BrokerLink, Session

log = logging.getLogger("kiosk.telemetry")

EVENT_SCHEMA = 1
FLUSH_S = 0.2
IDLE_POLL_S = 1.0
RETRY_S = 30.0
CARRIED_OVER_PATIENCE_S = 60.0
HANDED_WINDOWS = 10
READ_CHUNK = 100
MARK_CHUNK = 250


@dataclass
class _InFlight:
    event: OutboxEvent
    session: int


def event_message(event: OutboxEvent, historical: bool) -> bytes:
    """The event envelope of docs/mqtt.md. Composed as text, because it is the busiest
    line of the drain: the stored payload goes in unparsed, and only the type can hold
    characters JSON must escape (id and createdAt are a UUID and an ISO time)."""
    return (f'{{"schema":{EVENT_SCHEMA},"id":"{event.id}","seq":{event.seq},'
            f'"type":{json.dumps(event.type, ensure_ascii=False)},'
            f'"priority":{event.priority},"createdAt":"{event.created_at}",'
            f'"historical":{"true" if historical else "false"},'
            f'"payload":{event.payload}}}').encode()


class OutboxPublisher:
    def __init__(self, store: Store, link: BrokerLink, topics: Topics, window: int) -> None:
        self._store = store
        self._link = link
        self._topics = topics
        # Events handed to paho and not yet acknowledged, at most; paho itself keeps at
        # most ``window`` of them on the wire.
        self._handed_limit = window * HANDED_WINDOWS
        # Refilled when a quarter is free: few wake-ups, and the wire stays full.
        self._refill_at = max(1, self._handed_limit // 4)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._ahead: deque[OutboxEvent] = deque()
        self._in_flight: dict[str, _InFlight] = {}
        self._acknowledged: list[OutboxEvent] = []
        self._retry: list[tuple[float, OutboxEvent]] = []
        # The highest seq read in each priority class by this process.
        self._read_up_to: dict[int, int] = {}
        # Per class, the lowest seq marked unsent again (outbox.resend) and not yet read.
        self._requeued: dict[int, int] = {}
        self._session: Session | None = None
        self._last_flush = time.monotonic()
        self._thread: threading.Thread | None = None
        self.published = 0          # events handed to paho (for tests and the bench)
        self.max_in_flight = 0      # the most ever handed to paho and unacknowledged
        store.on_commit(self._wake.set)
        link.on_session_start(self._session_started)
        link.on_session_end(self._session_ended)

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
        self._thread.start()

    def stop(self, drain_s: float = 2.0) -> None:
        """Stops sending; waits up to ``drain_s`` for the window's PUBACKs, so that a
        clean restart re-sends as little as possible, and records them."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        deadline = time.monotonic() + drain_s
        while self._session is not None and self.in_flight() and time.monotonic() < deadline:
            time.sleep(0.02)
        self._flush()

    def requeued(self, lowest_by_priority: Mapping[int, int]) -> None:
        """Events at or above these seqs were marked unsent again (the center asked for
        them): the drain reads those classes again from there. Any thread."""
        with self._lock:
            for priority, seq in lowest_by_priority.items():
                self._requeued[priority] = min(self._requeued.get(priority, seq), seq)
        self._wake.set()

    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)

    # -- the publisher thread ----------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                pending = bool(self._acknowledged)
            until_flush = FLUSH_S - (time.monotonic() - self._last_flush)
            self._wake.wait(max(0.0, until_flush) if pending else IDLE_POLL_S)
            self._wake.clear()
            try:
                if time.monotonic() - self._last_flush >= FLUSH_S:
                    self._flush()
                self._release_due_retries()
                self._read_requeued_again()
                self._fill_window()
            except Exception:
                # A full disk or a locked database must not end publishing for good.
                log.exception("outbox publisher: will try again")
                self._stopping.wait(1.0)

    def _fill_window(self) -> None:
        session = self._session
        if session is None:
            return
        with self._lock:
            if any(f.session != session.number for f in self._in_flight.values()):
                self._forget_stuck_carry_over(session)
                return
            free = self._handed_limit - len(self._in_flight)
        if free < self._refill_at:
            return
        self._hand_over(session)
        if len(self._ahead) < self._handed_limit // 2:
            self._read_ahead(self._handed_limit - len(self._ahead))
            self._hand_over(session)

    def _hand_over(self, session: Session) -> None:
        """Hands events read ahead to paho until the window is full."""
        started = _iso(session.started_at)
        while self._ahead and self._session is session:
            with self._lock:
                # Counted afresh for each event: PUBACKs keep freeing room meanwhile.
                if len(self._in_flight) >= self._handed_limit:
                    return
                event = self._ahead.popleft()
                self._in_flight[event.id] = _InFlight(event, session.number)
                self.max_in_flight = max(self.max_in_flight, len(self._in_flight))
            accepted = self._link.publish(
                self._topics.event(event.type),
                event_message(event, historical=event.created_at < started),
                on_ack=functools.partial(self._acknowledge, event))
            if not accepted:
                self._give_back(event, RETRY_S)
                return
            self.published += 1

    def _read_ahead(self, count: int) -> None:
        """Reads up to ``count`` more unsent events, passing over those already in hand
        (ahead, in flight, acknowledged, waiting for a retry)."""
        with self._lock:
            in_hand = (set(self._in_flight) | {e.id for e in self._acknowledged}
                       | {e.id for _, e in self._retry} | {e.id for e in self._ahead})
            position = dict(self._read_up_to)
        while count > 0:
            with self._store.reading() as db:
                # A bounded read holds the store briefly: business transactions wait
                # behind it, and the locker's among them.
                rows = unsent_events(db, position, min(count, READ_CHUNK))
            for event in rows:
                position[event.priority] = max(position.get(event.priority, 0), event.seq)
                if event.id not in in_hand:
                    self._ahead.append(event)
            if len(rows) < min(count, READ_CHUNK):
                break       # nothing more to read now
            count -= sum(1 for event in rows if event.id not in in_hand)
        with self._lock:
            for priority, seq in position.items():
                self._read_up_to[priority] = max(self._read_up_to.get(priority, 0), seq)

    def _forget_stuck_carry_over(self, session: Session) -> None:
        """paho re-sends the window of a lost connection; should that never be answered,
        those events are read from SQLite again instead. Called with the lock held."""
        if time.time() - session.started_at < CARRIED_OVER_PATIENCE_S:
            return
        for event_id, flight in list(self._in_flight.items()):
            if flight.session != session.number:
                del self._in_flight[event_id]
                self._rewind(flight.event)

    def _acknowledge(self, event: OutboxEvent, success: bool) -> None:
        """paho's thread: the PUBACK for ``event``."""
        with self._lock:
            if self._in_flight.pop(event.id, None) is None:
                return
            if success:
                self._acknowledged.append(event)
            else:
                log.warning("the broker refused event %s (seq %d, %s); retrying in %.0f s",
                            event.id, event.seq, event.type, RETRY_S)
                self._retry.append((time.monotonic() + RETRY_S, event))
            # Woken below the refill mark only: a fuller window needs nothing yet.
            wake = len(self._in_flight) <= self._handed_limit - self._refill_at or not success
        if wake:
            self._wake.set()

    def _give_back(self, event: OutboxEvent, delay_s: float) -> None:
        with self._lock:
            self._in_flight.pop(event.id, None)
            self._retry.append((time.monotonic() + delay_s, event))

    def _release_due_retries(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = [e for at, e in self._retry if at <= now]
            self._retry = [(at, e) for at, e in self._retry if at > now]
            for event in due:
                self._rewind(event)

    def _read_requeued_again(self) -> None:
        with self._lock:
            requeued, self._requeued = self._requeued, {}
            for priority, seq in requeued.items():
                self._rewind_class(priority, seq)

    def _rewind(self, event: OutboxEvent) -> None:
        """Lets ``event`` be read again. Called with the lock held."""
        self._rewind_class(event.priority, event.seq)

    def _rewind_class(self, priority: int, seq: int) -> None:
        """Lets the class's events from ``seq`` on be read again, and with them those read
        ahead, so that those still waiting go out in seq order. Called with the lock held,
        on the publisher thread (the only one that touches ``_ahead``)."""
        self._read_up_to[priority] = min(self._read_up_to.get(priority, 0), seq - 1)
        self._ahead = deque(e for e in self._ahead if e.priority != priority)

    def _flush(self) -> None:
        with self._lock:
            done, self._acknowledged = self._acknowledged, []
        self._last_flush = time.monotonic()
        if not done:
            return
        at = now_iso()
        for start in range(0, len(done), MARK_CHUNK):
            chunk = done[start:start + MARK_CHUNK]
            try:
                # Several short transactions rather than one long one: a business
                # transaction (a door's intent, say) waits at most for one of them.
                with self._store.transaction() as db:
                    mark_sent(db, [e.seq for e in chunk], at)
            except Exception:
                with self._lock:
                    self._acknowledged = done[start:] + self._acknowledged
                raise

    # -- link callbacks (paho's thread) -----------------------------------------------------

    def _session_started(self, session: Session) -> None:
        self._session = session
        self._wake.set()

    def _session_ended(self) -> None:
        self._session = None


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="milliseconds")
