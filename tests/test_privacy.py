"""Full names and ID numbers never reach the database, the logs or MQTT payloads.

The real terminal (composition root, readers, locker, MQTT link) runs the flows that
handle identities: a result stored with the applicant's ID number, collected with the
applicant's ID card, another collected by a proxy identified by a social-security card,
and `kiosk doctor idcard`. Then every byte written is searched for the names and numbers,
in every encoding they could take.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import queue
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.idcard.simulator import IdCardReaderSimulator, make_card
from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from devices.smartcard.simulator import SmartcardSimulator
from kiosk.app.logsetup import configure_logging
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.services.identity_source import IdentityPresented
from kiosk.simulation.center import DemoCenter
from kiosk.store import open_store
from tests.fixtures.pcsc import vpcd_reader_name
from tests.waiting import wait_until

REPO = Path(__file__).resolve().parents[1]
APPLICANT_NAME, APPLICANT_ID = "王大明", "11010519491231002X"
PROXY_NAME, PROXY_ID = "张三", "110101198506151230"   # the virtual social-security card


def encodings(text: str) -> list[bytes]:
    forms = {text.encode("utf-8"), text.encode("utf-16-le")}
    with contextlib.suppress(UnicodeEncodeError):
        forms.add(text.encode("gbk"))
    return sorted(forms)



@pytest.mark.slow
def test_no_name_or_id_number_is_written_anywhere(write_config, tmp_path, broker, subscribe,
                                                  vpcd):
    board = BoardConfig(address=0, locks=4, item_sensor=True)
    locker = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16", (board,))
    id_reader = IdCardReaderSimulator(tmp_path / "dev" / "idcard")
    smartcards = SmartcardSimulator(vpcd.port)
    for simulator in (locker, id_reader):
        simulator.start()
    center = X25519PrivateKey.generate()
    public = base64.b64encode(center.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    log_dir = tmp_path / "var" / "log"
    config = load_config(write_config({
        "logging": {"dir": str(log_dir), "level": "DEBUG", "device_traffic": True},
        "mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port},
        "devices": {"id_card": {"driver": "sam", "port": id_reader.path},
                    "smartcard": {"driver": "pcsc", "reader": vpcd_reader_name(0)}},
        "locker": {"enabled": True,
                   "buses": {"main": {"protocol": "kerong-cu16", "port": locker.path,
                                      "boards": [{"address": 0, "locks": 4,
                                                  "item_sensor": True}]}},
                   "compartments": [{"first_number": 1, "count": 4, "bus": "main",
                                     "board": 0, "size": "S"}]},
        "security": {"center_public_key": public, "key_file": str(tmp_path / "key")},
    }))
    mqtt = subscribe("#")
    configure_logging(config.logging, console=False)
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    identities: queue.Queue = queue.Queue()
    terminal.identity.subscribe(lambda e: identities.put(e) if isinstance(
        e, IdentityPresented) else None)
    terminal.start()
    delivered = DemoCenter(center)
    try:
        assert terminal.locker.ready.wait(10)
        wait_until(lambda: terminal.status.snapshot().online, "online")

        def store_result(case: str, applicant: str | None) -> int:
            started = terminal.locker.deposit("staff-1", case, None, applicant).result(5)
            wait_until(lambda: locker.door(0, started.compartment).open, "door open")
            time.sleep(0.3)
            locker.put_item(0, started.compartment)
            locker.close_door(0, started.compartment)
            wait_until(lambda: any(d.compartment == started.compartment
                             for d in delivered.codes_for_stored(store)), "stored")
            return started.compartment

        def collect(started) -> None:
            wait_until(lambda: locker.door(0, started.compartment).open, "door open")
            time.sleep(0.3)
            locker.take_item(0, started.compartment)
            locker.close_door(0, started.compartment)
            wait_until(lambda: not any(d.compartment == started.compartment
                                 for d in delivered.codes_for_stored(store)), "collected")

        # 1. The applicant collects with their ID card.
        store_result("CASE-P1", APPLICANT_ID)
        id_reader.place(make_card(name=APPLICANT_NAME, birth=date(1949, 12, 31),
                                  id_number=APPLICANT_ID))
        applicant = identities.get(timeout=10).identity
        collect(terminal.locker.pickup_with_identity(applicant).result(5))
        id_reader.remove()

        # 2. A proxy, identified by their social-security card, collects with the code.
        number = store_result("CASE-P2", None)
        code = {d.compartment: d.code for d in delivered.codes_for_stored(store)}[number]
        smartcards.perform("social_security", {})
        proxy = identities.get(timeout=10).identity
        assert proxy.masked_name == "张*"
        collect(terminal.locker.pickup(code, proxy_id_number=proxy.id_number).result(5))
        smartcards.perform("remove", {})

        # Every event of these flows reaches the broker, so the scan below covers the
        # payloads the district center receives, not only the presence messages.
        def delivered() -> bool:
            with store.reading() as db:
                return not db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL"
                                      ).fetchone()[0]

        wait_until(delivered, "the outbox delivered", timeout_s=20)
    finally:
        terminal.stop()
        store.close()
        smartcards.stop()
        for handler in logging.getLogger().handlers + logging.getLogger(
                "devices.traffic").handlers:
            handler.flush()

    # 3. The doctor prints the card masked.
    id_reader.place(make_card(name=APPLICANT_NAME, birth=date(1949, 12, 31),
                              id_number=APPLICANT_ID))
    doctor = subprocess.run([sys.executable, "-m", "kiosk", "doctor", "idcard", "--port",
                             id_reader.path, "--json"], cwd=REPO, capture_output=True,
                            timeout=60)
    id_reader.stop()
    locker.stop()
    assert doctor.returncode == 0, doctor.stderr.decode()
    assert "王*明".encode() in doctor.stdout

    # Everything that was written: the database (WAL folded in), every log, every MQTT
    # payload, the outbox (the payloads the district center will receive), the doctor.
    places: dict[str, bytes] = {}
    for path in sorted(Path(config.store.path).parent.glob("kiosk.db*")):
        places[str(path)] = path.read_bytes()
    for path in sorted(log_dir.glob("*.log*")):
        places[str(path)] = path.read_bytes()
    places["mqtt"] = b"\n".join(m.payload for m in mqtt.messages)
    published = {m.topic.rsplit("/", 1)[-1] for m in mqtt.messages if "/evt/" in m.topic}
    assert {"locker.deposited", "locker.collected"} <= published, published
    places["doctor"] = doctor.stdout + doctor.stderr
    assert any(b"locker.deposited" in data for place, data in places.items()
               if "kiosk.db" in place), "the flows wrote no events: nothing to scan"
    assert places[str(log_dir / "devices.log")], "the traffic log was empty: nothing to scan"
    secrets = {label: encodings(value) for label, value in (
        ("applicant name", APPLICANT_NAME), ("applicant ID number", APPLICANT_ID),
        ("proxy name", PROXY_NAME), ("proxy ID number", PROXY_ID))}
    found = [(label, place) for place, data in places.items()
             for label, forms in secrets.items() if any(form in data for form in forms)]
    assert found == []
