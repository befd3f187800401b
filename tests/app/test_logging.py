"""Operator logs stay readable and private; device bytes go to their own file."""

from __future__ import annotations

import logging

from devices.traffic import log_bytes
from kiosk.app.logsetup import configure_logging
from kiosk.config.schema import LoggingConfig


def test_id_numbers_are_masked_and_traffic_kept_apart(tmp_path):
    configure_logging(LoggingConfig(dir=tmp_path, level="INFO", device_traffic=True),
                      console=False)
    try:
        logging.getLogger("kiosk.test").info("resident 61010219800101123X matched")
        log_bytes("qr_scanner", "<", b"\x02\x00\x30\x03\x35")
        for handler in logging.getLogger().handlers + logging.getLogger("devices.traffic").handlers:
            handler.flush()
        operator = (tmp_path / "kiosk.log").read_text(encoding="utf-8")
        traffic = (tmp_path / "devices.log").read_text(encoding="utf-8")
    finally:
        configure_logging(LoggingConfig(dir=tmp_path), console=False)
    assert "61010219800101123X" not in operator
    assert "6101**********123X" in operator
    assert "qr_scanner < 02 00 30 03 35" in traffic
    assert "02 00 30 03 35" not in operator


def test_one_line_per_event_with_time_level_and_source(tmp_path):
    configure_logging(LoggingConfig(dir=tmp_path), console=False)
    logging.getLogger("kiosk.locker").warning("door 3 left open")
    for handler in logging.getLogger().handlers:
        handler.flush()
    line = (tmp_path / "kiosk.log").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert line.endswith("WARNING kiosk.locker: door 3 left open")
    assert line[:4].isdigit()
