"""Commands from the wire that tried to break the processor: every one gets exactly one
result and one audit line, nothing from the wire reaches a log unescaped, and a clock that
jumps cannot let a captured command run twice."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.command_signing import sign_command
from kiosk.services.commands import CommandProcessor
from kiosk.simulation.center import make_command
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock

DISTRICT, TERMINAL = "d1", "t1"
A_YEAR = timedelta(days=365)


@pytest.fixture
def processor_for(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    center = Ed25519PrivateKey.generate()
    carried_out: list[str] = []

    def make(wall: Callable[[], float], monotonic: Callable[[], float]) -> CommandProcessor:
        return CommandProcessor(store, district_id=DISTRICT, terminal_id=TERMINAL,
                                signing_key=center.public_key(),
                                handlers={"locker.open": lambda c: carried_out.append(c.id)
                                          or {}},
                                clock=wall, monotonic=monotonic)

    make.store, make.center, make.carried_out = store, center, carried_out
    yield make
    store.close()


def results_and_audits(store) -> tuple[list[dict], list[str]]:
    with store.reading() as db:
        results = [json.loads(p) for (p,) in db.execute(
            "SELECT payload FROM outbox WHERE type = 'command.result' ORDER BY seq")]
        audits = [a for (a,) in db.execute(
            "SELECT action FROM audit_log WHERE action LIKE 'command.%' AND "
            "action != 'command.received' ORDER BY id")]
    return results, audits


def envelope(body: bytes, **extra: object) -> bytes:
    fields = {"schema": 1, "body": base64.b64encode(body).decode(), "sig": "AA==", **extra}
    return json.dumps(fields).encode()


HOSTILE = {
    "a lone surrogate in an unknown envelope key": b'{"schema": 1, "body": "e30=", '
                                                   b'"sig": "AA==", "\\ud800": 1}',
    "a newline in an unknown envelope key": b'{"schema": 1, "body": "e30=", "sig": "AA==", '
                                            b'"x\\n2026-12-04 INFO forged line": 1}',
    "deeply nested JSON": b'{"schema": 1, "body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "envelope schema 1.0": envelope(b"{}", schema=1.0),
    "envelope schema true": envelope(b"{}", schema=True),
    "a huge unknown key": b'{"schema": 1, "body": "e30=", "sig": "AA==", "' + b"k" * 100_000
                          + b'": 1}',
}


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_envelopes_get_one_rejected_result_and_one_audit_line(processor_for, payload,
                                                                      caplog):
    clock = FakeClock(wall=datetime.now())
    processor = processor_for(clock.time, clock.monotonic)
    with caplog.at_level(logging.DEBUG):
        result = processor.handle(payload)
    assert (result.status, result.reason) == ("rejected", "malformed")
    results, audits = results_and_audits(processor_for.store)
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "malformed")]
    assert audits == ["command.rejected"]
    assert len(results[0]["text"]) < 200
    for record in caplog.records:
        line = record.getMessage()
        assert "\n" not in line
        assert "\ud800" not in line
        assert len(line) < 1000
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_hostile_text_inside_a_signed_body_is_escaped(processor_for, caplog):
    clock = FakeClock(wall=datetime.now())
    processor = processor_for(clock.time, clock.monotonic)
    body = {"schema": 1, "id": str(uuid.uuid4()), "district": DISTRICT,
            "terminal": "t1\n2026-12-04 12:00:00 INFO kiosk: door opened", "type": "locker.open",
            "issuedAt": int(clock.time() * 1000), "expiresAt": int(clock.time() * 1000) + 60_000,
            "args": {}}
    with caplog.at_level(logging.DEBUG):
        result = processor.handle(sign_command(processor_for.center, body))
    assert result.reason == "wrong_terminal"
    assert "\\n" in result.text
    assert all("\n" not in r.getMessage() for r in caplog.records)


def test_a_command_body_schema_must_be_the_integer_one(processor_for):
    clock = FakeClock(wall=datetime.now())
    processor = processor_for(clock.time, clock.monotonic)
    body = {"schema": 1.0, "id": str(uuid.uuid4()), "district": DISTRICT, "terminal": TERMINAL,
            "type": "locker.open", "issuedAt": int(clock.time() * 1000),
            "expiresAt": int(clock.time() * 1000) + 60_000, "args": {}}
    assert processor.handle(sign_command(processor_for.center, body)).reason == "malformed"


def test_no_replay_after_the_clock_jumps_forward_and_back(processor_for):
    clock = FakeClock(wall=datetime.now())
    processor = processor_for(clock.time, clock.monotonic)
    captured = make_command(processor_for.center, DISTRICT, TERMINAL, "locker.open",
                            issued_at=clock.time(), lifetime_s=3600)
    assert processor.handle(captured).status == "accepted"

    # The clock jumps a year ahead: commands are refused, and no id is let go.
    clock.set_wall(clock.now() + A_YEAR)
    clock.advance(5)
    later = make_command(processor_for.center, DISTRICT, TERMINAL, "locker.open",
                         issued_at=clock.time())
    refused = processor.handle(later)
    assert (refused.status, refused.reason) == ("rejected", "clock_jumped")
    with processor_for.store.reading() as db:
        assert db.execute("SELECT count(*) FROM alarms WHERE kind = 'clock.jumped' AND "
                          "cleared_at IS NULL").fetchone()[0] == 1

    # Set right again: the captured command is still in date, and still refused.
    clock.set_wall(clock.now() - A_YEAR)
    clock.advance(5)
    assert processor.handle(captured).reason == "replayed"
    assert len(processor_for.carried_out) == 1
    with processor_for.store.reading() as db:
        assert db.execute("SELECT count(*) FROM alarms WHERE kind = 'clock.jumped' AND "
                          "cleared_at IS NULL").fetchone()[0] == 0


def test_no_replay_when_the_terminal_restarted_during_the_jump(processor_for):
    clock = FakeClock(wall=datetime.now())
    processor = processor_for(clock.time, clock.monotonic)
    captured = make_command(processor_for.center, DISTRICT, TERMINAL, "locker.open",
                            issued_at=clock.time(), lifetime_s=3600)
    assert processor.handle(captured).status == "accepted"
    # Restarted with the clock a year ahead: nothing to compare with, so commands run
    # and old ids are purged by date... (A restart starts the monotonic clock again.)
    clock = FakeClock(50.0, wall=clock.now() + A_YEAR)
    processor = processor_for(clock.time, clock.monotonic)
    later = make_command(processor_for.center, DISTRICT, TERMINAL, "locker.open",
                         issued_at=clock.time())
    assert processor.handle(later).status == "accepted"
    # ...but the newest ids are kept whatever the date says.
    clock = FakeClock(90.0, wall=clock.now() - A_YEAR)
    processor = processor_for(clock.time, clock.monotonic)
    assert processor.handle(captured).reason == "replayed"
    assert len(processor_for.carried_out) == 2


def test_a_lasting_clock_correction_is_accepted_after_it_settles(processor_for):
    clock = FakeClock(wall=datetime.now())
    processor = processor_for(clock.time, clock.monotonic)
    clock.set_wall(clock.now() + timedelta(hours=1))  # it was an hour slow, and is right now
    first = make_command(processor_for.center, DISTRICT, TERMINAL, "locker.open",
                         issued_at=clock.time())
    assert processor.handle(first).reason == "clock_jumped"
    clock.advance(601)
    second = make_command(processor_for.center, DISTRICT, TERMINAL, "locker.open",
                          issued_at=clock.time())
    assert processor.handle(second).status == "accepted"
