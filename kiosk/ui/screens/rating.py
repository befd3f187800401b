"""好差评: after a service that ended here (a result collected, papers left, a one-time
notice printed, a ticket issued) the resident may rate it, voluntarily.

Five large faces with their words (非常满意 ... 非常不满意); 非常满意, 满意 and 基本满意 are
sent at once, 不满意 and 非常不满意 first show that level's reasons from the standard as
large toggles (any number of them) and 提交. 跳过 on every step, and the screen never holds
the terminal: after a rating it thanks the resident for a moment and goes home, and left
alone it goes home by the idle rule every screen follows. Nothing about the resident is
shown or kept: the screen holds the event's reference (never shown) until it is left.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from contract import rating_options
from contract.rating_options import RatingOption
from kiosk.i18n import Translate
from kiosk.services.ratings import Rated, RatingOffer, RatingRefusal, RatingRefused
from kiosk.ui.futures import on_result
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import buttons, scroll_bars  # noqa: F401  (classes used in the .kv)

log = logging.getLogger(__name__)

# How long the thanks (or a polite refusal) stays before the screen goes home by itself.
THANKS_S = 4
REFUSED_S = 6


def done_text(tr: Translate, kind: str) -> str:
    """What just ended, above the faces: the resident should know what they rate."""
    if kind == "pickup":
        return tr("Done. Please take your document with you.")
    if kind == "dropoff":
        return tr("Your papers have been left for the staff.")
    if kind == "notice":
        return tr("Printed. Please take the notice from the slot below.")
    if kind == "ticket":
        return tr("Your number has been taken. Please wait to be called.")
    return ""


def level_words(tr: Translate, level: int) -> str:
    """非常满意 ... 非常不满意, in the screen's language."""
    return tr(rating_options.level(level).english)


def option_words(tr: Translate, option: RatingOption) -> str:
    return tr(option.english)


def refusal_words(tr: Translate, refused: RatingRefused | Exception) -> str:
    """Why the rating was not taken, politely: the resident did nothing wrong."""
    if isinstance(refused, RatingRefused) and refused.reason == RatingRefusal.ALREADY_RATED:
        return tr("This service has already been rated. Thank you.")
    return tr("This service cannot be rated here just now. Thank you all the same.")


def reasons_heading(tr: Translate, level: int) -> str:
    return tr("You chose: {level}. What went wrong? Tap all that apply, then tap "
              "Submit.").format(level=level_words(tr, level))


