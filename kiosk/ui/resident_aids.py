"""The two aids a resident has on every screen: the voice (语音播报, with 重听) and the
help button (呼叫帮助). The app hands them the screen shown; they own the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kivy.clock import mainthread

from kiosk.i18n import Translate, translator
from kiosk.services.help_desk import HelpCall, HelpDesk, HelpRequest
from kiosk.services.speech import ResidentVoice
from kiosk.ui.futures import on_result
from kiosk.ui.help_call_text import help_answered_text, help_called_text
from kiosk.ui.spoken_text import spelled
from kiosk.ui.widgets.help_called import HelpCalled
from kiosk.ui.widgets.status_bar import StatusBar

log = logging.getLogger(__name__)


class ResidentAids:
    def __init__(self, voice: ResidentVoice, help_desk: HelpDesk | None, hotline: str,
                 status_bar: StatusBar, shown_tr: Callable[[], Translate]) -> None:
        self.voice = voice
        self._help_desk = help_desk
        self._hotline = hotline
        self._status_bar = status_bar
        self._shown_tr = shown_tr              # the language on screen, which may change
        # The voice speaks Mandarin whatever the screen shows (see spoken_text).
        self._voice_tr = translator("zh_CN")
        self.help_called: HelpCalled | None = None
        status_bar.voice_on = voice.available and not voice.muted
        voice.on_mute_changed(self._mute_changed)
        if help_desk is not None:
            help_desk.subscribe(self._help_changed)

    # -- the voice ----------------------------------------------------------------------

    def say(self, compose: Callable[[Translate], str]) -> None:
        """Speaks ``compose(tr)``, composed in the voice's language ("" falls silent)."""
        self.voice.prompt(compose(self._voice_tr))

    def repeat(self) -> None:
        self.voice.repeat()

    @mainthread
    def _mute_changed(self, muted: bool) -> None:
        self._status_bar.voice_on = self.voice.available and not muted

    # -- help ---------------------------------------------------------------------------

    def call_for_help(self, screen: str) -> None:
        """Staff (and the district center) hear which screen the resident is on."""
        if self._help_desk is not None:
            on_result(self._help_desk.call(screen), self._called)

    def _called(self, call: HelpCall | Exception) -> None:
        if isinstance(call, Exception):
            log.error("help: the call could not be recorded: %s", call)
            call = HelpCall(0, "", already_called=False, staffed_now=False)

        def words(tr: Translate, phone: str) -> str:
            return help_called_text(tr, staffed_now=call.staffed_now,
                                    already_called=call.already_called, phone=phone)

        if self.help_called is not None:
            self.help_called.dismiss()
        popup = HelpCalled(message=words(self._shown_tr(), self._hotline))
        popup.bind(on_dismiss=lambda *_a: setattr(self, "help_called", None))
        self.help_called = popup
        popup.open()
        self.say(lambda tr: words(tr, spelled(self._hotline)))

    @mainthread
    def _help_changed(self, request: HelpRequest) -> None:
        popup = self.help_called
        if popup is not None and request.state == "answered":
            popup.answered = True
            popup.message = help_answered_text(self._shown_tr())
            self.say(help_answered_text)

    # -- the session ends ---------------------------------------------------------------

    def forget(self) -> None:
        """Nothing of this resident's help or prompts is left for the next one."""
        if self.help_called is not None:
            self.help_called.dismiss()
        self.voice.reset()   # 重听 must not replay the last resident's receipt
