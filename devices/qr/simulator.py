"""A serial QR scanner on a pseudo-terminal: a test or demo operator 'scans' a code."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from devices.qr.serial_scanner import TERMINATORS
from devices.sim.actions import ActionDispatch, ActionSpec, Arg
from devices.sim.pty import PtyEndpoint
from devices.sim.simulator import SimStatus

SAMPLE_CODES = (
    "https://zwfw.example.gov.cn/q?t=A012",
    "预约号:20261121-0007",
)


class QrScannerSimulator(ActionDispatch):
    def __init__(self, link: Path, *, terminator: str = "CR", name: str = "qr_scanner",
                 extra_codes: tuple[str, ...] = ()) -> None:
        # Codes the demo panel offers besides the samples (an appointment for today, say).
        self.extra_codes = extra_codes
        self.name = name
        self.endpoint = PtyEndpoint(link)
        self._terminator = TERMINATORS[terminator]
        self.scans_sent = 0

    @property
    def path(self) -> str:
        return self.endpoint.path

    def start(self) -> None:
        self.endpoint.plug()

    def stop(self) -> None:
        self.endpoint.close()

    def scan(self, text: str, encoding: str = "utf-8") -> None:
        self.endpoint.write(text.encode(encoding) + self._terminator)
        self.scans_sent += 1

    def status(self) -> SimStatus:
        return SimStatus(plugged=self.endpoint.plugged, detail={"scans_sent": self.scans_sent})

    # The Simulator protocol: actions() and perform() come from this table.

    def _code_presets(self) -> tuple[str, ...]:
        return (*SAMPLE_CODES, *self.extra_codes)

    def _send_noise(self) -> None:
        self.endpoint.write(os.urandom(24) + self._terminator)

    def _unplug(self) -> None:
        self.endpoint.unplug()

    def _plug(self) -> None:
        self.endpoint.plug()

    ACTIONS = (
        ActionSpec("scan", "Scan a code", scan, args=(Arg("text"),), presets=_code_presets,
                   done="code sent"),
        ActionSpec("scan_gbk", "Scan a code sent as GBK", partial(scan, encoding="gb18030"),
                   args=(Arg("text"),), presets=SAMPLE_CODES[1:], done="code sent as GBK"),
        ActionSpec("garbage", "Send line noise", _send_noise, fault=True, done="noise sent"),
        ActionSpec("unplug", "Unplug the scanner", _unplug, fault=True, done="unplugged"),
        ActionSpec("plug", "Plug the scanner back in", _plug, done="plugged in"),
    )
