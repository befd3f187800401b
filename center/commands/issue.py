"""Issuing a command: its arguments checked as the terminal will check them, its body signed
once with the center's key (read from CENTER_SIGNING_KEY_FILE each time, never stored), a
row to track it, and an audit entry naming who asked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from center.audit.models import AuditEntry
from center.commands.models import BulkAction, Command
from center.commands.opening_hours import HoursInvalid, checked_sessions
from center.fleet.models import Terminal
from contract.command_signing import sign_command
from contract.key_files import KeyFileError, load_signing_key

# The contract allows at most 24 hours between issuedAt and expiresAt.
LONGEST_LIFETIME = timedelta(hours=24)
# A terminal takes envelopes of at most 4 MiB; base64 of the envelope's body costs a third
# more again, so the catalog's own base64 must stay well under 3 MiB.
LARGEST_CATALOG_BASE64 = 3 * 1024 * 1024 - 4096
# outbox.resend asks for at most this many seqs at once.
LONGEST_RESEND = 10_000


class CommandRefused(ValueError):
    """The command cannot be issued; the message says why, for the person who asked."""


def _announcement(args: dict[str, Any]) -> dict[str, Any]:
    text = str(args.get("text", "")).strip()
    if len(text) > 300:
        raise CommandRefused(_("An announcement has at most 300 characters."))
    checked: dict[str, Any] = {"text": text}
    if args.get("until") is not None:
        until = args["until"]
        if type(until) is not int:
            raise CommandRefused(_("An announcement's end is a time in milliseconds."))
        checked["until"] = until
    return checked


def _compartment(args: dict[str, Any]) -> dict[str, Any]:
    number = args.get("compartment")
    # The terminal takes a JSON integer only: not "3", not 3.0, not true.
    if type(number) is not int:
        raise CommandRefused(_("Give the compartment's number."))
    if number < 1:
        raise CommandRefused(_("Compartment numbers start at 1."))
    return {"compartment": number}


def _in_service(args: dict[str, Any]) -> dict[str, Any]:
    in_service = args.get("inService")
    if type(in_service) is not bool:
        raise CommandRefused(_("Say whether the compartment goes out of service or back in."))
    return {**_compartment(args), "inService": in_service}


def _opening_hours(args: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"sessions": checked_sessions(args.get("sessions", []))}
    except HoursInvalid as problem:
        raise CommandRefused(str(problem)) from None


def _catalog(args: dict[str, Any]) -> dict[str, Any]:
    """The file itself is checked by whoever built it (center/catalog) and, finally, by the
    terminal; here only that it is base64 and fits in an envelope."""
    catalog = args.get("catalog")
    if not isinstance(catalog, str) or not catalog:
        raise CommandRefused(_("The catalog must be the file in base64."))
    try:
        base64.b64decode(catalog, validate=True)
    except (binascii.Error, ValueError):
        raise CommandRefused(_("The catalog must be the file in base64.")) from None
    if len(catalog) > LARGEST_CATALOG_BASE64:
        raise CommandRefused(_("The catalog is too large for one command."))
    return {"catalog": catalog}


def _resend(args: dict[str, Any]) -> dict[str, Any]:
    first, last = args.get("fromSeq"), args.get("toSeq")
    if type(first) is not int or type(last) is not int or not 1 <= first <= last \
            or last - first >= LONGEST_RESEND:
        raise CommandRefused(_("Ask again for 1 to 10,000 events, first to last."))
    return {"fromSeq": first, "toSeq": last}


def _deposit(args: dict[str, Any]) -> dict[str, Any]:
    deposit = args.get("deposit")
    # The terminal's deposit ids are short strings; anything else names no deposit.
    if not isinstance(deposit, str) or not deposit or len(deposit) > 64:
        raise CommandRefused(_("Give the deposit's id (at most 64 characters)."))
    return {"deposit": deposit}


CHECKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "display.set_announcement": _announcement,
    "locker.open": _compartment,
    "locker.set_in_service": _in_service,
    "station.set_opening_hours": _opening_hours,
    "guide.replace_catalog": _catalog,
    "presence.rebirth": lambda args: {},
    "outbox.resend": _resend,
    "locker.reissue_code": _deposit,
}
# Commands that act on something physical, or on a resident's code, need a reason in the
# audit trail.
NEED_A_REASON = {"locker.open", "locker.set_in_service", "locker.reissue_code"}


@dataclass(frozen=True)
class Checked:
    """A command's type, arguments and reason, checked, and how long it stays valid."""

    type: str
    args: dict[str, Any]
    reason: str
    lifetime: timedelta

    @property
    def kept_args(self) -> dict[str, Any]:
        """The arguments as rows and audit entries keep them. A catalog goes whole only in
        the signed envelope: kept per terminal and in every audit entry, 110 KB of base64
        would swell the database and the audit page, so they keep its digest and size."""
        if self.type != "guide.replace_catalog":
            return self.args
        raw = base64.b64decode(self.args["catalog"])
        return {"catalogSha256": hashlib.sha256(raw).hexdigest(), "catalogBytes": len(raw)}


