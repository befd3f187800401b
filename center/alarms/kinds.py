"""Alarm kinds (docs/mqtt.md "Alarms") in words an administrator reads at a glance."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KIND_NAMES: dict[str, Promise] = {
    "door_jammed": _("Door jammed"),
    "forced_open": _("Door forced open"),
    "door_left_open": _("Door left open"),
    "item_left_behind": _("Papers left behind"),
    "document_missing": _("Document missing"),
    "unexpected_item": _("Unexpected item in a compartment"),
    "needs_check": _("Compartment needs a check"),
    "board_offline": _("Lock board not answering"),
    "bus_offline": _("Lock bus not answering"),
    "overdue_items": _("Results not collected in time"),
    "printer.paper_out": _("Printer out of paper"),
    "printer.paper_low": _("Printer paper low"),
    "printer.offline": _("Printer offline (cover open or jammed)"),
    "printer.unreachable": _("Printer not answering"),
    "guide.catalog_unavailable": _("Service guide unavailable"),
    "outbox.backlog": _("Reports piling up on the terminal"),
    "outbox.dropped": _("Terminal dropped reports"),
    "pickup.guessing": _("Someone guessing pickup codes"),
    "clock.jumped": _("Terminal clock jumped"),
    "device.fault": _("Device fault"),
    "help.unanswered": _("A resident's call for help went unanswered"),
}


def kind_name(kind: str) -> str:
    """The kind in words; a kind this center does not know yet is shown as sent."""
    name = KIND_NAMES.get(kind)
    return str(name) if name is not None else kind
