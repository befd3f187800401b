"""`manage.py notify` as production runs it, in processes of its own against SQLite and
PostgreSQL, mailing over SMTP to a local server: two notifiers started together tell each
thing once; the looping notifier tells what comes while it runs and stops on SIGTERM."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connections
from django.utils import timezone

from center.notifications.models import Delivery, MailState, Notice, NoticeKind
from tests.fixtures.center_alarms import ingest, ingest_receiving, make_staff, place_terminal
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import FakeTerminal
from tests.fixtures.ingest_worker import MANAGE, REPO, center_environment, database_environment

pytestmark = [pytest.mark.django_db(transaction=True, databases=DATABASES)]


def notifier_environment(using, smtp_server, tmp_path, **extra):
    database = database_environment(connections[using].settings_dict)
    return {**center_environment(database, 0, tmp_path), **smtp_server.center_environment(),
            **extra}


def test_two_notifiers_at_once_tell_each_thing_once(using, smtp_server, tmp_path):
    staff = make_staff(using)
    now = timezone.now()
    place_terminal(staff.station, now, "door_jammed/compartment 3",
                   "forced_open/compartment 5", "printer.paper_out/printer", using=using)
    offline = FakeTerminal("xc-hsz-02")
    place_terminal(staff.station, now, terminal_id="xc-hsz-02", using=using)
    ingest(offline.death(2), using=using)
    ingest_receiving(now, using=using)

    env = notifier_environment(using, smtp_server, tmp_path)
    notifiers = [subprocess.Popen([sys.executable, str(MANAGE), "notify", "--once"], cwd=REPO,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [n.communicate(timeout=120) for n in notifiers]
    assert [n.returncode for n in notifiers] == [0, 0], outputs

    mails = smtp_server.wait_for(4)
    time.sleep(0.5)                 # a duplicate, were there one, would arrive by now
    assert len(smtp_server.mails) == 4
    assert Counter(m.to[0] for m in mails) == {"station-manager@xc.example": 4}
    assert len({m.subject for m in mails}) == 4
    notices = Notice.objects.using(using)
    assert Counter(notices.values_list("kind", flat=True)) == {
        NoticeKind.ALARM_RAISED: 3, NoticeKind.TERMINAL_OFFLINE: 1}
    assert set(Delivery.objects.using(using).values_list("mail_state", flat=True)) == {
        MailState.SENT}
    # Between them the two passes told three alarms and one outage, whoever told which.
    told = [re.search(r"told: (\d+) alarms, .* (\d+) offline", out) for out, _ in outputs]
    assert all(told), outputs
    assert [sum(int(t[i]) for t in told if t) for i in (1, 2)] == [3, 1]


def test_the_notifier_loop_tells_what_comes_and_stops_on_sigterm(using, smtp_server,
                                                                 tmp_path):
    staff = make_staff(using)
    env = notifier_environment(using, smtp_server, tmp_path, CENTER_NOTIFY_INTERVAL_S="1")
    notifier = subprocess.Popen([sys.executable, str(MANAGE), "notify"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        place_terminal(staff.station, timezone.now(), "door_jammed/compartment 3",
                       using=using)
        [mail] = smtp_server.wait_for(1, timeout_s=30)
        assert "柜门卡住" in mail.subject
    finally:
        notifier.terminate()
        out, err = notifier.communicate(timeout=30)
    assert notifier.returncode == 0, err
    assert "notify: stopped" in out
