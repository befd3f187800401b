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
from kiosk.config.devices_schema import DevicesConfig
from kiosk.config.locker_schema import LockerConfig

# Used in MQTT topics and file names, so kept to a safe alphabet.
IDENTIFIER = r"[a-z0-9][a-z0-9-]{0,62}"

Language = Literal["zh_CN", "en"]


@dataclass(frozen=True, kw_only=True)
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
    staffed_hours: tuple[OpeningSession, ...] = setting(
        doc="when the windows are staffed, as sessions (days, start, end); every screen and "
            "slip words the hours from these, and queues without sessions of their own "
            "follow them. Required with the queue", default_factory=tuple)
    windows: tuple[ServiceWindow, ...] = setting(
        doc="the station's service windows, shown on the idle screen", default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
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
    dpi: float = setting(
        69, doc="the panel's pixels per inch: its width in pixels / (its visible width in mm "
                "/ 25.4); 69 is a 32-inch 1080p panel. Touch targets (15 mm) and text (5 mm) "
                "are checked against it", minimum=40, maximum=400,
    )


@dataclass(frozen=True, kw_only=True)
class ServiceWindow:
    number: int = setting(doc="the number over the window", minimum=1, maximum=99)
    name: str = setting(doc="what the window does, as residents read it, e.g. 综合受理")


@dataclass(frozen=True, kw_only=True)
class GuideConfig:
    catalog: Path = setting(Path("config/catalog/services.toml"),
                            doc="the shipped service catalog (docs/catalog.md)")
    installed_catalog: Path = setting(
        Path("var/catalog/services.toml"),
        doc="where a catalog sent by the district center is installed; used when valid")
    featured: tuple[str, ...] = setting(
        doc="item ids the idle screen shows until residents' own lookups say what is asked "
            "for most", default_factory=tuple)
    signage_after_s: int = setting(
        60, doc="seconds the home screen stands untouched before the public notice board "
                "(电子公示屏) shows", minimum=10, maximum=3600)


@dataclass(frozen=True, kw_only=True)
class OpeningSession:
    """One stretch of opening hours on some weekdays, e.g. weekdays 09:00-12:00: of the
    station (station.staffed_hours) or of one queue."""

    days: tuple[int, ...] = setting(doc="ISO weekdays, 1 = Monday ... 7 = Sunday",
                                    default_factory=lambda: (1, 2, 3, 4, 5))
    start: str = setting(doc="HH:MM", pattern=r"([01]\d|2[0-3]):[0-5]\d")
    end: str = setting(doc="HH:MM, after start", pattern=r"([01]\d|2[0-3]):[0-5]\d|24:00")


@dataclass(frozen=True, kw_only=True)
class QueueCategory:
    id: str = setting(doc="the category's id", pattern=IDENTIFIER)
    name: str = setting(doc="the name residents read, e.g. 综合受理")
    description: str = setting("", doc="one line saying who it is for")
    prefix: str = setting(doc="the ticket letter, e.g. A", pattern=r"[A-Z]")
    windows: tuple[int, ...] = setting(doc="numbers of the windows that serve it")
    sessions: tuple[OpeningSession, ...] = setting(
        doc="opening hours, within station.staffed_hours; none: the station's staffed hours",
        default_factory=tuple)
    assisted: bool = setting(False, doc="帮办代办: residents aged 65 or more are offered a "
                                        "priority ticket here")


@dataclass(frozen=True, kw_only=True)
class QueueConfig:
    enabled: bool = setting(False, doc="this terminal dispenses queue tickets")
    default_handling_min: float = setting(
        8.0, doc="minutes per resident assumed before a category has history",
        minimum=0.5, maximum=240)
    average_over: int = setting(20, doc="finished tickets the rolling handling time averages",
                                minimum=3, maximum=500)
    elderly_age: int = setting(65, doc="age from which 帮办代办 priority is offered",
                               minimum=50, maximum=100)
    status_url: str = setting(
        "", doc="template of the ticket's live status page the district center serves; "
                "{district}, {terminal}, {day} and {ticket} are filled in; empty for none",
        pattern=r"|https://\S+")
    announce_command: tuple[str, ...] = setting(
        doc="text-to-speech command; {text} is replaced by the announcement (e.g. "
            "[\"espeak-ng\", \"-v\", \"cmn\", \"{text}\"]); empty for no voice",
        default_factory=tuple)
    api_host: str = setting("127.0.0.1", doc="address the window API listens on (the station "
                                             "LAN address for window PCs)")
    api_port: int = setting(8765, doc="TCP port of the window API", minimum=1024,
                            maximum=65535)
    appointment_public_key: str = setting(
        "", doc="the booking system's Ed25519 public key (base64) appointment QR codes are "
                "signed with; empty refuses appointments", pattern=r"|[A-Za-z0-9+/]{43}=")
    window_token_sha256: str = setting(
        "", doc="sha256 (hex) of the token window clients present; empty allows local "
                "clients only", pattern=r"|[0-9a-f]{64}")
    categories: tuple[QueueCategory, ...] = setting(doc="the queues", default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class StoreConfig:
    path: Path = setting(Path("var/kiosk.db"), doc="the SQLite database file")


@dataclass(frozen=True, kw_only=True)
class LoggingConfig:
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = setting("INFO", doc="operator log level")
    dir: Path = setting(Path("var/log"), doc="directory for kiosk.log and devices.log")
    device_traffic: bool = setting(False, doc="write every byte to and from devices to devices.log")


@dataclass(frozen=True, kw_only=True)
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
    heartbeat_interval_s: int = setting(60, doc="seconds between heartbeats while connected",
                                        minimum=5, maximum=3600)
    inflight_window: int = setting(
        100, doc="outbox events sent and not yet acknowledged by the broker, at most",
        minimum=1, maximum=1000)
    outbox_max_unsent: int = setting(
        200_000, doc="undelivered events kept at most; past it the oldest routine reports "
                     "are dropped first (an alarm is raised well before)",
        minimum=1000, maximum=10_000_000)
    outbox_max_age_days: int = setting(
        60, doc="days an undelivered event is kept at most", minimum=1, maximum=365)
    outbox_warn_percent: int = setting(
        80, doc="share of either outbox cap at which the outbox.backlog alarm is raised",
        minimum=10, maximum=99)
    outbox_keep_sent_days: int = setting(
        30, doc="days delivered events stay in the database (for diagnosis)",
        minimum=1, maximum=365)


@dataclass(frozen=True, kw_only=True)
class StaffMemberConfig:
    id: str = setting(doc="staff id used in the audit trail (not a name)", pattern=IDENTIFIER)
    role: Literal["staff", "admin"] = setting("staff", doc="admin may also open doors for "
                                                          "maintenance")
    badge_hash: str = setting("", doc="from `kiosk staff enroll-badge`; with it, sign-in needs "
                                      "the badge and the PIN", pattern=r"|[0-9a-f]{64}")
    pin_hash: str = setting(doc="from `kiosk staff hash-pin`; the PIN itself is never stored",
                            pattern=r"scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+")


@dataclass(frozen=True, kw_only=True)
class SecurityConfig:
    key_file: Path = setting(Path("var/keys/terminal.key"),
                             doc="this terminal's secret for keyed hashes; made at first start")
    center_public_key: str = setting(
        "", doc="the district center's X25519 public key (base64) that pickup codes are "
                "encrypted to", pattern=r"|[A-Za-z0-9+/]{43}=")
    center_signing_key: str = setting(
        "", doc="the district center's Ed25519 public key (base64) that its commands are "
                "signed with; empty refuses every command", pattern=r"|[A-Za-z0-9+/]{43}=")
    staff: tuple[StaffMemberConfig, ...] = setting(doc="staff who may sign in with a PIN",
                                                   default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class SimulationConfig:
    start: bool = setting(False, doc="kiosk run starts wire-level simulators for every device")
    panel: bool = setting(False, doc="show the simulator panel (demo mode)")
    dir: Path = setting(Path("var/sim"), doc="where simulators put device links and the overlay")
    control_socket: Path | None = setting(
        None, doc="simulator control socket of a separate `kiosk sim` (written to its overlay)"
    )
    vpcd_port: int = setting(
        35965, doc="TCP port of the vpcd reader of the simulators' own pcscd (it also takes "
                   "the next port); not 35963, where Debian's vsmartcard-vpcd has the system "
                   "pcscd listen", minimum=1024, maximum=65534)
    broker: bool = setting(True, doc="start a local mosquitto standing in for the district broker")
    center_key_file: Path | None = setting(
        None, doc="demo only: the demo center's private key, so the panel can show pickup codes")
    booking_key_file: Path | None = setting(
        None, doc="demo only: the demo booking system's signing key, so the panel can scan "
                  "an appointment code for today")


@dataclass(frozen=True, kw_only=True)
class VoiceConfig:
    enabled: bool = setting(True, doc="say each step's prompt aloud in Mandarin (语音播报); "
                                      "staff can still mute it on the terminal")
    # Debian 12's espeak-ng 1.51 reads Han characters with "-v cmn" as pinyin whose tone
    # digits come out in English (你 as "ni three", espeak-ng#1236 and #1370);
    # cmn-latn-pinyin reads them as Mandarin.
    command: tuple[str, ...] = setting(
        doc="text-to-speech program and its arguments; {text} becomes the prompt and "
            "{volume} the volume on the program's own scale (volume_at_0 to volume_at_100)",
        default_factory=lambda: ("espeak-ng", "-v", "cmn-latn-pinyin", "-a", "{volume}",
                                 "{text}"))
    volume: int = setting(70, doc="loudness in percent of the program's range", minimum=0,
                          maximum=100)
    volume_at_0: int = setting(0, doc="what {volume} becomes at volume = 0 (espeak-ng -a: 0)",
                               minimum=-100_000, maximum=100_000)
    volume_at_100: int = setting(
        200, doc="what {volume} becomes at volume = 100 (espeak-ng -a: 200, its loudest)",
        minimum=-100_000, maximum=100_000)


@dataclass(frozen=True, kw_only=True)
class HelpConfig:
    """The help button (呼叫帮助): a resident's call reaches the windows, the call display
    and the district center."""

    unanswered_after_min: int = setting(
        10, doc="minutes a help request waits for staff to answer it before it expires and "
                "the help.unanswered alarm tells the district center", minimum=1, maximum=120)


@dataclass(frozen=True, kw_only=True)
class RatingsConfig:
    """好差评 by QR code: services that end at a window are rated on the resident's phone."""

    qr_base_url: str = setting(
        "", doc="the district center's rating page the ticket slip's QR code opens, up to "
                "and including its last /; the ticket's signed token is appended (e.g. "
                "https://zwfw.example.gov.cn/r/); empty prints no rating code",
        pattern=r"|https?://\S+")


@dataclass(frozen=True, kw_only=True)
class KioskConfig:
    station: StationConfig = setting(doc="who this terminal is")
    display: DisplayConfig = setting(doc="screen and session", default_factory=DisplayConfig)
    store: StoreConfig = setting(doc="the database", default_factory=StoreConfig)
    guide: GuideConfig = setting(doc="the service guide", default_factory=GuideConfig)
    queue: QueueConfig = setting(doc="queue tickets", default_factory=QueueConfig)
    logging: LoggingConfig = setting(doc="logs", default_factory=LoggingConfig)
    mqtt: MqttConfig = setting(doc="link to the district center", default_factory=MqttConfig)
    devices: DevicesConfig = setting(doc="peripherals", default_factory=DevicesConfig)
    locker: LockerConfig = setting(doc="the 24-hour document locker",
                                   default_factory=LockerConfig)
    security: SecurityConfig = setting(doc="keys and staff", default_factory=SecurityConfig)
    simulation: SimulationConfig = setting(doc="simulated devices",
                                           default_factory=SimulationConfig)
    voice: VoiceConfig = setting(doc="prompts spoken to residents", default_factory=VoiceConfig)
    help: HelpConfig = setting(doc="residents' calls for help", default_factory=HelpConfig)
    ratings: RatingsConfig = setting(doc="ratings (好差评) by QR code",
                                     default_factory=RatingsConfig)
