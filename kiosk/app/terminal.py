"""The composition root: builds the terminal's object graph from its configuration.

This is the only place that chooses adapters. Adapters never learn whether they talk to
hardware or to a simulator; the simulator host only changes device paths in the config.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contract.key_files import load_sealing_key
from contract.rating_tokens import public_key_text
from contract.sealing import public_key_from_base64
from devices.idcard.port import IdCardReader
from devices.idcard.sam_reader import SamIdCardReader
from devices.locker.port import BoardConfig, LockerBus
from devices.locker.serial_bus import SerialLockerBus
from devices.printer.port import ReceiptPrinter
from devices.progress import ProgressBeat
from devices.qr.port import QrScanner, ScannedCode, UnreadableCode
from devices.qr.serial_scanner import SerialQrScanner
from devices.smartcard.pcsc_reader import PcscCardReader
from devices.smartcard.port import CardPresented, CardReader
from devices.voice.port import Speaker
from devices.voice.prompt_speaker import PromptSpeaker
from kiosk.api.admin import AdminServer
from kiosk.config.schema import KioskConfig
from kiosk.services.alarms import Alarm, active_alarms, clear_alarm, raise_alarm
from kiosk.services.device_alarms import DeviceFaultAlarms
from kiosk.services.guide.catalog import CatalogError
from kiosk.services.guide.desk import GuideDesk
from kiosk.services.guide.library import CatalogLibrary
from kiosk.services.guide.service import GuideService
from kiosk.services.heartbeat import Heartbeat
from kiosk.services.heartbeat_sources import register_standard_sources
from kiosk.services.help_desk import HelpDesk, staffed_now_during
from kiosk.services.identity_source import IdentitySource
from kiosk.services.keys import KeyedHash, load_or_create_key, rating_signing_key
from kiosk.services.locker.desk import LockerDesk
from kiosk.services.locker.service import LockerService
from kiosk.services.printing import PrintService
from kiosk.services.queue.desk import QueueDesk
from kiosk.services.queue.model import DaySummary
from kiosk.services.queue.rating_links import RatingLinks
from kiosk.services.queue.service import QueueService
from kiosk.services.queue.slips import summary_slip
from kiosk.services.ratings import RatingDesk, RatingService
from kiosk.services.speech import ResidentVoice
from kiosk.services.staff import StaffDirectory
from kiosk.services.station_settings import StationSettings
from kiosk.services.status import TerminalStatus
from kiosk.services.terminal_state import TerminalState
from kiosk.services.worker import ServiceWorker
from kiosk.simulation.center import DeliveredCode, DemoCenter
from kiosk.simulation.control import ControlClient
from kiosk.store import Store
from kiosk.ui.services import DemoTools, DeviceSignals, TerminalServices

if TYPE_CHECKING:
    # Imported where they are built, so that a terminal without MQTT or a queue never
    # loads paho or the HTTP server.
    from kiosk.api.window import WindowApi
    from kiosk.telemetry.assembly import Telemetry

log = logging.getLogger(__name__)

DeviceEventListener = Callable[[str], None]


@dataclass
class Terminal:
    config: KioskConfig
    store: Store
    status: TerminalStatus
    state: TerminalState
    qr_scanner: QrScanner | None = None
    card_reader: CardReader | None = None
    id_card_reader: IdCardReader | None = None
    printer: ReceiptPrinter | None = None
    printing: PrintService | None = None
    guide: GuideService | None = None
    guide_desk: GuideDesk | None = None  # the guide as the touch screen calls it
    queue: QueueService | None = None
    queue_desk: QueueDesk | None = None  # the queue as the touch screen calls it
    window_api: WindowApi | None = None  # when the queue is on
    identity: IdentitySource | None = None
    locker_buses: dict[str, LockerBus] = field(default_factory=dict)
    locker: LockerService | None = None
    locker_desk: LockerDesk | None = None  # the locker as the touch screen calls it
    staff_directory: StaffDirectory | None = None
    station_settings: StationSettings | None = None  # the center's announcement and hours
    help_desk: HelpDesk | None = None  # residents' calls for help (the help button)
    ratings: RatingService | None = None  # 好差评 of the services that end here
    rating_desk: RatingDesk | None = None  # the ratings as the touch screen calls them
    heartbeat: Heartbeat = field(default_factory=Heartbeat)  # features register content
    telemetry: Telemetry | None = None  # when mqtt.enabled
    simulator_control: ControlClient | None = None
    demo_center: DemoCenter | None = None
    device_alarms: DeviceFaultAlarms | None = None
    voice_speaker: Speaker | None = None  # started, stopped and watched with the devices
    voice: ResidentVoice = field(default_factory=ResidentVoice)  # silent unless voice.enabled
    # The touch screen's reads that belong to no one service (alarms, the demo's codes).
    reads: ServiceWorker = field(default_factory=lambda: ServiceWorker("terminal-reads"))
    _event_listeners: list[DeviceEventListener] = field(default_factory=list)
    _scan_listeners: list[Callable[[str], None]] = field(default_factory=list)

    def on_device_event(self, listener: DeviceEventListener) -> None:
        """A one-line description of each device event, for the demo panel."""
        self._event_listeners.append(listener)

    def on_scan(self, listener: Callable[[str], None]) -> None:
        """The text of every readable code the QR scanner reads."""
        self._scan_listeners.append(listener)

    def active_alarms(self) -> list[Alarm]:
        with self.store.reading() as db:
            return active_alarms(db)

    def start(self) -> None:
        held = [self.qr_scanner, self.card_reader, self.id_card_reader]
        for device in self._devices():
            device.health.subscribe(self.status.report_device)
            if self.device_alarms is not None and device in held:
                self.device_alarms.watch(device.health)
            device.start()
        if self.locker is not None:
            self.locker.start()
        if self.queue is not None:
            self.queue.start()
        if self.window_api is not None:
            self.window_api.start()
        if self.telemetry is not None:
            self.telemetry.start()

    def stop(self) -> None:
        if self.telemetry is not None:
            self.telemetry.stop()
        if self.locker is not None:
            self.locker.stop()
        if self.window_api is not None:
            self.window_api.stop()
        if self.queue is not None:
            self.queue.stop()
        for desk in (self.queue_desk, self.guide_desk, self.locker_desk, self.rating_desk):
            if desk is not None:
                desk.stop()
        self.reads.stop()
        if self.staff_directory is not None:
            self.staff_directory.close()
        if self.printing is not None:
            self.printing.stop()
        if self.device_alarms is not None:
            self.device_alarms.stop()
        for device in self._devices():
            device.stop()

    def admin_server(self) -> AdminServer:
        """The admin socket beside the database, for `kiosk locker` and `kiosk doctor`."""
        return AdminServer(self.config.store.path, locker=self.locker, status=self.status,
                           active_alarms=self.active_alarms)

    def ui_services(self) -> TerminalServices:
        """What the screens may use (kiosk/ui/services.py)."""
        assert self.printing is not None, "build the terminal first (build_terminal)"
        assert self.station_settings is not None
        assert self.help_desk is not None
        demo: DemoTools | None = None
        if self.config.simulation.panel:
            center, store = self.demo_center, self.store

            def delivered_codes() -> Future[list[DeliveredCode]]:
                return self.reads.submit(
                    lambda: center.codes_for_stored(store) if center is not None else [])

            demo = DemoTools(control=self.simulator_control, delivered_codes=delivered_codes)
        return TerminalServices(
            config=self.config, status=self.status, settings=self.station_settings,
            printing=self.printing, voice=self.voice, help_desk=self.help_desk,
            devices=DeviceSignals(
                on_scan=self.on_scan, on_device_event=self.on_device_event,
                has_card_reader=self.id_card_reader is not None or self.card_reader is not None,
                has_printer=self.printer is not None),
            active_alarms=lambda: self.reads.submit(self.active_alarms),
            locker=self.locker_desk, guide=self.guide_desk,
            queue=self.queue_desk, identity=self.identity, staff_directory=self.staff_directory,
            demo=demo, ratings=self.rating_desk)

    def progress_beats(self) -> list[ProgressBeat]:
        """Each device worker's beat, for the systemd watchdog (kiosk/app/watchdog.py)."""
        return [device.progress for device in self._devices()]

    def _devices(self) -> list[QrScanner | CardReader | IdCardReader | ReceiptPrinter
                               | LockerBus | Speaker]:
        found = [self.qr_scanner, self.card_reader, self.id_card_reader, self.printer,
                 *self.locker_buses.values(), self.voice_speaker]
        return [device for device in found if device is not None]

    def _scanned(self, code: ScannedCode | UnreadableCode) -> None:
        if isinstance(code, ScannedCode):
            for listener in self._scan_listeners:
                listener(code.text)

    def _describe(self, text: str) -> None:
        for listener in self._event_listeners:
            listener(text)


