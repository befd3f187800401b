"""The answer to 呼叫帮助: who was called, and what else the resident can do meanwhile.

It stays until the resident taps OK, the staff answer (it then says someone is coming),
or the session ends; it never blocks the screen behind it for longer than a tap.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.modalview import ModalView


class HelpCalled(ModalView):
    message = StringProperty("")
    answered = BooleanProperty(False)
    _anim_duration = 0   # gone at once when the session ends


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
