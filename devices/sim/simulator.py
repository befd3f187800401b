"""What every wire-level simulator offers to its host, tests and the demo panel.

Simulators declare their actions once, in a table, and get ``actions()`` and ``perform()``
from ``devices.sim.actions.ActionDispatch``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SimAction:
    """Something a test or demo operator can make the simulated device do.

    ``label`` is an English phrase the UI translates; ``presets`` are sample values the
    panel offers as buttons for the first parameter.
    """

    name: str
    label: str
    params: tuple[str, ...] = ()
    presets: tuple[str, ...] = ()
    fault: bool = False


@dataclass
class SimStatus:
    plugged: bool
    faults: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


class Simulator(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def status(self) -> SimStatus: ...

    def actions(self) -> list[SimAction]: ...

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        """Does ``action``; returns what happened in a few words. ValueError if unknown."""
        ...


class UnknownAction(ValueError):
    def __init__(self, simulator: str, action: str, known: list[SimAction]) -> None:
        names = ", ".join(a.name for a in known)
        super().__init__(f"{simulator} has no action {action!r}; it has: {names}")
