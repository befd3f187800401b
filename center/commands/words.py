"""Commands in words a clerk reads: what was asked, and what the terminal answered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from center.commands.models import Command, CommandState
from center.commands.opening_hours import sessions_in_words

TYPE_NAMES: dict[str, Promise] = {
    "display.set_announcement": gettext_lazy("Announcement"),
    "locker.open": gettext_lazy("Open a compartment"),
    "locker.set_in_service": gettext_lazy("Compartment in or out of service"),
    "station.set_opening_hours": gettext_lazy("Opening hours"),
    "guide.replace_catalog": gettext_lazy("Replace the service catalog"),
    "presence.rebirth": gettext_lazy("Ask for its state again"),
    "outbox.resend": gettext_lazy("Send lost reports again"),
    "locker.reissue_code": gettext_lazy("A new pickup code"),
}


def type_name(command_type: str) -> str:
    name = TYPE_NAMES.get(command_type)
    return str(name) if name is not None else command_type


def what_was_asked(command_type: str, args: dict[str, Any]) -> str:
    """The arguments in words: 'Compartment 3: out of service', the hours, the text."""
    if command_type == "display.set_announcement":
        text = str(args.get("text", ""))
        if not text:
            return _("Remove the announcement")
        if isinstance(args.get("until"), int):
            until = timezone.localtime(datetime.fromtimestamp(args["until"] / 1000, UTC))
            return _("“%(text)s” until %(until)s") % {
                "text": text, "until": until.strftime("%Y-%m-%d %H:%M")}
        return f"“{text}”"
    if command_type == "locker.open":
        return _("Compartment %(number)s") % {"number": args.get("compartment")}
    if command_type == "locker.set_in_service":
        if args.get("inService"):
            return _("Compartment %(number)s: back in service") % {
                "number": args.get("compartment")}
        return _("Compartment %(number)s: out of service") % {
            "number": args.get("compartment")}
    if command_type == "station.set_opening_hours":
        sessions = args.get("sessions")
        if not sessions:
            return _("Back to the configured hours")
        return sessions_in_words(sessions) if isinstance(sessions, list) else ""
    if command_type == "outbox.resend":
        return _("Reports %(first)s to %(last)s") % {"first": args.get("fromSeq"),
                                                      "last": args.get("toSeq")}
    return ""


def the_answer(command: Command) -> str:
    """What the terminal said: the hours in force for opening hours, its own words for a
    refusal or a failure (with the reason code a technician looks up)."""
    if command.state == CommandState.ACCEPTED:
        detail = command.result_detail or {}
        if command.type == "station.set_opening_hours" and detail.get("text"):
            return _("In force now: %(hours)s") % {"hours": detail["text"]}
        # The terminal words its answers in English for technicians; "ok" needs none.
        return _("Carried out") if command.result_reason in ("ok", "") else \
            command.result_text
    if command.state in (CommandState.REJECTED, CommandState.FAILED):
        text = command.result_text or _("(no reason given)")
        return f"{text} ({command.result_reason})" if command.result_reason else text
    return ""
