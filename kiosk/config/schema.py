"""The terminal's configuration, as typed, frozen dataclasses.

Each field says what it is, its unit and its range; kiosk.toml mirrors this layout.
Relative paths are relative to the terminal's working directory (the repository root
under `make run`, WorkingDirectory= under systemd).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.config.binding import setting

# Used in MQTT topics and file names, so kept to a safe alphabet.
IDENTIFIER = r"[a-z0-9][a-z0-9-]{0,62}"

Language = Literal["zh_CN", "en"]


@dataclass(frozen=True)
class StationConfig:
    terminal_id: str = setting(doc="this terminal's id, unique in the district", pattern=IDENTIFIER)
    station_id: str = setting(doc="the service station's id", pattern=IDENTIFIER)
    district_id: str = setting(doc="the district the station belongs to", pattern=IDENTIFIER)
    name: str = setting(doc="the station's name as residents know it")
    kind: Literal["center", "station"] = setting(
        "station", doc="center: 街道/乡镇便民服务中心; station: 村/社区便民服务站"
    )
    address: str = setting("", doc="street address shown on screen and on slips")
    hotline: str = setting("", doc="phone number residents can call for help")
    opening_hours: str = setting(
        "", doc="staffed hours as shown to residents, e.g. 周一至周五 9:00-17:00"
    )


@dataclass(frozen=True)
class DisplayConfig:
    orientation: Literal["portrait", "landscape"] = setting(
        "portrait", doc="portrait is 1080x1920, landscape 1920x1080"
    )
    fullscreen: bool = setting(False, doc="take the whole screen (true on a real terminal)")
    language: Language = setting("zh_CN", doc="language each new resident starts in")
    large_text: bool = setting(False, doc="start every session in large-text mode (适老化)")
    idle_timeout_s: int = setting(
        90, doc="seconds without a touch before the terminal asks if anyone is there",
        minimum=15, maximum=3600,
    )
    idle_warning_s: int = setting(
        15, doc="seconds the 'still there?' prompt shows before everything is cleared",
        minimum=0, maximum=120,
    )
    font: str = setting("", doc="path of a CJK font file; empty to find one through fontconfig")


@dataclass(frozen=True)
class StoreConfig:
    path: Path = setting(Path("var/kiosk.db"), doc="the SQLite database file")


@dataclass(frozen=True)
class LoggingConfig:
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = setting("INFO", doc="operator log level")
    dir: Path = setting(Path("var/log"), doc="directory for kiosk.log and devices.log")
    device_traffic: bool = setting(False, doc="write every byte to and from devices to devices.log")


@dataclass(frozen=True)
class MqttConfig:
    enabled: bool = setting(True, doc="report to the district center over MQTT")
    host: str = setting("127.0.0.1", doc="the district broker's host name")
    port: int = setting(1883, doc="the broker's TCP port", minimum=1, maximum=65535)
    topic_prefix: str = setting("kiosk/v1", doc="root of this fleet's topic tree",
                                pattern=r"[a-z0-9/_-]+")
    keepalive_s: int = setting(30, doc="MQTT keep-alive interval", minimum=5, maximum=3600)
    tls: bool = setting(False, doc="connect with TLS and a client certificate")
    ca_file: Path | None = setting(None, doc="CA certificate that signed the broker's certificate")
    cert_file: Path | None = setting(None, doc="this terminal's client certificate")
    key_file: Path | None = setting(None, doc="this terminal's private key")
    username: str = setting("", doc="optional user name")
    password: str = setting("", doc="optional password")


@dataclass(frozen=True)
class QrScannerConfig:
    driver: Literal["serial", "none"] = setting("serial", doc="serial (COM/TTL mode) or none")
    port: str = setting(
        "", doc="serial device, e.g. /dev/serial/by-id/usb-...; empty under simulation"
    )
    baud: int = setting(115200, doc="bits per second", minimum=1200, maximum=921600)
    terminator: Literal["CR", "LF", "CRLF", "none"] = setting(
        "CR", doc="suffix the scanner sends after each code; none ends a code after a pause"
    )


@dataclass(frozen=True)
class SmartcardConfig:
    driver: Literal["pcsc", "none"] = setting("pcsc", doc="PC/SC through pcscd, or none")
    reader: str = setting("", doc="part of the reader's PC/SC name; empty takes the first reader")


@dataclass(frozen=True)
class DevicesConfig:
    qr_scanner: QrScannerConfig = setting(doc="the QR code scanner",
                                          default_factory=QrScannerConfig)
    smartcard: SmartcardConfig = setting(doc="the PC/SC card reader",
                                         default_factory=SmartcardConfig)


@dataclass(frozen=True)
class SimulationConfig:
    start: bool = setting(False, doc="kiosk run starts wire-level simulators for every device")
    panel: bool = setting(False, doc="show the simulator panel (demo mode)")
    dir: Path = setting(Path("var/sim"), doc="where simulators put device links and the overlay")
    control_socket: Path | None = setting(
        None, doc="simulator control socket of a separate `kiosk sim` (written to its overlay)"
    )
    vpcd_port: int = setting(35963, doc="TCP port of pcscd's vpcd virtual reader",
                             minimum=1024, maximum=65534)
    broker: bool = setting(True, doc="start a local mosquitto standing in for the district broker")


@dataclass(frozen=True)
class KioskConfig:
    station: StationConfig = setting(doc="who this terminal is")
    display: DisplayConfig = setting(doc="screen and session", default_factory=DisplayConfig)
    store: StoreConfig = setting(doc="the database", default_factory=StoreConfig)
    logging: LoggingConfig = setting(doc="logs", default_factory=LoggingConfig)
    mqtt: MqttConfig = setting(doc="link to the district center", default_factory=MqttConfig)
    devices: DevicesConfig = setting(doc="peripherals", default_factory=DevicesConfig)
    simulation: SimulationConfig = setting(doc="simulated devices",
                                           default_factory=SimulationConfig)