def build_terminal(config: KioskConfig, store: Store) -> Terminal:
    terminal = Terminal(config, store, TerminalStatus(), TerminalState(store))
    terminal.device_alarms = DeviceFaultAlarms(store, config.devices.fault_alarm_after_s)
    keyed_hash = KeyedHash(load_or_create_key(config.security.key_file))
    terminal.identity = IdentitySource(keyed_hash)
    scanner_config = config.devices.qr_scanner
    scanner: QrScanner | None = None
    if scanner_config.driver == "serial":
        scanner = SerialQrScanner(scanner_config.port, scanner_config.baud,
                                  scanner_config.terminator)
    elif scanner_config.driver == "camera":
        # Imported here so that a terminal without a camera never loads zbar.
        from devices.qr.camera_scanner import CameraQrScanner

        scanner = CameraQrScanner(scanner_config.capture_command, hold_s=scanner_config.hold_s,
                                  frame_timeout_s=scanner_config.frame_timeout_s)
    if scanner is not None:
        scanner.on_scan(lambda code: terminal._describe(
            f"QR: {code.text}" if isinstance(code, ScannedCode) else f"QR unreadable: {code.reason}"
        ))
        scanner.on_scan(terminal._scanned)
        terminal.qr_scanner = scanner
    if config.devices.smartcard.driver == "pcsc":
        reader = PcscCardReader(config.devices.smartcard.reader,
                                pcscd_socket=config.devices.smartcard.pcscd_socket)
        reader.on_card(lambda event: terminal._describe(
            f"card presented ({event.kind})" if isinstance(event, CardPresented)
            else "card removed"
        ))
        reader.on_card(terminal.identity.smartcard_event)
        terminal.card_reader = reader
    id_card = config.devices.id_card
    if id_card.driver == "sam":
        sam = SamIdCardReader(id_card.port, id_card.baud)
        sam.on_card(lambda event: terminal._describe(f"ID card: {type(event).__name__}"))
        sam.on_card(terminal.identity.id_card_event)
        terminal.id_card_reader = sam
    if config.devices.printer.driver == "escpos":
        # Imported here so that a terminal without a printer never loads python-escpos.
        from kiosk.app.printer_setup import build_printer

        terminal.printer = build_printer(config.devices.printer)
    terminal.printing = PrintService(store, terminal.printer)
    if config.voice.enabled:
        voice = config.voice
        terminal.voice_speaker = PromptSpeaker(voice.command, volume_percent=voice.volume,
                                               volume_at_0=voice.volume_at_0,
                                               volume_at_100=voice.volume_at_100)
        terminal.voice = ResidentVoice(terminal.voice_speaker)
    # The one source of the staffed hours every screen, slip and queue follows.
    settings = StationSettings.for_config(store, config)
    terminal.station_settings = settings
    terminal.guide = _build_guide(config, store, terminal.printing, settings.opening_hours)
    if terminal.guide is not None:
        terminal.guide_desk = GuideDesk(terminal.guide)
    # Before the queue: the window API brings residents' calls for help to the windows.
    terminal.help_desk = HelpDesk(store, config.help.unanswered_after_min * 60,
                                  staffed_now_during(settings.staffed_hours))
    terminal.ratings = RatingService(store)
    terminal.rating_desk = RatingDesk(terminal.ratings)
    if config.queue.enabled:
        _build_queue(terminal, keyed_hash)
    if config.locker.enabled:
        _build_locker(terminal, keyed_hash)
    register_standard_sources(terminal.heartbeat, store=store, status=terminal.status,
                              locker=terminal.locker)
    if terminal.queue is not None:
        terminal.heartbeat.register("queues", terminal.queue.waiting_counts)
    if terminal.guide is not None:
        guide = terminal.guide
        terminal.heartbeat.register("catalog", lambda: guide.catalog.info.version)
    if config.mqtt.enabled:
        # Imported here so that a terminal without MQTT never loads paho.
        from kiosk.telemetry.assembly import build_telemetry

        terminal.telemetry = build_telemetry(
            config, store, status=terminal.status, state=terminal.state,
            heartbeat=terminal.heartbeat, settings=settings,
            locker=terminal.locker, guide=terminal.guide,
            rating_key=public_key_text(rating_signing_key(keyed_hash)))
    if config.simulation.control_socket is not None:
        terminal.simulator_control = ControlClient(config.simulation.control_socket)
    if config.simulation.center_key_file is not None:
        terminal.demo_center = DemoCenter(load_sealing_key(config.simulation.center_key_file))
    return terminal


