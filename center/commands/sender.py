"""Sending due commands, from the ingest workers that hold a broker connection.

A command is sent while its terminal is online; one that was sent but not answered is sent
again after the terminal's next birth (a terminal keeps no MQTT session, so what reached it
while offline was lost); one past its expiry is closed as expired. Workers claim a command
with a conditional update, so only one of them sends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import F
from django.utils import timezone

from center.commands.models import FINAL, Command, CommandState
from center.fleet.models import Presence, Terminal
from contract.topics import Topics

# publish(topic, payload, expiry_s) -> whether the broker connection took it
Publish = Callable[[str, bytes, int], bool]


def send_due(publish: Publish, prefix: str, *, using: str = "default",
             now: datetime | None = None) -> int:
    now = now or timezone.now()
    commands = Command.objects.using(using)
    commands.filter(state__in=[CommandState.PENDING, CommandState.SENT],
                    expires_at__lte=now).update(state=CommandState.EXPIRED)
    sent = 0
    # Commands waiting for terminals that are offline by their death are not even read: a
    # bulk action may leave thousands of them waiting for a day, and workers look twice a
    # second. Silent terminals (online by births, no heartbeat) are weeded out below.
    for command in commands.filter(state=CommandState.PENDING,
                                   terminal__online=True).select_related("terminal"):
        terminal = command.terminal
        if terminal.presence(now) != Presence.ONLINE:
            continue
        claimed = commands.filter(pk=command.pk, state=CommandState.PENDING).update(
            state=CommandState.SENT, sent_at=now, sends=F("sends") + 1)
        if not claimed:
            continue                       # another worker took it
        topic = Topics(prefix, terminal.district, terminal.terminal_id).commands
        remaining = max(1, int((command.expires_at - now).total_seconds()))
        if publish(topic, bytes(command.envelope), remaining):
            sent += 1
        else:
            commands.filter(pk=command.pk).update(state=CommandState.PENDING)
    return sent


def resend_after_birth(terminal: Terminal, using: str) -> None:
    """A new connection: what was sent to the old one without an answer goes again."""
    Command.objects.using(using).filter(terminal=terminal, state=CommandState.SENT).update(
        state=CommandState.PENDING)


def apply_result(terminal: Terminal, payload: dict[str, object], at: datetime,
                 using: str) -> None:
    """A command.result event. A 'replayed' refusal answers a resend of a command the
    terminal already carried out: it never replaces the first answer."""
    command = Command.objects.using(using).filter(
        pk=str(payload.get("command") or "00000000-0000-0000-0000-000000000000"),
        terminal=terminal).first()
    if command is None:
        return
    reason = str(payload.get("reason", ""))[:40]
    if reason == "replayed" and command.state in FINAL:
        return
    status = str(payload.get("status", ""))
    command.state = {"accepted": CommandState.ACCEPTED, "rejected": CommandState.REJECTED,
                     "failed": CommandState.FAILED}.get(status, CommandState.FAILED)
    command.result_reason = reason
    command.result_text = str(payload.get("text", ""))[:500]
    detail = payload.get("detail")
    command.result_detail = detail if isinstance(detail, dict) else {}
    command.result_at = at
    command.save(using=using)
