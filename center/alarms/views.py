"""The alarms page (standing and past, across the terminals a person may see), one alarm's
page with its history, and answering an alarm: acknowledge, comment, assign."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from center.accounts.roles import may_act_on, visible_terminals
from center.alarms.answering import NotAssignable, add_comment
from center.alarms.answering import acknowledge as acknowledge_alarm
from center.alarms.answering import assign as assign_alarm
from center.alarms.forms import AlarmFilter, AssignForm, CommentForm
from center.alarms.maintenance import with_maintenance_mark
from center.alarms.models import Alarm, NoteKind
from center.alarms.people import people_who_may_act

PAGE_SIZE = 50


@require_GET
def alarm_list(request: HttpRequest) -> HttpResponse:
    visible = visible_terminals(request.user)
    filters = AlarmFilter(request.GET or None, visible)
    alarms = with_maintenance_mark(filters.apply(
        Alarm.objects.filter(terminal__in=visible), request.user)).select_related(
        "terminal__station", "acknowledged_by", "assigned_to").order_by("-raised_at", "-pk")
    page = Paginator(alarms, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "alarms/list.html", {
        "page": page, "filters": filters, "filtered": bool(request.GET),
        "query": query.urlencode()})


@require_GET
def alarm_detail(request: HttpRequest, alarm_id: int) -> HttpResponse:
    alarm = _visible_alarm(request, alarm_id)
    may_act = may_act_on(request.user, alarm.terminal)
    return render(request, "alarms/detail.html", {
        "alarm": alarm, "may_act": may_act,
        "notes": alarm.notes.select_related("author", "assignee"),
        "comment_form": CommentForm(),
        "assign_form": AssignForm(initial={"assignee": alarm.assigned_to_id},
                                  people=people_who_may_act(alarm.terminal)),
    })


@require_POST
def acknowledge(request: HttpRequest, alarm_id: int) -> HttpResponse:
    alarm = _alarm_to_answer(request, alarm_id)
    comment = request.POST.get("comment", "").strip()[:500]
    note = acknowledge_alarm(request.user, alarm, comment)
    # Worded from what was written under the row's lock: two people may click at once.
    if note is None:
        alarm.refresh_from_db()
        messages.info(request, _("%(name)s had already acknowledged this alarm; nothing "
                                 "changed. Add a comment to say more.")
                      % {"name": alarm.acknowledged_by.get_username()
                         if alarm.acknowledged_by else "—"})
    elif note.kind == NoteKind.ACKNOWLEDGED:
        messages.success(request, _("Alarm acknowledged."))
    else:
        messages.success(request, _("Comment added."))
    return _back(request, reverse("fleet:terminal", args=[alarm.terminal.district,
                                                          alarm.terminal.terminal_id]))


@require_POST
def comment(request: HttpRequest, alarm_id: int) -> HttpResponse:
    alarm = _alarm_to_answer(request, alarm_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        add_comment(request.user, alarm, form.cleaned_data["text"].strip())
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write the comment first (at most 500 characters)."))
    return redirect("alarms:detail", alarm.pk)


@require_POST
def assign(request: HttpRequest, alarm_id: int) -> HttpResponse:
    alarm = _alarm_to_answer(request, alarm_id)
    form = AssignForm(request.POST, people=people_who_may_act(alarm.terminal))
    if not form.is_valid():
        messages.error(request, _("Choose someone who may act on this terminal."))
        return redirect("alarms:detail", alarm.pk)
    assignee = form.cleaned_data["assignee"]
    try:
        changed = assign_alarm(request.user, alarm, assignee)
    except NotAssignable:
        messages.error(request, _("Choose someone who may act on this terminal."))
        return redirect("alarms:detail", alarm.pk)
    if changed is not None:
        messages.success(request, _("Assigned to %(name)s.") % {"name": assignee.get_username()}
                         if assignee else _("The alarm is assigned to nobody now."))
    return redirect("alarms:detail", alarm.pk)


def _visible_alarm(request: HttpRequest, alarm_id: int) -> Alarm:
    """The alarm if the person may see its terminal (404 otherwise, as for terminals)."""
    return get_object_or_404(
        with_maintenance_mark(Alarm.objects.select_related(
            "terminal__station", "acknowledged_by", "assigned_to")),
        pk=alarm_id, terminal__in=visible_terminals(request.user))


def _alarm_to_answer(request: HttpRequest, alarm_id: int) -> Alarm:
    alarm = _visible_alarm(request, alarm_id)
    if not may_act_on(request.user, alarm.terminal):
        raise PermissionDenied(_("Your role may look at this alarm but not answer it."))
    return alarm


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form was on (its ``next``), if that is one of ours."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = default
    return redirect(target)
