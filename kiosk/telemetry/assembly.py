"""Puts the link to the district center together: one connection, and on it presence,
the outbox publisher, heartbeats, retained alarms and the command listener.

Called by the composition root (kiosk/app/terminal.py) only when `mqtt.enabled`, so a
terminal without MQTT never imports paho.
"""

from __future__ import annotations

from datetime import timedelta

from contract.command_signing import public_key_from_base64
from contract.topics import Topics
from kiosk.config.schema import KioskConfig
from kiosk.services.command_handlers import build_handlers
from kiosk.services.commands import CommandProcessor
from kiosk.services.guide.service import GuideService
from kiosk.services.heartbeat import Heartbeat
from kiosk.services.locker.service import LockerService
from kiosk.services.outbox_caps import OutboxLimits, enforce_caps
from kiosk.services.outbox_resend import OutboxResend
from kiosk.services.station_settings import StationSettings
from kiosk.services.status import TerminalStatus
from kiosk.services.terminal_state import TerminalState
from kiosk.store import Store
from kiosk.telemetry.command_listener import CommandListener
from kiosk.telemetry.heartbeat_publisher import HeartbeatPublisher
from kiosk.telemetry.link import BrokerLink, Session
from kiosk.telemetry.outbox_publisher import OutboxPublisher
from kiosk.telemetry.periodic import PeriodicJobs
from kiosk.telemetry.presence import PresenceLink
from kiosk.telemetry.retained_alarms import RetainedAlarms

ALARM_SYNC_S = 1.0
CAPS_CHECK_S = 60.0


class Telemetry:
    def __init__(self, link: BrokerLink, presence: PresenceLink, publisher: OutboxPublisher,
                 commands: CommandListener, periodic: PeriodicJobs) -> None:
        self.link = link
        self.presence = presence
        self.publisher = publisher
        self.commands = commands
        self.periodic = periodic

    def start(self) -> None:
        self.publisher.start()
        self.commands.start()
        self.periodic.start()
        self.link.start()

    def stop(self) -> None:
        self.commands.stop()
        self.periodic.stop()
        self.publisher.stop()
        self.presence.stop()      # the death, published by the terminal itself
        self.link.stop()


def outbox_limits(config: KioskConfig) -> OutboxLimits:
    mqtt = config.mqtt
    return OutboxLimits(max_unsent=mqtt.outbox_max_unsent,
                        max_age=timedelta(days=mqtt.outbox_max_age_days),
                        warn_fraction=mqtt.outbox_warn_percent / 100,
                        keep_sent=timedelta(days=mqtt.outbox_keep_sent_days))


def build_telemetry(config: KioskConfig, store: Store, *, status: TerminalStatus,
                    state: TerminalState, heartbeat: Heartbeat, settings: StationSettings,
                    locker: LockerService | None, guide: GuideService | None,
                    rating_key: str | None = None) -> Telemetry:
    """The link and everything on it; `status` learns when the terminal is online, `state`
    numbers the births, the commands act on `locker`, `guide` and `settings`; the births
    carry `rating_key`, the public key of the terminal's rating tokens."""
    station = config.station
    topics = Topics(config.mqtt.topic_prefix, station.district_id, station.terminal_id)
    client_id = f"kiosk-{station.district_id}-{station.terminal_id}"
    link = BrokerLink(config.mqtt, client_id, inflight_window=config.mqtt.inflight_window)
    periodic = PeriodicJobs("telemetry")
    alarms = RetainedAlarms(store, link, topics)
    publisher = OutboxPublisher(store, link, topics, config.mqtt.inflight_window)
    processor = CommandProcessor(
        store, district_id=station.district_id, terminal_id=station.terminal_id,
        signing_key=(public_key_from_base64(config.security.center_signing_key)
                     if config.security.center_signing_key else None),
        handlers=build_handlers(locker=locker, guide=guide, settings=settings,
                                rebirth=lambda: rebirth(),
                                outbox=OutboxResend(store, publisher.requeued)),
    )
    # The link subscribes to the command topic on every connection, before the birth.
    commands = CommandListener(processor, link, topics)
    presence = PresenceLink(
        config.mqtt, topics, client_id,
        next_birth_sequence=lambda: state.next_sequence("mqtt.bd_seq"),
        on_online=status.set_online, link=link, rating_key=rating_key,
    )
    beats = HeartbeatPublisher(heartbeat, link, topics, lambda: presence.bd_seq)
    limits = outbox_limits(config)
    periodic.add("heartbeat", config.mqtt.heartbeat_interval_s, beats.publish)
    periodic.add("alarms", ALARM_SYNC_S, alarms.sync)

    def check_caps() -> None:
        enforce_caps(store, limits)

    periodic.add("outbox caps", CAPS_CHECK_S, check_caps)

    def announce_state() -> None:
        # As with a Sparkplug birth, the current state follows the birth at once: the
        # first heartbeat and the standing alarms.
        periodic.poke("heartbeat")
        periodic.poke("alarms")

    def after_birth(_session: Session) -> None:
        announce_state()

    def rebirth() -> None:
        presence.publish_birth()
        alarms.republish_all()
        announce_state()

    link.on_session_start(after_birth)
    return Telemetry(link, presence, publisher, commands, periodic)
