"""The few figures at the head of each section, in words with their units."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _hours(seconds: float | None) -> str:
    return "—" if seconds is None else _("%(hours)s hours") % {"hours": f"{seconds / 3600:.1f}"}


def _minutes(minutes: float | None) -> str:
    return "—" if minutes is None else _("%(minutes)s minutes") % {"minutes": f"{minutes:.1f}"}


def headlines(total: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    uptime, locker, queue = total["uptime"], total["locker"], total["queue"]
    devices, notices = total["devices"], total["notices"]
    return {
        "uptime": [(_("Uptime"), _percent(uptime["share"])),
                   (_("Offline"), _hours(uptime["offline_s"])),
                   (_("No record"), _hours(uptime["unknown_s"]))],
        "locker": [(_("Results stored"), str(locker["deposits"])),
                   (_("Collected within 1 day"), _percent(locker["within_1d_share"])),
                   (_("Past the deadline"), str(locker["overdue"])),
                   (_("Median time to collect"), _hours(locker["median_collect_s"]))],
        "queue": [(_("Tickets issued"), str(queue["issued"])),
                  (_("Served"), str(queue["served"])),
                  (_("No-shows"), str(queue["no_shows"])),
                  (_("Average wait"), _minutes(queue["average_wait_min"])),
                  (_("Longest wait"), _minutes(queue["longest_wait_min"] or None))],
        "devices": [(_("Paper out"), str(devices["paper_outs"])),
                    (_("Jams"), str(devices["jams"])),
                    (_("Faults"), str(devices["faults"])),
                    (_("Median time to repair"),
                     _minutes(None if devices["median_repair_s"] is None
                              else devices["median_repair_s"] / 60))],
        "notices": [(_("Notices"), str(notices["notices"])),
                    (_("Delivered"), str(notices["delivered"])),
                    (_("Failed"), str(notices["failed"])),
                    (_("No mobile number"), str(notices["no_contact"]))],
    }
