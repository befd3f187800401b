"""Raw device traffic goes to its own logger so operator logs stay readable.

What a resident's card or code carries never reaches it, in any mode: adapters of devices
that read personal data (QR scanners, card readers) log such input with
:func:`log_withheld`, as a byte count."""

from __future__ import annotations

import logging

# Configured by kiosk.app.logsetup to write var/log/devices.log (and nothing else).
TRAFFIC = logging.getLogger("devices.traffic")


def log_bytes(device: str, direction: str, data: bytes) -> None:
    """Records ``data`` sent (direction '>') to or received ('<') from ``device``."""
    if TRAFFIC.isEnabledFor(logging.DEBUG):
        TRAFFIC.debug("%s %s %s", device, direction, data.hex(" "))


def log_withheld(device: str, direction: str, count: int, note: str = "") -> None:
    """Records that ``count`` bytes of private data passed, without the bytes."""
    if TRAFFIC.isEnabledFor(logging.DEBUG):
        TRAFFIC.debug("%s %s <%d bytes withheld>%s", device, direction, count,
                      f" {note}" if note else "")
