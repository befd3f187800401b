"""The district center's side of a pickup code and of a command, for demos and tests.

A real center receives `locker.deposited` events over MQTT, unseals the code with its
private key and texts it to the applicant. The demo terminal has no center, so in demo
mode this reads the same events from the outbox and unseals them with the demo key, and
the simulator panel shows the codes a resident would have received.

make_command() signs a command as the center does; python -m kiosk.cli.telemetry_demo
sends one to a terminal.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from contract.command_signing import sign_command
from contract.sealing import unseal
from kiosk.store import Store


@dataclass(frozen=True)
class DeliveredCode:
    deposit_id: str
    compartment: int
    case_number: str | None
    code: str
    qr: str


def make_command(key: Ed25519PrivateKey, district: str, terminal: str, command_type: str,
                 args: Mapping[str, Any] | None = None, *, lifetime_s: float = 300,
                 issued_at: float | None = None, command_id: str | None = None) -> bytes:
    """A signed command as the district center sends it (docs/mqtt.md, "Commands")."""
    issued = time.time() if issued_at is None else issued_at
    return sign_command(key, {
        "schema": 1, "id": command_id or str(uuid.uuid4()), "district": district,
        "terminal": terminal, "type": command_type, "issuedAt": int(issued * 1000),
        "expiresAt": int((issued + lifetime_s) * 1000), "args": dict(args or {}),
    })


class DemoCenter:
    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._key = private_key

    def codes_for_stored(self, store: Store) -> list[DeliveredCode]:
        """Codes of results that are still waiting in the locker: for each, the code of its
        latest locker.deposited or locker.code_reissued event."""
        with store.reading() as db:
            rows = db.execute(
                "SELECT o.payload FROM outbox o JOIN deposits d "
                "ON d.id = json_extract(o.payload, '$.deposit') "
                "WHERE o.type IN ('locker.deposited', 'locker.code_reissued') "
                "AND d.state = 'stored' ORDER BY o.seq"
            ).fetchall()
        delivered: dict[str, DeliveredCode] = {}
        for (payload,) in rows:
            event = json.loads(payload)
            secret = unseal(self._key, event["pickup"], associated=event["deposit"])
            delivered[event["deposit"]] = DeliveredCode(
                event["deposit"], event["compartment"], event.get("case_number"),
                secret["code"], secret["qr"])
        return list(delivered.values())
