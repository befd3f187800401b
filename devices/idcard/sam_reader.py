"""Second-generation ID-card readers speaking GA 467 SAM_V over a serial line: the
IdCardReader adapter.

One worker thread ("idcard") owns the line. It asks the SAM for its id once per connection,
then polls: find card (20 01) every ``poll_interval_s``; when a card is found, select it
(20 02) and read its text and photo (30 01), and report CardRead once for that placement.

A real SAM refuses to find a card again after reading it until the card has been lifted
and placed again, so "find fails again" is all a reader can say about a card leaving: it is
reported as CardLeft. A reader whose SAM does find the card again is not made to re-read
it: the placement has been read, and stays read until find fails.

Nothing this adapter logs or raises carries a name, an ID number or a photo: replies to
30 01 reach the traffic log as their header and length only (see line.py).
"""

from __future__ import annotations

import enum
import logging
import time

from devices.errors import DeviceNotFound, DeviceTimeout
from devices.health import DeviceState, HealthReporter
from devices.idcard.card_text import (
    CardTextError,
    UnsupportedCardType,
    decode_text,
    format_sam_id,
    split_read_reply,
)
from devices.idcard.line import FRAME_GAP_S, READ_SLICE_S, QuietSerialLink, SamLine
from devices.idcard.port import CardLeft, CardRead, IdCardEvent, IdCardListener, ReadFailed
from devices.idcard.protocol import FIND_CARD, READ_TEXT_PHOTO, SAM_ID, SELECT_CARD, FrameError
from devices.idcard.sam_status import (
    NoCard,
    SamError,
    SamFault,
    UnknownCardType,
    status_error,
)
from devices.worker import Worker

# A card is noticed within a tenth of a second of being laid down; a find exchange costs
# about 2 ms of line time at 115200 baud, so the line stays idle most of the time.
POLL_INTERVAL_S = 0.1
# Reply timeouts used by vendor SDKs (YinanSoft): 100 ms for find and select, 2 s for the
# read, during which a real SAM spends most of a second talking to the card over the air.
FIND_TIMEOUT_S = 0.1
SELECT_TIMEOUT_S = 0.1
READ_TIMEOUT_S = 2.0
SAM_ID_TIMEOUT_S = 0.5
# Requests in a row without any answer before the reader is declared silent.
SILENT_AFTER = 3
# Failed reads of one placement before the reader waits for the card to be lifted.
TRIES_PER_PLACEMENT = 3

log = logging.getLogger("devices.idcard")


class _Placement(enum.Enum):
    NONE = "none"            # no card, or not found yet
    FAILED = "failed"        # found, a read failed; tried again while it stays found
    GAVE_UP = "gave_up"      # found, failed too often (or cannot succeed): wait for removal
    READ = "read"            # found and read: wait for removal


