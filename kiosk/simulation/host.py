"""Starts a simulator for every configured device and says where each one is.

The adapters are never told they are simulated: the host only produces a config overlay
(device paths, the reader name, the broker's port) that the composition root loads over
the configuration, exactly as it would load an installer's edits.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from devices.idcard.simulator import IdCardReaderSimulator
from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from devices.printer.simulator import PrinterSimulator
from devices.qr.camera_simulator import CameraSimulator
from devices.qr.simulator import QrScannerSimulator
from devices.sim.pcscd import PcscdUnavailable, VirtualReaderService
from devices.sim.simulator import Simulator
from devices.smartcard.simulator import SmartcardSimulator
from kiosk.config.overlay import write_overlay
from kiosk.config.schema import KioskConfig
from kiosk.simulation.broker import BrokerUnavailable, LocalBroker
from kiosk.simulation.control import ControlServer

log = logging.getLogger(__name__)

OVERLAY_NAME = "overlay.toml"
CONTROL_NAME = "control.sock"


def demo_pcscd_dir(config: KioskConfig) -> Path:
    """Where the simulators' own pcscd works; its socket is socket_path_in(this)."""
    return Path(config.simulation.dir).absolute() / "pcscd"


class SimulatorHost:
    def __init__(self, config: KioskConfig) -> None:
        self.config = config
        self.dir = Path(config.simulation.dir).absolute()
        self.simulators: dict[str, Simulator] = {}
        self.problems: list[str] = []
        self._readers: VirtualReaderService | None = None
        self._broker: LocalBroker | None = None
        self._control: ControlServer | None = None
        self._overlay: dict[str, Any] = {}

    @property
    def overlay_path(self) -> Path:
        return self.dir / OVERLAY_NAME

    @property
    def control_path(self) -> Path:
        return self.dir / CONTROL_NAME

    @property
    def overlay(self) -> dict[str, Any]:
        return self._overlay

    def _demo_appointments(self) -> tuple[str, ...]:
        """Demo only: an appointment code for today, signed with the demo booking key."""
        key_file = self.config.simulation.booking_key_file
        if key_file is None or not self.config.queue.enabled or not self.config.queue.categories:
            return ()
        from kiosk.services.queue.appointments import (
            Appointment,
            load_signing_key,
            make_appointment_code,
        )

        key = load_signing_key(key_file)
        category = self.config.queue.categories[0].id
        today = date.today().isoformat()
        return (make_appointment_code(Appointment(id=f"DEMO-{today}", category=category,
                                                  day=today, slot="10:00", priority=False),
                                      key),)

    def start(self) -> Path:
        """Starts everything it can; returns the overlay file. What could not start is
        listed in ``problems`` (the terminal then shows that device as absent)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        devices: dict[str, Any] = {}
        scanner = self.config.devices.qr_scanner
        if scanner.driver == "serial":
            simulator = QrScannerSimulator(self.dir / "qr_scanner", terminator=scanner.terminator,
                                           extra_codes=self._demo_appointments())
            simulator.start()
            self.simulators[simulator.name] = simulator
            devices["qr_scanner"] = {"port": simulator.path}
        elif scanner.driver == "camera":
            devices["qr_scanner"] = self._start_camera()
        if self.config.devices.smartcard.driver == "pcsc":
            self._start_smartcard(devices)
        if self.config.devices.id_card.driver == "sam":
            reader = IdCardReaderSimulator(self.dir / "id_card")
            reader.start()
            self.simulators[reader.name] = reader
            devices["id_card"] = {"port": reader.path}
        if self.config.devices.printer.driver == "escpos":
            devices["printer"] = self._start_printer()
        overlay: dict[str, Any] = {"devices": devices}
        if self.config.locker.enabled:
            overlay["locker"] = {"buses": self._start_locker_buses()}
        if self.config.mqtt.enabled and self.config.simulation.broker:
            self._start_broker(overlay)
        self._control = ControlServer(self.control_path, self.simulators)
        self._control.start()
        overlay["simulation"] = {"start": False, "control_socket": str(self.control_path)}
        self._overlay = overlay
        write_overlay(
            self.overlay_path, overlay,
            header="Written by the simulator host: where the simulated devices are.\n"
                   "Load it over the station config: kiosk run --overlay THIS_FILE",
        )
        return self.overlay_path

    def stop(self) -> None:
        if self._control is not None:
            self._control.stop()
        for simulator in self.simulators.values():
            simulator.stop()
        if self._readers is not None:
            self._readers.stop()
        if self._broker is not None:
            self._broker.stop()
        self.overlay_path.unlink(missing_ok=True)

    def _start_camera(self) -> dict[str, Any]:
        """The camera simulator becomes the capture program: the terminal starts (and
        restarts) it exactly as it would start ffmpeg on a real camera."""
        camera = CameraSimulator(self.dir / "camera.sock")
        camera.start()
        self.simulators[camera.name] = camera
        return {"capture_command": camera.command}

    def _start_printer(self) -> dict[str, Any]:
        """A serial printer whatever the configured transport: the terminal then prints to
        it exactly as to a real one. Its receipts are drawn to PNGs in the same directory."""
        directory = self.dir / "printer"
        simulator = PrinterSimulator(directory / "tty", output_dir=directory,
                                     paper_width_mm=self.config.devices.printer.paper_width_mm)
        simulator.start()
        self.simulators[simulator.name] = simulator
        return {"transport": "serial", "port": simulator.path}

    def _start_locker_buses(self) -> dict[str, Any]:
        buses: dict[str, Any] = {}
        for name, bus in self.config.locker.buses.items():
            simulator = LockerBusSimulator(
                self.dir / f"locker_{name}", bus.protocol,
                tuple(BoardConfig(address=b.address, locks=b.locks,
                                  closed_when_bit_set=b.closed_when_bit_set,
                                  item_sensor=b.item_sensor) for b in bus.boards),
                name=f"locker_{name}",
            )
            simulator.start()
            self.simulators[simulator.name] = simulator
            buses[name] = {"port": simulator.path}
        return buses

    def _start_smartcard(self, devices: dict[str, Any]) -> None:
        readers = VirtualReaderService(demo_pcscd_dir(self.config),
                                       self.config.simulation.vpcd_port)
        try:
            readers.start()
        except PcscdUnavailable as error:
            self.problems.append(f"smartcard simulator not started: {error}")
            log.warning("smartcard simulator not started: %s", error)
            smartcard: dict[str, Any] = {}
        else:
            self._readers = readers
            simulator = SmartcardSimulator(readers.port)
            self.simulators[simulator.name] = simulator
            smartcard = {"reader": "Virtual PCD 00 00"}
        # The terminal must ask this pcscd and no other, even one that could not start:
        # another pcscd on the machine would hand it that daemon's cards.
        smartcard["pcscd_socket"] = str(readers.socket_path)
        devices["smartcard"] = smartcard

    def _start_broker(self, overlay: dict[str, Any]) -> None:
        broker = LocalBroker(self.dir / "broker")
        try:
            broker.start()
        except BrokerUnavailable as error:
            self.problems.append(f"local broker not started: {error}")
            log.warning("local broker not started: %s", error)
            return
        self._broker = broker
        overlay["mqtt"] = {"host": "127.0.0.1", "port": broker.port}
