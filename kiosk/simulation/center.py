"""The district center's side of a pickup code, for demos and tests.

A real center receives `locker.deposited` events over MQTT, unseals the code with its
private key and texts it to the applicant. The demo terminal has no center, so in demo
mode this reads the same events from the outbox and unseals them with the demo key, and
the simulator panel shows the codes a resident would have received.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.services.locker.sealing import unseal
from kiosk.store import Store


@dataclass(frozen=True)
class DeliveredCode:
    deposit_id: str
    compartment: int
    case_number: str | None
    code: str
    qr: str


def load_private_key(path: Path) -> X25519PrivateKey:
    lines = [line for line in Path(path).read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return X25519PrivateKey.from_private_bytes(base64.b64decode(lines[0]))


class DemoCenter:
    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._key = private_key

    def codes_for_stored(self, store: Store) -> list[DeliveredCode]:
        """Codes of results that are still waiting in the locker."""
        with store.reading() as db:
            rows = db.execute(
                "SELECT o.payload FROM outbox o JOIN deposits d "
                "ON d.id = json_extract(o.payload, '$.deposit') "
                "WHERE o.type = 'locker.deposited' AND d.state = 'stored' ORDER BY o.seq"
            ).fetchall()
        delivered = []
        for (payload,) in rows:
            event = json.loads(payload)
            secret = unseal(self._key, event["pickup"], associated=event["deposit"])
            delivered.append(DeliveredCode(event["deposit"], event["compartment"],
                                           event.get("case_number"), secret["code"],
                                           secret["qr"]))
        return delivered
