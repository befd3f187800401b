"""Pickup notices from locker events to the handset: the intake writes each notice once, the
sender opens the sealed code only to send it over real SMPP to the simulated SMSC, receipts
close it, and every fault ends in a retry or a word to the station's staff, never in a lost
or doubled notice. On SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.conf import settings as django_settings
from django.utils import timezone, translation

from center.accounts.models import StationAssignment
from center.fleet.models import Station, Terminal
from center.ingest.batch import ingest_batch
from center.notifications.models import Notice
from center.notifications.wording import describe
from center.pickup.directory import ImportedContacts
from center.pickup.models import CaseContact, Deposit, NoticeKind, NoticeState, PickupNotice
from center.pickup.phones import masked, vault
from center.pickup.sender import STUCK_AFTER, NoticeSender
from center.pickup.wording import load_templates
from center.sms import smpp_pdu as smpp
from center.sms.simulated_smsc import SimulatedSmsc
from center.sms.smpp_gateway import SmppGateway, SmppSettings
from contract.sealing import seal
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)

PHONE = "13800138000"
CASE = "XC-2026-0001"
CODE = "20261205"


@pytest.fixture
def keys(phone_key, sealing_key, settings) -> X25519PrivateKey:
    """The center's key for sealed codes (returned) and its key for phone numbers."""
    settings.SITE_URL = "https://center.example"
    return sealing_key


@pytest.fixture
def smsc() -> Iterator[SimulatedSmsc]:
    smsc = SimulatedSmsc(receipt_delay_s=0.05)
    smsc.start()
    yield smsc
    smsc.stop()


@pytest.fixture
def sender(smsc, keys, using) -> Iterator[NoticeSender]:
    gateway = SmppGateway(SmppSettings("127.0.0.1", smsc.port, "center", "secret", "ZWFW",
                                       answer_timeout_s=3))
    yield NoticeSender(gateway, load_templates(django_settings.SMS_TEMPLATES_FILE),
                       ImportedContacts(using), using=using, sleep=lambda s: None)
    gateway.close()


class Locker:
    """A terminal's locker events, with codes sealed as the terminal seals them."""

    def __init__(self, key: X25519PrivateKey, using: str) -> None:
        self.kiosk = FakeTerminal()
        self.key = key
        self.using = using
        self.seq = 0
        station = Station.objects.using(using).create(district="xc", code="hsz",
                                                      name="花山镇便民服务站")
        ingest_batch([self.kiosk.birth(1, timezone.now())], prefix=PREFIX, using=using)
        Terminal.objects.using(using).update(station=station)
        self.station = station

    def send(self, event_type: str, payload: dict) -> None:
        self.seq += 1
        ingest_batch([self.kiosk.event(self.seq, event_type, payload=payload)],
                     prefix=PREFIX, using=self.using)

    def stored(self, deposit: str = "d-1", code: str = CODE, *, size: str = "M",
               expires: datetime | None = None, event: str = "locker.deposited") -> None:
        expires = expires or timezone.now() + timedelta(days=3)
        self.send(event, {
            "deposit": deposit, "compartment": 7, "size": size, "case_number": CASE,
            "stored_at": timezone.now().isoformat(), "expires_at": expires.isoformat(),
            "pickup": seal(self.key.public_key(),
                           {"code": code, "qr": f"KIOSK-PICKUP:xc-hsz-01:{code}"}, deposit)})

    def collected(self, deposit: str = "d-1", by: str = "applicant") -> None:
        self.send("locker.collected", {"deposit": deposit, "compartment": 7, "by": by,
                                       "at": timezone.now().isoformat()})


def on_file(using: str, phone: str = PHONE, case: str = CASE) -> None:
    CaseContact.objects.using(using).create(
        case_number=case, phone_cipher=vault().seal(phone), phone_masked=masked(phone),
        source="test", updated_at=timezone.now())


def notices(using: str) -> list[tuple[str, str]]:
    return sorted(PickupNotice.objects.using(using).values_list("kind", "state"))


def wait_delivered(sender: NoticeSender, using: str, count: int = 1) -> None:
    deadline = timezone.now() + timedelta(seconds=10)
    while PickupNotice.objects.using(using).filter(state=NoticeState.DELIVERED).count() < count:
        assert timezone.now() < deadline, f"receipts: {notices(using)}"
        sender.apply_receipts(timezone.now())


