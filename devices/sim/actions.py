"""Simulator actions declared once, and the one ``perform`` that checks and runs them.

Each simulator lists its actions in a table (``ACTIONS``): the name tests, `kiosk sim do`
and the demo panel use, the label the panel shows, the arguments it takes with their types
and defaults, and the method that does it. ``ActionDispatch`` turns that table into the
``actions()`` the control socket lists and the ``perform()`` it calls: an unknown action
names the ones there are, a missing or malformed argument says which and how to write it,
and arguments an action does not take are ignored (the fault rigs pass ``seconds`` to every
camera action that shows a code, and others none).

Arguments arrive as text (JSON strings, KEY=VALUE on the command line, a panel preset) and
are converted here, so a method receives ``int`` or ``float`` values and never parses.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from devices.sim.simulator import SimAction, UnknownAction


class _Required(enum.Enum):
    REQUIRED = "required"


REQUIRED = _Required.REQUIRED

ArgValue = str | int | float | None
# Sample values for the panel: fixed, or worked out from the simulator now (the doors
# that stand open).
Presets = tuple[str, ...] | Callable[[Any], tuple[str, ...]]


def whole_number(text: str, name: str) -> int:
    """``text`` as an int; a ValueError naming ``name`` if it is not one."""
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None


def real_number(text: str, name: str) -> float:
    """``text`` as a float; a ValueError naming ``name`` if it is not one."""
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None


@dataclass(frozen=True)
class Arg:
    """One KEY=VALUE an action takes: text (``str``), a whole number (``int``) or a number
    (``float``). Without a default it is required. An empty text counts as not given, so a
    panel button without a value gets the default; an empty number is malformed."""

    name: str
    kind: type[str] | type[int] | type[float] = str
    default: ArgValue | _Required = REQUIRED

    def missing(self, simulator: str) -> ValueError:
        example = "N" if self.kind in (int, float) else "..."
        return ValueError(f"{simulator}: this action needs {self.name}={example}")

    def read(self, simulator: str, args: Mapping[str, Any]) -> ArgValue:
        given = args.get(self.name)
        text = None if given is None else str(given)
        if text is None or (text == "" and self.kind is str
                            and self.default is not REQUIRED):
            if self.default is REQUIRED:
                raise self.missing(simulator)
            return self.default
        if self.kind is int:
            return whole_number(text, self.name)
        if self.kind is float:
            return real_number(text, self.name)
        return text


@dataclass(frozen=True)
class ActionSpec:
    """One action: ``run(simulator, **arguments)`` does it. What happened, in a few words,
    is ``done``, or (without one) the text ``run`` returns.

    ``args`` are what the action is about (the panel offers ``presets`` for the first);
    ``options`` are taken when given but never offered. ``label`` is an English phrase the
    panel translates; ``fault`` marks what breaks the device."""

    name: str
    label: str
    run: Callable[..., object]
    args: tuple[Arg, ...] = ()
    options: tuple[Arg, ...] = ()
    presets: Presets = ()
    fault: bool = False
    done: str = ""

    def describe(self, simulator: object) -> SimAction:
        presets = self.presets(simulator) if callable(self.presets) else self.presets
        return SimAction(self.name, self.label, params=tuple(a.name for a in self.args),
                         presets=presets, fault=self.fault)

    def arguments(self, simulator: str, args: Mapping[str, Any]) -> dict[str, ArgValue]:
        return {arg.name: arg.read(simulator, args) for arg in (*self.args, *self.options)}


class ActionDispatch:
    """The Simulator protocol's ``actions`` and ``perform``, from the class's ``ACTIONS``."""

    name: str
    ACTIONS: ClassVar[tuple[ActionSpec, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = [spec.name for spec in cls.ACTIONS]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise TypeError(f"{cls.__name__} declares {', '.join(twice)} more than once")

    def actions(self) -> list[SimAction]:
        return [spec.describe(self) for spec in self.ACTIONS]

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        """Does ``action``; returns what happened in a few words. UnknownAction (a
        ValueError) for an action it does not have, ValueError for a bad argument."""
        spec = next((spec for spec in self.ACTIONS if spec.name == action), None)
        if spec is None:
            raise UnknownAction(self.name, action, self.actions())
        outcome = spec.run(self, **spec.arguments(self.name, args))
        if spec.done:
            return spec.done
        if not isinstance(outcome, str):
            raise TypeError(f"{self.name}: action {action!r} has no done text and its method "
                            f"returned {outcome!r}")
        return outcome
