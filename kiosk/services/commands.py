"""Commands from the district center: verified, carried out at most once, answered,
audited.

A command is carried out only if all of this holds, checked in this order:

1. the envelope is well formed and its Ed25519 signature verifies with the center's
   public key (`security.center_signing_key`) over the exact body bytes
   (contract/command_signing.py);
2. the body is a well-formed command naming this district and this terminal;
3. it is in date: issued no later than now + CLOCK_SKEW_S, not expired more than
   CLOCK_SKEW_S ago, and valid for at most MAX_LIFETIME_S;
4. its type is known and its arguments are right;
5. its id has never been taken before. Ids are kept in SQLite until the command has
   expired plus a grace day, and in any case the newest KEEP_IDS of them: a clock that
   jumps forward and is set right again cannot make a captured, still valid command
   look new. While the clock is known to have jumped (kiosk/services/clock_watch.py)
   every command is refused, and nothing is purged.

Every command, accepted or not, gets exactly one `command.result` event (through the
outbox, so the result survives an outage like any event) and one audit line with its
outcome. A rejected command changes nothing. Text from the wire is made printable before it
reaches a result or a log (contract/wire_text.py). No check needs the network, and
nothing here imports paho.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contract.command_signing import EnvelopeRejected, open_envelope, strict_json_object
from contract.wire_text import printable, printable_tree, quoted
from kiosk.services import audit
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.clock_watch import ClockWatch
from kiosk.services.outbox import PRIORITY_BUSINESS, append_event
from kiosk.store import Store

log = logging.getLogger(__name__)

BODY_SCHEMA = 1
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024     # a full service catalog fits with room to spare
CLOCK_SKEW_S = 120
MAX_LIFETIME_S = 24 * 3600
SEEN_ID_GRACE_S = 24 * 3600
KEEP_IDS = 10_000           # years of commands for one terminal
CLOCK_ALARM = "clock.jumped"
ACTOR = "center"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BODY_FIELDS = {"schema": int, "id": str, "district": str, "terminal": str, "type": str,
               "issuedAt": int, "expiresAt": int, "args": dict}

Status = Literal["accepted", "rejected", "failed"]


@dataclass(frozen=True)
class Command:
    id: str
    district: str
    terminal: str
    type: str
    issued_at_ms: int
    expires_at_ms: int
    args: dict[str, Any]

    @property
    def actor(self) -> str:
        """How the services' own audit lines name who asked: the center, this command."""
        return f"{ACTOR}:{self.id}"


class CommandRejected(Exception):
    """Raised by a handler that refuses a command before changing anything."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason, self.text = reason, text


class CommandFailed(Exception):
    """Raised by a handler when carrying the command out went wrong part way."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason, self.text = reason, text


# A handler carries a command out and returns details for the result (may be empty).
CommandHandler = Callable[[Command], Mapping[str, Any]]


@dataclass(frozen=True)
class CommandResult:
    command_id: str | None
    type: str | None
    status: Status
    reason: str
    text: str
    detail: dict[str, Any] = field(default_factory=dict)
    payload_sha256: str = ""

    def event(self) -> dict[str, Any]:
        return {"command": self.command_id, "type": self.type, "status": self.status,
                "reason": self.reason, "text": self.text, "detail": self.detail,
                "payload_sha256": self.payload_sha256,
                "at": datetime.now(UTC).isoformat(timespec="milliseconds")}


