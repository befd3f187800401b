"""ESC/POS receipt printers (the Chinese 58 and 80 mm thermal kind): the ReceiptPrinter
adapter, over any python-escpos transport (serial, USB, network, device file).

Before each receipt it asks the printer's real-time status (DLE EOT 1 and 4, and 2 for the
cause when offline) and refuses to send anything when the paper is out or the printer is
offline, so the resident is shown the slip on screen at once instead of walking away with a
blank or half receipt. After the receipt it asks again, because a roll that ran out mid-way
leaves a receipt without its end.

One worker thread ("printer") asks for the status every ``poll_interval_s`` while idle, so
that staff see a paper-out alarm clear as soon as a roll is loaded, without anyone printing.
A lock keeps its questions out of the middle of a receipt.
"""

from __future__ import annotations

import logging
import threading
import time

from devices.health import DeviceState, HealthReporter
from devices.printer.escpos_render import ReceiptLayout, render_slip
from devices.printer.port import (
    PaperOut,
    PrinterError,
    PrinterNotResponding,
    PrinterOffline,
    PrinterStatus,
    PrinterUnreachable,
    StatusListener,
    StatusReport,
)
from devices.printer.realtime_status import (
    ASK_OFFLINE_CAUSE,
    ASK_PAPER,
    ASK_PRINTER,
    is_offline,
    is_status_byte,
    offline_causes,
    paper_state,
)
from devices.printer.slip import Slip
from devices.printer.transport import Transport
from devices.progress import ProgressBeat
from devices.worker import Worker

# A printer answers DLE EOT within a few milliseconds, busy or not.
STATUS_TIMEOUT_S = 0.5
POLL_INTERVAL_S = 30.0
# While the printer is missing, silent, offline or short of paper, ask again this often:
# its health and alarm follow a fix (a roll loaded, the cover shut) within about a second.
RETRY_INTERVAL_S = 1.0
# One lost or garbled answer on a noisy line should not raise an alarm.
STATUS_TRIES = 2
# The worker waits for a receipt being printed before it asks for the status, and a long
# receipt with a raster QR code takes tens of seconds at 9600 baud (the serial transport's
# write timeout grows with the data): only a wait longer than this is a hang.
ALLOWED_STALL_S = 120.0
# While idle between two status checks (up to an hour apart), beat this often.
IDLE_BEAT_S = 5.0

log = logging.getLogger("devices.printer")


