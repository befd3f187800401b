"""A virtual card in a vpcd reader slot: tests and the demo panel insert and remove it."""

from __future__ import annotations

from typing import Any

from devices.sim.actions import ActionDispatch, ActionSpec, Arg
from devices.sim.simulator import SimStatus
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


class SmartcardSimulator(ActionDispatch):
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

    def _present_badge(self, uid: str) -> None:
        self.slot.insert(StaffBadge(bytes.fromhex(uid)))

    def _insert_card_wanting_a_pin(self) -> None:
        self.insert_social_security(pin_required=True)

    def _insert_blank_card(self) -> None:
        self.slot.insert(BlankContactCard())

    ACTIONS = (
        ActionSpec("badge", "Present a staff badge", _present_badge,
                   args=(Arg("uid", default=SAMPLE_BADGES[0]),), presets=SAMPLE_BADGES,
                   done="badge presented"),
        ActionSpec("social_security", "Insert a social-security card", insert_social_security,
                   args=(Arg("holder", default="zhang_san"),),
                   presets=tuple(SAMPLE_SOCIAL_SECURITY), done="social-security card inserted"),
        ActionSpec("social_security_pin", "Insert a card wanting a PIN",
                   _insert_card_wanting_a_pin, fault=True,
                   done="social-security card (PIN required) inserted"),
        ActionSpec("blank_card", "Insert a card of another kind", _insert_blank_card,
                   fault=True, done="card of another kind inserted"),
        ActionSpec("remove", "Take the card away", remove, done="card removed"),
    )