def test_a_stored_result_texts_its_code_once_and_its_receipt_closes_the_notice(
        using, keys, smsc, sender, caplog):
    caplog.set_level(logging.DEBUG)
    locker = Locker(keys, using)
    on_file(using)
    locker.stored()
    locker.stored()                           # the same deposit event again: a repeat
    assert sender.run_once() == 1
    assert sender.run_once() == 0
    [message] = smsc.wait_for_messages(1)
    assert message.to == "86" + PHONE
    assert message.text.startswith("【政务服务】您的办件结果已存入花山镇便民服务站智能柜（中格），"
                                   f"取件码{CODE}，请于")
    assert "https://center.example/p/" in message.text
    wait_delivered(sender, using)
    notice = PickupNotice.objects.using(using).get()
    assert (notice.kind, notice.parts, notice.tries) == (NoticeKind.STORED, 2, 1)
    # The code is in the SMS only: no log line (smpplib's PDU dumps included, even at
    # DEBUG) and no row the center keeps holds it.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert CODE not in logged
    assert PHONE not in logged
    assert PHONE.encode().hex() not in logged                   # as a PDU dump shows it
    assert CODE.encode("utf-16-be").hex() not in logged
    for model in (PickupNotice, Deposit, Notice, CaseContact):
        for row in model.objects.using(using).values():
            assert CODE not in repr(row)
            assert PHONE not in repr(row)


def test_a_new_code_replaces_the_old_notice_and_a_proxy_collection_is_told(
        using, keys, smsc, sender):
    locker = Locker(keys, using)
    on_file(using)
    locker.stored()
    locker.stored(code="55554444", event="locker.code_reissued")
    sender.run_once()
    [message] = smsc.wait_for_messages(1)
    assert "新取件码55554444" in message.text
    assert notices(using) == [("reissued", "sent"), ("stored", "cancelled")]
    locker.collected(by="proxy")
    sender.run_once()
    texts = [m.text for m in smsc.wait_for_messages(2)]
    assert "由他人代领" in texts[1]
    assert "55554444" not in texts[1]
    assert Deposit.objects.using(using).get().sealed_code == {}


def test_a_sender_that_died_after_opening_the_code_leaves_it_to_be_sent_once(
        using, keys, smsc, sender):
    locker = Locker(keys, using)
    on_file(using)
    locker.stored()
    now = timezone.now()
    PickupNotice.objects.using(using).update(state=NoticeState.SENDING,
                                             claimed_at=now - STUCK_AFTER / 2)
    assert sender.run_once(now) == 0                     # maybe still sending elsewhere
    assert sender.run_once(now + STUCK_AFTER) == 1       # released and sent
    assert sender.run_once(now + 2 * STUCK_AFTER) == 0
    assert len(smsc.wait_for_messages(1)) == 1


def test_the_gateway_down_then_refusing_then_taking_it(using, keys, smsc, sender):
    locker = Locker(keys, using)
    on_file(using)
    locker.stored()
    smsc.refuse_next(smpp.RTHROTTLED)
    now = timezone.now()
    sender.run_once(now)
    notice = PickupNotice.objects.using(using).get()
    assert (notice.state, notice.tries) == (NoticeState.RETRYING, 1)
    assert "RTHROTTLED" in notice.last_error
    assert sender.run_once(now + timedelta(seconds=30)) == 0     # not due yet
    assert sender.run_once(now + timedelta(minutes=2)) == 1
    assert len(smsc.wait_for_messages(1)) == 1


def test_a_number_the_network_refuses_tells_the_station_staff(using, keys, smsc, sender):
    locker = Locker(keys, using)
    manager = django_user(using)
    StationAssignment.objects.using(using).create(user=manager, station=locker.station)
    on_file(using)
    locker.stored()
    smsc.refuse_next(smpp.RINVDSTADR)
    sender.run_once()
    assert notices(using) == [("stored", "failed")]
    [staff] = Notice.objects.using(using).all()
    assert staff.kind == "pickup.problem"
    assert staff.detail["phone"] == "138****8000"
    assert list(staff.deliveries.values_list("user__username", flat=True)) == ["manager"]


