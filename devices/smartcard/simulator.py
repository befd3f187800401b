"""A virtual card in a vpcd reader slot: tests and the demo panel insert and remove it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devices.sim.simulator import SimAction, SimStatus, UnknownAction
from devices.sim.vpcd import VirtualCard, VpcdSlot
from devices.smartcard.virtual_cards import (
    BlankContactCard,
    SocialSecurityCardApplet,
    StaffBadge,
)

SAMPLE_BADGES = ("04A1B2C3D4E5F6", "04112233445566")
# Fictional holders; the ID numbers are only syntactically valid (GB 11643 check digit).
SAMPLE_SOCIAL_SECURITY: dict[str, dict[str, Any]] = {
    "zhang_san": {},
    "li_si": {"name": "李四", "id_number": "110101195211021240", "card_number": "SIM000456",
              "sex": "2", "birth": "19521102", "nation": 3, "version": "2.00"},
}


class SmartcardSimulator:
    def __init__(self, vpcd_port: int, *, name: str = "smartcard") -> None:
        self.name = name
        self.slot = VpcdSlot(vpcd_port)

    def start(self) -> None:
        pass  # the reader is empty until a card is inserted

    def stop(self) -> None:
        self.slot.remove()

    # For tests.

    def insert(self, card: VirtualCard) -> None:
        self.slot.insert(card)

    def insert_social_security(self, holder: str = "zhang_san", *,
                               pin_required: bool = False) -> SocialSecurityCardApplet:
        if holder not in SAMPLE_SOCIAL_SECURITY:
            raise ValueError(f"no sample social-security card {holder!r}; there are: "
                             f"{', '.join(SAMPLE_SOCIAL_SECURITY)}")
        card = SocialSecurityCardApplet(**SAMPLE_SOCIAL_SECURITY[holder],
                                        pin_required=pin_required)
        self.slot.insert(card)
        return card

    def remove(self) -> None:
        self.slot.remove()

    # The Simulator protocol.

    def status(self) -> SimStatus:
        card = self.slot.card
        return SimStatus(plugged=True, detail={"card": card.kind if card else None})

    def actions(self) -> list[SimAction]:
        return [
            SimAction("badge", "Present a staff badge", params=("uid",), presets=SAMPLE_BADGES),
            SimAction("social_security", "Insert a social-security card", params=("holder",),
                      presets=tuple(SAMPLE_SOCIAL_SECURITY)),
            SimAction("social_security_pin", "Insert a card wanting a PIN", fault=True),
            SimAction("blank_card", "Insert a card of another kind", fault=True),
            SimAction("remove", "Take the card away"),
        ]

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        if action == "badge":
            uid = bytes.fromhex(args.get("uid") or SAMPLE_BADGES[0])
            self.slot.insert(StaffBadge(uid))
            return "badge presented"
        if action == "social_security":
            self.insert_social_security(args.get("holder") or "zhang_san")
            return "social-security card inserted"
        if action == "social_security_pin":
            self.insert_social_security(pin_required=True)
            return "social-security card (PIN required) inserted"
        if action == "blank_card":
            self.slot.insert(BlankContactCard())
            return "card of another kind inserted"
        if action == "remove":
            self.slot.remove()
            return "card removed"
        raise UnknownAction(self.name, action, self.actions())
