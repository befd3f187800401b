from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.accounts.roles import may_act_on, visible_terminals
from center.alarms.models import Alarm
from center.audit.log import record


@require_POST
def acknowledge(request: HttpRequest, alarm_id: int) -> HttpResponse:
    alarm = get_object_or_404(Alarm.objects.select_related("terminal"), pk=alarm_id,
                              terminal__in=visible_terminals(request.user))
    if not may_act_on(request.user, alarm.terminal):
        raise PermissionDenied(_("Your role may look at this alarm but not answer it."))
    comment = request.POST.get("comment", "").strip()[:500]
    if alarm.acknowledged_at is None:
        alarm.acknowledged_by_id = request.user.pk
        alarm.acknowledged_at = timezone.now()
    if comment:
        alarm.comment = comment
    alarm.save(update_fields=["acknowledged_by", "acknowledged_at", "comment"])
    record(request.user, "alarm.acknowledged", alarm.terminal, alarm=alarm.pk,
           kind=alarm.kind, subject=alarm.subject, comment=comment)
    messages.success(request, _("Alarm acknowledged."))
    return redirect("fleet:terminal", alarm.terminal.district, alarm.terminal.terminal_id)
