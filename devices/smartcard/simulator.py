"""A virtual card in a vpcd reader slot: tests and the demo panel insert and remove it."""

from __future__ import annotations

from collections.abc import Mapping

from devices.sim.simulator import SimAction, SimStatus, UnknownAction
from devices.sim.vpcd import VpcdSlot
from devices.smartcard.virtual_cards import StaffBadge

SAMPLE_BADGES = ("04A1B2C3D4E5F6", "04112233445566")


class SmartcardSimulator:
    def __init__(self, vpcd_port: int, *, name: str = "smartcard") -> None:
        self.name = name
        self.slot = VpcdSlot(vpcd_port)

    def start(self) -> None:
        pass  # the reader is empty until a card is inserted

    def stop(self) -> None:
        self.slot.remove()

    def status(self) -> SimStatus:
        card = self.slot.card
        return SimStatus(plugged=True, detail={"card": card.kind if card else None})

    def actions(self) -> list[SimAction]:
        return [
            SimAction("badge", "Present a staff badge", params=("uid",), presets=SAMPLE_BADGES),
            SimAction("remove", "Take the card away"),
        ]

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        if action == "badge":
            uid = bytes.fromhex(args.get("uid") or SAMPLE_BADGES[0])
            self.slot.insert(StaffBadge(uid))
            return "badge presented"
        if action == "remove":
            self.slot.remove()
            return "card removed"
        raise UnknownAction(self.name, action, self.actions())
