"""The birth carries the public key of the terminal's rating tokens (`ratingKey`,
docs/mqtt.md "state"): the whole terminal on a real broker, whose ticket's rating code
verifies with the key its birth announced; the same key after a restart; the death
carries none."""

from __future__ import annotations

import base64
from datetime import date

from contract.rating_tokens import public_key_from_text, verify
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.services.keys import KeyedHash, load_or_create_key, rating_signing_key
from kiosk.services.queue.model import IssuedTicket
from kiosk.store import open_store
from tests.fixtures.queue_ui import free_port, queue_settings

BASE = "https://zwfw.example.gov.cn/r/"
STATE = "kiosk/v1/test-district/test-01/state"


def test_the_birth_announces_the_key_the_ticket_codes_are_signed_with(broker, subscribe,
                                                                      write_config):
    config = load_config(write_config({
        **queue_settings(free_port(), ""),
        "mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port,
                 "keepalive_s": 5},
        "ratings": {"qr_base_url": BASE}}))
    watcher = subscribe(STATE)
    announced = []
    for _run in range(2):                           # and again after a restart
        seen = len(watcher.messages)
        store = open_store(config.store.path)
        terminal = build_terminal(config, store)
        terminal.start()
        try:
            birth = watcher.wait_for(lambda m: m.json()["online"], after=seen).json()
            assert terminal.queue is not None
            issued = terminal.queue.issue("general")
            assert isinstance(issued, IssuedTicket), issued
        finally:
            terminal.stop()
            store.close()
        death = watcher.wait_for(lambda m: not m.json()["online"], after=seen).json()
        assert "ratingKey" not in death
        day = date.fromisoformat(issued.ticket.day)
        claims = verify(public_key_from_text(birth["ratingKey"]),
                        issued.rating_url.removeprefix(BASE), day)
        assert (claims.district, claims.terminal, claims.ticket, claims.day) == (
            "test-district", "test-01", issued.ticket.label, day)
        announced.append(birth["ratingKey"])
    assert announced[0] == announced[1]
    # Derived from the terminal's secret (security.key_file), kept nowhere else.
    secret = KeyedHash(load_or_create_key(config.security.key_file))
    raw = rating_signing_key(secret).public_key().public_bytes_raw()
    assert announced[0] == base64.b64encode(raw).decode()
