"""An ID-card reader (GA 467 SAM over serial) on a pseudo-terminal, for tests and the demo.

It answers reset, SAM status, SAM id, find, select and read text+photo byte for byte as a SAM
does, paced at the baud rate so that the 1295-byte reply to 30 01 takes its real 112 ms at
115200 baud. Like a real SAM, once a card has been read, find card fails until the card is
lifted and placed again (``halt_after_read``). The cards it holds are in sample_cards.py.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import ProtocolError
from devices.idcard.protocol import (
    FIND_CARD,
    READ_TEXT_PHOTO,
    RESET,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    BadLength,
    FrameParser,
    encode_reply,
    request_parser,
)
from devices.idcard.sample_cards import SAMPLE_CARDS, SimCard

# make_card and id_number_for are imported from here by the terminal's and the UI's tests.
from devices.idcard.sample_cards import id_number_for as id_number_for
from devices.idcard.sample_cards import make_card as make_card
from devices.sim.actions import ActionDispatch, ActionSpec, Arg
from devices.sim.pty import PtyEndpoint
from devices.sim.pty_device import PtyDevice
from devices.sim.simulator import SimStatus

READ_SLICE_S = 0.005
# 16 bytes of SAM id; the reader formats them as 05.01-20260101-001234567-007654321.
SAM_ID_DATA = (bytes([5, 0, 1, 0]) + (20260101).to_bytes(4, "little")
               + (1234567).to_bytes(4, "little") + (7654321).to_bytes(4, "little"))
REPLIES_KEPT = 1000

Step = Literal["find", "select", "read", "sam_id"]
_STEPS: dict[tuple[int, int], Step] = {
    (FIND_CARD.code, FIND_CARD.para): "find",
    (SELECT_CARD.code, SELECT_CARD.para): "select",
    (READ_TEXT_PHOTO.code, READ_TEXT_PHOTO.para): "read",
    (SAM_ID.code, SAM_ID.para): "sam_id",
}


@dataclass(frozen=True)
class ReplySent:
    """One reply on the wire: which command it answered, its status and size, when its
    first byte was handed over and when its last byte was out at the paced baud. The
    bytes are not kept: replies to 30 01 hold a (fictional) resident's data."""

    command: str
    sw3: int
    length: int
    start: float
    end: float


