"""The notifier, one pass at a time with a clock the test sets, on SQLite and PostgreSQL:
who is told of a new alarm, escalation once when nobody acknowledges in time, outages told
and reminded, maintenance silencing, each notice recorded once, and mails sent over real
SMTP to a local server, a refused one tried again later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.alarms.models import Alarm, AlarmNote, MaintenanceWindow, NoteKind
from center.notifications.models import Delivery, MailState, Notice, NoticeKind, Outage
from center.notifications.notifier import PassTotals, run_once
from tests.fixtures.center_alarms import (
    ingest,
    ingest_receiving,
    make_staff,
    place_terminal,
    terminal,
)
from tests.fixtures.center_db import DATABASES

pytestmark = pytest.mark.django_db(databases=DATABASES)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def t0():
    return timezone.now().replace(microsecond=0)


def told(using, kind):
    """Who was told of notices of ``kind``, as user names, one entry per delivery."""
    return sorted(Delivery.objects.using(using).filter(notice__kind=kind)
                  .values_list("user__username", flat=True))


def test_a_new_alarm_is_told_to_the_stations_manager_once_by_page_and_mail(
        using, t0, smtp_server):
    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", using=using)

    first = run_once(t0 + MINUTE, using=using)
    again = run_once(t0 + 2 * MINUTE, using=using)

    assert (first.alarms, first.mailed, again.alarms, again.mailed) == (1, 1, 0, 0)
    assert told(using, NoticeKind.ALARM_RAISED) == ["station-manager"]
    delivery = Delivery.objects.using(using).get()
    assert (delivery.mail_state, delivery.read_at) == (MailState.SENT, None)
    [mail] = smtp_server.wait_for(1)
    assert mail.to == ["station-manager@xc.example"]
    assert mail.subject == ("[区中心] 新告警：柜门卡住 · compartment 3"
                            "（xc-hsz-01，花山镇便民服务站）")
    alarm = Alarm.objects.using(using).get()
    raised = timezone.localtime(alarm.raised_at).strftime("%Y-%m-%d %H:%M")
    assert mail.body.splitlines() == [
        mail.subject.removeprefix("[区中心] "), "",
        "站点：花山镇便民服务站", "终端：xc-hsz-01", "告警：柜门卡住 · compartment 3",
        f"发生时间：{raised}", "",
        f"查看：http://127.0.0.1:8000/alarms/{alarm.pk}/", "",
        "您收到这封邮件，是因为您在区中心负责这台终端。"]


def test_a_terminal_at_no_station_is_told_to_the_district_administrators(using, t0):
    make_staff(using)
    place_terminal(None, t0, "printer.paper_out/printer", using=using)
    run_once(t0 + MINUTE, using=using)
    assert told(using, NoticeKind.ALARM_RAISED) == ["district-admin"]


def test_an_alarm_nobody_acknowledges_is_escalated_once_after_30_minutes(using, t0, settings):
    settings.ALARM_ESCALATE_AFTER_MIN = 30
    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", "forced_open/compartment 5",
                   using=using)
    acknowledged = Alarm.objects.using(using).get(kind="forced_open")
    Alarm.objects.using(using).filter(pk=acknowledged.pk).update(
        acknowledged_at=t0 + 5 * MINUTE, acknowledged_by=staff.manager)

    assert run_once(t0 + 29 * MINUTE, using=using).escalations == 0
    assert run_once(t0 + 31 * MINUTE, using=using).escalations == 1
    assert run_once(t0 + 60 * MINUTE, using=using).escalations == 0

    escalated = Alarm.objects.using(using).get(kind="door_jammed")
    assert escalated.escalated_at == t0 + 31 * MINUTE
    assert Alarm.objects.using(using).get(kind="forced_open").escalated_at is None
    assert told(using, NoticeKind.ALARM_ESCALATED) == ["district-admin", "station-manager"]
    note = AlarmNote.objects.using(using).get(kind=NoteKind.ESCALATED)
    assert (note.alarm_id, note.author_id, note.at) == (escalated.pk, None, t0 + 31 * MINUTE)


def test_a_cleared_alarm_is_not_escalated(using, t0):
    staff = make_staff(using)
    kiosk = place_terminal(staff.station, t0, "door_left_open/compartment 2", using=using)
    ingest(kiosk.cleared("door_left_open", "compartment 2"), using=using)
    assert run_once(t0 + 31 * MINUTE, using=using).escalations == 0
    # It was raised and cleared before the notifier looked: still told once.
    assert told(using, NoticeKind.ALARM_RAISED) == ["station-manager"]


def test_maintenance_silences_alarms_and_escalation_but_keeps_them(using, t0):
    staff = make_staff(using)
    place_terminal(staff.station, t0 - MINUTE, using=using)
    MaintenanceWindow.objects.using(using).create(
        terminal=terminal(using=using), starts_at=t0 - 2 * MINUTE, ends_at=t0 + 10 * MINUTE,
        reason="更换打印机", created_by=staff.manager, created_by_name="station-manager")
    kiosk = place_terminal(staff.station, t0, "printer.offline/printer", using=using)
    del kiosk

    during = run_once(t0 + MINUTE, using=using)
    after = run_once(t0 + 45 * MINUTE, using=using)     # the window is over; still standing

    assert (during.alarms, after.alarms, after.escalations) == (0, 0, 0)
    assert Alarm.objects.using(using).get().active      # stored and shown
    notice = Notice.objects.using(using).get()
    assert (notice.kind, notice.silenced) == (NoticeKind.ALARM_RAISED, True)
    assert not Delivery.objects.using(using).exists()
    assert Alarm.objects.using(using).get().escalated_at is None


def test_an_alarm_raised_before_a_window_is_not_escalated_during_it(using, t0):
    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", using=using)
    run_once(t0 + MINUTE, using=using)
    MaintenanceWindow.objects.using(using).create(
        terminal=terminal(using=using), starts_at=t0 + 20 * MINUTE, ends_at=t0 + 60 * MINUTE,
        reason="检修柜门", created_by=staff.admin, created_by_name="district-admin")
    assert run_once(t0 + 40 * MINUTE, using=using).escalations == 0
    assert run_once(t0 + 61 * MINUTE, using=using).escalations == 1


def test_offline_is_told_reminded_every_4_hours_and_back_online_told(using, t0, settings):
    settings.OFFLINE_REMIND_MIN = 240
    staff = make_staff(using)
    kiosk = place_terminal(staff.station, t0, using=using)
    ingest(kiosk.death(2), using=using)
    down_at = terminal(using=using).presence_since

    def notify(after):
        ingest_receiving(t0 + after, using=using)
        return run_once(t0 + after, using=using)

    assert notify(MINUTE).offline == 1
    assert notify(2 * MINUTE).offline == 0
    assert notify(200 * MINUTE).reminders == 0
    assert notify(down_at - t0 + 241 * MINUTE).reminders == 1
    assert notify(down_at - t0 + 300 * MINUTE).reminders == 0
    assert notify(down_at - t0 + 481 * MINUTE).reminders == 1
    back = t0 + 500 * MINUTE
    ingest(kiosk.birth(3, back), kiosk.heartbeat(3, back), using=using)
    assert notify(500 * MINUTE + 10 * timedelta(seconds=1)).online == 1

    assert told(using, NoticeKind.TERMINAL_OFFLINE) == ["station-manager"]
    assert told(using, NoticeKind.TERMINAL_STILL_OFFLINE) == ["station-manager"] * 2
    assert told(using, NoticeKind.TERMINAL_ONLINE) == ["station-manager"]
    outage = Outage.objects.using(using).get()
    assert (outage.offline_since, outage.reminders) == (down_at, 2)
    assert outage.ended_at is not None


def test_a_silent_terminal_is_offline_too_but_not_while_ingest_is_down(using, t0):
    staff = make_staff(using)
    place_terminal(staff.station, t0, using=using)
    # Ten minutes without a heartbeat, and no ingest worker beating: the center cannot
    # know, so nobody is told.
    assert run_once(t0 + 10 * MINUTE, using=using).offline == 0
    ingest_receiving(t0 + 10 * MINUTE, using=using)
    assert run_once(t0 + 10 * MINUTE, using=using).offline == 1
    notice = Notice.objects.using(using).get(kind=NoticeKind.TERMINAL_OFFLINE)
    assert notice.at == t0 + timedelta(seconds=150)     # 2.5 heartbeat intervals


def test_offline_during_maintenance_is_told_only_once_the_window_is_over(using, t0):
    staff = make_staff(using)
    kiosk = place_terminal(staff.station, t0, using=using)
    MaintenanceWindow.objects.using(using).create(
        terminal=terminal(using=using), starts_at=t0, ends_at=t0 + 60 * MINUTE,
        reason="搬迁终端", created_by=staff.admin, created_by_name="district-admin")
    ingest(kiosk.death(2), using=using)
    ingest_receiving(t0 + 30 * MINUTE, using=using)
    assert run_once(t0 + 30 * MINUTE, using=using).offline == 0
    assert not Outage.objects.using(using).exists()
    ingest_receiving(t0 + 61 * MINUTE, using=using)
    assert run_once(t0 + 61 * MINUTE, using=using).offline == 1
    assert told(using, NoticeKind.TERMINAL_OFFLINE) == ["station-manager"]


def test_a_refused_mail_is_tried_again_later_and_its_failure_kept(using, t0, smtp_server):
    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", using=using)
    smtp_server.refuse_next(1)

    first = run_once(t0 + MINUTE, using=using)
    delivery = Delivery.objects.using(using).get()
    assert (first.mailed, first.mail_failures) == (0, 1)
    assert (delivery.mail_state, delivery.attempts) == (MailState.PENDING, 1)
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at == t0 + 2 * MINUTE

    assert run_once(t0 + MINUTE + timedelta(seconds=30), using=using).mailed == 0   # not yet
    assert run_once(t0 + 2 * MINUTE, using=using).mailed == 1
    delivery.refresh_from_db(using=using)
    assert (delivery.mail_state, delivery.attempts, delivery.last_error) == (
        MailState.SENT, 2, "")
    assert len(smtp_server.wait_for(1)) == 1


def test_with_the_mail_server_down_every_mail_waits_and_none_is_lost(using, t0, smtp_server):
    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", "forced_open/compartment 5",
                   using=using)
    smtp_server.stop()
    down = run_once(t0 + MINUTE, using=using)
    # The first mail found the server out of reach; the second was not even tried.
    assert (down.mailed, down.mail_failures) == (0, 1)
    states = sorted(Delivery.objects.using(using).values_list("mail_state", "attempts"))
    assert states == [(MailState.PENDING, 0), (MailState.PENDING, 1)]
    smtp_server.start()
    assert run_once(t0 + 3 * MINUTE, using=using).mailed == 2
    assert len(smtp_server.wait_for(2)) == 2


def test_a_second_notifier_finds_every_notice_and_mail_taken(using, t0, smtp_server):
    """Two notifiers looking at once: the unique key and the claims stop the second."""
    from center.notifications.mail import send_due_mail
    from center.notifications.record import record_notice

    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", using=using)
    alarm = Alarm.objects.using(using).get()
    run_once(t0 + MINUTE, using=using)
    again = record_notice(f"alarm.raised:{alarm.pk}", NoticeKind.ALARM_RAISED,
                          alarm.terminal, alarm=alarm, at=t0, now=t0 + MINUTE,
                          people=[staff.manager], using=using)
    assert again is None
    lost = record_notice("alarm.escalated:x", NoticeKind.ALARM_ESCALATED, alarm.terminal,
                         alarm=alarm, at=t0, now=t0, people=[staff.admin],
                         claim=lambda: False, using=using)
    assert lost is None
    assert not Notice.objects.using(using).filter(key="alarm.escalated:x").exists()
    # A mail claimed by another notifier (SENDING, recently) is left to it ...
    Delivery.objects.using(using).update(mail_state=MailState.SENDING, claimed_at=t0)
    assert send_due_mail(t0 + 2 * MINUTE, using=using).sent == 0
    # ... unless that notifier died: after five minutes it goes again.
    assert send_due_mail(t0 + 6 * MINUTE, using=using).sent == 1
    assert len(smtp_server.wait_for(2)) == 2


def test_an_assignment_is_told_to_the_person_assigned(using, t0):
    staff = make_staff(using)
    place_terminal(staff.station, t0, "door_jammed/compartment 3", using=using)
    alarm = Alarm.objects.using(using).get()
    AlarmNote.objects.using(using).create(
        alarm=alarm, kind=NoteKind.ASSIGNED, at=t0, author=staff.admin,
        author_name="district-admin", assignee=staff.manager, assignee_name="station-manager")
    AlarmNote.objects.using(using).create(
        alarm=alarm, kind=NoteKind.ASSIGNED, at=t0, author=staff.admin,
        author_name="district-admin", assignee=staff.admin, assignee_name="district-admin")
    assert run_once(t0 + MINUTE, using=using).assignments == 1
    assert told(using, NoticeKind.ALARM_ASSIGNED) == ["station-manager"]


def test_a_call_for_help_is_told_to_the_station_once(t0):
    staff = make_staff()
    kiosk = place_terminal(staff.station, t0)
    ingest(kiosk.event(1, "help.requested", {"request": 4, "screen": "pickup",
                                             "at": t0.isoformat()}, at=t0))
    assert run_once(t0 + MINUTE).help_calls == 1
    assert run_once(t0 + 2 * MINUTE).help_calls == 0
    notice = Notice.objects.get(kind=NoticeKind.HELP_WAITING)
    assert notice.detail == {"request": 4, "screen": "取件"}
    assert told("default", NoticeKind.HELP_WAITING) == ["station-manager"]


def test_someone_without_an_address_is_told_in_the_page_only(using, t0, smtp_server):
    staff = make_staff(using)
    type(staff.manager).objects.db_manager(using).filter(pk=staff.manager.pk).update(email="")
    place_terminal(staff.station, t0, "door_jammed/compartment 3", using=using)
    assert run_once(t0 + MINUTE, using=using).mailed == 0
    delivery = Delivery.objects.using(using).get()
    assert (delivery.user_id, delivery.mail_state) == (staff.manager.pk, MailState.NO_ADDRESS)
    assert smtp_server.mails == []


def test_a_pass_that_told_anything_is_worth_a_log_line():
    assert not PassTotals().anything
    assert not PassTotals(receiving=False).anything
    assert PassTotals(rating_cases=1).anything       # an overdue case alone, too
    assert PassTotals(mail_failures=2).anything