class RatingScreen(KioskScreen):
    # faces: choose a level; reasons: tick why (不满意, 非常不满意); end: thanks or refusal
    step = StringProperty("")
    kind = StringProperty("")        # what ended: pickup, dropoff, notice, ticket
    level = NumericProperty(0)
    message = StringProperty("")
    chosen = ListProperty([])        # option codes ticked, in the order ticked
    sending = BooleanProperty(False)
    _offer: RatingOffer | None = None
    # Bumped by offer() and reset(): an answer or timer that comes after the resident has
    # gone must not act on the next person's screen.
    _generation = 0
    _steps: dict[str, object]
    # The words, for the .kv (which cannot import this module while it loads).
    done_text = staticmethod(done_text)
    level_words = staticmethod(level_words)
    reasons_heading = staticmethod(reasons_heading)

    def on_kv_post(self, _base_widget: object) -> None:
        # One step on screen at a time; the others are kept aside, out of the widget tree
        # (hidden widgets would still take touches). ids are weak: held here by the widgets
        # themselves (__self__), or the steps set aside would be collected.
        self._steps = {step: self.ids[f"{step}_step"].__self__
                       for step in ("faces", "reasons", "end")}
        self.ids.body.clear_widgets()

    # -- the app opens it -----------------------------------------------------------------

    def offer(self, offer: RatingOffer | RatingRefused) -> None:
        """Shows the faces for ``offer``, or the polite refusal (rated already)."""
        self.reset()
        if isinstance(offer, RatingRefused):
            self._end(refusal_words(App.get_running_app().tr, offer), REFUSED_S)
            return
        self._offer = offer
        self.kind = str(offer.event.kind)
        self._show_step("faces")

    # -- the resident ---------------------------------------------------------------------

    def choose(self, level: int) -> None:
        if self._offer is None or self.sending or self.step != "faces":
            return
        self.level = level
        if rating_options.level(level).bad:
            self._show_reasons(level)
        else:
            self._send([])

    def submit(self) -> None:
        if self.step == "reasons" and not self.sending:
            self._send(list(self.chosen))

    def choose_again(self) -> None:
        """Back from the reasons to the faces (a face tapped by mistake)."""
        if self.sending:
            return
        self.level = 0
        self.chosen = []
        self.ids.reasons.clear_widgets()
        self._show_step("faces")

    def skip(self) -> None:
        """跳过: nothing is recorded, and the terminal is ready for the next person."""
        App.get_running_app().end_session("rating skipped")

    def finish(self) -> None:
        App.get_running_app().end_session("rated")

    def spoken(self, tr: Translate) -> str:
        if self.step == "faces":
            return tr("How satisfied are you with this service? Tap a face, or tap Skip.")
        if self.step == "reasons":
            return tr("Tap the reasons that apply, then tap Submit.")
        return self.message

    # -- inside ---------------------------------------------------------------------------

    def _show_reasons(self, level: int) -> None:
        tr = App.get_running_app().tr
        box = self.ids.reasons
        box.clear_widgets()
        self.chosen = []
        for option in rating_options.options_for(level):
            # A kv dynamic class gets its properties when its rule is applied: set after.
            toggle = Factory.RatingReason()
            toggle.code, toggle.text = option.code, option_words(tr, option)
            toggle.bind(state=self._ticked)
            box.add_widget(toggle)
        self.ids.reasons_scroll.scroll_y = 1
        self._show_step("reasons")

    def _ticked(self, toggle: object, state: str) -> None:
        code = getattr(toggle, "code", 0)
        if state == "down" and code not in self.chosen:
            self.chosen.append(code)
        elif state != "down" and code in self.chosen:
            self.chosen.remove(code)

    def _send(self, options: list[int]) -> None:
        app = App.get_running_app()
        desk = app.services.ratings
        if self._offer is None or desk is None:
            return
        self.sending = True
        generation = self._generation
        on_result(desk.submit(self._offer.event, int(self.level), options),
                  lambda answer: self._answered(generation, answer))

    def _answered(self, generation: int, answer: Rated | RatingRefused | Exception) -> None:
        if generation != self._generation:
            return
        self.sending = False
        tr = App.get_running_app().tr
        if isinstance(answer, Rated):
            self._end(tr("Thank you for your rating."), THANKS_S)
        else:
            if isinstance(answer, Exception):
                # The resident is thanked all the same; the technician needs to know.
                log.error("rating not recorded: %s", answer)
            self._end(refusal_words(tr, answer), REFUSED_S)

    def _end(self, message: str, after_s: float) -> None:
        self.message = message
        self._show_step("end")
        generation = self._generation
        Clock.schedule_once(lambda _dt: self._leave(generation), after_s)

    def _leave(self, generation: int) -> None:
        if (generation == self._generation and self.manager is not None
                and self.manager.current == self.name):
            self.finish()

    def _show_step(self, step: str) -> None:
        self.step = step
        body = self.ids.body
        body.clear_widgets()
        body.add_widget(self._steps[step])
        if self.manager is not None and self.manager.current == self.name:
            App.get_running_app().speak_screen()

    def on_leave(self, *_args: object) -> None:
        self.reset()    # the next person must not find this event on the screen

    def reset(self) -> None:
        self._generation += 1
        self._offer = None
        self.step = self.kind = self.message = ""
        self.level = 0
        self.chosen = []
        self.sending = False
        self.ids.reasons.clear_widgets()
        self.ids.body.clear_widgets()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
