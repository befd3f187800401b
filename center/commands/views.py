"""Commands from a terminal's page: each POST checks the person's role for this terminal,
issues the signed command and says what became of it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.accounts.roles import may_act_on, visible_terminals
from center.commands.forms import AnnouncementForm, OpenCompartmentForm
from center.commands.issue import CommandRefused, issue_command
from center.fleet.models import Terminal


def _terminal_for_action(request: HttpRequest, district: str, terminal_id: str) -> Terminal:
    terminal = get_object_or_404(visible_terminals(request.user), district=district,
                                 terminal_id=terminal_id)
    if not may_act_on(request.user, terminal):
        raise PermissionDenied(_("Your role may look at this terminal but not command it."))
    return terminal


def _issue(request: HttpRequest, terminal: Terminal, command_type: str, args: dict,
           reason: str = "") -> None:
    try:
        issue_command(request.user, terminal, command_type, args, reason=reason)
    except CommandRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Sent to %(terminal)s; its answer appears below.")
                         % {"terminal": terminal.terminal_id})


@require_POST
def announce(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        _issue(request, terminal, "display.set_announcement", {"text": form.cleaned_data["text"]})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
    return redirect("fleet:terminal", district, terminal_id)


@require_POST
def open_compartment(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    form = OpenCompartmentForm(request.POST)
    if form.is_valid():
        _issue(request, terminal, "locker.open",
               {"compartment": form.cleaned_data["compartment"]},
               reason=form.cleaned_data["reason"])
    else:
        messages.error(request, _("To open a compartment, give its number and the reason, and "
                                  "confirm."))
    return redirect("fleet:terminal", district, terminal_id)


@require_POST
def rebirth(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = _terminal_for_action(request, district, terminal_id)
    _issue(request, terminal, "presence.rebirth", {})
    return redirect("fleet:terminal", district, terminal_id)
