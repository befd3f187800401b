"""The printer's side of ESC/POS, for the simulator: a byte stream in, receipts out.

It models a Chinese thermal printer: text bytes are read as GB18030 in two-byte mode
(FS &, on at power-up on Chinese firmware) and as code page 437 otherwise, so text sent in
the wrong mode comes out as the same mojibake a real printer would print. It understands
the commands the adapter sends and a few common others; anything else is logged and
skipped, never fatal, because a real printer also shrugs off what it does not know.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

log = logging.getLogger("devices.printer.simulator")

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT = 0x0A, 0x0D, 0x09
# A raster image wider than any paper or taller than a metre of it is line noise.
MAX_RASTER_WIDTH_BYTES = 255
MAX_RASTER_HEIGHT = 8000
# ESC and FS commands that carry one parameter byte and need nothing more than skipping.
ESC_NO_PARAMETER = frozenset(b"2<S")
ESC_ONE_PARAMETER = frozenset(b"!-3JMGRVr{UcTt ")
# Real-time commands (DLE ...) and their lengths: DLE EOT n, DLE ENQ n, DLE DC4 fn m t.
REAL_TIME_LENGTHS = {0x04: 3, 0x05: 3, 0x14: 5}
GS_ONE_PARAMETER = frozenset(b"BHhwfbaI")
GS_TWO_PARAMETERS = frozenset(b"LWP$\\")
FS_ONE_PARAMETER = frozenset(b"C-SW")

Align = Literal["left", "center", "right"]
CutKind = Literal["full", "partial"]
ALIGNMENTS: dict[int, Align] = {0: "left", 1: "center", 2: "right",
                                48: "left", 49: "center", 50: "right"}


@dataclass(frozen=True)
class PrintedLine:
    text: str
    width: int = 1         # character width multiplier
    height: int = 1        # character height multiplier
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class PrintedImage:
    """A GS v 0 raster image: ``height`` rows of ``width_bytes`` bytes, MSB = leftmost dot."""

    width_bytes: int
    height: int
    data: bytes = field(repr=False)
    align: Align = "left"


@dataclass(frozen=True)
class PrintedQr:
    """A native (GS ( k) QR code: the printer draws it from the stored data."""

    data: str
    module_dots: int
    align: Align = "left"


Element = PrintedLine | PrintedImage | PrintedQr


@dataclass
class Receipt:
    elements: list[Element] = field(default_factory=list)
    cut: CutKind | None = None
    number: int = 0                   # given by the simulator, as the PNG's name is
    image_path: Path | None = None    # the PNG a person can look at
    qr_seen: list[str] = field(default_factory=list)   # what a phone reads off that PNG

    @property
    def lines(self) -> list[str]:
        """Every printed text line, blank feed lines included."""
        return [e.text for e in self.elements if isinstance(e, PrintedLine)]

    @property
    def text_lines(self) -> list[str]:
        """The printed text lines that are not blank."""
        return [line for line in self.lines if line.strip()]

    @property
    def native_qr_payloads(self) -> list[str]:
        return [e.data for e in self.elements if isinstance(e, PrintedQr)]

    @property
    def images(self) -> list[PrintedImage]:
        return [e for e in self.elements if isinstance(e, PrintedImage)]


@dataclass
class _Style:
    align: Align = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    two_byte_width: int = 1
    two_byte_height: int = 1


StatusAnswer = Callable[[int], bytes | None]


class EscPosInterpreter:
    """Feed it bytes; it calls ``on_receipt`` with each receipt that is cut (or finished),
    and ``answer_status`` for each DLE EOT n, writing back whatever that returns."""

    def __init__(
        self,
        *,
        answer_status: StatusAnswer,
        reply: Callable[[bytes], None],
        on_receipt: Callable[[Receipt], None],
        two_byte_default: bool = True,
    ) -> None:
        self._answer_status = answer_status
        self._reply = reply
        self._on_receipt = on_receipt
        self.two_byte_default = two_byte_default
        self.printing = True          # False while out of paper or offline: input is dropped
        self.dropped = 0              # elements not printed because of that
        self.unknown: list[str] = []  # commands not understood, for tests and status
        self._buffer = bytearray()
        self._pending = bytearray()   # text bytes of the line being composed
        self._pending_text = ""       # ...decoded already (before a mode change)
        self._style = _Style()
        self._two_byte = two_byte_default
        self._qr_data = b""
        self._qr_module = 3
        self._receipt: Receipt | None = None

    def power_cycle(self) -> None:
        """Forgets half-received commands and the receipt in progress, as switching the
        printer off and on does."""
        self._buffer.clear()
        self._pending.clear()
        self._pending_text = ""
        self._receipt = None
        self._initialize()

    @property
    def has_content(self) -> bool:
        return bool(self._receipt and self._receipt.elements) or bool(
            self._pending or self._pending_text)

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while self._buffer:
            used = self._step()
            if used == 0:
                return        # an incomplete command: wait for the rest
            del self._buffer[:used]

    def finish(self) -> None:
        """Ends the receipt in progress without a cut (tear-off printers, a quiet line)."""
        self._flush_line(force=False)
        self._complete(None)

    # One command or run of text at the start of the buffer; returns the bytes it used.

    def _step(self) -> int:
        data = self._buffer
        first = data[0]
        if first >= 0x20:
            end = 1
            while end < len(data) and data[end] >= 0x20:
                end += 1
            self._pending += data[:end]
            return end
        if first == LF:
            self._flush_line(force=True)
            return 1
        if first == CR:
            return 1
        if first == ESC:
            return self._escape(data)
        if first == GS:
            return self._group_separator(data)
        if first == FS:
            return self._file_separator(data)
        if first == DLE:
            return self._real_time(data)
        self._unknown(f"control byte {first:02x}")
        return 1

    def _escape(self, data: bytearray) -> int:
        if len(data) < 2:
            return 0
        command = data[1]
        if command == ord("@"):
            self._initialize()
            return 2
        if command in ESC_NO_PARAMETER:
            return 2
        if len(data) < 3:
            return 0
        value = data[2]
        if command == ord("a"):
            self._style.align = ALIGNMENTS.get(value, "left")
        elif command == ord("E"):
            self._style.bold = bool(value & 1)
        elif command == ord("d"):
            self._feed_lines(value)
        elif command == ord("!"):
            self._style.bold = bool(value & 0x08)
            self._style.height = 2 if value & 0x10 else 1
            self._style.width = 2 if value & 0x20 else 1
        elif command in ESC_ONE_PARAMETER:
            pass
        else:
            self._unknown(f"ESC {chr(command) if 0x20 < command < 0x7F else hex(command)}")
            return 2
        return 3

    def _group_separator(self, data: bytearray) -> int:
        if len(data) < 3:
            return 0
        command, value = data[1], data[2]
        if command == ord("!"):
            self._style.width = (value >> 4) + 1
            self._style.height = (value & 0x0F) + 1
            return 3
        if command == ord("V"):
            if value in (65, 66):
                if len(data) < 4:
                    return 0
                self._feed_lines(data[3])
                self._cut("full" if value == 65 else "partial")
                return 4
            self._cut("full" if value in (0, 48) else "partial")
            return 3
        if command == ord("v") and value == ord("0"):
            return self._raster(data)
        if command == ord("("):
            return self._extended(data)
        if command in GS_ONE_PARAMETER:
            return 3
        if command in GS_TWO_PARAMETERS:
            return 4 if len(data) >= 4 else 0
        self._unknown(f"GS {chr(command) if 0x20 < command < 0x7F else hex(command)}")
        return 2

    def _file_separator(self, data: bytearray) -> int:
        if len(data) < 2:
            return 0
        command = data[1]
        if command == ord("&"):
            self._set_two_byte(True)
            return 2
        if command == ord("."):
            self._set_two_byte(False)
            return 2
        if len(data) < 3:
            return 0
        if command == ord("!"):
            value = data[2]
            self._style.two_byte_width = 2 if value & 0x04 else 1
            self._style.two_byte_height = 2 if value & 0x08 else 1
            return 3
        if command in FS_ONE_PARAMETER:
            return 3
        self._unknown(f"FS {chr(command) if 0x20 < command < 0x7F else hex(command)}")
        return 2

    def _real_time(self, data: bytearray) -> int:
        if len(data) < 2:
            return 0
        command = data[1]
        length = REAL_TIME_LENGTHS.get(command)
        if length is None:
            self._unknown(f"DLE {command:02x}")
            return 1
        if len(data) < length:
            return 0
        if command == 0x04:
            answer = self._answer_status(data[2])
            if answer:
                self._reply(answer)
        return length

    def _raster(self, data: bytearray) -> int:
        if len(data) < 8:
            return 0
        width_bytes = int.from_bytes(data[4:6], "little")
        height = int.from_bytes(data[6:8], "little")
        if not (0 < width_bytes <= MAX_RASTER_WIDTH_BYTES and 0 < height <= MAX_RASTER_HEIGHT):
            self._unknown(f"GS v 0 with an impossible size {width_bytes} x {height}")
            return 8
        end = 8 + width_bytes * height
        if len(data) < end:
            return 0
        self._flush_partial()
        if self._pending or self._pending_text:
            self._flush_line(force=True)
        self._add(PrintedImage(width_bytes, height, bytes(data[8:end]), self._style.align))
        return end

    def _extended(self, data: bytearray) -> int:
        if len(data) < 5:
            return 0
        length = int.from_bytes(data[3:5], "little")
        end = 5 + length
        if len(data) < end:
            return 0
        if data[2] == ord("k") and length >= 2 and data[5] == ord("1"):
            self._two_dimensional_code(data[6], bytes(data[7:end]))
        else:
            self._unknown(f"GS ( {chr(data[2]) if 0x20 < data[2] < 0x7F else hex(data[2])}")
        return end

    def _two_dimensional_code(self, function: int, parameters: bytes) -> None:
        if function == 67 and parameters:
            self._qr_module = max(1, min(parameters[0], 16))
        elif function == 80 and parameters:
            self._qr_data = parameters[1:]        # after m = '0'
        elif function == 81:
            if self._pending or self._pending_text:
                self._flush_line(force=True)
            text = self._qr_data.decode("utf-8", errors="replace")
            self._add(PrintedQr(text, self._qr_module, self._style.align))
        elif function not in (65, 69, 82):
            self._unknown(f"GS ( k function {function}")

    # Printer state.

    def _initialize(self) -> None:
        if self._pending or self._pending_text:
            self._flush_line(force=True)
        if self._receipt is not None and self._receipt.elements:
            self._complete(None)
        self._style = _Style()
        self._two_byte = self.two_byte_default
        self._qr_data = b""
        self._qr_module = 3

    def _set_two_byte(self, on: bool) -> None:
        self._flush_partial()
        self._two_byte = on

    def _flush_partial(self) -> None:
        """Decodes the text bytes so far in the current mode, before the mode changes."""
        if self._pending:
            self._pending_text += self._decode(bytes(self._pending))
            self._pending.clear()

    def _decode(self, raw: bytes) -> str:
        if self._two_byte:
            return raw.decode("gb18030", errors="replace")
        return raw.decode("cp437", errors="replace")

    def _flush_line(self, *, force: bool) -> None:
        self._flush_partial()
        if force or self._pending_text:
            two_byte = any(ord(c) >= 0x80 for c in self._pending_text)
            width = max(self._style.width, self._style.two_byte_width if two_byte else 1)
            height = max(self._style.height, self._style.two_byte_height if two_byte else 1)
            self._add(PrintedLine(self._pending_text, width, height, self._style.bold,
                                  self._style.align))
            self._pending_text = ""

    def _feed_lines(self, count: int) -> None:
        for _ in range(count):
            self._flush_line(force=True)

    def _add(self, element: Element) -> None:
        if not self.printing:
            self.dropped += 1
            return
        if self._receipt is None:
            self._receipt = Receipt()
        self._receipt.elements.append(element)

    def _cut(self, kind: CutKind) -> None:
        self._flush_line(force=False)
        self._complete(kind)

    def _complete(self, cut: CutKind | None) -> None:
        receipt, self._receipt = self._receipt, None
        if receipt is None or not self.printing:
            return
        receipt.cut = cut
        self._on_receipt(receipt)

    def _unknown(self, what: str) -> None:
        log.info("printer simulator: skipped %s", what)
        self.unknown.append(what)
        del self.unknown[:-100]
