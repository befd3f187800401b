"""Only signed, addressed, current, first-seen, well-formed commands are carried out; every
command gets a result and an audit line."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.command_signing import SIGNING_PREFIX, sign_command
from kiosk.services.commands import (
    CLOCK_SKEW_S,
    MAX_LIFETIME_S,
    SEEN_ID_GRACE_S,
    CommandProcessor,
    CommandRejected,
)
from kiosk.simulation.center import make_command
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock

DISTRICT, TERMINAL = "d1", "t1"


@pytest.fixture
def rig(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    center = Ed25519PrivateKey.generate()
    clock = FakeClock(wall=datetime.now())
    executed: list[tuple[str, dict]] = []

    def carry_out(command):
        executed.append((command.type, command.args))
        return {"done": True}

    def refuse(_command):
        raise CommandRejected("refused", "not now")

    processor = CommandProcessor(
        store, district_id=DISTRICT, terminal_id=TERMINAL,
        signing_key=center.public_key(),
        handlers={"display.set_announcement": carry_out, "locker.open": carry_out,
                  "locker.refuse": refuse},
        clock=clock.time, monotonic=clock.monotonic)    # they move together: no jump here

    class Rig:
        pass

    r = Rig()
    r.store, r.center, r.clock, r.executed, r.processor = store, center, clock, executed, processor

    def command(command_type="locker.open", args=None, **overrides):
        return make_command(overrides.pop("key", center), overrides.pop("district", DISTRICT),
                            overrides.pop("terminal", TERMINAL), command_type,
                            {"compartment": 3} if args is None else args,
                            issued_at=overrides.pop("issued_at", clock.time()), **overrides)

    def rows(sql, *args):
        with r.store.reading() as db:
            return db.execute(sql, list(args)).fetchall()

    r.command, r.rows = command, rows
    yield r
    r.store.close()


def body_of(payload: bytes) -> dict:
    return json.loads(base64.b64decode(json.loads(payload)["body"]))


def envelope(body: bytes, signature: bytes | None) -> bytes:
    value = {"schema": 1, "body": base64.b64encode(body).decode()}
    if signature is not None:
        value["sig"] = base64.b64encode(signature).decode()
    return json.dumps(value).encode()


def test_a_signed_command_is_carried_out_once_and_answered(rig):
    payload = rig.command()
    result = rig.processor.handle(payload)
    assert (result.status, result.reason) == ("accepted", "ok")
    assert result.command_id == body_of(payload)["id"]
    assert rig.executed == [("locker.open", {"compartment": 3})]
    events = [json.loads(p) for (p,) in rig.rows(
        "SELECT payload FROM outbox WHERE type = 'command.result'")]
    assert events[0]["status"] == "accepted"
    assert events[0]["detail"] == {"done": True}
    assert events[0]["command"] == result.command_id
    actions = [a for (a,) in rig.rows("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["command.received", "command.accepted"]


def rejected(rig, payload: bytes, reason: str) -> None:
    before = len(rig.executed)
    result = rig.processor.handle(payload)
    assert (result.status, result.reason) == ("rejected", reason), result.text
    assert len(rig.executed) == before, "a rejected command was carried out"
    last = json.loads(rig.rows("SELECT payload FROM outbox ORDER BY seq DESC LIMIT 1")[0][0])
    assert (last["status"], last["reason"]) == ("rejected", reason)
    audit = rig.rows("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert audit[0] == "command.rejected"
    assert json.loads(audit[1])["reason"] == reason


def test_forged_unsigned_and_tampered_commands_are_rejected(rig):
    good = rig.command()
    body = base64.b64decode(json.loads(good)["body"])
    rejected(rig, rig.command(key=Ed25519PrivateKey.generate()), "bad_signature")
    rejected(rig, envelope(body, None), "unsigned")
    rejected(rig, envelope(body, b""), "unsigned")
    rejected(rig, envelope(body, b"\x00" * 64), "bad_signature")
    rejected(rig, envelope(body, b"short"), "bad_signature")
    tampered = body.replace(b'"compartment":3', b'"compartment":4')
    signature = base64.b64decode(json.loads(good)["sig"])
    rejected(rig, envelope(tampered, signature), "bad_signature")
    # Signed without the command prefix: a signature made for something else.
    rejected(rig, envelope(body, rig.center.sign(body)), "bad_signature")
    assert rig.center.public_key().verify(signature, SIGNING_PREFIX + body) is None
    assert rig.executed == []


def test_expired_and_future_commands_are_rejected_within_the_skew(rig):
    now = rig.clock.time()
    rejected(rig, rig.command(issued_at=now - 400, lifetime_s=300 - CLOCK_SKEW_S - 1),
             "expired")
    rejected(rig, rig.command(issued_at=now + CLOCK_SKEW_S + 5), "not_yet_valid")
    rejected(rig, rig.command(lifetime_s=MAX_LIFETIME_S + 1), "bad_lifetime")
    rejected(rig, rig.command(lifetime_s=0), "bad_lifetime")
    # Within the allowance for clocks that disagree a little: accepted.
    assert rig.processor.handle(rig.command(issued_at=now + CLOCK_SKEW_S - 5)).status == \
        "accepted"
    assert rig.processor.handle(rig.command(issued_at=now - 300,
                                            lifetime_s=300 - CLOCK_SKEW_S + 5)).status == \
        "accepted"


def test_a_replayed_command_is_rejected_even_after_a_restart(rig, tmp_path):
    payload = rig.command()
    assert rig.processor.handle(payload).status == "accepted"
    rejected(rig, payload, "replayed")
    rig.store.close()
    rig.store = open_store(tmp_path / "kiosk.db")
    again = CommandProcessor(rig.store, district_id=DISTRICT, terminal_id=TERMINAL,
                             signing_key=rig.center.public_key(),
                             handlers={"locker.open": lambda c: rig.executed.append(c) or {}},
                             clock=rig.clock.time)
    rig.processor = again
    rejected(rig, payload, "replayed")
    assert len(rig.executed) == 1


def test_seen_ids_are_kept_until_expiry_and_a_grace_period(rig):
    rig.processor = CommandProcessor(rig.store, district_id=DISTRICT, terminal_id=TERMINAL,
                                     signing_key=rig.center.public_key(),
                                     handlers={"locker.open": lambda c: {}},
                                     clock=rig.clock.time, monotonic=rig.clock.monotonic,
                                     keep_ids=1)
    payload = rig.command(lifetime_s=60)
    rig.processor.handle(payload)
    rig.clock.advance(60 + CLOCK_SKEW_S + SEEN_ID_GRACE_S - 10)
    rig.processor.handle(rig.command())       # prunes, but not yet this one
    assert rig.rows("SELECT count(*) FROM command_ids")[0][0] == 2
    rig.clock.advance(20)
    rig.processor.handle(rig.command())
    ids = {i for (i,) in rig.rows("SELECT id FROM command_ids")}
    assert body_of(payload)["id"] not in ids
    # Long expired by now anyway: a replay cannot get through the date check.
    rejected(rig, payload, "expired")


def test_misaddressed_commands_are_rejected(rig):
    rejected(rig, rig.command(terminal="t2"), "wrong_terminal")
    rejected(rig, rig.command(district="d2"), "wrong_terminal")


@pytest.mark.parametrize(("payload", "reason"), [
    (b"", "malformed"),
    (b"not json", "malformed"),
    (b"[1, 2]", "malformed"),
    (b'{"schema": 1, "body": "!!!", "sig": "AA=="}', "malformed"),
    (b'{"schema": 2, "body": "e30=", "sig": "AA=="}', "malformed"),
    (b'{"schema": 1, "body": "e30=", "sig": "AA==", "extra": 1}', "malformed"),
    (b'{"schema": 1, "schema": 1, "body": "e30=", "sig": "AA=="}', "malformed"),
    ("\u00ff".encode("latin-1"), "malformed"),
])
def test_malformed_envelopes_are_rejected(rig, payload, reason):
    rejected(rig, payload, reason)


def signed_body(rig, body: dict | bytes) -> bytes:
    return sign_command(rig.center, body)


def full_body(rig, **changes):
    body = {"schema": 1, "id": str(uuid.uuid4()), "district": DISTRICT, "terminal": TERMINAL,
            "type": "locker.open", "issuedAt": int(rig.clock.time() * 1000),
            "expiresAt": int(rig.clock.time() * 1000) + 60_000, "args": {"compartment": 1}}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize("changes", [
    {"id": None}, {"args": None}, {"extra": 1}, {"schema": 2}, {"id": "not-a-uuid"},
    {"id": str(uuid.uuid4()).upper()}, {"issuedAt": "soon"}, {"issuedAt": True},
    {"args": [1]}, {"type": 7}, {"terminal": None},
])
def test_malformed_but_signed_bodies_are_rejected(rig, changes):
    rejected(rig, signed_body(rig, full_body(rig, **changes)), "malformed")


def test_signed_garbage_and_repeated_keys_are_rejected(rig):
    rejected(rig, signed_body(rig, b"\xff\xfe"), "malformed")
    rejected(rig, signed_body(rig, b"[]"), "malformed")
    text = json.dumps(full_body(rig))
    twice = text[:-1] + ', "terminal": "t2"}'
    rejected(rig, signed_body(rig, twice.encode()), "malformed")


def test_unknown_types_and_handler_refusals_are_rejected(rig):
    rejected(rig, rig.command("locker.explode"), "unknown_type")
    rejected(rig, rig.command("locker.refuse"), "refused")


def test_without_a_signing_key_every_command_is_rejected(rig):
    rig.processor = CommandProcessor(rig.store, district_id=DISTRICT, terminal_id=TERMINAL,
                                     signing_key=None, handlers={"locker.open": lambda c: {}},
                                     clock=rig.clock.time)
    rejected(rig, rig.command(), "no_signing_key")


def test_results_identify_even_unreadable_commands_by_digest(rig):
    result = rig.processor.handle(b"garbage")
    assert result.command_id is None
    assert len(result.payload_sha256) == 64
