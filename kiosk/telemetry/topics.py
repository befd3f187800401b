"""The topic tree, in one place (documented in docs/mqtt.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topics:
    prefix: str
    district: str
    terminal: str

    @property
    def root(self) -> str:
        return f"{self.prefix}/{self.district}/{self.terminal}"

    @property
    def state(self) -> str:
        return f"{self.root}/state"
