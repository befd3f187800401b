"""A serial QR scanner on a pseudo-terminal: a test or demo operator 'scans' a code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from devices.qr.serial_scanner import TERMINATORS
from devices.sim.pty import PtyEndpoint
from devices.sim.simulator import SimAction, SimStatus, UnknownAction

SAMPLE_CODES = (
    "https://zwfw.example.gov.cn/q?t=A012",
    "预约号:20261121-0007",
)


class QrScannerSimulator:
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

    def actions(self) -> list[SimAction]:
        return [
            SimAction("scan", "Scan a code", params=("text",),
                      presets=(*SAMPLE_CODES, *self.extra_codes)),
            SimAction("scan_gbk", "Scan a code sent as GBK", params=("text",),
                      presets=SAMPLE_CODES[1:]),
            SimAction("garbage", "Send line noise", fault=True),
            SimAction("unplug", "Unplug the scanner", fault=True),
            SimAction("plug", "Plug the scanner back in"),
        ]

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        if action == "scan":
            self.scan(args["text"])
            return "code sent"
        if action == "scan_gbk":
            self.scan(args["text"], encoding="gb18030")
            return "code sent as GBK"
        if action == "garbage":
            self.endpoint.write(os.urandom(24) + self._terminator)
            return "noise sent"
        if action == "unplug":
            self.endpoint.unplug()
            return "unplugged"
        if action == "plug":
            self.endpoint.plug()
            return "plugged in"
        raise UnknownAction(self.name, action, self.actions())
