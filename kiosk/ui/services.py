"""What the screens may use of the terminal: its services and the few facts about its
devices that change what a screen offers, never the devices, the database or the
composition root themselves.

The composition root (kiosk/app/terminal.py) builds one `TerminalServices` and hands it to
the app; screens reach it through `KioskScreen.services`. This module imports no Kivy, so
the composition root can build it without loading the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from kiosk.config.schema import KioskConfig
from kiosk.services.alarms import Alarm
from kiosk.services.guide.desk import GuideDesk
from kiosk.services.help_desk import HelpDesk
from kiosk.services.identity_source import IdentitySource
from kiosk.services.locker.desk import LockerDesk
from kiosk.services.printing import PrintService
from kiosk.services.queue.desk import QueueDesk
from kiosk.services.ratings import RatingDesk
from kiosk.services.speech import ResidentVoice
from kiosk.services.staff import StaffDirectory
from kiosk.services.station_settings import StationSettings
from kiosk.services.status import TerminalStatus
from kiosk.simulation.center import DeliveredCode
from kiosk.simulation.control import ControlClient

Listener = Callable[[str], None]


@dataclass(frozen=True)
class DeviceSignals:
    """What the screens learn from the devices: scanned text, one-line descriptions of
    device events (the demo panel), and which readers and printer exist."""
    on_scan: Callable[[Listener], None]
    on_device_event: Callable[[Listener], None]
    has_card_reader: bool          # an ID-card or a social-security card reader
    has_printer: bool


@dataclass(frozen=True)
class DemoTools:
    """The demo's simulator panel: the simulators' control socket and the pickup codes the
    demo district center would have texted to residents."""
    control: ControlClient | None
    delivered_codes: Callable[[], Future[list[DeliveredCode]]]


@dataclass(frozen=True)
class TerminalServices:
    config: KioskConfig
    status: TerminalStatus
    settings: StationSettings          # the staffed hours and announcement in force
    printing: PrintService
    voice: ResidentVoice
    help_desk: HelpDesk
    devices: DeviceSignals
    active_alarms: Callable[[], Future[list[Alarm]]]
    locker: LockerDesk | None = None
    guide: GuideDesk | None = None
    queue: QueueDesk | None = None
    identity: IdentitySource | None = None
    staff_directory: StaffDirectory | None = None
    demo: DemoTools | None = None
    ratings: RatingDesk | None = None   # 好差评 after a service that ended here
