"""A resident's drop-off is stored: its receipt number, large, until they say done, while
the receipt prints; printed again on request, the same slip with the same number."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from devices.printer.slip import Slip
from kiosk.i18n import Translate
from kiosk.services.printing import PrintOutcome
from kiosk.ui.futures import on_result
from kiosk.ui.receipt_text import print_status_text, printed
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.spoken_text import receipt_prompt
from kiosk.ui.widgets import back_bar, buttons, qr_code  # noqa: F401  (used in the .kv)


class DropoffReceiptScreen(KioskScreen):
    receipt = StringProperty("")
    compartment = NumericProperty(0)
    qr_data = StringProperty("")
    print_line = StringProperty("")
    printing = BooleanProperty(False)
    print_failed = BooleanProperty(False)
    has_printer = BooleanProperty(True)
    _slip: Slip | None = None
    # Bumped by show() and reset(): a print that ends after the resident has gone must
    # not write its result onto the next person's screen.
    _generation = 0

    def show(self, receipt: str, compartment: int, slip: Slip) -> None:
        app = App.get_running_app()
        self._generation += 1
        self._slip = slip
        self.receipt = receipt
        self.compartment = compartment
        self.qr_data = slip.qr_codes[0].data if slip.qr_codes else ""
        self.has_printer = app.services.devices.has_printer
        # A print still running for an earlier receipt reports to nobody now.
        self.printing = self.print_failed = False
        self.print_line = ""

    def spoken(self, tr: Translate) -> str:
        return receipt_prompt(tr, self.receipt, self.compartment) if self.receipt else ""

    def print_receipt(self) -> None:
        """Prints the slip shown (again, when asked): never a second number."""
        app = App.get_running_app()
        if self._slip is None or self.printing:
            return
        generation = self._generation
        self.printing = True
        self.print_failed = False
        self.print_line = print_status_text(app.tr, None)
        on_result(app.services.printing.submit(self._slip),
                  lambda outcome: self._printed(generation, outcome))

    def _printed(self, generation: int, outcome: PrintOutcome | Exception) -> None:
        if generation != self._generation:
            return
        self.printing = False
        self.print_failed = not printed(outcome)
        self.print_line = print_status_text(App.get_running_app().tr, outcome)

    def on_leave(self, *_args: object) -> None:
        self.reset()  # the next person must not find this receipt

    def reset(self) -> None:
        self._generation += 1
        self._slip = None
        self.receipt = self.qr_data = self.print_line = ""
        self.compartment = 0
        self.printing = self.print_failed = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