class SamIdCardReader:
    """Implements devices.idcard.port.IdCardReader."""

    def __init__(
        self,
        port: str,
        baud: int = 115200,
        *,
        device: str = "idcard",
        poll_interval_s: float = POLL_INTERVAL_S,
        find_timeout_s: float = FIND_TIMEOUT_S,
        select_timeout_s: float = SELECT_TIMEOUT_S,
        read_timeout_s: float = READ_TIMEOUT_S,
        frame_gap_s: float = FRAME_GAP_S,
        silent_after: int = SILENT_AFTER,
        tries_per_placement: int = TRIES_PER_PLACEMENT,
    ) -> None:
        if silent_after < 1 or tries_per_placement < 1:
            raise ValueError("silent_after and tries_per_placement must be at least 1")
        self.port = port
        self.baud = baud
        self.device = device
        self.poll_interval_s = poll_interval_s
        self.find_timeout_s = find_timeout_s
        self.select_timeout_s = select_timeout_s
        self.read_timeout_s = read_timeout_s
        self.silent_after = silent_after
        self.tries_per_placement = tries_per_placement
        self.health = HealthReporter(device, log)
        self._link = QuietSerialLink(device, port, baud, self.health,
                                     read_timeout_s=READ_SLICE_S)
        self._line = SamLine(self._link, frame_gap_s=frame_gap_s)
        # Beaten by the link on every read and reconnect attempt, and by each poll below.
        self.progress = self._link.progress
        self.sam_id: str | None = None
        self._listeners: list[IdCardListener] = []
        self._worker = Worker("idcard", self._run, join_timeout_s=3)
        self._placement = _Placement.NONE
        self._failures = 0
        self._unanswered = 0
        self._silent = False
        self._sam_fault: int | None = None

    def on_card(self, listener: IdCardListener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        self._link.close()

    # The worker thread.

    def _run(self) -> None:
        while self._link.ensure_open(self._worker.stopping):
            try:
                self._session()
            except DeviceNotFound as error:
                if self.health.current.state is not DeviceState.ABSENT:
                    self.health.set(DeviceState.ABSENT, str(error))
                self._reader_lost()
            except Exception:
                log.exception("%s: unexpected error; carrying on", self.device)
                self._worker.wait(0.5)

    def _session(self) -> None:
        """Serves one connection until the port goes away (DeviceNotFound) or stop()."""
        self._unanswered = 0
        self._silent = False
        self._sam_fault = None
        self._identify()
        while not self._worker.stopping.is_set():
            self.progress.beat()
            started = time.monotonic()
            self._poll()
            delay = started + self.poll_interval_s - time.monotonic()
            if delay > 0 and self._worker.wait(delay):
                return

    def _identify(self) -> None:
        try:
            reply, _ = self._line.transact(SAM_ID, SAM_ID_TIMEOUT_S)
        except DeviceTimeout as error:
            self._no_answer(error)
            return
        except FrameError as error:
            self._answered()
            log.debug("%s", error)
            return
        self._answered()
        if reply.sw3 != SAM_ID.ok:
            self._sam_failed(status_error(SAM_ID, reply.sw3, self._where))
            return
        try:
            self.sam_id = format_sam_id(reply.data)
        except CardTextError as error:
            log.debug("%s: %s", self.device, error)
            return
        log.info("%s: SAM %s on %s", self.device, self.sam_id, self.port)
        self.health.set(DeviceState.READY, self._ready_detail())

    def _poll(self) -> None:
        try:
            reply, _ = self._line.transact(FIND_CARD, self.find_timeout_s)
        except DeviceTimeout as error:
            self._no_answer(error)
            return
        except FrameError as error:
            self._answered()
            log.debug("%s", error)      # noise on a find: the next poll asks again
            return
        self._answered()
        if reply.sw3 == FIND_CARD.ok:
            self._sam_recovered()
            self._card_found()
        elif reply.sw3 == 0x80:
            self._sam_recovered()
            self._card_not_found()
        else:
            self._sam_failed(status_error(FIND_CARD, reply.sw3, self._where))

    def _card_found(self) -> None:
        if self._placement in (_Placement.READ, _Placement.GAVE_UP):
            return      # this placement is done with; it must be lifted first
        try:
            reply, _ = self._line.transact(SELECT_CARD, self.select_timeout_s)
            if reply.sw3 != SELECT_CARD.ok:
                raise status_error(SELECT_CARD, reply.sw3, self._where)
            reply, received_at = self._line.transact(READ_TEXT_PHOTO, self.read_timeout_s)
            if reply.sw3 != READ_TEXT_PHOTO.ok:
                raise status_error(READ_TEXT_PHOTO, reply.sw3, self._where)
            text_block, photo = split_read_reply(reply)
            text = decode_text(text_block)
        except NoCard:
            self._card_not_found()      # lifted between find and read
            return
        except DeviceTimeout as error:
            self._failed("read_failed", f"{error}; place the card again and hold it still")
            return
        except (FrameError, SamError, CardTextError, UnsupportedCardType) as error:
            hopeless = isinstance(error, (UnsupportedCardType, UnknownCardType))
            reason = str(error)
            if isinstance(error, FrameError):
                reason += ("; lift the card and place it again (if this keeps happening, "
                           "check the reader's cable)")
            self._failed(error.code, reason, hopeless=hopeless)
            return
        self._placement = _Placement.READ
        self._failures = 0
        log.info("%s: card read (%s, %d bytes)", self.device, text.card_type, len(reply.frame))
        self._emit(CardRead(text, photo, raw_length=len(reply.frame), monotonic=received_at))

    def _card_not_found(self) -> None:
        previous, self._placement = self._placement, _Placement.NONE
        self._failures = 0
        if previous is not _Placement.NONE:
            log.info("%s: card gone (find card fails again)", self.device)
            self._emit(CardLeft())

    def _failed(self, code: str, reason: str, *, hopeless: bool = False) -> None:
        self._failures += 1
        if hopeless or self._failures >= self.tries_per_placement:
            self._placement = _Placement.GAVE_UP
            log.warning("%s: %s; not trying this card again until it is lifted and placed "
                        "again", self.device, reason)
        else:
            self._placement = _Placement.FAILED
            log.warning("%s: %s", self.device, reason)
        self._emit(ReadFailed(code, reason))

    # Health.

    def _answered(self) -> None:
        self._unanswered = 0
        if self._silent:
            self._silent = False
            log.info("%s on %s answers again", self.device, self.port)
            self.health.set(DeviceState.READY, self._ready_detail())

    def _no_answer(self, error: DeviceTimeout) -> None:
        self._unanswered += 1
        log.debug("%s", error)
        if self._silent or self._unanswered < self.silent_after:
            return
        self._silent = True
        detail = (f"{self.port} is open but the ID-card reader does not answer "
                  f"({self._unanswered} requests in a row): check that it is powered, that "
                  f"it is set to {self.baud} baud and that it speaks GA 467 SAM_V")
        self.health.set(DeviceState.FAULT, detail)
        self._emit(ReadFailed("silent", detail))

    def _sam_failed(self, error: SamError) -> None:
        if self._sam_fault == error.sw3:
            return
        self._sam_fault = error.sw3
        self.health.set(DeviceState.FAULT, str(error))
        log.warning("%s", error)
        self._emit(ReadFailed(SamFault.code, str(error)))

    def _sam_recovered(self) -> None:
        if self._sam_fault is not None:
            self._sam_fault = None
            log.info("%s on %s: the SAM works again", self.device, self.port)
            self.health.set(DeviceState.READY, self._ready_detail())

    @property
    def _where(self) -> str:
        return f"on {self.port}"

    def _ready_detail(self) -> str:
        return f"{self.port}, SAM {self.sam_id}" if self.sam_id else self.port

    def _reader_lost(self) -> None:
        """The port went away: a card that was on the reader is as good as gone."""
        self._silent = False
        if self._placement is not _Placement.NONE:
            self._placement = _Placement.NONE
            self._failures = 0
            self._emit(CardLeft())

    def _emit(self, event: IdCardEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("%s: a card listener failed", self.device)
