"""The ticket just issued, large, while it prints; or why none was issued."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.i18n import Translate
from kiosk.services.printing import PrintOutcome
from kiosk.services.queue.model import IssuedTicket, Refused
from kiosk.services.ratings import TicketIssued
from kiosk.ui.futures import on_result
from kiosk.ui.queue_text import PRINT_RESULTS, windows_text
from kiosk.ui.refusal_text import ticket_refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.spoken_text import ticket_prompt
from kiosk.ui.widgets import back_bar, buttons, qr_code  # noqa: F401  (used in the .kv)


class TicketScreen(KioskScreen):
    label = StringProperty("")
    category_name = StringProperty("")
    windows_line = StringProperty("")
    waiting_line = StringProperty("")
    note = StringProperty("")
    print_line = StringProperty("")
    status_url = StringProperty("")
    refusal = StringProperty("")

    _issued: IssuedTicket | None = None
    _refused: Refused | None = None

    def show_ticket(self, issued: IssuedTicket) -> None:
        app = App.get_running_app()
        self.refusal = ""
        self._issued, self._refused = issued, None
        self.label = issued.ticket.label
        self.category_name = issued.category_name
        self.windows_line = windows_text(issued.windows, app.tr)
        self.waiting_line = (
            app.tr("Nobody ahead of you: no wait") if issued.ahead == 0 else
            app.tr("{ahead} ahead of you, about {minutes} min").format(
                ahead=issued.ahead, minutes=issued.estimate_min))
        self.note = (app.tr("Priority service") if issued.ticket.rank == 0 else
                     app.tr("Appointment") if issued.ticket.rank == 1 else "")
        # The center's page for this ticket (where it stands, then its rating) when the
        # terminal signs one, as on the paper; else the configured status page.
        self.status_url = issued.rating_url or issued.status_url
        self.print_line = app.tr("Printing…")

    def printed(self, result: PrintOutcome | Exception) -> None:
        app = App.get_running_app()
        done = isinstance(result, PrintOutcome) and result.printed
        self.print_line = app.tr(PRINT_RESULTS["printed" if done else "not_printed"])

    def show_refusal(self, refused: Refused) -> None:
        app = App.get_running_app()
        self.reset()
        self._refused = refused
        self.refusal = ticket_refusal_text(app.tr, refused)

    def spoken(self, tr: Translate) -> str:
        if self._issued is not None:
            issued = self._issued
            return ticket_prompt(tr, issued.ticket.label, issued.ahead,
                                 windows_text(issued.windows, tr))
        return ticket_refusal_text(tr, self._refused) if self._refused is not None else ""

    def done(self) -> None:
        """完成: a ticket issued may be rated (好差评); a refusal goes home."""
        app = App.get_running_app()
        if self._issued is None:
            app.end_session("ticket taken")
            return
        ticket = self._issued.ticket
        app.offer_rating(TicketIssued(ticket.label, ticket.day), "ticket taken")

    def follow(self, future: object) -> None:
        on_result(future, self.printed)  # type: ignore[arg-type]

    def on_leave(self, *_args: object) -> None:
        self.reset()  # a ticket number is nobody else's business

    def reset(self) -> None:
        self._issued = self._refused = None
        self.label = self.category_name = self.waiting_line = self.note = ""
        self.windows_line = ""
        self.print_line = self.status_url = self.refusal = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
