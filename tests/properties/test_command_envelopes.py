"""Signed MQTT commands: the envelope (command_signing.open_envelope) and the processor
that answers every message (commands.CommandProcessor.handle).

Whatever the payload, open_envelope returns exactly the body the center signed or raises
EnvelopeRejected; handle never raises and leaves exactly one result: one command.result
event in the outbox and one audit line, "rejected" for anything malformed.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import event, example, given
from hypothesis import strategies as st

from contract.command_signing import (
    EnvelopeRejected,
    open_envelope,
    sign_command,
    signed_message,
)
from kiosk.services.commands import CommandProcessor, CommandResult
from kiosk.simulation.center import make_command
from kiosk.store import Store, open_store
from tests.properties.profiles import scaled
from tests.properties.strategies import Labelled, any_text, mutated, nested, outcome

DISTRICT, TERMINAL = "d1", "t1"
CENTER = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
NOW = time.time()
ENVELOPE_REASONS = {"malformed", "no_signing_key", "unsigned", "bad_signature"}
DEEP = 5_000        # nesting far past the interpreter's recursion limit



def json_of(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=12)


json_values = json_of(any_text)
# What sign_command can send: its UTF-8 cannot carry a lone surrogate.
utf8_json_values = json_of(st.text(max_size=20))


def as_json(value: Any) -> bytes:
    """JSON as a careless sender writes it: non-ASCII escaped, so even lone surrogates
    travel (as \\udXXX escapes that decode back to them)."""
    return json.dumps(value, allow_nan=True).encode("ascii")


@st.composite
def commands(draw: st.DrawFn, key: Ed25519PrivateKey = CENTER) -> bytes:
    """A well-formed command, signed: for this terminal or not, current or not."""
    return make_command(
        key, draw(st.sampled_from([DISTRICT, "d2"])), draw(st.sampled_from([TERMINAL, "t2"])),
        draw(st.sampled_from(["locker.open", "display.set_announcement", "no.such_type"])),
        draw(st.dictionaries(st.text(max_size=8), utf8_json_values, max_size=3)),
        lifetime_s=draw(st.sampled_from([300, 0, -5, 90_000])),
        issued_at=NOW + draw(st.sampled_from([0, -100_000, 100_000])),
        command_id=str(draw(st.uuids())))


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """Command bodies, well-formed or not: a field changed, added or dropped, any JSON."""
    body = json.loads(base64.b64decode(json.loads(draw(commands()))["body"]))
    change = draw(st.sampled_from(["field", "drop", "extra", "any"]))
    if change == "field":
        body[draw(st.sampled_from(sorted(body)))] = draw(json_values)
    elif change == "drop":
        del body[draw(st.sampled_from(sorted(body)))]
    elif change == "extra":
        body[draw(any_text)] = draw(json_values)
    else:
        return as_json(draw(json_values))
    return as_json(body)


def envelope(fields: dict[str, Any]) -> bytes:
    return as_json(fields)


@st.composite
def odd_envelopes(draw: st.DrawFn) -> bytes:
    """Envelopes built field by field: right and wrong types, extra keys, no signature."""
    body = draw(bodies())
    fields: dict[str, Any] = {
        "schema": draw(st.sampled_from([1, 1.0, True, "1", 2, None])),
        "body": draw(st.sampled_from([base64.b64encode(body).decode(), body.decode(), 7])),
        "sig": draw(st.sampled_from([
            base64.b64encode(CENTER.sign(signed_message(body))).decode(),
            base64.b64encode(OTHER_KEY.sign(signed_message(body))).decode(),
            "", "!!", base64.b64encode(b"short").decode()])),
    }
    for name in draw(st.sets(st.sampled_from(sorted(fields)))):
        del fields[name]
    fields.update(draw(st.dictionaries(any_text, json_values, max_size=2)))
    return envelope(fields)


payloads = st.one_of(
    commands(), commands(OTHER_KEY), bodies().map(lambda body: sign_command(CENTER, body)),
    mutated(commands()), odd_envelopes(), st.binary(max_size=64), json_values.map(as_json))


@example(payload=nested(DEEP))
@given(payload=payloads)
def test_an_envelope_gives_the_signed_body_or_is_rejected(payload: bytes) -> None:
    body, refusal = outcome(lambda: open_envelope(payload, CENTER.public_key()),
                            EnvelopeRejected)
    if isinstance(refusal, EnvelopeRejected):
        assert refusal.reason in ENVELOPE_REASONS
        return
    assert body is not None
    signature = base64.b64decode(json.loads(payload)["sig"])
    CENTER.public_key().verify(signature, signed_message(body))


@example(schema=1.0)
@given(schema=st.one_of(st.sampled_from([1, 1.0, True, "1", 1 + 0j]), st.floats(),
                        st.integers()))
def test_the_envelope_schema_is_the_integer_one(schema: Any) -> None:
    valid = json.loads(make_command(CENTER, DISTRICT, TERMINAL, "locker.open", {}))
    payload = json.dumps({**valid, "schema": schema}, default=str).encode()
    _, refusal = outcome(lambda: open_envelope(payload, CENTER.public_key()),
                         EnvelopeRejected)
    is_one = type(schema) is int and schema == 1
    if isinstance(refusal, EnvelopeRejected):
        assert refusal.reason == "malformed"
    assert (refusal is None) == is_one, f"schema {schema!r}: {refusal or 'accepted'}"


# --- the processor: one result for every message --------------------------------------

class Rig:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.carried_out = 0
        handlers = {"locker.open": self.carry_out, "display.set_announcement": self.carry_out}
        self.processor = CommandProcessor(store, district_id=DISTRICT, terminal_id=TERMINAL,
                                          signing_key=CENTER.public_key(), handlers=handlers,
                                          clock=lambda: NOW, monotonic=lambda: 0.0)

    def carry_out(self, _command: object) -> dict[str, bool]:
        self.carried_out += 1
        return {"done": True}

    def results(self) -> list[dict[str, Any]]:
        with self.store.reading() as db:
            rows = db.execute("SELECT payload FROM outbox WHERE type = 'command.result' "
                              "ORDER BY seq").fetchall()
        return [json.loads(row[0]) for row in rows]

    def audit_lines(self) -> int:
        with self.store.reading() as db:
            return db.execute("SELECT count(*) FROM audit_log WHERE action IN "
                              "('command.accepted', 'command.rejected', 'command.failed')"
                              ).fetchone()[0]


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    store = open_store(Path(tmp_path_factory.mktemp("commands")) / "kiosk.db")
    yield Rig(store)
    store.close()


LONE_SURROGATE_KEY = b'{"schema":1,"body":"","sig":"","\\ud800":1}'


@example(payload=LONE_SURROGATE_KEY)
@example(payload=nested(DEEP))
@example(payload=Labelled(sign_command(CENTER, b'{"args":' + nested(DEEP) + b"}"),
                          f"signed body with args nested({DEEP})"))
@given(payload=payloads)
@scaled(0.5)
def test_every_message_gets_exactly_one_result(rig: Rig, payload: bytes) -> None:
    results_before, audit_before, carried_before = (
        len(rig.results()), rig.audit_lines(), rig.carried_out)
    result = rig.processor.handle(payload)

    assert isinstance(result, CommandResult)
    event(f"{result.status}: {result.reason}")
    # The handlers here never fail: anything else is accepted or rejected, never "failed".
    assert result.status in ("accepted", "rejected"), result
    results = rig.results()
    assert len(results) == results_before + 1
    assert rig.audit_lines() == audit_before + 1
    last = results[-1]
    assert (last["command"], last["status"], last["reason"]) == (
        result.command_id, result.status, result.reason)
    assert rig.carried_out == carried_before + (result.status == "accepted")
    if result.status == "accepted":
        assert uuid.UUID(result.command_id or "")


@given(payload=commands())
@scaled(0.5)
def test_a_command_is_carried_out_at_most_once(rig: Rig, payload: bytes) -> None:
    first = rig.processor.handle(payload)
    again = rig.processor.handle(payload)
    assert again.status == "rejected"
    if first.status == "accepted":
        assert again.reason == "replayed"
