"""The port every receipt printer adapter implements, what it reports and how it fails.

Every error's message is meant for the station's staff or an installer: it names the
printer's transport and address (serial port, USB ids, host) and says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from devices.errors import DeviceError, DeviceNotFound, DeviceTimeout
from devices.health import HealthReporter
from devices.printer.slip import Slip
from devices.progress import ProgressBeat

PaperState = Literal["ok", "near_end", "out", "unknown"]


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself. ``paper`` is "unknown" for a printer that
    cannot be asked (a write-only device file)."""

    online: bool
    paper: PaperState
    detail: str = ""

    @property
    def can_print(self) -> bool:
        return self.online and self.paper != "out"


class PrinterError(DeviceError):
    """The printer could not print; the message names where it is and what to do."""


class PaperOut(PrinterError):
    """The paper roll is used up (nothing was sent), or ran out during the receipt."""


class PrinterOffline(PrinterError):
    """The printer answers but is offline: cover open, a paper jam, a cutter error."""


class PrinterNotResponding(PrinterError, DeviceTimeout):
    """The printer is connected but does not answer status requests, or stopped taking data."""


class PrinterUnreachable(PrinterError, DeviceNotFound):
    """The printer's port, USB device or network address cannot be opened."""


# The printer reports every status it reads (before each receipt and while idle), or the
# error it got instead, so that alarms follow the printer without anyone printing.
StatusReport = PrinterStatus | PrinterError
StatusListener = Callable[[StatusReport], None]


class ReceiptPrinter(Protocol):
    health: HealthReporter
    progress: ProgressBeat  # beaten by the worker thread's every turn

    def status(self) -> PrinterStatus:
        """Asks the printer now. Raises PrinterNotResponding or PrinterUnreachable."""
        ...

    def print_slip(self, slip: Slip) -> None:
        """Prints ``slip`` and cuts it off. Blocks until the bytes are sent (seconds on a
        slow serial line): call it from a worker thread, never the UI thread.

        Raises PaperOut (nothing printed), PrinterOffline, PrinterNotResponding,
        PrinterUnreachable, or PrinterError."""
        ...

    def on_status(self, listener: StatusListener) -> None:
        """Called on the caller's or the printer's worker thread with each status read."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
