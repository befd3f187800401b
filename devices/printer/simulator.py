"""A Chinese thermal receipt printer on a pseudo-terminal, for tests and the demo.

It reads the ESC/POS stream (escpos_interpreter), answers DLE EOT with real status bytes,
keeps every receipt it prints (text lines, QR codes, whether it was cut) and draws each one
to a PNG under its directory (receipt-0001.png, ...) that a person can look at. Faults: the
paper runs out or nearly out, the cover is opened (offline), the printer stops answering,
the cable is pulled.

Like a real printer, it prints nothing while it is offline (cover open, or at paper end,
where Chinese firmware goes offline too); whatever arrives meanwhile is dropped.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from pathlib import Path
from typing import Literal

from devices.printer.escpos_interpreter import EscPosInterpreter, Receipt
from devices.printer.receipt_image import render_receipt
from devices.printer.text_layout import PAPER_DOTS
from devices.sim.actions import ActionDispatch, ActionSpec
from devices.sim.pty import PtyEndpoint
from devices.sim.pty_device import PtyDevice
from devices.sim.simulator import SimStatus

READ_SLICE_S = 0.01
# A receipt that is not cut (a tear-off printer) ends when the line has been quiet this long.
QUIET_END_S = 1.0
RECEIPTS_KEPT = 100
WIRE_KEPT = 1 << 20

# DLE EOT answers: fixed bits 0xx1xx10, then what each n reports (see realtime_status.py,
# written separately so that the adapter is tested against the manual, not against itself).
STATUS_FIXED = 0x12
OFFLINE_BIT = 0x08                 # n = 1
COVER_OPEN_BIT = 0x04              # n = 2
STOPPED_AT_PAPER_END_BIT = 0x20    # n = 2
NEAR_END_BITS = 0x0C               # n = 4, bits 2-3
PAPER_END_BITS = 0x60              # n = 4, bits 5-6

PaperLevel = Literal["ok", "near_end", "out"]

log = logging.getLogger("devices.printer.simulator")


class PrinterSimulator(PtyDevice, ActionDispatch):
    def __init__(
        self,
        link: Path,
        *,
        name: str = "printer",
        output_dir: Path | None = None,
        paper_width_mm: Literal[58, 80] = 58,
        two_byte_default: bool = True,
        pace_baud: int | None = None,
        render: bool = True,
    ) -> None:
        """``link``: where the adapter finds the port. ``output_dir``: where receipt PNGs go
        (default: beside the link). ``two_byte_default``: Chinese firmware starts in two-byte
        (FS &) mode; False plays one whose memory switch turned that off."""
        super().__init__(name, PtyEndpoint(link, pace_baud=pace_baud))
        self.output_dir = Path(output_dir) if output_dir is not None else Path(link).parent
        self.paper_width_mm = paper_width_mm
        self.render = render
        self.paper: PaperLevel = "ok"
        self.cover_open = False
        self.silent = False
        self.status_requests = 0
        self._wire = bytearray()
        self._receipts: deque[Receipt] = deque(maxlen=RECEIPTS_KEPT)
        self._printed = threading.Condition()
        self._next_number = 1
        self._lock = threading.RLock()
        self.interpreter = EscPosInterpreter(
            answer_status=self._answer_status, reply=self.endpoint.write,
            on_receipt=self._receipt_done, two_byte_default=two_byte_default)

    @property
    def offline(self) -> bool:
        return self.cover_open or self.paper == "out"

    def start(self) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self._next_number = _last_receipt_number(self.output_dir) + 1
        super().start()

    # What was printed, for tests.

    @property
    def receipts(self) -> list[Receipt]:
        with self._printed:
            return list(self._receipts)

    def wait_for_receipts(self, count: int = 1, timeout_s: float = 5.0) -> list[Receipt]:
        """Waits until at least ``count`` receipts have been printed; returns them all."""
        with self._printed:
            if not self._printed.wait_for(lambda: len(self._receipts) >= count, timeout_s):
                raise TimeoutError(f"{self.name}: {len(self._receipts)} receipts printed, "
                                   f"expected {count}")
            return list(self._receipts)

    @property
    def wire(self) -> bytes:
        """Every byte the adapter sent (the last megabyte)."""
        with self._lock:
            return bytes(self._wire)

    def clear(self) -> None:
        with self._lock, self._printed:
            self._wire.clear()
            self._receipts.clear()

    # Faults.

    def run_out_of_paper(self) -> None:
        self._set(paper="out")

    def paper_near_end(self) -> None:
        self._set(paper="near_end")

    def load_paper(self) -> None:
        self._set(paper="ok")

    def open_cover(self) -> None:
        self._set(cover_open=True)

    def close_cover(self) -> None:
        self._set(cover_open=False)

    def silence(self, silent: bool = True) -> None:
        """The printer hears status requests but never answers (hung firmware, wrong baud)."""
        with self._lock:
            self.silent = silent

    def clear_faults(self) -> None:
        self._set(paper="ok", cover_open=False)
        self.silence(False)

    def power_cycle(self) -> None:
        with self._lock:
            self.interpreter.power_cycle()

    def unplug(self) -> None:
        self.endpoint.unplug()

    def plug(self) -> None:
        self.endpoint.plug()

    def _set(self, *, paper: PaperLevel | None = None, cover_open: bool | None = None) -> None:
        with self._lock:
            if paper is not None:
                self.paper = paper
            if cover_open is not None:
                self.cover_open = cover_open
            self.interpreter.printing = not self.offline

    # The Simulator protocol: actions() and perform() come from ACTIONS.

    def status(self) -> SimStatus:
        with self._lock:
            faults = []
            if self.paper == "out":
                faults.append("out of paper")
            elif self.paper == "near_end":
                faults.append("paper near end")
            if self.cover_open:
                faults.append("cover open")
            if self.silent:
                faults.append("not answering")
            receipts = self.receipts
            return SimStatus(plugged=self.endpoint.plugged, faults=faults, detail={
                "paper": self.paper, "cover_open": self.cover_open,
                "receipts": len(receipts),
                "last_receipt": str(receipts[-1].image_path or "") if receipts else None,
                "dropped_while_offline": self.interpreter.dropped,
            })

    ACTIONS = (
        ActionSpec("paper_out", "Run out of paper", run_out_of_paper, fault=True,
                   done="out of paper"),
        ActionSpec("paper_near_end", "Paper roll nearly used up", paper_near_end, fault=True,
                   done="paper near end"),
        ActionSpec("load_paper", "Load a new paper roll", load_paper,
                   done="new paper roll loaded"),
        ActionSpec("open_cover", "Open the printer cover (offline)", open_cover, fault=True,
                   done="cover open: offline"),
        ActionSpec("close_cover", "Close the printer cover", close_cover,
                   done="cover closed: online"),
        ActionSpec("silence", "Printer stops answering", silence, fault=True,
                   done="not answering"),
        ActionSpec("clear_faults", "Clear all faults", clear_faults, done="faults cleared"),
        ActionSpec("unplug", "Unplug the printer", unplug, fault=True, done="unplugged"),
        ActionSpec("plug", "Plug the printer back in", plug, done="plugged in"),
    )

    # The printer's side of the wire.

    def _serve(self) -> None:
        last_byte_at = time.monotonic()
        while not self._stopping:
            data = self.endpoint.read(READ_SLICE_S)
            now = time.monotonic()
            with self._lock:
                if data:
                    last_byte_at = now
                    self._wire += data
                    del self._wire[:-WIRE_KEPT]
                    self._feed(data)
                elif self.interpreter.has_content and now - last_byte_at > QUIET_END_S:
                    self.interpreter.finish()

    def _feed(self, data: bytes) -> None:
        try:
            self.interpreter.feed(data)
        except Exception:
            # A simulator bug must not take the simulated printer down with it.
            log.exception("%s: could not interpret %d bytes; skipped", self.name, len(data))

    def _answer_status(self, request: int) -> bytes | None:
        self.status_requests += 1
        if self.silent:
            return None
        value = STATUS_FIXED
        if request == 1 and self.offline:
            value |= OFFLINE_BIT
        elif request == 2:
            value |= (COVER_OPEN_BIT if self.cover_open else 0) | (
                STOPPED_AT_PAPER_END_BIT if self.paper == "out" else 0)
        elif request == 4:
            value |= (NEAR_END_BITS if self.paper in ("near_end", "out") else 0) | (
                PAPER_END_BITS if self.paper == "out" else 0)
        return bytes([value])

    def _receipt_done(self, receipt: Receipt) -> None:
        receipt.number = self._next_number
        self._next_number += 1
        if self.render:
            self._draw(receipt)
        with self._printed:
            self._receipts.append(receipt)
            self._printed.notify_all()
        log.info("%s: receipt %d printed (%d lines%s)", self.name, receipt.number,
                 len(receipt.text_lines), ", cut" if receipt.cut else "")

    def _draw(self, receipt: Receipt) -> None:
        try:
            image = render_receipt(receipt, self.paper_width_mm, PAPER_DOTS[self.paper_width_mm])
            path = self.output_dir / f"receipt-{receipt.number:04d}.png"
            image.save(path)
            receipt.image_path = path
            receipt.qr_seen = _scan(image)
        except Exception:
            log.exception("%s: receipt %d could not be drawn", self.name, receipt.number)
            return
        for old in sorted(self.output_dir.glob("receipt-*.png"))[:-RECEIPTS_KEPT]:
            old.unlink(missing_ok=True)


def _last_receipt_number(directory: Path) -> int:
    numbers = [int(match.group(1)) for path in directory.glob("receipt-*.png")
               if (match := re.fullmatch(r"receipt-(\d+)\.png", path.name))]
    return max(numbers, default=0)


def _scan(image: object) -> list[str]:
    """The QR codes a phone would read off the receipt (what the demo panel can show)."""
    try:
        from pyzbar.pyzbar import ZBarSymbol, decode
    except ImportError:          # libzbar0 missing: the picture is still there to look at
        return []
    return [scanned_text(found.data) for found in decode(image, symbols=[ZBarSymbol.QRCODE])]


def scanned_text(data: bytes) -> str:
    """zbar guesses a QR code's byte-mode charset and may read UTF-8 as Shift-JIS or
    Latin-1, handing back the mojibake re-encoded as UTF-8 (pyzbar#14, #55, zbar#244).
    Undo that when it applies; text that was read right does not survive the round trip."""
    text = data.decode("utf-8", errors="replace")
    for guessed in ("shift-jis", "latin-1"):
        try:
            return text.encode(guessed).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text
