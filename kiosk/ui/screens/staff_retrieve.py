"""Staff take out residents' drop-offs and results nobody collected in time: chosen from
the list, or by scanning the QR code on a drop-off receipt."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.services.locker.model import DepositView, Started
from kiosk.services.locker.receipts import is_receipt_qr, receipt_from_qr
from kiosk.ui.futures import on_result
from kiosk.ui.refusal_text import refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.buttons import QuietButton


class StaffRetrieveScreen(KioskScreen):
    message = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        self.ids.entries.clear_widgets()
        locker = App.get_running_app().services.locker
        if locker is not None:
            on_result(locker.waiting_for_staff(), self._show)

    def _show(self, waiting: list[DepositView] | Exception) -> None:
        app = App.get_running_app()
        box = self.ids.entries
        box.clear_widgets()
        if isinstance(waiting, Exception):
            self.message = app.tr("The list could not be read: {error}").format(error=waiting)
            return
        self.message = "" if waiting else app.tr("Nothing is waiting.")
        for deposit in waiting:
            button = QuietButton(text=self.describe(deposit))
            button.bind(on_release=lambda _b, d=deposit: self.retrieve(d))
            box.add_widget(button)

    def describe(self, deposit: DepositView) -> str:
        tr = App.get_running_app().tr
        if deposit.kind == "dropoff":
            what = tr("drop-off, receipt {receipt}").format(receipt=deposit.receipt)
        else:
            what = tr("overdue result, case {case}").format(case=deposit.case_number)
        return tr("Compartment {number}: {what}").format(number=deposit.compartment, what=what)

    def handle_scan(self, text: str) -> bool:
        """A drop-off receipt's QR code opens that drop-off's compartment, as choosing it
        in the list does. Other codes are not this screen's (False)."""
        if not is_receipt_qr(text):
            return False
        app = App.get_running_app()
        receipt = receipt_from_qr(text, app.services.config.station.terminal_id)
        if receipt is None:
            self.message = app.tr("This receipt is not from this terminal's locker.")
            return True
        if app.services.locker is not None:
            on_result(app.services.locker.waiting_for_staff(),
                      lambda waiting: self._retrieve_by_receipt(receipt, waiting))
        return True

    def _retrieve_by_receipt(self, receipt: str,
                             waiting: list[DepositView] | Exception) -> None:
        app = App.get_running_app()
        if isinstance(waiting, Exception):
            self.message = app.tr("The list could not be read: {error}").format(error=waiting)
            return
        deposit = next((d for d in waiting if d.kind == "dropoff" and d.receipt == receipt),
                       None)
        if deposit is None:
            self.message = app.tr("No drop-off with receipt {receipt} is in the locker: it "
                                  "may have been taken out already.").format(receipt=receipt)
            return
        self.message = ""
        self.retrieve(deposit)

    def retrieve(self, deposit: DepositView) -> None:
        app = App.get_running_app()
        on_result(app.services.locker.retrieve(app.staff.id, deposit.id), self._answered)

    def _answered(self, result: object) -> None:
        app = App.get_running_app()
        if isinstance(result, Started):
            app.show_door(result)
        else:
            self.message = refusal_text(app.tr, result)  # type: ignore[arg-type]

    def reset(self) -> None:
        # The list is read afresh each time staff come here; nothing stays for the next.
        self.ids.entries.clear_widgets()
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
