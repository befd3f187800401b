"""Reads one MQTT message of the contract (docs/mqtt.md) into a typed value, or says
exactly why it cannot: the topic, the JSON, a field. No database here."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract.rating_tokens import public_key_from_text
from contract.topics import TerminalTopic, TopicError, parse_topic

# Larger than any payload the contract produces (a catalog travels only center -> terminal).
MAX_PAYLOAD_BYTES = 256 * 1024


class Unreadable(ValueError):
    """The message does not follow the contract; ``terminal`` is known when the topic was
    readable, so the reject can be counted against it."""

    def __init__(self, reason: str, where: TerminalTopic | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where


@dataclass(frozen=True)
class Birth:
    where: TerminalTopic
    bd_seq: int
    at: datetime
    version: str
    started_at: datetime | None
    rating_key: str | None = None      # `ratingKey`: its rating tokens' public key


@dataclass(frozen=True)
class Death:
    where: TerminalTopic
    bd_seq: int
    at: datetime


@dataclass(frozen=True)
class Heartbeat:
    where: TerminalTopic
    bd_seq: int
    at: datetime
    body: dict[str, Any]


@dataclass(frozen=True)
class EventMessage:
    where: TerminalTopic
    event_id: uuid.UUID
    seq: int
    type: str
    priority: int
    created_at: datetime
    historical: bool
    payload: dict[str, Any]


@dataclass(frozen=True)
class AlarmRaised:
    where: TerminalTopic
    kind: str
    subject: str
    raised_at: datetime
    detail: dict[str, Any]


@dataclass(frozen=True)
class AlarmCleared:
    where: TerminalTopic
    kind: str
    subject: str


Message = Birth | Death | Heartbeat | EventMessage | AlarmRaised | AlarmCleared


def read_message(prefix: str, topic: str, payload: bytes) -> Message:
    try:
        where = parse_topic(prefix, topic)
    except TopicError as error:
        raise Unreadable(f"topic: {error}") from None
    if where.part == "cmd":
        raise Unreadable("a command topic: the center sends these, it does not ingest them",
                         where)
    if where.part == "alarm" and payload == b"":
        return AlarmCleared(where, *where.levels)
    body = _json_object(payload, where)
    try:
        if where.part == "state":
            return _state(where, body)
        if where.part == "heartbeat":
            return Heartbeat(where, _int(body, "bdSeq"), _ms(body, "ts"), body)
        if where.part == "evt":
            return _event(where, body)
        return _alarm(where, body)
    except _FieldError as error:
        raise Unreadable(f"{where.part}: {error}", where) from None


class _FieldError(ValueError):
    pass


def _json_object(payload: bytes, where: TerminalTopic) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise Unreadable(f"payload of {len(payload)} bytes is over {MAX_PAYLOAD_BYTES}", where)
    try:
        value = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable("payload is not UTF-8", where) from None
    except (ValueError, RecursionError):
        raise Unreadable("payload is not JSON", where) from None
    if not isinstance(value, dict):
        raise Unreadable("payload is not a JSON object", where)
    return value


def _state(where: TerminalTopic, body: dict[str, Any]) -> Birth | Death:
    online = body.get("online")
    if not isinstance(online, bool):
        raise _FieldError("'online' must be true or false")
    if not online:
        return Death(where, _int(body, "bdSeq"), _ms(body, "ts"))
    started = body.get("startedAt")
    return Birth(where, _int(body, "bdSeq"), _ms(body, "ts"), _text(body, "version", 40),
                 _ms(body, "startedAt") if started is not None else None,
                 _rating_key(body) if "ratingKey" in body else None)


def _rating_key(body: dict[str, Any]) -> str:
    text = _text(body, "ratingKey", 44)
    try:
        public_key_from_text(text)
    except ValueError as error:
        raise _FieldError(str(error)) from None
    return text


def _event(where: TerminalTopic, body: dict[str, Any]) -> EventMessage:
    kind = _text(body, "type", 64)
    if kind != where.levels[0]:
        raise _FieldError(f"type {kind!r} is not the topic's {where.levels[0][:64]!r}")
    try:
        event_id = uuid.UUID(_text(body, "id", 36))
    except ValueError:
        raise _FieldError("'id' is not a UUID") from None
    seq = _int(body, "seq")
    if seq < 1:
        raise _FieldError("'seq' must be 1 or more")
    historical = body.get("historical")
    if not isinstance(historical, bool):
        raise _FieldError("'historical' must be true or false")
    payload = body.get("payload")
    if not isinstance(payload, dict):
        raise _FieldError("'payload' must be an object")
    if _holds_nul(payload):
        # PostgreSQL's jsonb takes no U+0000, and no terminal ever sends one.
        raise _FieldError("'payload' holds a NUL character (U+0000)")
    return EventMessage(where, event_id, seq, kind, _int(body, "priority", *PRIORITY_RANGE),
                        _iso(body, "createdAt"), historical, payload)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _alarm(where: TerminalTopic, body: dict[str, Any]) -> AlarmRaised:
    kind, subject = where.levels
    if body.get("kind") != kind or body.get("subject") != subject:
        raise _FieldError("kind and subject differ from the topic's")
    detail = body.get("detail", {})
    return AlarmRaised(where, kind, subject[:120], _iso(body, "raisedAt"),
                       detail if isinstance(detail, dict) else {"value": detail})


# What the database's columns hold: a well-formed message outside these is refused here,
# as a reject, rather than failing the whole batch's transaction.
BIGGEST = 2**63 - 1             # bigint: seq, bdSeq
PRIORITY_RANGE = (0, 32767)     # smallint
YEARS = (1970, 9000)            # every database's timestamp, in UTC


def _int(body: dict[str, Any], name: str, low: int = 0, high: int = BIGGEST) -> int:
    value = body.get(name)
    # bool is an int in Python, but true is not a sequence number.
    if type(value) is not int:
        raise _FieldError(f"{name!r} must be a whole number")
    if not low <= value <= high:
        raise _FieldError(f"{name!r} must be from {low} to {high}")
    return value


def _text(body: dict[str, Any], name: str, longest: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value or len(value) > longest:
        raise _FieldError(f"{name!r} must be text of 1 to {longest} characters")
    return value


def _ms(body: dict[str, Any], name: str) -> datetime:
    value = _int(body, name)
    try:
        return _in_years(datetime.fromtimestamp(value / 1000, tz=UTC), name)
    except (OverflowError, OSError, ValueError):
        raise _FieldError(f"{name!r} is not a time in milliseconds") from None


def _in_years(at: datetime, name: str) -> datetime:
    if not YEARS[0] <= at.astimezone(UTC).year <= YEARS[1]:
        raise _FieldError(f"{name!r} is not between the years {YEARS[0]} and {YEARS[1]}")
    return at


_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _iso(body: dict[str, Any], name: str) -> datetime:
    value = body.get(name)
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        raise _FieldError(f"{name!r} must be an ISO 8601 time with its offset")
    try:
        return _in_years(datetime.fromisoformat(value), name)
    except (OverflowError, ValueError) as error:
        if isinstance(error, _FieldError):
            raise
        raise _FieldError(f"{name!r} is not a valid time") from None
