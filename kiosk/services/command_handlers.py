"""What each command type does, through the services that own the change.

Each handler checks its arguments strictly (unknown or missing arguments are refused,
like unknown configuration keys), then asks the service that owns the change, which
audits it under the command's actor (`center:<command id>`). Types whose service this
terminal lacks are refused with `not_supported`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from kiosk.services.commands import Command, CommandFailed, CommandHandler, CommandRejected
from kiosk.services.guide.catalog import CatalogError
from kiosk.services.guide.service import GuideService
from kiosk.services.locker.model import Refused, Started
from kiosk.services.locker.service import LockerService
from kiosk.services.opening_hours_text import chinese_hours
from kiosk.services.outbox_resend import OutboxResend, ResendRefused
from kiosk.services.station_settings import StationSettings, sessions_from_wire

LOCKER_ANSWER_S = 20.0


def build_handlers(*, locker: LockerService | None, guide: GuideService | None,
                   settings: StationSettings, rebirth: Callable[[], None] | None,
                   outbox: OutboxResend | None = None) -> dict[str, CommandHandler]:
    def needs(service: object, what: str) -> None:
        if service is None:
            raise CommandRejected("not_supported", f"this terminal has no {what}")

    def open_compartment(command: Command) -> Mapping[str, Any]:
        args = _arguments(command, {"compartment": int})
        needs(locker, "locker")
        assert locker is not None
        number = args["compartment"]
        try:
            outcome = locker.open_for_maintenance(command.actor, number).result(LOCKER_ANSWER_S)
        except FutureTimeout:
            raise CommandFailed("timeout", "the locker did not answer; the door may still "
                                           "open") from None
        if isinstance(outcome, Refused):
            raise CommandRejected("refused", f"{outcome.reason}: {outcome.detail}".rstrip(": "))
        assert isinstance(outcome, Started)
        return {"compartment": number, "operation": outcome.operation_id}

    def set_in_service(command: Command) -> Mapping[str, Any]:
        args = _arguments(command, {"compartment": int, "inService": bool})
        needs(locker, "locker")
        assert locker is not None
        number, in_service = args["compartment"], args["inService"]
        try:
            known = locker.set_in_service(command.actor, number, in_service).result(
                LOCKER_ANSWER_S)
        except FutureTimeout:
            raise CommandFailed("timeout", "the locker did not answer") from None
        if not known:
            raise CommandRejected("refused", f"not_found: no compartment {number}")
        return {"compartment": number, "inService": in_service}

    def reissue_code(command: Command) -> Mapping[str, Any]:
        args = _arguments(command, {"deposit": str})
        needs(locker, "locker")
        assert locker is not None
        try:
            refusal = locker.reissue_code(command.actor, args["deposit"]).result(
                LOCKER_ANSWER_S)
        except FutureTimeout:
            raise CommandFailed("timeout", "the locker did not answer; the old code may "
                                           "still work") from None
        if refusal is not None:
            raise CommandRejected("refused", refusal)
        return {"deposit": args["deposit"]}

    def replace_catalog(command: Command) -> Mapping[str, Any]:
        args = _arguments(command, {"catalog": str})
        needs(guide, "service guide")
        assert guide is not None
        try:
            data = base64.b64decode(args["catalog"], validate=True)
        except (binascii.Error, ValueError):
            raise CommandRejected("bad_arguments", "catalog must be base64 of the TOML file"
                                  ) from None
        try:
            catalog = guide.replace_catalog(data, command.actor)
        except CatalogError as error:
            raise CommandRejected("catalog_invalid", str(error)) from None
        return {"version": catalog.info.version, "items": len(catalog.items)}

    def set_announcement(command: Command) -> Mapping[str, Any]:
        args = _arguments(command, {"text": str}, optional={"until": int})
        try:
            settings.set_announcement(args["text"], args.get("until"), command.actor)
        except ValueError as error:
            raise CommandRejected("bad_arguments", str(error)) from None
        return {"shown": bool(args["text"].strip())}

    def set_opening_hours(command: Command) -> Mapping[str, Any]:
        # The staffed hours as sessions; the old form {"text": ""} still means "back to the
        # configured hours", but hours in free words are refused: they could contradict the
        # queues, which is what the sessions are for.
        args = _arguments(command, {}, optional={"sessions": list, "text": str})
        if ("sessions" in args) == ("text" in args):
            raise CommandRejected("bad_arguments", "give sessions (a list of {days, start, "
                                                   "end}; empty for the configured hours)")
        if args.get("text", "").strip():
            raise CommandRejected("bad_arguments", "hours in words are no longer taken: give "
                                                   "sessions, from which the terminal words "
                                                   "them")
        try:
            hours = settings.set_staffed_hours(sessions_from_wire(args.get("sessions", [])),
                                               command.actor)
        except ValueError as error:
            raise CommandRejected("bad_arguments", str(error)) from None
        return {"configured": not args.get("sessions"), "sessions": hours.as_sessions(),
                "text": chinese_hours(hours)}

    def ask_for_birth(command: Command) -> Mapping[str, Any]:
        _arguments(command, {})
        needs(rebirth, "link to the center")
        assert rebirth is not None
        rebirth()
        return {}

    def resend_events(command: Command) -> Mapping[str, Any]:
        args = _arguments(command, {"fromSeq": int, "toSeq": int})
        needs(outbox, "link to the center")
        assert outbox is not None
        try:
            return outbox.resend(command.actor, args["fromSeq"], args["toSeq"]).as_detail()
        except ResendRefused as refusal:
            raise CommandRejected("bad_arguments", str(refusal)) from None

    return {
        "locker.open": open_compartment,
        "locker.set_in_service": set_in_service,
        "locker.reissue_code": reissue_code,
        "guide.replace_catalog": replace_catalog,
        "display.set_announcement": set_announcement,
        "station.set_opening_hours": set_opening_hours,
        "presence.rebirth": ask_for_birth,
        "outbox.resend": resend_events,
    }


def _arguments(command: Command, required: Mapping[str, type],
               optional: Mapping[str, type] | None = None) -> dict[str, Any]:
    optional = optional or {}
    args = command.args
    missing = [name for name in required if name not in args]
    unknown = sorted(set(args) - set(required) - set(optional))
    if missing or unknown:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(unknown)}"] if unknown else [])
        raise CommandRejected("bad_arguments", "; ".join(problems))
    for name, kind in {**required, **optional}.items():
        if name not in args:
            continue
        value = args[name]
        # JSON true is not a number, and 3.0 is not a compartment.
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise CommandRejected("bad_arguments", f"{name} must be {kind.__name__}")
    return dict(args)