def check(command_type: str, args: dict[str, Any], *, reason: str = "",
          lifetime: timedelta | None = None) -> Checked:
    """Raises CommandRefused when the terminal would refuse the arguments."""
    checker = CHECKS.get(command_type)
    if checker is None:
        raise CommandRefused(_("The center cannot send %(type)s.") % {"type": command_type})
    checked = checker(args)
    if command_type in NEED_A_REASON and not reason.strip():
        raise CommandRefused(_("Say why: the reason is kept with the command."))
    lifetime = min(lifetime or timedelta(seconds=settings.COMMAND_LIFETIME_S),
                   LONGEST_LIFETIME)
    return Checked(command_type, checked, reason.strip()[:300], lifetime)


def signed_command(user: Any, terminal: Terminal, checked: Checked, key: Ed25519PrivateKey,
                   now: datetime, bulk: BulkAction | None = None) -> Command:
    """The command's row, not yet saved, with its body serialised and signed once."""
    command_id = uuid.uuid4()
    expires_at = now + checked.lifetime
    body = json.dumps({
        "schema": 1, "id": str(command_id), "district": terminal.district,
        "terminal": terminal.terminal_id, "type": checked.type,
        "issuedAt": int(now.timestamp() * 1000),
        "expiresAt": int(expires_at.timestamp() * 1000), "args": checked.args,
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Command(id=command_id, terminal=terminal, type=checked.type, args=checked.kept_args,
                   reason=checked.reason, issued_by=_person(user),
                   issued_at=now, expires_at=expires_at,
                   envelope=sign_command(key, body), bulk=bulk)


def audit_entry(user: Any, action: str, terminal: Terminal | None,
                **detail: Any) -> AuditEntry:
    """An audit entry as center.audit.log.record writes it, not yet saved: bulk actions
    write thousands at once. ``user`` None is the center itself."""
    return AuditEntry(user=_person(user), username=user.get_username() if user else "system",
                      action=action, terminal=terminal, detail=detail)


def _person(user: Any) -> Any:
    """The account to link, if any: None for the center itself (gap_requests asks for lost
    events on its own)."""
    return user if user is not None and user.is_authenticated else None


def issued_entry(user: Any, command: Command) -> AuditEntry:
    detail: dict[str, Any] = {"command": str(command.id), "type": command.type,
                              "args": command.args, "reason": command.reason}
    if command.bulk_id is not None:
        detail["bulk"] = command.bulk_id
    return audit_entry(user, "command.issued", command.terminal, **detail)


def issue_command(user: Any, terminal: Terminal, command_type: str, args: dict[str, Any],
                  *, reason: str = "", lifetime: timedelta | None = None,
                  using: str = "default") -> Command:
    checked = check(command_type, args, reason=reason, lifetime=lifetime)
    command = signed_command(user, terminal, checked, signing_key(), timezone.now())
    with transaction.atomic(using=using):
        command.save(using=using, force_insert=True)
        issued_entry(user, command).save(using=using)
    return command


def signing_key() -> Ed25519PrivateKey:
    path = settings.CENTER_SIGNING_KEY_FILE
    if not path:
        raise CommandRefused(_("The center has no signing key (CENTER_SIGNING_KEY_FILE), so "
                               "it cannot send commands."))
    try:
        return load_signing_key(path)
    except KeyFileError as error:
        raise CommandRefused(_("The center's signing key cannot be used: %(error)s")
                             % {"error": error}) from None
