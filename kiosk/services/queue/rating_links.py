"""The rating code on a ticket slip (好差评 by QR): the district center's rating page for
exactly that ticket, signed by this terminal (contract/rating_tokens.py), so the center
can check it whether or not the terminal is online and nobody can make one up.

Only on the slip the resident takes away, never on the hall's call display: anyone in
the hall could scan a code shown there and rate someone else's service."""

from __future__ import annotations

from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.rating_tokens import claims_for_ticket, sign
from kiosk.config.schema import KioskConfig
from kiosk.services.keys import KeyedHash, rating_signing_key


class RatingLinks:
    def __init__(self, base_url: str, key: Ed25519PrivateKey, district: str,
                 terminal: str) -> None:
        self.base_url = base_url
        self._key = key
        self.district = district
        self.terminal = terminal

    @classmethod
    def for_config(cls, config: KioskConfig, keyed_hash: KeyedHash) -> RatingLinks | None:
        """None when `ratings.qr_base_url` is empty: no rating code is printed."""
        if not config.ratings.qr_base_url:
            return None
        station = config.station
        return cls(config.ratings.qr_base_url, rating_signing_key(keyed_hash),
                   station.district_id, station.terminal_id)

    def for_ticket(self, label: str, day: str) -> str:
        """The address for ticket ``label`` of ``day`` (ISO date, the queue's day)."""
        claims = claims_for_ticket(self.district, self.terminal, label, date.fromisoformat(day))
        return self.base_url + sign(self._key, claims)
