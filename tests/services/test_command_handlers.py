"""Each command type carried out through the service that owns the change: the real
locker on its board simulator, the real guide, the station settings."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config.schema import OpeningSession
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.command_handlers import build_handlers
from kiosk.services.commands import CommandProcessor
from kiosk.services.guide.library import CatalogLibrary
from kiosk.services.guide.service import GuideService
from kiosk.services.locker.model import Refused, Started
from kiosk.services.outbox_resend import OutboxResend
from kiosk.services.printing import PrintService
from kiosk.services.station_settings import HoursRules, StationSettings
from kiosk.simulation.center import make_command
from tests.fixtures.clock import FakeClock
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED
from tests.fixtures.guide_catalogs import STATION, newer

CONFIGURED_HOURS = WeeklyHours.from_sessions(
    (OpeningSession(days=(1, 2, 3, 4, 5), start="09:00", end="17:00"),))


@pytest.fixture
def center():
    return Ed25519PrivateKey.generate()


def processor_for(store, center, *, locker=None, guide=None, settings=None, rebirth=None):
    settings = settings or StationSettings(store, CONFIGURED_HOURS)
    return CommandProcessor(store, district_id="d", terminal_id="t",
                            signing_key=center.public_key(),
                            handlers=build_handlers(locker=locker, guide=guide,
                                                    settings=settings, rebirth=rebirth))


def send(processor, center, command_type, args):
    return processor.handle(make_command(center, "d", "t", command_type, args))


def test_open_a_compartment_through_the_maintenance_open(locker_rig, center):
    rig = locker_rig()
    service = rig.start()
    processor = processor_for(rig.store, center, locker=service)

    result = send(processor, center, "locker.open", {"compartment": 2})

    assert result.status == "accepted", result.text
    rig.wait_open(2)
    assert rig.door(2).pulses == 1
    operation = rig.rows("SELECT purpose, actor FROM door_operations")
    assert operation == [("maintenance", f"center:{result.command_id}")]
    audited = dict(rig.rows("SELECT action, actor FROM audit_log WHERE action IN "
                            "('locker.maintenance.requested', 'locker.maintenance.unlock_sent')"))
    assert set(audited.values()) == {f"center:{result.command_id}"}
    assert len(audited) == 2
    rig.close(2)


def test_locker_commands_check_their_arguments_and_the_locker(locker_rig, center):
    rig = locker_rig()
    service = rig.start()
    processor = processor_for(rig.store, center, locker=service)
    for args in ({}, {"compartment": "2"}, {"compartment": True}, {"compartment": 2.0},
                 {"compartment": 2, "door": 1}):
        result = send(processor, center, "locker.open", args)
        assert (result.status, result.reason) == ("rejected", "bad_arguments"), args
    result = send(processor, center, "locker.open", {"compartment": 99})
    assert (result.status, result.reason) == ("rejected", "refused")
    assert all(rig.door(n).pulses == 0 for n in range(1, 9))


def test_take_a_compartment_out_of_service_and_back(locker_rig, center):
    rig = locker_rig()
    service = rig.start()
    processor = processor_for(rig.store, center, locker=service)

    assert send(processor, center, "locker.set_in_service",
                {"compartment": 3, "inService": False}).status == "accepted"
    assert service.out_of_service() == [3]
    assert send(processor, center, "locker.set_in_service",
                {"compartment": 3, "inService": True}).status == "accepted"
    assert service.out_of_service() == []
    events = [json.loads(p) for (p,) in rig.rows(
        "SELECT payload FROM outbox WHERE type = 'locker.compartment' ORDER BY seq")]
    assert events == [{"compartment": 3, "in_service": False},
                      {"compartment": 3, "in_service": True}]
    unknown = send(processor, center, "locker.set_in_service",
                   {"compartment": 42, "inService": False})
    assert (unknown.status, unknown.reason) == ("rejected", "refused")


def test_a_reissued_code_opens_the_door_and_the_old_one_no_longer_does(locker_rig, center):
    rig = locker_rig()
    service = rig.start()
    processor = processor_for(rig.store, center, locker=service)
    compartment = rig.deposit("CASE-0042")
    old_code = rig.codes()[compartment]
    [(deposit,)] = rig.rows("SELECT id FROM deposits WHERE case_number = 'CASE-0042'")

    result = send(processor, center, "locker.reissue_code", {"deposit": deposit})

    assert (result.status, result.detail) == ("accepted", {"deposit": deposit})
    new_code = rig.codes()[compartment]
    assert new_code != old_code
    [event] = [json.loads(p) for (p,) in rig.rows(
        "SELECT payload FROM outbox WHERE type = 'locker.code_reissued'")]
    assert set(event) == {"deposit", "compartment", "size", "case_number", "expires_at",
                          "pickup", "at"}
    assert new_code not in json.dumps(event)                 # only sealed
    assert rig.rows("SELECT actor FROM audit_log WHERE action = 'locker.code_reissued'") == [
        (f"center:{result.command_id}",)]
    refused = service.pickup(old_code).result(5)
    assert isinstance(refused, Refused)
    started = service.pickup(new_code).result(5)
    assert isinstance(started, Started)
    assert started.compartment == compartment
    rig.take_out_and_close(compartment)
    rig.wait_update("completed", started.operation_id)
    gone = send(processor, center, "locker.reissue_code", {"deposit": deposit})
    assert (gone.status, gone.reason) == ("rejected", "refused")
    assert "not_waiting" in gone.text
    unknown = send(processor, center, "locker.reissue_code", {"deposit": "no-such"})
    assert "not_found" in unknown.text


def test_replace_the_catalog(store_and_guide, center):
    store, guide = store_and_guide
    processor = processor_for(store, center, guide=guide)
    catalog = base64.b64encode(newer("t-9")).decode()

    result = send(processor, center, "guide.replace_catalog", {"catalog": catalog})

    assert result.status == "accepted", result.text
    assert guide.catalog.info.version == "t-9"
    assert result.detail["version"] == "t-9"
    bad = send(processor, center, "guide.replace_catalog",
               {"catalog": base64.b64encode(b"[catalog]\nversion = 1").decode()})
    assert (bad.status, bad.reason) == ("rejected", "catalog_invalid")
    assert guide.catalog.info.version == "t-9"
    not_base64 = send(processor, center, "guide.replace_catalog", {"catalog": "@@@"})
    assert not_base64.reason == "bad_arguments"


@pytest.fixture
def store_and_guide(tmp_path):
    from kiosk.store import open_store

    store = open_store(tmp_path / "kiosk.db")
    library = CatalogLibrary(SHIPPED, tmp_path / "catalog" / "services.toml")
    guide = GuideService(library, store, STATION, (), PrintService(store, None))
    yield store, guide
    guide.printing.stop()
    store.close()


def test_types_this_terminal_lacks_are_not_supported(store_and_guide, center):
    store, _guide = store_and_guide
    processor = processor_for(store, center)
    for command_type, args in (("locker.open", {"compartment": 1}),
                               ("guide.replace_catalog", {"catalog": ""}),
                               ("presence.rebirth", {}),
                               ("outbox.resend", {"fromSeq": 1, "toSeq": 1})):
        result = send(processor, center, command_type, args)
        assert (result.status, result.reason) == ("rejected", "not_supported"), command_type


def test_a_resend_outside_the_outbox_is_refused_with_the_reason(store_and_guide, center):
    store, _guide = store_and_guide
    processor = CommandProcessor(store, district_id="d", terminal_id="t",
                                 signing_key=center.public_key(),
                                 handlers=build_handlers(
                                     locker=None, guide=None, rebirth=None,
                                     settings=StationSettings(store, CONFIGURED_HOURS),
                                     outbox=OutboxResend(store)))
    for args, why in (({"fromSeq": 1}, "missing toSeq"),
                      ({"fromSeq": "1", "toSeq": 2}, "fromSeq must be int"),
                      ({"fromSeq": 1, "toSeq": 500}, "past the last event written")):
        result = send(processor, center, "outbox.resend", args)
        assert (result.status, result.reason) == ("rejected", "bad_arguments"), args
        assert why in result.text


MON_TO_SAT = [{"days": [1, 2, 3, 4, 5, 6], "start": "09:00", "end": "18:00"}]


def test_announcement_and_opening_hours(store_and_guide, center):
    store, _guide = store_and_guide
    settings = StationSettings(store, CONFIGURED_HOURS)
    seen = []
    settings.subscribe(seen.append)
    processor = processor_for(store, center, settings=settings)

    assert send(processor, center, "display.set_announcement",
                {"text": "今天下午停水，自助终端照常使用"}).status == "accepted"
    hours = send(processor, center, "station.set_opening_hours", {"sessions": MON_TO_SAT})

    assert hours.status == "accepted", hours.text
    assert hours.detail == {"configured": False, "sessions": MON_TO_SAT,
                            "text": "周一至周六 9:00–18:00"}
    assert settings.current().announcement == "今天下午停水，自助终端照常使用"
    assert settings.opening_hours() == "周一至周六 9:00–18:00"
    assert [n.announcement for n in seen] == ["", "今天下午停水，自助终端照常使用",
                                               "今天下午停水，自助终端照常使用"]
    assert seen[-1].staffed_hours == WeeklyHours.from_sessions(
        [OpeningSession(days=(1, 2, 3, 4, 5, 6), start="09:00", end="18:00")])
    # Kept in the database: a restart keeps the center's hours.
    assert StationSettings(store, CONFIGURED_HOURS).opening_hours() == "周一至周六 9:00–18:00"
    too_long = send(processor, center, "display.set_announcement", {"text": "长" * 301})
    assert too_long.reason == "bad_arguments"
    # Empty takes both back.
    send(processor, center, "display.set_announcement", {"text": ""})
    back = send(processor, center, "station.set_opening_hours", {"sessions": []})
    assert back.detail["configured"] is True
    assert settings.current().announcement == ""
    assert settings.opening_hours() == "周一至周五 9:00–17:00"


def test_hours_in_words_are_refused_but_empty_words_still_mean_the_configured_hours(
        store_and_guide, center):
    store, _guide = store_and_guide
    settings = StationSettings(store, CONFIGURED_HOURS)
    processor = processor_for(store, center, settings=settings)
    send(processor, center, "station.set_opening_hours", {"sessions": MON_TO_SAT})

    words = send(processor, center, "station.set_opening_hours", {"text": "周一至周六 8:30-17:30"})

    assert (words.status, words.reason) == ("rejected", "bad_arguments")
    assert "give sessions" in words.text
    assert settings.opening_hours() == "周一至周六 9:00–18:00"       # unchanged
    old_reset = send(processor, center, "station.set_opening_hours", {"text": ""})
    assert old_reset.status == "accepted"
    assert settings.opening_hours() == "周一至周五 9:00–17:00"


@pytest.mark.parametrize(("args", "why"), [
    ({}, "give sessions"),
    ({"sessions": MON_TO_SAT, "text": ""}, "give sessions"),
    ({"sessions": "周一至周五"}, "sessions must be list"),
    ({"sessions": [{"days": [1], "start": "17:00", "end": "09:00"}]},
     "sessions[0].end: 09:00 is not after 17:00"),
    ({"sessions": [{"days": [8], "start": "09:00", "end": "17:00"}]},
     "sessions[0].days: weekdays are 1 (Monday) to 7 (Sunday)"),
    ({"sessions": [{"days": [True], "start": "09:00", "end": "17:00"}]},
     "sessions[0].days must be a list of weekdays"),
    ({"sessions": [{"days": [1], "start": "9:00", "end": "17:00"}]},
     "sessions[0].start: '9:00' is not a time of day"),
    ({"sessions": [{"days": [1], "start": "09:00", "end": "17:00", "lunch": "12:00"}]},
     "sessions[0] must have exactly days, start and end"),
    ({"sessions": [{"days": [1], "start": "09:00", "end": "17:00"}] * 29},
     "at most 28 sessions"),
], ids=["nothing", "both", "not-a-list", "backwards", "no-such-day", "bool-day",
        "no-leading-zero", "extra-key", "too-many"])
def test_bad_hours_are_refused_and_change_nothing(store_and_guide, center, args, why):
    store, _guide = store_and_guide
    settings = StationSettings(store, CONFIGURED_HOURS)
    processor = processor_for(store, center, settings=settings)

    result = send(processor, center, "station.set_opening_hours", args)

    assert (result.status, result.reason) == ("rejected", "bad_arguments")
    assert why in result.text
    assert settings.staffed_hours() == CONFIGURED_HOURS


def test_the_center_cannot_set_hours_that_leave_a_queue_open_with_nobody_there(
        store_and_guide, center):
    store, _guide = store_and_guide
    saturday_queue = WeeklyHours.from_sessions(
        [OpeningSession(days=(6,), start="09:00", end="16:00")])
    settings = StationSettings(store, CONFIGURED_HOURS,
                               HoursRules((("综合受理 (general)", saturday_queue),), 7))
    processor = processor_for(store, center, settings=settings)

    weekdays_only = send(processor, center, "station.set_opening_hours",
                         {"sessions": [{"days": [1, 2, 3, 4, 5], "start": "08:30",
                                        "end": "17:30"}]})
    short_saturday = send(processor, center, "station.set_opening_hours",
                          {"sessions": [{"days": [6], "start": "09:00", "end": "16:00"},
                                        {"days": [1], "start": "09:00", "end": "12:00"}]})

    assert weekdays_only.reason == "bad_arguments"
    assert ("the queue 综合受理 (general) is open 9:00-16:00 on weekday 6, outside these hours"
            in weekdays_only.text)
    assert short_saturday.reason == "bad_arguments"
    assert "open 3.0 hours on weekday 1; queues follow these hours" in short_saturday.text
    assert settings.staffed_hours() == CONFIGURED_HOURS


def test_hours_set_under_another_configuration_give_way_when_its_queues_cannot_keep_them(
        store_and_guide):
    store, _guide = store_and_guide
    StationSettings(store, CONFIGURED_HOURS).set_staffed_hours(
        [OpeningSession(days=(1, 2, 3, 4, 5), start="10:00", end="17:00")], "center:old")
    morning_queue = WeeklyHours.from_sessions(
        [OpeningSession(days=(1, 2, 3, 4, 5), start="09:00", end="17:00")])

    settings = StationSettings(store, CONFIGURED_HOURS,
                               HoursRules((("即办 (instant)", morning_queue),)))

    assert settings.staffed_hours() == CONFIGURED_HOURS
    assert settings.opening_hours() == "周一至周五 9:00–17:00"


def test_an_announcement_ends_on_its_own(store_and_guide):
    store, _guide = store_and_guide
    clock = FakeClock(wall=datetime.now())
    settings = StationSettings(store, WeeklyHours(), clock=clock.time)
    settings.set_announcement("临时通知", int((clock.time() + 60) * 1000), "test")
    assert settings.announcement() == "临时通知"
    clock.advance(61)
    assert settings.announcement() == ""


def test_rebirth_asks_the_link(store_and_guide, center):
    store, _guide = store_and_guide
    asked = []
    processor = processor_for(store, center, rebirth=lambda: asked.append(True))
    assert send(processor, center, "presence.rebirth", {}).status == "accepted"
    assert send(processor, center, "presence.rebirth", {"now": True}).reason == "bad_arguments"
    assert asked == [True]