class CommandProcessor:
    def __init__(self, store: Store, *, district_id: str, terminal_id: str,
                 signing_key: Ed25519PublicKey | None,
                 handlers: Mapping[str, CommandHandler],
                 clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 keep_ids: int = KEEP_IDS) -> None:
        self._store = store
        self._district = district_id
        self._terminal = terminal_id
        self._key = signing_key
        self._handlers = dict(handlers)
        self._clock = clock
        self._clock_watch = ClockWatch(clock, monotonic)
        self._keep_ids = keep_ids
        self._clock_jump_s: float | None = None    # None: this command got no date check

    def handle(self, payload: bytes) -> CommandResult:
        """Checks and carries out one command message; never raises."""
        digest = hashlib.sha256(payload).hexdigest()
        command: Command | None = None
        self._clock_jump_s = None
        try:
            command = self._authentic_command(payload)
            self._check_addressed_and_in_date(command)
            handler = self._handlers.get(command.type)
            if handler is None:
                raise CommandRejected("unknown_type",
                                      f"unknown command type {quoted(command.type)}")
            self._claim(command)
            detail = dict(handler(command))
            result = CommandResult(command.id, command.type, "accepted", "ok", "carried out",
                                   detail)
        except (EnvelopeRejected, CommandRejected) as refusal:
            result = _result(command, "rejected", refusal.reason, refusal.text)
        except CommandFailed as failure:
            result = _result(command, "failed", failure.reason, failure.text)
        except Exception as error:
            log.exception("command %s failed", command.id if command else "(unparsed)")
            result = _result(command, "failed", "error", f"{type(error).__name__}: {error}")
        result = CommandResult(
            result.command_id, None if result.type is None else printable(result.type[:100]),
            result.status, result.reason, printable(result.text[:500]),
            printable_tree(result.detail), digest)
        self._record(result)
        return result

    # -- the checks ------------------------------------------------------------------------

    def _authentic_command(self, payload: bytes) -> Command:
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise CommandRejected("malformed", f"larger than {MAX_PAYLOAD_BYTES} bytes")
        body = strict_json_object(open_envelope(payload, self._key), "the command body")
        return self._parse(body)

    def _check_addressed_and_in_date(self, command: Command) -> None:
        if command.district != self._district or command.terminal != self._terminal:
            raise CommandRejected("wrong_terminal",
                                  f"addressed to {quoted(command.district)}/"
                                  f"{quoted(command.terminal)}, not to this terminal")
        self._clock_jump_s = self._clock_watch.jump_s()
        if self._clock_jump_s:
            raise CommandRejected("clock_jumped",
                                  f"this terminal's clock jumped by {self._clock_jump_s:+.0f} s; "
                                  "no command is carried out until it is right again")
        lifetime_ms = command.expires_at_ms - command.issued_at_ms
        if not 0 < lifetime_ms <= MAX_LIFETIME_S * 1000:
            raise CommandRejected("bad_lifetime", "expiresAt must be after issuedAt and at "
                                                  f"most {MAX_LIFETIME_S} s later")
        now_ms = int(self._clock() * 1000)
        skew_ms = CLOCK_SKEW_S * 1000
        if command.issued_at_ms > now_ms + skew_ms:
            raise CommandRejected("not_yet_valid", "issued in the future (check the clocks)")
        if now_ms > command.expires_at_ms + skew_ms:
            raise CommandRejected("expired", "the command has expired")

    def _parse(self, body: dict[str, Any]) -> Command:
        missing = [name for name in BODY_FIELDS if name not in body]
        if missing:
            raise CommandRejected("malformed", f"missing field(s): {', '.join(missing)}")
        unknown = sorted(set(body) - set(BODY_FIELDS))
        if unknown:
            shown = ", ".join(quoted(name) for name in unknown[:5])
            raise CommandRejected("malformed", f"unknown field(s): {shown}")
        for name, kind in BODY_FIELDS.items():
            value = body[name]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise CommandRejected("malformed", f"{name} must be {kind.__name__}")
        if body["schema"] != BODY_SCHEMA:
            raise CommandRejected("malformed", f"command schema must be {BODY_SCHEMA}")
        if not UUID.fullmatch(body["id"]):
            raise CommandRejected("malformed", "id must be a lower-case UUID")
        return Command(body["id"], body["district"], body["terminal"], body["type"],
                       body["issuedAt"], body["expiresAt"], body["args"])

    def _claim(self, command: Command) -> None:
        """Takes the command's id, durably, before anything is carried out: a command
        interrupted by a crash is never carried out a second time."""
        now_ms = int(self._clock() * 1000)
        with self._store.transaction() as db:
            # Only ids that are both long expired and older than the newest keep_ids go:
            # the date alone would trust a clock that may be wrong.
            db.execute(
                "DELETE FROM command_ids WHERE expires_at < ? AND rowid <= "
                "(SELECT coalesce(max(rowid), 0) FROM command_ids) - ?",
                [now_ms - (CLOCK_SKEW_S + SEEN_ID_GRACE_S) * 1000, self._keep_ids])
            if db.execute("SELECT 1 FROM command_ids WHERE id = ?", [command.id]).fetchone():
                raise CommandRejected("replayed", "this command id was already taken")
            db.table("command_ids").insert({"id": command.id, "expires_at": command.expires_at_ms,
                                      "received_at": _iso(now_ms)})
            audit.record(db, ACTOR, "command.received", command.type, {"command": command.id})

    def _record(self, result: CommandResult) -> None:
        with self._store.transaction() as db:
            audit.record(db, ACTOR, f"command.{result.status}", result.type,
                         {"command": result.command_id, "reason": result.reason,
                          "payload_sha256": result.payload_sha256})
            append_event(db, "command.result", result.event(), PRIORITY_BUSINESS)
            if self._clock_jump_s:
                raise_alarm(db, CLOCK_ALARM, "terminal", {"jump_s": round(self._clock_jump_s)})
            elif self._clock_jump_s is not None:
                clear_alarm(db, CLOCK_ALARM, "terminal")
        level = logging.INFO if result.status == "accepted" else logging.WARNING
        log.log(level, "command %s (%s) %s: %s %s", result.command_id or "?",
                result.type or "?", result.status, result.reason, result.text)


def _result(command: Command | None, status: Status, reason: str, text: str) -> CommandResult:
    return CommandResult(command.id if command else None, command.type if command else None,
                         status, reason, text)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
