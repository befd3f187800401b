"""Operator logs: one readable line per event; raw device traffic in its own file."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

from kiosk.config.schema import LoggingConfig

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5

# 18-character resident ID numbers (GB 11643). A last line of defence: code must never
# log them, but if one slips into a message it is masked before it reaches a file.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")


class IdNumberMask(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ID_NUMBER.sub(lambda m: f"{m[1][:4]}{'*' * 10}{m[2]}", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class LibraryChatter(logging.Filter):
    """python-escpos logs to the root logger at INFO ("Serial printer enabled") each time a
    transport opens; the operator's log says what the printer adapter itself reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "root" and record.levelno < logging.WARNING
                    and f"{os.sep}escpos{os.sep}" in record.pathname)


def configure_logging(config: LoggingConfig, *, console: bool = True) -> Path | None:
    """Sets up handlers; returns the operator log file, or None if it cannot be written."""
    root = logging.getLogger()
    root.setLevel(config.level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    formatter = logging.Formatter(FORMAT, DATE_FORMAT)
    mask = IdNumberMask()
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.addFilter(mask)
        stream.addFilter(LibraryChatter())
        root.addHandler(stream)
    log_path = Path(config.dir) / "kiosk.log"
    log_file: Path | None = log_path      # None once the file cannot be written
    try:
        Path(config.dir).mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        logging.getLogger(__name__).warning(
            "cannot write logs to %s (%s); logging to the console only", config.dir,
            error.strerror,
        )
        log_file = None
    else:
        file_handler.setFormatter(formatter)
        file_handler.addFilter(mask)
        file_handler.addFilter(LibraryChatter())
        root.addHandler(file_handler)

    traffic = logging.getLogger("devices.traffic")
    traffic.propagate = False
    for handler in list(traffic.handlers):
        traffic.removeHandler(handler)
    if config.device_traffic and log_file is not None:
        traffic.setLevel(logging.DEBUG)
        traffic_handler = logging.handlers.RotatingFileHandler(
            Path(config.dir) / "devices.log", maxBytes=MAX_BYTES, backupCount=BACKUPS,
            encoding="utf-8",
        )
        traffic_handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(message)s",
                                                       DATE_FORMAT))
        traffic.addHandler(traffic_handler)
    else:
        traffic.setLevel(logging.CRITICAL + 1)
    # Kivy and paho are chatty at INFO; their warnings still come through.
    for noisy in ("kivy", "PIL"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return log_file