class EscposReceiptPrinter:
    """Implements devices.printer.port.ReceiptPrinter."""

    def __init__(
        self,
        transport: Transport,
        layout: ReceiptLayout,
        *,
        device: str = "printer",
        status_timeout_s: float = STATUS_TIMEOUT_S,
        poll_interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        self.device = device
        self.transport = transport
        self.layout = layout
        self.status_timeout_s = status_timeout_s
        self.poll_interval_s = poll_interval_s
        self.health = HealthReporter(device, log)
        self.progress = ProgressBeat(device, ALLOWED_STALL_S)
        self._line = threading.Lock()
        # Whether the last status (from the worker or a print) was all well; a print that
        # finds trouble wakes the resting worker, so it looks again at RETRY_INTERVAL_S.
        self._all_well = True
        self._trouble = threading.Event()
        self._listeners: list[StatusListener] = []
        # Setting _trouble wakes a resting worker, so it sees the stop at once.
        self._worker = Worker("printer", self._poll, join_timeout_s=3, wake=self._trouble.set)

    @property
    def where(self) -> str:
        return self.transport.where

    def on_status(self, listener: StatusListener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        with self._line:
            self.transport.close()

    def status(self) -> PrinterStatus:
        with self._line:
            return self._status()

    def print_slip(self, slip: Slip) -> None:
        data = render_slip(slip, self.layout)
        with self._line:
            before = self._status()
            if before.paper == "out":
                raise PaperOut(f"the receipt printer on {self.where} is out of paper: load a "
                               "new roll (nothing was printed)")
            if not before.online:
                raise PrinterOffline(f"the receipt printer on {self.where} is offline"
                                     f"{_because(before.detail)} (nothing was printed)")
            try:
                self.transport.write(data)
            except PrinterError as error:
                self._report(error)
                raise
            after = self._status_after_printing()
        log.info("%s: printed %r (%d bytes)", self.device, slip.title, len(data))
        if after is not None and after.paper == "out":
            raise PaperOut(f"the receipt printer on {self.where} ran out of paper during the "
                           "receipt: load a new roll")

    # The line: every call below holds self._line.

    def _status(self) -> PrinterStatus:
        try:
            status = self._read_status()
        except PrinterError as error:
            self._report(error)
            raise
        self._report(status)
        return status

    def _status_after_printing(self) -> PrinterStatus | None:
        """The status once the receipt is sent. A printer that does not answer now has
        most likely printed it: that is reported, but the receipt is not called failed."""
        try:
            return self._status()
        except PrinterError as error:
            log.warning("%s: no status after printing: %s", self.device, error)
            return None

    def _read_status(self) -> PrinterStatus:
        if not self.transport.can_read:
            return PrinterStatus(online=True, paper="unknown",
                                 detail=f"{self.where} cannot report its status")
        online = not is_offline(self._ask(ASK_PRINTER, "printer status"))
        paper = paper_state(self._ask(ASK_PAPER, "paper status"))
        if paper == "out":
            return PrinterStatus(online, paper, "out of paper")
        if not online:
            causes = offline_causes(self._ask(ASK_OFFLINE_CAUSE, "offline cause"))
            return PrinterStatus(online, paper, "; ".join(causes) or "offline")
        return PrinterStatus(online, paper, "paper near end" if paper == "near_end" else "")

    def _ask(self, request: bytes, what: str) -> int:
        answer = b""
        for _ in range(STATUS_TRIES):
            answer = self.transport.ask(request, self.status_timeout_s)
            if answer and is_status_byte(answer[0]):
                return answer[0]
        if answer:
            raise PrinterError(
                f"the receipt printer on {self.where} answered the {what} request "
                f"(DLE EOT) with {answer.hex()}, which is not a status byte: check that the "
                "baud rate matches the printer's (its self-test page shows it)")
        raise PrinterNotResponding(
            f"the receipt printer on {self.where} does not answer the {what} request "
            f"(DLE EOT) within {self.status_timeout_s * 1000:.0f} ms: check that it is switched "
            "on and connected, and that its interface settings match the configuration")

    def _report(self, report: StatusReport) -> None:
        if isinstance(report, PrinterUnreachable):
            self.health.set(DeviceState.ABSENT, str(report))
        elif isinstance(report, PrinterError):
            self.health.set(DeviceState.FAULT, str(report))
        elif not report.can_print:
            self.health.set(DeviceState.FAULT, f"{self.where}: {report.detail}")
        else:
            detail = f"{self.where}, {report.detail}" if report.detail else self.where
            self.health.set(DeviceState.READY, detail)
        self._all_well = (isinstance(report, PrinterStatus) and report.can_print
                          and report.paper != "near_end")
        if not self._all_well:
            self._trouble.set()
        for listener in self._listeners:
            try:
                listener(report)
            except Exception:
                log.exception("%s: a status listener failed", self.device)

    # The worker thread.

    def _poll(self) -> None:
        while not self._worker.stopping.is_set():
            self.progress.beat()
            try:
                self.status()
            except PrinterError:
                pass                # reported, and so not all well
            except Exception:
                log.exception("%s: unexpected error while asking for the status", self.device)
                self._all_well = False
            self._rest()

    def _rest(self) -> None:
        """Waits until the next status check or stop(), beating meanwhile: resting between
        two checks is not a stall. The wait is poll_interval_s while all is well and
        RETRY_INTERVAL_S once anything is not, also when a print found it out meanwhile."""
        started = time.monotonic()
        self._trouble.clear()
        while not self._worker.stopping.is_set():
            interval = (self.poll_interval_s if self._all_well
                        else min(self.poll_interval_s, RETRY_INTERVAL_S))
            left = started + interval - time.monotonic()
            if left <= 0:
                return
            self.progress.beat()
            self._trouble.wait(min(left, IDLE_BEAT_S))
            self._trouble.clear()


def _because(detail: str) -> str:
    return f": {detail}" if detail and detail != "offline" else ""
