"""The SMS gateway port: what the notice sender needs of any way to reach a handset.

Adapters: SMPP 3.4 to an operator's or aggregator's SMSC (smpp_gateway.py) and an HTTP
gateway (http_gateway.py). A send either hands the whole text to the gateway, which names
the message it accepted (one id per part for SMPP), or raises: GatewayRefused when the
gateway looked at this message and said no (a bad number: sending it again will not help
unless ``retry`` says so, as for throttling), GatewayUnavailable when it could not be
reached at all (try again later, nothing was sent). Delivery receipts come later, by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingSms:
    reference: str          # the notice's id: echoed by gateways that take one
    to: str                 # the handset, 11 digits (mainland mobile)
    text: str               # signature and body, as the handset shows it


@dataclass(frozen=True)
class Receipt:
    gateway_id: str
    delivered: bool
    reason: str             # the gateway's own words: DELIVRD, UNDELIV, err:001...


class GatewayRefused(Exception):
    """The gateway refused this message; ``reason`` is its own code, for people."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class GatewayUnavailable(Exception):
    """The gateway could not be reached; nothing was sent."""


class SmsGateway(Protocol):
    name: str

    def send(self, sms: OutgoingSms) -> list[str]:
        """The gateway's ids for the message (one per part); raises as above."""
        ...

    def take_receipts(self) -> list[Receipt]:
        """Receipts received since the last call."""
        ...

    def close(self) -> None:
        ...