class IdCardReaderSimulator(PtyDevice, ActionDispatch):
    def __init__(self, link: Path, *, name: str = "idcard",
                 pace_baud: int | None = 115200) -> None:
        self.pace_baud = pace_baud
        super().__init__(name, PtyEndpoint(link, pace_baud=pace_baud))
        self.halt_after_read = True   # a real SAM: after a read, find fails until re-placed
        self.read_delay_s = 0.0       # the SAM's time to read the card before answering 30 01
        self._card: SimCard | None = None
        self._found = self._selected = self._halted = False
        self._fail_select = self._fail_read = 0
        self._corrupt: list[Step | None] = []
        self._truncate: list[Step | None] = []
        self._silent = self._undetected = False
        self._sam_fault: int | None = None
        self._replies: deque[ReplySent] = deque(maxlen=REPLIES_KEPT)
        self.requests_received = 0
        self.reads_served = 0
        self.rejected: deque[str] = deque(maxlen=100)
        self._lock = threading.RLock()

    # The card, for tests.

    def place(self, card: SimCard | str = "zhang_san") -> None:
        """Puts a card on the reader (a SimCard, or the key of a sample card)."""
        if isinstance(card, str):
            if card not in SAMPLE_CARDS:
                raise ValueError(f"no sample card {card!r}; there are: "
                                 f"{', '.join(SAMPLE_CARDS)}")
            card = SAMPLE_CARDS[card]
        with self._lock:
            self._card = card
            self._found = self._selected = self._halted = False

    def remove(self) -> None:
        with self._lock:
            self._card = None
            self._found = self._selected = self._halted = False

    @property
    def card(self) -> SimCard | None:
        return self._card

    # Faults.

    def hide_card(self, hidden: bool = True) -> None:
        """The reader does not see the card on it (find fails): a card in a wallet, two
        cards stacked."""
        with self._lock:
            self._undetected = hidden

    def fail_next_select(self, count: int = 1) -> None:
        with self._lock:
            self._fail_select = count

    def fail_next_read(self, count: int = 1) -> None:
        with self._lock:
            self._fail_read = count

    def corrupt_next_reply(self, to: Step | None = "read") -> None:
        """The next reply to ``to`` (None: the very next reply) carries a wrong checksum."""
        with self._lock:
            self._corrupt.append(to)

    def truncate_next_reply(self, to: Step | None = "read") -> None:
        """The next reply to ``to`` stops halfway and the rest never comes."""
        with self._lock:
            self._truncate.append(to)

    def silence(self, silent: bool = True) -> None:
        """The reader hears requests but never answers (wrong baud rate, hung firmware)."""
        with self._lock:
            self._silent = silent

    def set_sam_fault(self, sw3: int | None = 0x60) -> None:
        """Every command is answered with ``sw3`` (0x60 self-test failed); None clears it."""
        with self._lock:
            self._sam_fault = sw3

    def clear_faults(self) -> None:
        with self._lock:
            self._fail_select = self._fail_read = 0
            self._corrupt.clear()
            self._truncate.clear()
            self._silent = self._undetected = False
            self._sam_fault = None

    def unplug(self) -> None:
        self.endpoint.unplug()

    def plug(self) -> None:
        self.endpoint.plug()

    # What went over the wire.

    @property
    def replies(self) -> list[ReplySent]:
        with self._lock:
            return list(self._replies)

    def clear_replies(self) -> None:
        with self._lock:
            self._replies.clear()

    # The Simulator protocol: actions() and perform() come from ACTIONS.

    def status(self) -> SimStatus:
        with self._lock:
            faults = []
            if self._undetected:
                faults.append("card not detected")
            if self._fail_select:
                faults.append(f"next {self._fail_select} selects fail")
            if self._fail_read:
                faults.append(f"next {self._fail_read} reads fail")
            if self._corrupt:
                faults.append(f"{len(self._corrupt)} replies to corrupt")
            if self._truncate:
                faults.append(f"{len(self._truncate)} replies to cut short")
            if self._silent:
                faults.append("not answering")
            if self._sam_fault is not None:
                faults.append(f"SAM fault (SW3 {self._sam_fault:02X})")
            card = self._card
            return SimStatus(plugged=self.endpoint.plugged, faults=faults, detail={
                "card": (card.label or card.kind) if card else None,
                "read_already": self._halted, "reads": self.reads_served,
                "requests": self.requests_received,
            })

    def _place_sample(self, card: str) -> str:
        self.place(card)
        return f"card {card} placed"

    ACTIONS = (
        ActionSpec("place", "Place an ID card", _place_sample,
                   args=(Arg("card", default="zhang_san"),), presets=tuple(SAMPLE_CARDS)),
        ActionSpec("remove", "Take the card away", remove, done="card taken away"),
        ActionSpec("no_card", "Reader does not see the card", hide_card, fault=True,
                   done="the reader no longer sees the card"),
        ActionSpec("fail_select", "Selecting the card fails once", fail_next_select,
                   fault=True, done="the next select fails"),
        ActionSpec("fail_read", "Reading the card fails once", fail_next_read, fault=True,
                   done="the next read fails"),
        ActionSpec("corrupt", "Bad checksum on the next read", corrupt_next_reply, fault=True,
                   done="the next read has a bad checksum"),
        ActionSpec("truncate", "Cut the next read short", truncate_next_reply, fault=True,
                   done="the next read is cut short"),
        ActionSpec("silence", "Reader stops answering", silence, fault=True,
                   done="not answering"),
        ActionSpec("sam_fault", "SAM self-test fails", set_sam_fault, fault=True,
                   done="SAM self-test fails"),
        ActionSpec("clear_faults", "Clear all faults", clear_faults, done="faults cleared"),
        ActionSpec("unplug", "Unplug the ID-card reader", unplug, fault=True,
                   done="unplugged"),
        ActionSpec("plug", "Plug the reader back in", plug, done="plugged in"),
    )

    # The SAM's side of the wire.

    def _serve(self) -> None:
        parser = request_parser()
        was_plugged = True
        while not self._stopping:
            plugged = self.endpoint.plugged
            if plugged != was_plugged:
                parser = request_parser()    # a new cable, a clean line
                was_plugged = plugged
            data = self.endpoint.read(READ_SLICE_S)
            arrived = time.monotonic()
            if not data:
                if parser.started:
                    self._ignore(parser)
                continue
            parser.feed(data)
            while True:
                try:
                    frame = parser.next_frame()
                except ProtocolError as error:
                    # The SAM reports a damaged request: 10 checksum, 11 length.
                    self.rejected.append(str(error))
                    self._send("damaged", encode_reply(0x11 if isinstance(error, BadLength)
                                                       else 0x10))
                    continue
                if frame is None:
                    break
                self._answer(frame, arrived)

    def _ignore(self, parser: FrameParser) -> None:
        try:
            parser.finish()
        except ProtocolError as error:
            self.rejected.append(str(error))

    def _answer(self, frame: bytes, arrived: float) -> None:
        if self.pace_baud:
            # On a wire the request's last byte arrives after its transmission time.
            _sleep_until(arrived + len(frame) * 10 / self.pace_baud)
        key = (frame[7], frame[8])
        step = _STEPS.get(key)
        with self._lock:
            self.requests_received += 1
            if self._silent:
                return
            reply = self._reply_to(key)
            corrupt = _take(self._corrupt, step)
            truncate = _take(self._truncate, step)
        if step == "read" and self.read_delay_s:
            time.sleep(self.read_delay_s)
        if corrupt:
            reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
        if truncate:
            reply = reply[: len(reply) // 2]
        self._send(step or f"{key[0]:02X} {key[1]:02X}", reply)

    def _reply_to(self, key: tuple[int, int]) -> bytes:
        if self._sam_fault is not None:
            return encode_reply(self._sam_fault)
        card = self._card
        if key in ((RESET.code, RESET.para), (SAM_STATUS.code, SAM_STATUS.para)):
            return encode_reply(0x90)
        if key == (SAM_ID.code, SAM_ID.para):
            return encode_reply(0x90, SAM_ID_DATA)
        if key == (FIND_CARD.code, FIND_CARD.para):
            self._selected = False
            self._found = card is not None and not self._halted and not self._undetected
            return encode_reply(0x9F, bytes(4)) if self._found else encode_reply(0x80)
        if key == (SELECT_CARD.code, SELECT_CARD.para):
            if not self._found or card is None:
                return encode_reply(0x81)
            if self._fail_select:
                self._fail_select -= 1
                return encode_reply(0x81)
            self._selected = True
            return encode_reply(0x90, bytes(8))
        if key == (READ_TEXT_PHOTO.code, READ_TEXT_PHOTO.para):
            if not self._selected or card is None:
                return encode_reply(0x41)
            if self._fail_read:
                self._fail_read -= 1
                return encode_reply(0x41)
            self._selected = self._found = False
            self._halted = self.halt_after_read
            self.reads_served += 1
            return encode_reply(0x90, bytes.fromhex("0100 0400") + card.text + card.photo)
        return encode_reply(0x21)

    def _send(self, command: str, reply: bytes) -> None:
        start = time.monotonic()
        self.endpoint.write(reply)
        with self._lock:
            sw3 = reply[9] if len(reply) > 9 else -1
            self._replies.append(ReplySent(command, sw3, len(reply), start, time.monotonic()))


def _take(pending: list[Step | None], step: Step | None) -> bool:
    for index, wanted in enumerate(pending):
        if wanted is None or wanted == step:
            del pending[index]
            return True
    return False


def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)
