"""Bulk commands in the database, on SQLite and on PostgreSQL: one BulkAction, one signed
command per terminal (the demo terminal's key verifies each), one audit entry for the
whole and one per command; confirming twice sends once; progress counted from the
terminals' answers; and the set a person may reach (a manager only their stations)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from center.audit.models import AuditEntry
from center.commands import bulk as bulk_module
from center.commands.bulk import BulkRefused, Targets, issue_bulk, progress, targets
from center.commands.models import BulkAction, Command, CommandState
from center.commands.sender import send_due
from center.commands.terminal_context import reported_hours
from center.fleet.models import Station, Terminal
from center.ingest.batch import ingest_batch
from tests.fixtures.center_commands import (
    answer,
    opened,
    other_station,
    people_on,
    terminal_at,
    use_demo_signing_key,
)
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX

pytestmark = pytest.mark.django_db(databases=DATABASES)

HOURS = [{"days": [1, 2, 3, 4, 5], "start": "08:30", "end": "17:30"}]


class Wire:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, int]] = []

    def publish(self, topic: str, payload: bytes, expiry_s: int) -> bool:
        self.sent.append((topic, payload, expiry_s))
        return True


def every_terminal(using: str) -> Targets:
    terminals = list(Terminal.objects.using(using).select_related("station")
                     .order_by("terminal_id"))
    return Targets(terminals, left_out=1, filters={"站点": "花山镇便民服务站"},
                   query="station=1")


def test_one_signed_command_per_terminal_grouped_and_audited(using, settings):
    use_demo_signing_key(settings)
    people = people_on(using)
    for terminal_id in ("xc-hsz-01", "xc-hsz-02", "xc-hsz-03"):
        terminal_at(people.station, terminal_id, using=using)
    bulk = issue_bulk(people.admin, every_terminal(using), "station.set_opening_hours",
                      {"sessions": HOURS}, token=uuid.uuid4(), reason="夏季时间",
                      lifetime=timedelta(hours=8), using=using)

    stored = BulkAction.objects.using(using).get()
    assert (stored.type, stored.count, stored.left_out, stored.username) == (
        "station.set_opening_hours", 3, 1, "district-admin")
    assert stored.filters == {"站点": "花山镇便民服务站"}
    commands = list(Command.objects.using(using).filter(bulk=bulk).select_related("terminal"))
    assert sorted(c.terminal.terminal_id for c in commands) == [
        "xc-hsz-01", "xc-hsz-02", "xc-hsz-03"]
    for command in commands:
        body = opened(command)                       # the demo terminal's key verifies it
        assert (body["terminal"], body["type"], body["args"]) == (
            command.terminal.terminal_id, "station.set_opening_hours", {"sessions": HOURS})
        assert body["expiresAt"] - body["issuedAt"] == 8 * 3600 * 1000
        assert body["id"] == str(command.id)
        assert command.state == CommandState.PENDING
        assert command.reason == "夏季时间"
    assert len({opened(c)["id"] for c in commands}) == 3
    entries = AuditEntry.objects.using(using)
    assert entries.filter(action="bulk.issued").count() == 1
    assert entries.get(action="bulk.issued").detail["count"] == 3
    issued = entries.filter(action="command.issued")
    assert issued.count() == 3
    assert {e.detail["bulk"] for e in issued} == {bulk.pk}
    assert set(issued.values_list("username", flat=True)) == {"district-admin"}


def test_confirming_twice_sends_once(using, settings):
    use_demo_signing_key(settings)
    people = people_on(using)
    terminal_at(people.station, "xc-hsz-01", using=using)
    token = uuid.uuid4()
    first = issue_bulk(people.admin, every_terminal(using), "presence.rebirth", {},
                       token=token, using=using)
    again = issue_bulk(people.admin, every_terminal(using), "presence.rebirth", {},
                       token=token, using=using)
    assert first.pk == again.pk
    assert Command.objects.using(using).count() == 1
    assert AuditEntry.objects.using(using).filter(action="bulk.issued").count() == 1


def test_progress_follows_the_answers_and_offline_terminals_wait(using, settings):
    use_demo_signing_key(settings)
    people = people_on(using)
    kiosks = {terminal_id: terminal_at(people.station, terminal_id, using=using)
              for terminal_id in ("xc-hsz-01", "xc-hsz-02", "xc-hsz-03")}
    offline = terminal_at(people.station, "xc-hsz-04", using=using, online=False)
    bulk = issue_bulk(people.admin, every_terminal(using), "display.set_announcement",
                      {"text": "今天下午停水"}, token=uuid.uuid4(), using=using)
    wire = Wire()
    assert send_due(wire.publish, PREFIX, using=using) == 3       # not to the offline one
    commands = {c.terminal.terminal_id: c for c in
                Command.objects.using(using).filter(bulk=bulk).select_related("terminal")}
    answer(kiosks["xc-hsz-01"], 1, commands["xc-hsz-01"], detail={"shown": True}, using=using)
    answer(kiosks["xc-hsz-02"], 1, commands["xc-hsz-02"], "rejected", "clock_jumped",
           "the terminal's clock jumped by 600 s", using=using)
    counted = progress(Command.objects.using(using).filter(bulk=bulk))
    assert (counted.waiting, counted.sent, counted.carried_out, counted.refused,
            counted.total, counted.open) == (1, 1, 1, 1, 4, 2)
    refused = Command.objects.using(using).get(pk=commands["xc-hsz-02"].pk)
    assert refused.result_text == "the terminal's clock jumped by 600 s"

    # The offline terminal comes back: its command goes then, while still valid.
    ingest_batch([offline.birth(5, timezone.now()), offline.heartbeat(5, timezone.now())],
                 prefix=PREFIX, using=using)
    assert send_due(wire.publish, PREFIX, using=using) == 1
    assert wire.sent[-1][0] == "kiosk/v1/xc/xc-hsz-04/cmd"
    send_due(wire.publish, PREFIX, using=using, now=timezone.now() + timedelta(minutes=11))
    counted = progress(Command.objects.using(using).filter(bulk=bulk))
    assert (counted.expired, counted.open) == (2, 0)


def test_the_hours_in_force_are_the_terminals_own_words(using, settings):
    use_demo_signing_key(settings)
    people = people_on(using)
    kiosk = terminal_at(people.station, "xc-hsz-01", using=using)
    issue_bulk(people.admin, every_terminal(using), "station.set_opening_hours",
               {"sessions": HOURS}, token=uuid.uuid4(), using=using)
    command = Command.objects.using(using).get()
    answer(kiosk, 1, command, detail={"configured": False, "sessions": HOURS,
                                      "text": "周一至周五 8:30–17:30"}, using=using)
    terminal = Terminal.objects.using(using).get()
    # reported_hours reads the default database, as the pages do.
    if using == "default":
        hours = reported_hours(terminal)
        assert hours is not None
        assert (hours.text, hours.sessions, hours.configured) == (
            "周一至周五 8:30–17:30", HOURS, False)


def query(**filters: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(filters)
    return data


@pytest.mark.django_db
def test_a_manager_reaches_only_their_stations_and_hears_how_many_were_left_out():
    people = people_on()
    elsewhere = other_station()
    terminal_at(people.station, "xc-hsz-01")
    terminal_at(people.station, "xc-hsz-02", version="0.2.0")
    terminal_at(elsewhere, "xc-lyj-01")
    terminal_at(elsewhere, "xc-lyj-02", version="0.2.0")

    mine = targets(people.manager, query())
    assert [t.terminal_id for t in mine.terminals] == ["xc-hsz-01", "xc-hsz-02"]
    assert mine.left_out == 2
    newer = targets(people.manager, query(version="0.2.0"))
    assert ([t.terminal_id for t in newer.terminals], newer.left_out) == (["xc-hsz-02"], 1)
    assert newer.filters == {"版本": "0.2.0"}
    everyone = targets(people.admin, query(version="0.2.0"))
    assert (sorted(t.terminal_id for t in everyone.terminals), everyone.left_out) == (
        ["xc-hsz-02", "xc-lyj-02"], 0)
    # A station that is not theirs does not read as a filter: nothing, rather than all.
    with pytest.raises(BulkRefused):
        targets(people.manager, query(station=str(elsewhere.pk)))
    with pytest.raises(BulkRefused):
        targets(people.viewer, query())


@pytest.mark.django_db
def test_too_large_a_set_is_refused_with_the_count(monkeypatch):
    people = people_on()
    for number in range(1, 4):
        terminal_at(people.station, f"xc-hsz-0{number}")
    monkeypatch.setattr(bulk_module, "MOST_TERMINALS", 2)
    with pytest.raises(BulkRefused, match="3"):
        targets(people.admin, query())
    with pytest.raises(BulkRefused):           # every one of them is online
        targets(people.admin, query(offline_hours="0"))


@pytest.mark.django_db
def test_the_set_has_a_fingerprint_that_changes_with_it():
    people = people_on()
    terminal_at(people.station, "xc-hsz-01")
    before = targets(people.admin, query()).fingerprint
    assert targets(people.admin, query()).fingerprint == before
    terminal_at(people.station, "xc-hsz-02")
    assert targets(people.admin, query()).fingerprint != before


@pytest.mark.django_db
def test_an_announcement_reaches_every_station_of_a_street():
    people = people_on()
    Station.objects.filter(pk=people.station.pk).update(street="花山镇")
    same_street = Station.objects.create(district="xc", code="hsz-2", name="花山镇第二便民服务站",
                                         street="花山镇")
    elsewhere = other_station()
    Station.objects.filter(pk=elsewhere.pk).update(street="留园街道")
    terminal_at(people.station, "xc-hsz-01")
    terminal_at(same_street, "xc-hsz2-01")
    terminal_at(elsewhere, "xc-lyj-01")

    street = targets(people.admin, query(street="花山镇"))

    assert sorted(t.terminal_id for t in street.terminals) == ["xc-hsz-01", "xc-hsz2-01"]
    assert street.filters == {"街道或乡镇": "花山镇"}
