"""What the terminal page's alarm and maintenance panels read, so the page's view needs to
pass nothing for them: ``{% standing_alarms terminal as alarms %}``,
``{% maintenance_windows terminal as windows %}``, ``{% maintenance_form as form %}``."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet
from django.utils import timezone

from center.alarms.forms import MaintenanceForm
from center.alarms.maintenance import current_and_planned, with_maintenance_mark
from center.alarms.models import Alarm, MaintenanceWindow
from center.fleet.models import Terminal

register = template.Library()


@register.simple_tag
def standing_alarms(terminal: Terminal) -> QuerySet[Alarm]:
    return with_maintenance_mark(terminal.alarms.filter(active=True)).select_related(
        "acknowledged_by", "assigned_to")


@register.simple_tag
def maintenance_windows(terminal: Terminal) -> list[MaintenanceWindow]:
    return list(current_and_planned(terminal, timezone.now()))


@register.simple_tag
def maintenance_form() -> MaintenanceForm:
    return MaintenanceForm()
