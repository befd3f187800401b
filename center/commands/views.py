"""Commands from a terminal's page: each POST checks the person's role for this terminal,
issues the signed command and says what became of it. A station manager reaches only their
own stations' terminals (others are 404); a viewer may look but is refused (403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from center.accounts.roles import may_act_on, visible_terminals
from center.commands.forms import AnnouncementForm, CompartmentServiceForm, OpenCompartmentForm
from center.commands.hours_form import OpeningHoursForm
from center.commands.issue import CommandRefused, issue_command
from center.commands.terminal_context import locker_size, reported_hours
from center.fleet.models import Terminal


def _terminal_for_action(request: HttpRequest, district: str, terminal_id: str) -> Terminal:
    terminal = get_object_or_404(visible_terminals(request.user), district=district,
                                 terminal_id=terminal_id)
    if not may_act_on(request.user, terminal):
        raise PermissionDenied(_("Your role may look at this terminal but not command it."))
    return terminal


def _issue(request: HttpRequest, terminal: Terminal, command_type: str, args: dict[str, Any],
           reason: str = "") -> bool:
    try:
        issue_command(request.user, terminal, command_type, args, reason=reason)
    except CommandRefused as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, _("Sent to %(terminal)s; its answer appears below.")
                     % {"terminal": terminal.terminal_id})
    return True


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _back(terminal: Terminal) -> HttpResponse:
    return redirect("fleet:terminal", terminal.district, terminal.terminal_id)


@require_POST
def announce(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        _issue(request, terminal, "display.set_announcement", form.args())
    else:
        messages.error(request, _form_errors(form))
    return _back(terminal)


@require_POST
def open_compartment(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    form = OpenCompartmentForm(request.POST, compartments=locker_size(terminal))
    if form.is_valid():
        _issue(request, terminal, "locker.open",
               {"compartment": form.cleaned_data["compartment"]},
               reason=form.cleaned_data["reason"])
    elif "compartment" in form.errors and form.data.get("compartment"):
        messages.error(request, _form_errors(form))
    else:
        messages.error(request, _("To open a compartment, give its number and the reason, and "
                                  "confirm."))
    return _back(terminal)


@require_POST
def set_in_service(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    form = CompartmentServiceForm(request.POST, compartments=locker_size(terminal))
    if form.is_valid():
        _issue(request, terminal, "locker.set_in_service", form.args(),
               reason=form.cleaned_data["why"])
    else:
        messages.error(request, _form_errors(form))
    return _back(terminal)


@require_POST
def rebirth(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    _issue(request, terminal, "presence.rebirth", {})
    return _back(terminal)


@require_http_methods(["GET", "POST"])
def opening_hours(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    """The staffed hours' page: the hours the terminal last reported in force, filled into
    rows to change; or back to the terminal's configured hours."""
    terminal = _terminal_for_action(request, district, terminal_id)
    hours = reported_hours(terminal)
    if request.method == "POST":
        form = OpeningHoursForm(request.POST)
        if form.is_valid() and _issue(request, terminal, "station.set_opening_hours",
                                      form.args()):
            return _back(terminal)
    else:
        # The hours in force, whoever set them, are the likeliest start for a change.
        form = OpeningHoursForm(initial=OpeningHoursForm.initial_for(
            hours.sessions if hours else []))
    return render(request, "commands/opening_hours.html",
                  {"terminal": terminal, "form": form, "hours": hours})
