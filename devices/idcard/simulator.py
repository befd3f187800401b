"""An ID-card reader (GA 467 SAM over serial) on a pseudo-terminal, for tests and the demo.

It answers reset, SAM status, SAM id, find, select and read text+photo byte for byte as a SAM
does, paced at the baud rate so that the 1295-byte reply to 30 01 takes its real 112 ms at
115200 baud. Like a real SAM, once a card has been read, find card fails until the card is
lifted and placed again (``halt_after_read``).

The sample cards are fictional: obviously made-up names (张三, 李四, 陈大文), addresses in
示例市, and ID numbers that are only syntactically valid (GB 11643 check digit right), except
the one sample whose check digit is deliberately wrong.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from devices.errors import ProtocolError
from devices.idcard.port import CardType
from devices.idcard.protocol import (
    ADDRESS,
    AUTHORITY,
    BIRTH,
    CARD_TYPE,
    FIND_CARD,
    FOR_LIFE,
    ID_NUMBER,
    ISSUE_COUNT,
    NAME,
    NATION,
    PASS_NUMBER,
    PHOTO_LENGTH,
    READ_TEXT_PHOTO,
    RESET,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    SEX,
    TEXT_LENGTH,
    VALID_FROM,
    VALID_TO,
    BadLength,
    FrameParser,
    encode_reply,
    request_parser,
)
from devices.sim.pty import PtyEndpoint
from devices.sim.pty_device import PtyDevice
from devices.sim.simulator import SimAction, SimStatus, UnknownAction

READ_SLICE_S = 0.005
# 16 bytes of SAM id; the reader formats them as 05.01-20260101-001234567-007654321.
SAM_ID_DATA = (bytes([5, 0, 1, 0]) + (20260101).to_bytes(4, "little")
               + (1234567).to_bytes(4, "little") + (7654321).to_bytes(4, "little"))
REPLIES_KEPT = 1000

# GB 11643 (ISO 7064 MOD 11-2).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

Step = Literal["find", "select", "read", "sam_id"]
_STEPS: dict[tuple[int, int], Step] = {
    (FIND_CARD.code, FIND_CARD.para): "find",
    (SELECT_CARD.code, SELECT_CARD.para): "select",
    (READ_TEXT_PHOTO.code, READ_TEXT_PHOTO.para): "read",
    (SAM_ID.code, SAM_ID.para): "sam_id",
}


def check_digit(first17: str) -> str:
    """The GB 11643 check character of a resident ID number's first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the check digit is computed over 17 digits")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_for(region: str, birth: date, sequence: str) -> str:
    """A syntactically valid ID number: region (6), birth YYYYMMDD, sequence (3; odd for
    men, even for women), check digit."""
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + check_digit(first17)


@dataclass(frozen=True)
class SimCard:
    """A card to place on the simulated reader: its 256-byte text block and 1024-byte photo."""

    kind: CardType
    text: bytes = field(repr=False)
    photo: bytes = field(repr=False)
    label: str = ""     # the sample's key, for the panel and status


