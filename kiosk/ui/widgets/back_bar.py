"""The bar at the top of every screen but home: back, the screen's title, home."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout


class BackBar(BoxLayout):
    title = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
