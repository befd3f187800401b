"""Issuing a command: its arguments checked as the terminal will check them, its body signed
once with the center's key (read from CENTER_SIGNING_KEY_FILE each time, never stored), a
row to track it, and an audit entry naming who asked."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from center.audit.log import record
from center.commands.models import Command
from center.fleet.models import Terminal
from contract.command_signing import sign_command
from contract.key_files import KeyFileError, load_signing_key

# The contract allows at most 24 hours between issuedAt and expiresAt.
LONGEST_LIFETIME = timedelta(hours=24)


class CommandRefused(ValueError):
    """The command cannot be issued; the message says why, for the person who asked."""


def _announcement(args: dict[str, Any]) -> dict[str, Any]:
    text = str(args.get("text", "")).strip()
    if len(text) > 300:
        raise CommandRefused(_("An announcement has at most 300 characters."))
    checked: dict[str, Any] = {"text": text}
    if args.get("until") is not None:
        checked["until"] = int(args["until"])
    return checked


def _compartment(args: dict[str, Any]) -> dict[str, Any]:
    try:
        number = int(args["compartment"])
    except (KeyError, TypeError, ValueError):
        raise CommandRefused(_("Give the compartment's number.")) from None
    if number < 1:
        raise CommandRefused(_("Compartment numbers start at 1."))
    return {"compartment": number}


def _in_service(args: dict[str, Any]) -> dict[str, Any]:
    return {**_compartment(args), "inService": bool(args.get("inService"))}


CHECKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "display.set_announcement": _announcement,
    "locker.open": _compartment,
    "locker.set_in_service": _in_service,
    "presence.rebirth": lambda args: {},
}
# Commands that act on something physical need a reason in the audit trail.
NEED_A_REASON = {"locker.open", "locker.set_in_service"}


def issue_command(user: Any, terminal: Terminal, command_type: str, args: dict[str, Any],
                  *, reason: str = "", lifetime: timedelta | None = None) -> Command:
    check = CHECKS.get(command_type)
    if check is None:
        raise CommandRefused(_("The center cannot send %(type)s.") % {"type": command_type})
    checked = check(args)
    if command_type in NEED_A_REASON and not reason.strip():
        raise CommandRefused(_("Say why: the reason is kept with the command."))
    lifetime = min(lifetime or timedelta(seconds=settings.COMMAND_LIFETIME_S),
                   LONGEST_LIFETIME)
    now = timezone.now()
    command_id = uuid.uuid4()
    body = json.dumps({
        "schema": 1, "id": str(command_id), "district": terminal.district,
        "terminal": terminal.terminal_id, "type": command_type,
        "issuedAt": int(now.timestamp() * 1000),
        "expiresAt": int((now + lifetime).timestamp() * 1000), "args": checked,
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    envelope = sign_command(_signing_key(), body)
    with transaction.atomic():
        command = Command.objects.create(
            id=command_id, terminal=terminal, type=command_type, args=checked,
            reason=reason.strip()[:300], issued_by=user, issued_at=now,
            expires_at=now + lifetime, envelope=envelope)
        record(user, "command.issued", terminal, command=str(command_id), type=command_type,
               args=checked, reason=command.reason)
    return command


def _signing_key() -> Any:
    path = settings.CENTER_SIGNING_KEY_FILE
    if not path:
        raise CommandRefused(_("The center has no signing key (CENTER_SIGNING_KEY_FILE), so "
                               "it cannot send commands."))
    try:
        return load_signing_key(path)
    except KeyFileError as error:
        raise CommandRefused(_("The center's signing key cannot be used: %(error)s")
                             % {"error": error}) from None