def make_card(
    *,
    name: str = "张三",
    sex: str = "1",
    nation: str = "01",
    birth: date = date(1985, 6, 15),
    address: str = "示例省示例市示例区示例路1号",
    id_number: str | None = None,
    authority: str = "示例市公安局示例分局",
    valid_from: date = date(2020, 1, 1),
    valid_to: date | None = date(2040, 1, 1),
    card_type: CardType = "resident",
    pass_number: str = "",
    issue_count: str = "01",
    region: str | None = None,
    sequence: str | None = None,
    label: str = "",
) -> SimCard:
    """A card laid out as the SAM returns it. ``valid_to=None`` writes 长期. ``id_number``
    defaults to a valid number built from ``region``, ``birth`` and ``sequence``. A 'J' card
    (hk_mo_tw) has no nation and carries ``pass_number`` at 220; an 'I' card (foreign) is
    filled in the resident layout only so that its type byte can be recognised."""
    if sex not in ("1", "2"):
        raise ValueError("sex is '1' (male) or '2' (female)")
    if id_number is None:
        region = region or ("810000" if card_type == "hk_mo_tw" else "110101")
        sequence = sequence or ("123" if sex == "1" else "124")
        id_number = id_number_for(region, birth, sequence)
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LENGTH // 2))
    _put(block, NAME, name)
    _put(block, SEX, sex)
    _put(block, NATION, nation if card_type == "resident" else "")
    _put(block, BIRTH, f"{birth:%Y%m%d}")
    _put(block, ADDRESS, address)
    _put(block, ID_NUMBER, id_number)
    _put(block, AUTHORITY, authority)
    _put(block, VALID_FROM, f"{valid_from:%Y%m%d}")
    _put(block, VALID_TO, FOR_LIFE if valid_to is None else f"{valid_to:%Y%m%d}")
    if card_type == "hk_mo_tw":
        _put(block, PASS_NUMBER, pass_number or "H12345678")
        _put(block, ISSUE_COUNT, issue_count)
        _put(block, CARD_TYPE, "J")
    elif card_type == "foreign":
        _put(block, CARD_TYPE, "I")
    seed = hashlib.sha256(bytes(block)).digest()
    photo = (b"WLT-SIM-" + seed * (PHOTO_LENGTH // len(seed) + 1))[:PHOTO_LENGTH]
    return SimCard(card_type, bytes(block), photo, label)


def _put(block: bytearray, where: tuple[int, int], value: str) -> None:
    offset, length = where
    encoded = value.encode("utf-16-le")
    if len(encoded) > length:
        raise ValueError(f"{value!r} does not fit in {length // 2} characters")
    block[offset:offset + length] = encoded + " ".encode("utf-16-le") * (
        (length - len(encoded)) // 2)


def _wrong_check_digit() -> str:
    number = id_number_for("110101", date(1979, 3, 8), "125")
    digit = next(c for c in "0123456789X" if c != number[-1])
    return number[:-1] + digit


SAMPLE_CARDS: dict[str, SimCard] = {
    "zhang_san": make_card(label="zhang_san"),
    "li_si": make_card(name="李四", sex="2", nation="03", birth=date(1952, 11, 2),
                       address="示例省示例市示例县示例镇幸福村2组", valid_from=date(2012, 4, 1),
                       valid_to=None, label="li_si"),
    "chen_hk": make_card(name="陈大文", birth=date(1990, 2, 28), card_type="hk_mo_tw",
                         address="示例省示例市示例区港湾路8号", authority="示例市公安局",
                         valid_from=date(2022, 7, 1), valid_to=date(2027, 7, 1),
                         pass_number="H87654321", issue_count="02", label="chen_hk"),
    "foreign": make_card(name="SAMPLE JOHN", birth=date(1980, 1, 1), card_type="foreign",
                         id_number="SIM000000000000000", label="foreign"),
    "bad_check_digit": make_card(name="王五", birth=date(1979, 3, 8),
                                 id_number=_wrong_check_digit(), label="bad_check_digit"),
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


class IdCardReaderSimulator(PtyDevice):
    def __init__(self, link: Path, *, name: str = "idcard",
                 pace_baud: int | None = 115200) -> None:
        self.name = name
        self.pace_baud = pace_baud
        super().__init__(PtyEndpoint(link, pace_baud=pace_baud))
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

    # The Simulator protocol.

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

    def actions(self) -> list[SimAction]:
        return [
            SimAction("place", "Place an ID card", params=("card",),
                      presets=tuple(SAMPLE_CARDS)),
            SimAction("remove", "Take the card away"),
            SimAction("no_card", "Reader does not see the card", fault=True),
            SimAction("fail_select", "Selecting the card fails once", fault=True),
            SimAction("fail_read", "Reading the card fails once", fault=True),
            SimAction("corrupt", "Bad checksum on the next read", fault=True),
            SimAction("truncate", "Cut the next read short", fault=True),
            SimAction("silence", "Reader stops answering", fault=True),
            SimAction("sam_fault", "SAM self-test fails", fault=True),
            SimAction("clear_faults", "Clear all faults"),
            SimAction("unplug", "Unplug the ID-card reader", fault=True),
            SimAction("plug", "Plug the reader back in"),
        ]

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        if action == "place":
            key = args.get("card") or "zhang_san"
            self.place(key)
            return f"card {key} placed"
        simple = {
            "remove": (self.remove, "card taken away"),
            "no_card": (self.hide_card, "the reader no longer sees the card"),
            "fail_select": (self.fail_next_select, "the next select fails"),
            "fail_read": (self.fail_next_read, "the next read fails"),
            "corrupt": (self.corrupt_next_reply, "the next read has a bad checksum"),
            "truncate": (self.truncate_next_reply, "the next read is cut short"),
            "silence": (self.silence, "not answering"),
            "sam_fault": (self.set_sam_fault, "SAM self-test fails"),
            "clear_faults": (self.clear_faults, "faults cleared"),
            "unplug": (self.unplug, "unplugged"),
            "plug": (self.plug, "plugged in"),
        }
        if action in simple:
            do, outcome = simple[action]
            do()
            return outcome
        raise UnknownAction(self.name, action, self.actions())

    # The SAM's side of the wire.

    def _serve(self) -> None:
        parser = request_parser()
        was_plugged = True
        while not self._stop.is_set():
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
