"""Printing slips, and the printer's alarms.

print_slip() never raises into the UI: it says whether the slip was printed and, if not,
why, and the UI then shows the same slip on screen, QR code included. The printer's state
becomes alarms for staff (out of paper, paper low, offline, not answering), raised and
cleared as the facts change: from print attempts and from the printer's own status checks
while idle, so loading a roll clears the alarm without anyone printing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from devices.printer.port import (
    PaperOut,
    PrinterError,
    PrinterNotResponding,
    PrinterOffline,
    PrinterUnreachable,
    ReceiptPrinter,
    StatusReport,
)
from devices.printer.slip import Slip
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.store import Store

ALARM_PAPER_OUT = "printer.paper_out"
ALARM_PAPER_LOW = "printer.paper_low"
ALARM_OFFLINE = "printer.offline"
ALARM_UNREACHABLE = "printer.unreachable"
PRINTER_ALARMS = (ALARM_PAPER_OUT, ALARM_PAPER_LOW, ALARM_OFFLINE, ALARM_UNREACHABLE)
SUBJECT = "printer"

# Why a slip was not printed. The UI has words for each (kiosk/ui/slip_text.py).
NotPrinted = Literal["paper_out", "offline", "not_responding", "unreachable", "failed",
                     "no_printer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    reason: NotPrinted | None = None
    detail: str = ""        # for logs and staff, never shown to residents


PRINTED = PrintOutcome(printed=True)


class PrintService:
    """print_slip() blocks (a receipt takes seconds on a slow serial line); submit() runs
    it on the one print worker, so slips from the guide and the ticket desk never mix."""

    def __init__(self, store: Store, printer: ReceiptPrinter | None) -> None:
        self._store = store
        self._printer = printer
        self._lock = threading.Lock()
        if printer is not None:
            printer.on_status(self.observe)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print")

    def submit(self, slip: Slip, then: Callable[[PrintOutcome], None] | None = None
               ) -> Future[PrintOutcome]:
        """Prints on the worker; ``then`` runs there with the outcome before the future is
        done, so whoever waits on the future sees what ``then`` recorded."""

        def job() -> PrintOutcome:
            outcome = self.print_slip(slip)
            if then is not None:
                then(outcome)
            return outcome

        return self._worker.submit(job)

    def stop(self) -> None:
        """Lets a slip being printed finish; drops the ones not started."""
        self._worker.shutdown(wait=True, cancel_futures=True)

    def print_slip(self, slip: Slip) -> PrintOutcome:
        if self._printer is None:
            return PrintOutcome(False, "no_printer", "this terminal has no printer")
        try:
            self._printer.print_slip(slip)
        except PrinterError as error:
            self.observe(error)
            outcome = PrintOutcome(False, _reason(error), str(error))
            log.warning("slip %r not printed (%s): %s", slip.title, outcome.reason, error)
            return outcome
        except Exception as error:
            log.exception("slip %r not printed: unexpected error", slip.title)
            return PrintOutcome(False, "failed", f"{type(error).__name__}: {error}")
        return PRINTED

    def observe(self, report: StatusReport) -> None:
        """States the printer's facts as alarms. Called with every status the printer reads
        and every error it meets; never raises."""
        try:
            self._record(_facts(report), _detail(report))
        except Exception:
            log.exception("printer alarms could not be recorded")

    def _record(self, facts: dict[str, bool], detail: str) -> None:
        # raise_alarm and clear_alarm do nothing when the alarm already is as stated, so the
        # facts are simply restated; only what really changed is logged.
        with self._lock, self._store.transaction() as db:
            changed = {kind: active for kind, active in facts.items()
                       if (raise_alarm(db, kind, SUBJECT, {"detail": detail}) if active
                           else clear_alarm(db, kind, SUBJECT))}
        for kind, active in changed.items():
            log.log(logging.WARNING if active else logging.INFO, "alarm %s %s", kind,
                    "raised" if active else "cleared")


def _facts(report: StatusReport) -> dict[str, bool]:
    """Which printer alarms this report says are active (True) or over (False); alarms it
    says nothing about are left out."""
    if isinstance(report, PaperOut):
        return {ALARM_PAPER_OUT: True, ALARM_PAPER_LOW: False, ALARM_UNREACHABLE: False}
    if isinstance(report, PrinterOffline):
        return {ALARM_OFFLINE: True, ALARM_UNREACHABLE: False}
    if isinstance(report, PrinterError):
        return {ALARM_UNREACHABLE: True}
    facts = {ALARM_UNREACHABLE: False,
             ALARM_OFFLINE: not report.online and report.paper != "out"}
    if report.paper != "unknown":
        facts[ALARM_PAPER_OUT] = report.paper == "out"
        facts[ALARM_PAPER_LOW] = report.paper == "near_end"
    return facts


def _detail(report: StatusReport) -> str:
    return str(report) if isinstance(report, PrinterError) else report.detail


def _reason(error: PrinterError) -> NotPrinted:
    if isinstance(error, PaperOut):
        return "paper_out"
    if isinstance(error, PrinterOffline):
        return "offline"
    if isinstance(error, PrinterNotResponding):
        return "not_responding"
    if isinstance(error, PrinterUnreachable):
        return "unreachable"
    return "failed"

