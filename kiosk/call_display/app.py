"""The call display as its own Kivy app: a TV in the waiting area driven by the
terminal's window API, with the voice beside it."""

from __future__ import annotations

import logging
from typing import Any

from kivy.app import App
from kivy.clock import mainthread
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from devices.voice.port import Announcer
from kiosk.api.window_client import WindowApiClient
from kiosk.call_display.feed import CallFeed, HelpFeed, HelpWaiting
from kiosk.call_display.screen import CallDisplayScreen
from kiosk.config.schema import KioskConfig
from kiosk.i18n import translator
from kiosk.services.queue.announcements import call_text
from kiosk.services.queue.model import Call
from kiosk.ui import theme
from kiosk.ui.fonts import CjkFonts

log = logging.getLogger(__name__)


class CallDisplayApp(App):
    title = "Call display"
    tr = ObjectProperty(None)
    language = StringProperty("zh_CN")
    landscape = BooleanProperty(True)

    def __init__(self, config: KioskConfig, fonts: CjkFonts, client: WindowApiClient,
                 announcer: Announcer | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.fonts = fonts
        self.language = config.display.language
        self.tr = translator(self.language)
        self.landscape = config.display.orientation == "landscape"
        self.text_scale = 1.0
        self.announcer = announcer
        self.feed = CallFeed(client, self._calls, self._link)
        self.help_feed = HelpFeed(client, self._help)

    def build(self) -> ScreenManager:
        LabelBase.register(DEFAULT_FONT, fn_regular=str(self.fonts.regular),
                           fn_bold=str(self.fonts.bold))
        display = self.kiosk_config.display
        Window.size = theme.SCREEN_SIZES[display.orientation]
        Window.clearcolor = theme.BACKGROUND
        if display.fullscreen:
            Window.fullscreen = "auto"
        self.screens = ScreenManager(transition=NoTransition())
        self.display = CallDisplayScreen()
        self.screens.add_widget(self.display)
        return self.screens

    def on_start(self) -> None:
        if self.announcer is not None:
            self.announcer.start()
        self.feed.start()
        self.help_feed.start()

    def on_stop(self) -> None:
        self.feed.stop()
        self.help_feed.stop()
        if self.announcer is not None:
            self.announcer.stop()

    @mainthread
    def _calls(self, calls: list[Call], fresh: bool) -> None:
        self.display.show_calls(calls)
        if fresh and self.announcer is not None:
            for call in calls:
                self.announcer.say(call_text(call))

    @mainthread
    def _help(self, waiting: list[HelpWaiting]) -> None:
        self.display.show_help(waiting)

    @mainthread
    def _link(self, linked: bool) -> None:
        self.display.linked = linked
