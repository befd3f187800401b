"""Raw device traffic goes to its own logger so operator logs stay readable."""

from __future__ import annotations

import logging

# Configured by kiosk.logsetup to write var/log/devices.log (and nothing else).
TRAFFIC = logging.getLogger("devices.traffic")


def log_bytes(device: str, direction: str, data: bytes) -> None:
    """Records ``data`` sent (direction '>') to or received ('<') from ``device``."""
    if TRAFFIC.isEnabledFor(logging.DEBUG):
        TRAFFIC.debug("%s %s %s", device, direction, data.hex(" "))