def test_no_number_and_an_unopenable_code_send_nothing_and_tell_staff(using, keys, smsc,
                                                                      sender):
    locker = Locker(keys, using)
    locker.stored("d-1")
    on_file(using, case="XC-2026-0002")
    locker.send("locker.deposited", {
        "deposit": "d-2", "compartment": 8, "size": "S", "case_number": "XC-2026-0002",
        "stored_at": timezone.now().isoformat(),
        "expires_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "pickup": seal(X25519PrivateKey.generate().public_key(), {"code": CODE}, "d-2")})
    sender.run_once()
    assert sorted(PickupNotice.objects.using(using).values_list("deposit__deposit_id",
                                                                "state")) == [
        ("d-1", "no_contact"), ("d-2", "unopenable")]
    assert smsc.messages == []
    assert Notice.objects.using(using).filter(kind="pickup.problem").count() == 2
    # With no number to call, the staff are told where else to find the applicant.
    no_number = Notice.objects.using(using).get(kind="pickup.problem",
                                                detail__case=CASE)
    with translation.override("zh-hans"):
        words = describe(no_number).title
    assert "请按办件编号在办件系统里查找申请人的电话" in words
    assert "请致电" not in words


def test_a_day_before_the_deadline_the_applicant_is_reminded(using, keys, smsc, sender):
    locker = Locker(keys, using)
    on_file(using)
    locker.stored(expires=timezone.now() + timedelta(days=3))
    sender.run_once()
    later = timezone.now() + timedelta(days=2, hours=1)
    sender.run_once(later)
    texts = [m.text for m in smsc.wait_for_messages(2)]
    assert texts[1].startswith("【政务服务】提醒：")
    assert CODE in texts[1]
    assert sender.run_once(later + timedelta(hours=1)) == 0      # once


def test_the_daily_limit_per_number_holds_notices_back(using, keys, smsc, sender, settings):
    settings.SMS_PER_NUMBER_DAY = 1
    locker = Locker(keys, using)
    on_file(using)
    on_file(using, case="XC-2026-0002")              # the same applicant, another case
    locker.stored("d-1")
    locker.send("locker.deposited", {
        "deposit": "d-2", "compartment": 8, "size": "S", "case_number": "XC-2026-0002",
        "stored_at": timezone.now().isoformat(),
        "expires_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "pickup": seal(keys.public_key(), {"code": "55554444"}, "d-2")})
    sender.run_once()
    assert len(smsc.wait_for_messages(1)) == 1
    held = PickupNotice.objects.using(using).get(state=NoticeState.RETRYING)
    assert "limit" in held.last_error
    assert held.next_try_at > timezone.now() + timedelta(minutes=50)


def django_user(using: str):
    from django.contrib.auth.models import Group, User
    user = User.objects.db_manager(using).create_user("manager", email="m@xc.example")
    user.groups.add(Group.objects.using(using).get_or_create(name="station_manager")[0])
    return user


def test_an_overdue_result_tells_the_applicant_and_the_staff_then_its_number_goes(
        using, keys, smsc, sender, settings):
    settings.PHONE_RETENTION_DAYS = 30
    locker = Locker(keys, using)
    on_file(using)
    locker.stored()
    locker.send("locker.overdue", {"deposit": "d-1", "compartment": 7, "case_number": CASE,
                                   "due_at": timezone.now().isoformat()})
    sender.run_once()
    [message] = smsc.wait_for_messages(1)                 # the code notice was cancelled
    assert "已超过领取期限" in message.text
    assert CODE not in message.text
    assert notices(using) == [("overdue", "sent"), ("stored", "cancelled")]
    assert Notice.objects.using(using).filter(kind="pickup.overdue").count() == 1
    locker.send("locker.retrieved", {"deposit": "d-1", "compartment": 7, "by": "staff",
                                     "at": timezone.now().isoformat()})
    contact = CaseContact.objects.using(using).get()
    assert contact.forget_after > timezone.now() + timedelta(days=29)
    sender.run_once(timezone.now() + timedelta(days=31))
    assert not CaseContact.objects.using(using).exists()


def test_the_smsc_down_keeps_the_notice_until_it_is_back(using, keys, smsc, sender):
    locker = Locker(keys, using)
    on_file(using)
    locker.stored()
    port = smsc.port
    smsc.stop()
    now = timezone.now()
    sender.run_once(now)
    notice = PickupNotice.objects.using(using).get()
    assert notice.state == NoticeState.RETRYING
    assert notice.last_error.startswith("gateway: ")
    smsc.start(port)
    deadline = timezone.now() + timedelta(seconds=30)
    later = now
    while not smsc.messages:                     # the gateway binds again by itself
        assert timezone.now() < deadline, PickupNotice.objects.using(using).get().last_error
        later += timedelta(minutes=5)
        sender.run_once(later)
    assert len(smsc.wait_for_messages(1)) == 1
    assert PickupNotice.objects.using(using).get().state in (NoticeState.SENT,
                                                             NoticeState.DELIVERED)


def test_a_number_that_does_not_open_waits_then_tells_staff_a_day_later(using, keys, smsc,
                                                                        sender):
    from center.pickup.phones import PhoneVault

    locker = Locker(keys, using)
    CaseContact.objects.using(using).create(    # sealed before the key file was replaced
        case_number=CASE, phone_cipher=PhoneVault(bytes(32)).seal(PHONE),
        phone_masked=masked(PHONE), source="test", updated_at=timezone.now())
    locker.stored()
    now = timezone.now()
    sender.run_once(now)
    notice = PickupNotice.objects.using(using).get()
    assert notice.state == NoticeState.RETRYING
    assert "another key" in notice.last_error
    assert "import the case system's export again" in notice.last_error
    sender.run_once(now + timedelta(days=1, minutes=5))
    assert PickupNotice.objects.using(using).get().state == NoticeState.FAILED
    assert Notice.objects.using(using).filter(kind="pickup.problem").count() == 1
    assert smsc.messages == []
