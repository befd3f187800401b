"""What a terminal's page shows of commands: the forms (a compartment chosen on the grid
already filled in), the compartments out of service, the staffed hours the terminal last
reported in force, and the recent commands in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest

from center.commands.forms import (
    BACK_IN,
    OUT,
    AnnouncementForm,
    CompartmentServiceForm,
    OpenCompartmentForm,
)
from center.commands.models import Command, CommandState
from center.commands.opening_hours import sessions_in_words
from center.fleet.models import Terminal


@dataclass(frozen=True)
class ReportedHours:
    """The staffed hours as the terminal's last accepted station.set_opening_hours put
    them in force (its result's detail)."""

    sessions: list[dict[str, Any]]
    text: str                  # the terminal's own words, as its slips print them
    configured: bool           # the hours of its configuration, not the center's
    at: datetime | None


def reported_hours(terminal: Terminal) -> ReportedHours | None:
    command = (Command.objects.filter(terminal=terminal, type="station.set_opening_hours",
                                      state=CommandState.ACCEPTED)
               .order_by("-result_at", "-issued_at").first())
    if command is None:
        return None
    detail = command.result_detail or {}
    listed = detail.get("sessions")
    sessions: list[dict[str, Any]] = listed if isinstance(listed, list) else []
    text = str(detail.get("text") or sessions_in_words(sessions))
    return ReportedHours(sessions, text, bool(detail.get("configured")), command.result_at)


def out_of_service(terminal: Terminal) -> list[int]:
    """The compartments the latest heartbeat lists as out of service."""
    locker = terminal.section("locker") or {}
    listed = locker.get("outOfService")
    return sorted(n for n in listed if type(n) is int) if isinstance(listed, list) else []


def locker_size(terminal: Terminal) -> int | None:
    count = (terminal.section("locker") or {}).get("compartments")
    return count if type(count) is int and count > 0 else None


def chosen_compartment(request: HttpRequest | None, size: int | None) -> int | None:
    """The compartment picked on the grid (?compartment=N), if it is one of the locker's."""
    typed = request.GET.get("compartment", "") if request is not None else ""
    if not typed.isdigit():
        return None
    number = int(typed)
    return number if number >= 1 and (size is None or number <= size) else None


def commands_section(terminal: Terminal, request: HttpRequest | None) -> dict[str, Any]:
    size = locker_size(terminal)
    out = out_of_service(terminal)
    chosen = chosen_compartment(request, size)
    service_initial: dict[str, Any] = {}
    if chosen is not None:
        service_initial = {"compartment": chosen, "service": BACK_IN if chosen in out else OUT}
    # Ids of their own: other sections of the page have forms with a "reason" too, and a
    # label must point at its own field.
    return {
        "announcement_form": AnnouncementForm(auto_id="announce_%s"),
        "open_form": OpenCompartmentForm(initial={"compartment": chosen}, compartments=size,
                                         auto_id="open_%s"),
        "service_form": CompartmentServiceForm(initial=service_initial, compartments=size,
                                               auto_id="service_%s"),
        "out_of_service": out,
        "chosen": chosen,
        "hours": reported_hours(terminal),
    }
