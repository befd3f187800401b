"""`kiosk doctor printer`: ask the receipt printer for its status and print a test slip
(打印测试, a QR code, a cut), for commissioning and fault finding.

A serial port is opened exclusively, so the command cannot print into the middle of the
running terminal's receipt: with the terminal running, it says the port is in use.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.printer.port import PrinterError, PrinterStatus
from devices.printer.slip import Qr, Rule, Slip, Text, plain_lines
from kiosk.app.printer_setup import build_printer
from kiosk.config import load_config_or_report
from kiosk.config.devices_schema import PrinterConfig

TEST_URL = "https://zwfw.example.gov.cn/kiosk/print-test"
TEST_TITLE = "打印测试"


def printer_test_slip(station_name: str, now: datetime) -> Slip:
    """What an installer checks on paper: Chinese and ASCII side by side, full-width
    punctuation and ￥ on their own, a QR code a phone can scan, and the cut."""
    return Slip((
        Text(TEST_TITLE, size="title", bold=True, align="center"),
        Text(station_name, align="center"),
        Rule(),
        Text("中文 ABC 123 汉字与数字混排"),
        Text("￥12.00"),
        Text("，。！〇"),
        Text("大号字：请到3号窗口", size="large"),
        Text(f"{now:%Y-%m-%d %H:%M:%S}"),
        Qr(TEST_URL, caption="用手机扫码测试"),
    ))


def doctor_printer(config_path: Path, overlays: Sequence[Path], port: str | None,
                   baud: int | None, status_only: bool, as_json: bool) -> int:
    config = load_config_or_report(config_path, overlays)
    if config is None:
        return 2
    printer_config = _printer_to_check(config.devices.printer, port, baud,
                                       config.simulation.start)
    if isinstance(printer_config, str):
        print(f"kiosk: {printer_config}", file=sys.stderr)
        return 2
    slip = printer_test_slip(config.station.name, datetime.now())
    report = check_printer(printer_config, None if status_only else slip)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_text(report)
    return 0 if report["error"] is None else 1


def check_printer(config: PrinterConfig, slip: Slip | None) -> dict[str, Any]:
    """Asks for the status and, with a ``slip``, prints it. The report holds where the
    printer is, its status, whether the slip printed, and the error if anything failed."""
    printer = build_printer(config)
    report: dict[str, Any] = {
        "printer": printer.where, "status": None, "printed": False,
        "test_slip": plain_lines(slip) if slip is not None else None,
        "cut": bool(slip is not None and config.cutter), "error": None,
    }
    try:
        status = printer.status()
        report["status"] = dataclasses.asdict(status)
        if slip is not None:
            printer.print_slip(slip)
            report["printed"] = True
    except PrinterError as error:
        report["error"] = _with_hint(str(error))
    finally:
        printer.stop()
    return report


def _printer_to_check(configured: PrinterConfig, port: str | None, baud: int | None,
                      simulated: bool) -> PrinterConfig | str:
    """The configured printer, or a serial one at ``port``; a string says why there is
    none to check."""
    if port:
        return dataclasses.replace(configured, driver="escpos", transport="serial", port=port,
                                   baud=baud or configured.baud)
    if configured.driver == "none":
        return ("no printer is configured (devices.printer.driver = \"none\"); give the "
                "printer's serial port with --port")
    if simulated:
        return ("the printer is simulated: start `kiosk sim` and add --overlay "
                "var/sim/overlay.toml, or give a serial port with --port")
    if baud:
        return dataclasses.replace(configured, baud=baud)
    return configured


def _with_hint(message: str) -> str:
    if "in use by another program" in message:
        return (message + ": probably the running terminal; stop it (systemctl stop kiosk) "
                          "and try again")
    return message


def _print_text(report: dict[str, Any]) -> None:
    print(f"printer  {report['printer']}")
    if report["status"] is not None:
        print(f"status   {_describe(PrinterStatus(**report['status']))}")
    if report["printed"]:
        cut = ", cut" if report["cut"] else " (no cutter configured: tear it off)"
        print(f"printed  test slip {TEST_TITLE} with a QR code{cut}")
    if report["error"] is not None:
        print(f"FAIL     {report['error']}")


def _describe(status: PrinterStatus) -> str:
    paper = {"ok": "paper ok", "near_end": "paper near end", "out": "out of paper",
             "unknown": "paper unknown (cannot be read on this transport)"}[status.paper]
    state = "online" if status.online else f"offline ({status.detail or 'no reason given'})"
    return f"{state}, {paper}"
