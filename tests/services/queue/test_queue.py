"""The queue through a synthetic day: numbering, priority, estimates, the windows' actions,
appointments and the day's summary, checked in the database and the outbox."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.services.opening_hours_text import chinese_hours
from kiosk.services.queue.appointments import (
    Appointment,
    AppointmentInvalid,
    make_appointment_code,
    read_appointment,
)
from kiosk.services.queue.model import IssuedTicket, Refused
from kiosk.services.queue.service import QueueError, QueueService
from tests.fixtures.queue import ELDER, MONDAY, YOUNGER, issue


def events(queue: QueueService, kind: str) -> list[dict]:
    with queue.store.reading() as db:
        rows = db.execute("SELECT payload FROM outbox WHERE type = ? ORDER BY seq", [kind])
        return [json.loads(r[0]) for r in rows.fetchall()]


def test_numbers_run_per_category_and_restart_the_next_day(queue, queue_clock):
    labels = [issue(queue, c).ticket.label for c in ("general", "general", "instant")]
    assert labels == ["A001", "A002", "B001"]

    queue_clock.set_wall(MONDAY + timedelta(days=1))
    tuesday = issue(queue, "general")

    assert tuesday.ticket.label == "A001"
    summary = events(queue, "queue.daily_summary")
    assert [s["day"] for s in summary] == ["2026-11-23"]
    general = summary[0]["categories"][0]
    assert (general["issued"], general["expired"]) == (2, 2)


def test_the_ticket_knows_who_is_ahead_and_an_estimate(queue):
    for _ in range(4):
        issue(queue, "general")

    fifth = issue(queue, "general")

    # 4 ahead, the default 8 minutes each, shared by the category's 2 windows.
    assert (fifth.ahead, fifth.estimate_min) == (4, 16)
    assert fifth.status_url == f"https://q.example.cn/t-01/2026-11-23/{fifth.ticket.label}"
    issued = events(queue, "queue.ticket_issued")[-1]
    assert issued == {"ticket": "A005", "day": "2026-11-23", "category": "general", "rank": 2,
                      "source": "touch", "real_name": False, "ahead": 4, "estimate_s": 960,
                      "at": "2026-11-23T09:00:00"}


def test_the_take_a_number_screen_shows_whole_minutes(queue):
    for _ in range(4):
        issue(queue, "general")

    general = next(c for c in queue.categories_now() if c.id == "general")

    # The same 16 minutes the next ticket's slip will say, as a whole number ("16", not
    # "16.0", in "about {minutes} min").
    assert (general.waiting, general.estimate_min) == (4, 16)
    assert type(general.estimate_min) is int


def test_estimates_learn_the_real_handling_time(queue, queue_clock):
    queue.open_window(1)
    for _ in range(4):
        issue(queue, "general")
        queue.call_next(1)
        queue_clock.advance(minutes=3)
    queue.finish(1)
    for _ in range(2):
        issue(queue, "general")

    third = issue(queue, "general")

    # Three minutes each (learnt), one open window, two ahead.
    assert (third.ahead, third.estimate_min) == (2, 6)


def test_windows_call_priority_then_appointments_then_first_come(queue, queue_clock):
    walk_in = issue(queue, "general")
    queue_clock.advance(minutes=1)
    instant = issue(queue, "instant")
    queue_clock.advance(minutes=1)
    booked = queue.check_in(Appointment(id="AP-1", category="general", day="2026-11-23",
                                        slot="09:00", priority=False))
    assert booked.ticket.label == "A002"

    order = [queue.call_next(1).label for _ in range(3)]

    assert order == ["A002", walk_in.ticket.label, instant.ticket.label]
    assert queue.call_next(1) is None


def test_elders_are_offered_assisted_priority_and_others_are_not(queue):
    assert queue.offers_priority(ELDER)
    assert not queue.offers_priority(YOUNGER)
    issue(queue, "assisted")

    elder = issue(queue, "general", identity=ELDER, priority=True)

    assert (elder.ticket.label, elder.ticket.rank, elder.ahead) == ("C002", 0, 0)
    assert queue.issue("general", identity=YOUNGER, priority=True) == Refused("no_priority")
    assert queue.call_next(3).label == "C002"
    assert events(queue, "queue.ticket_issued")[-1]["real_name"] is True


def test_one_open_ticket_per_person_and_category(queue):
    first = issue(queue, "general", identity=YOUNGER)

    again = queue.issue("general", identity=YOUNGER)

    assert again == Refused("has_ticket", "综合受理", first.ticket.label)
    assert isinstance(queue.issue("instant", identity=YOUNGER), IssuedTicket)
    with queue.store.reading() as db:
        stored = db.execute("SELECT person_hash FROM queue_tickets WHERE label = 'A001'"
                            ).fetchone()[0]
    assert YOUNGER.id_number not in stored
    assert len(stored) == 64


def test_no_show_recall_transfer_and_finish(queue, queue_clock):
    heard = []
    queue.on_call(heard.append)
    issue(queue, "general")
    queue_clock.advance(minutes=1)
    issue(queue, "general")
    queue_clock.advance(minutes=1)
    issue(queue, "general")

    queue.call_next(1)            # A001
    queue.recall(1)
    queue.no_show(1)
    queue.call_next(1)            # A002
    moved = queue.transfer(1, "assisted")
    queue.call_next(2)            # A003
    queue.finish(2)

    assert [(c.label, c.window, c.recall) for c in heard] == [
        ("A001", 1, False), ("A001", 1, True), ("A002", 1, False), ("A003", 2, False)]
    assert (moved.label, moved.category, moved.state, moved.transferred_from) == (
        "A002", "assisted", "waiting", "general")
    assert queue.call_next(3).label == "A002"   # keeps its number in the new queue
    assert [e["ticket"] for e in events(queue, "queue.no_show")] == ["A001"]
    assert [e["ticket"] for e in events(queue, "queue.finished")] == ["A003"]
    with pytest.raises(QueueError, match="window 2 has nobody called"):
        queue.recall(2)


def test_two_windows_calling_at_once_never_share_a_ticket(queue):
    for _ in range(40):
        issue(queue, "general")
    called: dict[int, list[str]] = {1: [], 2: []}

    def serve(window: int) -> None:
        while (call := queue.call_next(window)) is not None:
            called[window].append(call.label)

    threads = [threading.Thread(target=serve, args=(w,)) for w in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    everyone = called[1] + called[2]
    assert sorted(everyone) == [f"A{n:03d}" for n in range(1, 41)]
    assert len(set(everyone)) == 40


def test_out_of_hours_no_ticket_is_issued(queue, queue_clock):
    queue_clock.set_wall(MONDAY.replace(hour=12, minute=30))

    refused = queue.issue("general")
    assert (refused.reason, refused.category_name) == ("closed", "综合受理")
    assert chinese_hours(refused.hours) == "周一至周五 9:00–12:00、13:00–17:00"
    assert not any(c.open for c in queue.categories_now())
    assert chinese_hours(queue.categories_now()[0].hours) == "周一至周五 9:00–12:00、13:00–17:00"


def test_appointments_are_verified_once_and_for_their_day(queue):
    key = Ed25519PrivateKey.generate()
    booking = Appointment(id="AP-7", category="general", day="2026-11-23", slot="10:00",
                          priority=True)
    code = make_appointment_code(booking, key)
    assert code.startswith("政务预约|1|AP-7|general|2026-11-23|10:00|1|")

    appointment = read_appointment(code, key.public_key())
    first = queue.check_in(appointment)

    assert (first.ticket.label, first.ticket.rank, first.ticket.source) == ("A001", 0,
                                                                            "appointment")
    assert queue.check_in(appointment) == Refused("used_appointment", "综合受理")
    tomorrow = Appointment(id="AP-8", category="general", day="2026-11-24", slot="10:00",
                           priority=False)
    assert queue.check_in(tomorrow) == Refused("wrong_day")
    forged = code.replace("|general|", "|instant|")
    with pytest.raises(AppointmentInvalid, match="signature does not verify"):
        read_appointment(forged, key.public_key())
    other_key = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(AppointmentInvalid):
        read_appointment(code, other_key)
    with pytest.raises(AppointmentInvalid, match="not an appointment"):
        read_appointment("hello", key.public_key())


def test_the_day_summary_counts_waits_no_shows_and_handling(queue, queue_clock):
    queue.open_window(1)
    for _ in range(3):
        issue(queue, "general")
    queue_clock.advance(minutes=10)
    queue.call_next(1)          # A001 waited 10 min
    queue_clock.advance(minutes=4)
    queue.call_next(1)          # A001 finished after 4; A002 waited 14
    queue.no_show(1)

    queue_clock.set_wall(MONDAY + timedelta(days=1))
    (summary,) = queue.roll_over()

    general = summary.categories[0]
    assert (general.issued, general.served, general.no_shows, general.expired) == (3, 1, 1, 1)
    assert general.average_wait_min == 12.0
    assert general.longest_wait_min == 14.0
    assert general.average_handling_min == 4.0
    assert queue.roll_over() == []     # closed once


def test_tickets_and_the_summary_print_on_the_wire(queue, printer_rig):
    from kiosk.services.queue.slips import summary_slip, ticket_slip
    from tests.fixtures.queue import STATION

    rig = printer_rig()
    issued = issue(queue, "general")
    rig.printer.print_slip(ticket_slip(issued, STATION, queue.now()))
    rig.printer.print_slip(summary_slip(queue.summary(), STATION))

    ticket, summary = rig.sim.wait_for_receipts(2)
    assert [line.strip() for line in ticket.text_lines[:3]] == ["测试站", "综合受理", "A001"]
    assert ticket.qr_seen == [issued.status_url]
    assert ticket.cut is not None
    ticket_text = "\n".join(ticket.text_lines)
    assert "前面没有人，无需等待" in ticket_text       # never "约 0 分钟"
    assert "分钟" not in ticket_text
    text = "\n".join(summary.text_lines)
    assert "排队日报" in text
    assert "取号 1  办结 0  过号 0  未叫 0" in text


def test_a_scanned_code_is_verified_before_it_checks_anyone_in(queue):
    key = Ed25519PrivateKey.generate()
    code = make_appointment_code(Appointment(id="AP-9", category="general", day="2026-11-23",
                                             slot="10:00", priority=False), key)

    assert queue.check_in_code(code) == Refused("invalid_appointment")   # no key configured
    queue.appointment_key = key.public_key()
    assert queue.check_in_code(code.replace("AP-9", "AP-0")) == Refused("invalid_appointment")
    assert queue.check_in_code("政务预约|1|garbage") == Refused("invalid_appointment")
    checked_in = queue.check_in_code(code)
    assert (checked_in.ticket.label, checked_in.ticket.source) == ("A001", "appointment")