def _build_queue(terminal: Terminal, keyed_hash: KeyedHash) -> None:
    from kiosk.api.window import WindowApi

    config = terminal.config
    assert terminal.station_settings is not None, "build the station settings first"
    terminal.queue = QueueService(terminal.store, config.queue, config.station, keyed_hash,
                                  terminal.station_settings.staffed_hours,
                                  RatingLinks.for_config(config, keyed_hash))
    terminal.queue_desk = QueueDesk(terminal.queue)
    printing = terminal.printing

    def print_summary(summary: DaySummary) -> bool:
        slip = summary_slip(summary, config.station)
        return printing is not None and printing.submit(slip).result(timeout=60).printed

    terminal.window_api = WindowApi(terminal.queue, config.queue.api_host, config.queue.api_port,
                                    config.queue.window_token_sha256, print_summary,
                                    terminal.help_desk)


def _build_guide(config: KioskConfig, store: Store, printing: PrintService,
                 opening_hours: Callable[[], str]) -> GuideService | None:
    try:
        library = CatalogLibrary(config.guide.catalog, config.guide.installed_catalog)
    except CatalogError as error:
        # Pickups, tickets and the rest still serve residents without a guide.
        log.error("service guide unavailable: %s", error)
        with store.transaction() as db:
            raise_alarm(db, "guide.catalog_unavailable", "guide", {"error": str(error)})
        return None
    with store.transaction() as db:
        clear_alarm(db, "guide.catalog_unavailable", "guide")
    unknown = [i for i in config.guide.featured if library.current.item(i) is None]
    if unknown:
        log.warning("guide.featured names items the catalog does not have: %s",
                    ", ".join(unknown))
    # Items may name the window type (queue category) that handles them, for its hours.
    windows = config.queue.categories if config.queue.enabled else ()
    return GuideService(library, store, config.station, config.guide.featured, printing,
                        opening_hours, windows)


def _build_locker(terminal: Terminal, keyed_hash: KeyedHash) -> None:
    config = terminal.config
    for name, bus in config.locker.buses.items():
        terminal.locker_buses[name] = SerialLockerBus(
            name=name, port=bus.port, baud=bus.baud, protocol=bus.protocol,
            boards=tuple(BoardConfig(address=b.address, locks=b.locks,
                                     closed_when_bit_set=b.closed_when_bit_set,
                                     item_sensor=b.item_sensor) for b in bus.boards),
        )
    terminal.locker = LockerService(
        store=terminal.store, buses=terminal.locker_buses, config=config.locker,
        terminal_id=config.station.terminal_id, keyed_hash=keyed_hash,
        center_key=public_key_from_base64(config.security.center_public_key),
    )
    terminal.locker_desk = LockerDesk(terminal.locker)
    terminal.staff_directory = StaffDirectory(config.security.staff, terminal.store)
