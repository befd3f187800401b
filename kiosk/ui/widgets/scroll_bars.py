"""The look of every scroll bar in the app (a rule for Kivy's own ScrollView)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
