"""How alarms read to staff: English message ids, translated where they are shown.
(No Kivy here, so tests can check every text has a translation.)"""

from __future__ import annotations

from collections.abc import Callable

ALARM_TEXT = {
    "door_jammed": "{subject}: the door did not open (taken out of service)",
    "forced_open": "{subject}: opened without a command",
    "door_left_open": "{subject}: the door has been left open",
    "item_left_behind": "{subject}: something was left inside after a pickup",
    "document_missing": "{subject}: the document is no longer detected",
    "unexpected_item": "{subject}: something is inside that the records do not know",
    "needs_check": "{subject}: contents unknown after a restart; look inside, then put it "
                   "back in service",
    "pickup.guessing": "many wrong pickup codes in a row: someone may be guessing codes",
    "device.fault": "{subject} is not working: check its cable and power",
    "clock.jumped": "the terminal's clock jumped: district center commands are refused "
                    "until it is right again",
    "board_offline": "lock board {subject} does not answer",
    "bus_offline": "locker line {subject} is disconnected",
    "overdue_items": "overdue results are waiting to be taken out",
    "printer.paper_out": "the receipt printer is out of paper: load a new roll",
    "printer.paper_low": "the receipt printer's paper is running low",
    "printer.offline": "the receipt printer is offline (cover open or paper jam)",
    "guide.catalog_unavailable": "the service catalog cannot be read: the guide is off",
    "printer.unreachable": "the receipt printer does not answer (check its power and cable)",
    "outbox.backlog": "reports to the district center are piling up (no connection for a "
                      "long time)",
    "outbox.dropped": "some reports to the district center were lost: too many were waiting",
}


# Devices by the names their adapters report, as staff call them.
DEVICE_NAMES = {
    "qr_scanner": "the QR code scanner",
    "idcard": "the ID-card reader",
    "smartcard": "the card reader (social-security cards and staff badges)",
}


def describe_alarm(tr: Callable[[str], str], kind: str, subject: str) -> str:
    if subject.startswith("compartment "):
        subject = tr("compartment {number}").format(number=subject.split(" ", 1)[1])
    elif subject in DEVICE_NAMES:
        subject = tr(DEVICE_NAMES[subject])
    text = ALARM_TEXT.get(kind)
    return tr(text).format(subject=subject) if text else f"{kind}: {subject}"
