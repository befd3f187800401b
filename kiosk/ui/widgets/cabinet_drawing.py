"""A drawing of the locker's front with one door lit: the door that just opened.

Seen from the front, as the resident stands. Every door is drawn to scale from the
configured layout with its number; the lit one is filled in the primary colour so it
can be matched to the cabinet at a glance, even by someone who cannot read the number.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from kiosk.config.cabinet import CabinetPlan


class DoorCell(Label):
    lit = BooleanProperty(False)


class CabinetDrawing(FloatLayout):
    plan: CabinetPlan | None = ObjectProperty(None, allownone=True)
    lit_door = NumericProperty(0)

    def on_plan(self, *_args: object) -> None:
        self._draw()

    def on_lit_door(self, *_args: object) -> None:
        for cell in self.children:
            if isinstance(cell, DoorCell):
                cell.lit = cell.text == str(self.lit_door)

    def _draw(self) -> None:
        self.clear_widgets()
        plan = self.plan
        if plan is None or not plan.doors:
            return
        width, height = 1 / plan.columns, 1 / plan.rows
        for door in plan.doors:
            self.add_widget(DoorCell(
                text=str(door.number),
                lit=door.number == self.lit_door,
                size_hint=(width, height * door.height),
                pos_hint={"x": (door.column - 1) * width,
                          "top": 1 - (door.top_row - 1) * height},
            ))

    def cell(self, number: int) -> DoorCell | None:
        """The drawn door with this number (for tests)."""
        return next((c for c in self.children
                     if isinstance(c, DoorCell) and c.text == str(number)), None)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
