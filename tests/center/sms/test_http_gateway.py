"""The center's HTTP SMS gateway against the simulated gateway on loopback: a notice posted,
signed, and named; refusals that may and may not be retried; a gateway down or silent; a
request the center did not sign refused. Then the receipts the gateway pushes back, through
Django's live server: a notice delivered, or failed with its station's staff told; forged,
stale, tampered and replayed receipts refused with nothing changed; and the receipt logic
the SMPP sender shares, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from center.notifications.models import Notice
from center.pickup.directory import ImportedContacts
from center.pickup.models import GatewayMessage, NoticeState, PickupNotice
from center.pickup.receipts import ReceiptOutcome, apply_receipt
from center.pickup.sender import NoticeSender
from center.pickup.wording import load_templates
from center.sms.gateway import GatewayRefused, GatewayUnavailable, OutgoingSms, Receipt
from center.sms.http_gateway import HttpGateway
from center.sms.simulated_http_gateway import SimulatedHttpGateway
from center.sms.simulated_smsc import SimulatedSmsc
from center.sms.smpp_gateway import SmppGateway, SmppSettings
from tests.fixtures.center_db import DATABASES
from tests.fixtures.sms_http import (
    KEY_ID,
    NOTICE_TEXT,
    RECEIPTS_PATH,
    SECRET,
    center_http_settings,
    notice_in_flight,
    post_raw,
    post_signed,
    receipt_body,
    running_gateway,
)

MOBILE = "13800138000"


@pytest.fixture
def gateway_sim() -> Iterator[SimulatedHttpGateway]:
    with running_gateway(receipt_delay_s=0.05) as gateway:
        yield gateway


@pytest.fixture
def adapter(gateway_sim: SimulatedHttpGateway) -> HttpGateway:
    return HttpGateway(gateway_sim.url, KEY_ID, SECRET, timeout_s=2)


@pytest.fixture
def pushing_gateway(live_server: Any, settings: Any) -> Iterator[SimulatedHttpGateway]:
    """The simulated gateway pushing receipts to the live center, which knows its key."""
    with running_gateway(callback_url=f"{live_server.url}{RECEIPTS_PATH}",
                         receipt_delay_s=0.2) as gateway:
        settings.SMS_HTTP = center_http_settings(gateway)
        yield gateway


def pushed_until(gateway: SimulatedHttpGateway, answer: int, timeout_s: float = 15.0) -> list:
    """The gateway's receipt pushes, once one was answered ``answer``."""
    deadline = time.monotonic() + timeout_s
    count = 1
    while True:
        pushes = gateway.wait_for_pushes(count, timeout_s=max(0.1, deadline - time.monotonic()))
        if any(p.answer == answer for p in pushes):
            return pushes
        count = len(pushes) + 1


# -- the adapter and the gateway ---------------------------------------------------------------

def test_a_notice_goes_signed_and_the_gateway_names_it(gateway_sim, adapter):
    ids = adapter.send(OutgoingSms("notice-1", MOBILE, NOTICE_TEXT))
    [message] = gateway_sim.wait_for_messages(1)
    assert (message.to, message.text, message.reference) == (MOBILE, NOTICE_TEXT, "notice-1")
    assert ids == [message.id]
    assert gateway_sim.answers == [200]
    assert adapter.take_receipts() == []            # they come to the center's view


@pytest.mark.parametrize(("status", "reason"), [(429, "throttled"), (500, "internal_error"),
                                                 (503, "unavailable")])
def test_throttling_and_gateway_faults_are_tried_again(gateway_sim, adapter, status, reason,
                                                       caplog):
    gateway_sim.refuse_next(status)
    with caplog.at_level(logging.DEBUG), pytest.raises(GatewayRefused) as refused:
        adapter.send(OutgoingSms("notice-2", MOBILE, NOTICE_TEXT))
    assert (refused.value.reason, refused.value.retry) == (reason, True)
    assert gateway_sim.messages == []
    assert MOBILE not in caplog.text
    assert "12345678" not in caplog.text
    adapter.send(OutgoingSms("notice-2", MOBILE, NOTICE_TEXT))      # the next one goes
    assert len(gateway_sim.wait_for_messages(1)) == 1


def test_a_bad_number_is_refused_for_good(gateway_sim, adapter):
    gateway_sim.invalid_number("13900000000")
    with pytest.raises(GatewayRefused) as refused:
        adapter.send(OutgoingSms("notice-3", "13900000000", NOTICE_TEXT))
    assert (refused.value.reason, refused.value.retry) == ("invalid_mobile", False)
    assert gateway_sim.messages == []


def test_a_gateway_down_or_silent_is_unavailable(gateway_sim):
    adapter = HttpGateway(gateway_sim.url, KEY_ID, SECRET, timeout_s=0.5)
    port = gateway_sim.port
    gateway_sim.stop()
    with pytest.raises(GatewayUnavailable):
        adapter.send(OutgoingSms("notice-4", MOBILE, NOTICE_TEXT))
    gateway_sim.start(port)
    gateway_sim.hold_next(2.0)
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        adapter.send(OutgoingSms("notice-4", MOBILE, NOTICE_TEXT))
    assert time.monotonic() - started < 1.5
    assert adapter.send(OutgoingSms("notice-4", MOBILE, NOTICE_TEXT))


def test_the_gateway_refuses_what_the_center_did_not_sign(gateway_sim):
    with pytest.raises(GatewayRefused) as refused:
        HttpGateway(gateway_sim.url, KEY_ID, "a guessed secret").send(
            OutgoingSms("notice-5", MOBILE, NOTICE_TEXT))
    assert (refused.value.reason, refused.value.retry) == ("bad_signature", True)
    body = (b'{"reference": "notice-5", "to": "13800138000", "text": "hello", '
            b'"sentAt": "2025-12-05T10:00:00+00:00"}')
    url, now = gateway_sim.url, int(time.time())
    assert post_raw(url, {}, body) == (401, {"error": "unsigned"})
    assert post_signed(url, body, sent_body=body.replace(b"13800138000", b"13900000000")
                       ) == (401, {"error": "bad_signature"})
    assert post_signed(url, body, timestamp=now - 301) == (401, {"error": "stale"})
    assert post_signed(url, body, timestamp=now + 301) == (401, {"error": "stale"})
    assert post_signed(url, body, key_id="someone-else") == (401, {"error": "unknown_key"})
    assert gateway_sim.messages == []
    first = post_signed(url, body, nonce="the-same-nonce-twice")
    assert first[0] == 200
    assert post_signed(url, body, nonce="the-same-nonce-twice") == (401, {"error": "replayed"})
    assert [m.to for m in gateway_sim.messages] == [MOBILE]


def test_each_message_is_kept_in_the_record(tmp_path):
    record = tmp_path / "sms.jsonl"
    with running_gateway(record=record) as gateway:
        HttpGateway(gateway.url, KEY_ID, SECRET).send(
            OutgoingSms("notice-6", MOBILE, NOTICE_TEXT + "代领请带本人身份证。" * 3))
        [message] = gateway.wait_for_messages(1)
    [line] = [json.loads(row) for row in record.read_text(encoding="utf-8").splitlines()]
    assert (line["to"], line["reference"], line["message_ids"]) == (
        MOBILE, "notice-6", [message.id])
    assert (line["text"], line["parts"], line["state"]) == (message.text, 2, "sent")


# -- receipts pushed to the center (the live server writes to the default database) -------------

@pytest.mark.django_db(transaction=True)
def test_the_gateways_receipt_marks_the_notice_delivered(pushing_gateway):
    ids = HttpGateway(pushing_gateway.url, KEY_ID, SECRET).send(
        OutgoingSms("notice-7", MOBILE, NOTICE_TEXT))
    notice = notice_in_flight(ids, timezone.now())
    pushes = pushed_until(pushing_gateway, 200)
    message = GatewayMessage.objects.get(gateway="http", gateway_id=ids[0])
    assert (message.delivered, message.receipt) == (True, "DELIVRD")
    notice.refresh_from_db()
    assert notice.state == NoticeState.DELIVERED
    assert notice.delivered_at is not None
    assert pushes[-1].answer == 200
    assert pushing_gateway.messages[0].state == "delivered"


@pytest.mark.django_db(transaction=True)
def test_a_receipt_before_the_send_is_recorded_is_pushed_again(pushing_gateway):
    ids = HttpGateway(pushing_gateway.url, KEY_ID, SECRET).send(
        OutgoingSms("notice-8", MOBILE, NOTICE_TEXT))
    notice = notice_in_flight(ids, timezone.now(), state=NoticeState.SENDING)
    [early] = pushing_gateway.wait_for_pushes(1)
    assert early.answer == 409
    assert GatewayMessage.objects.get(gateway_id=ids[0]).delivered is None
    PickupNotice.objects.filter(pk=notice.pk).update(state=NoticeState.SENT)  # the sender
    assert pushed_until(pushing_gateway, 200)[-1].answer == 200
    notice.refresh_from_db()
    assert notice.state == NoticeState.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_an_undeliverable_number_fails_the_notice_and_tells_the_staff(pushing_gateway):
    pushing_gateway.unreachable("13900000000")
    ids = HttpGateway(pushing_gateway.url, KEY_ID, SECRET).send(
        OutgoingSms("notice-9", "13900000000", NOTICE_TEXT))
    notice = notice_in_flight(ids, timezone.now())
    pushed_until(pushing_gateway, 200)
    notice.refresh_from_db()
    assert (notice.state, notice.last_error) == (NoticeState.FAILED, "not delivered: UNDELIV")
    [told] = Notice.objects.filter(kind="pickup.problem")
    assert told.detail == {"case": "XC-2025-0042", "phone": "",
                           "why": "the SMS did not reach the phone (UNDELIV)"}


@pytest.mark.django_db(transaction=True)
def test_a_forged_stale_tampered_or_replayed_receipt_changes_nothing(pushing_gateway):
    ids = HttpGateway(pushing_gateway.url, KEY_ID, SECRET).send(
        OutgoingSms("notice-10", MOBILE, NOTICE_TEXT))
    notice = notice_in_flight(ids, timezone.now())
    genuine = next(p for p in pushed_until(pushing_gateway, 200) if p.answer == 200)
    # As it was before the receipt: whatever is refused below must leave it so.
    GatewayMessage.objects.filter(gateway_id=ids[0]).update(delivered=None, receipt="",
                                                            receipt_at=None)
    PickupNotice.objects.filter(pk=notice.pk).update(state=NoticeState.SENT, delivered_at=None)
    url = pushing_gateway.callback_url
    undelivered = receipt_body(ids[0], delivered=False)
    assert post_raw(url, genuine.headers, genuine.body) == (403, {"error": "replayed"})
    assert post_signed(url, undelivered, secret="a guessed secret") == (
        403, {"error": "bad_signature"})
    assert post_signed(url, undelivered, key_id="someone-else") == (
        403, {"error": "unknown_key"})
    assert post_signed(url, undelivered, timestamp=int(time.time()) - 400) == (
        403, {"error": "stale"})
    assert post_signed(url, receipt_body(ids[0], delivered=True), sent_body=undelivered) == (
        403, {"error": "bad_signature"})
    assert post_raw(url, {}, undelivered) == (403, {"error": "unsigned"})
    message = GatewayMessage.objects.get(gateway_id=ids[0])
    assert (message.delivered, message.receipt, message.receipt_at) == (None, "", None)
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT
    assert not Notice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_receipt_view_answers_what_a_gateway_needs_to_know(live_server, settings):
    settings.SMS_HTTP = {"URL": "http://127.0.0.1:9/", "KEY_ID": KEY_ID, "SECRET": SECRET}
    url = f"{live_server.url}{RECEIPTS_PATH}"
    assert post_signed(url, receipt_body("nobody-sent-this", delivered=True)) == (
        404, {"error": "unknown_message"})
    status, answer = post_signed(url, b'{"id": "H1", "delivered": "yes"}')
    assert (status, answer["error"]) == (400, "bad_receipt")
    settings.SMS_HTTP = {"URL": "", "KEY_ID": "", "SECRET": ""}
    assert post_signed(url, receipt_body("H1", delivered=True)) == (
        404, {"error": "no_http_gateway"})


# -- the receipt logic the SMPP sender shares, on both databases ------------------------------

@pytest.mark.django_db(databases=DATABASES)
def test_a_notice_is_delivered_once_every_part_is(using):
    now = timezone.now()
    notice = notice_in_flight(["p1", "p2"], now, using=using, gateway="smpp")
    assert apply_receipt(Receipt("p1", True, "DELIVRD err:000"), "smpp", now,
                         using) == ReceiptOutcome.APPLIED
    assert PickupNotice.objects.using(using).get(pk=notice.pk).state == NoticeState.SENT
    assert apply_receipt(Receipt("p2", True, "DELIVRD err:000"), "smpp", now,
                         using) == ReceiptOutcome.APPLIED
    notice = PickupNotice.objects.using(using).get(pk=notice.pk)
    assert (notice.state, notice.delivered_at) == (NoticeState.DELIVERED, now)
    assert apply_receipt(Receipt("p1", True, "DELIVRD"), "http", now,
                         using) == ReceiptOutcome.UNKNOWN        # another gateway's ids


@pytest.mark.django_db(databases=DATABASES)
def test_an_undelivered_part_fails_the_notice_and_tells_the_staff_once(using):
    now = timezone.now()
    notice = notice_in_flight(["p1", "p2"], now, using=using, gateway="smpp")
    for part in ("p1", "p2"):
        apply_receipt(Receipt(part, False, "UNDELIV err:001"), "smpp", now, using)
    notice = PickupNotice.objects.using(using).get(pk=notice.pk)
    assert (notice.state, notice.last_error) == (NoticeState.FAILED,
                                                 "not delivered: UNDELIV err:001")
    assert Notice.objects.using(using).filter(kind="pickup.problem").count() == 1


@pytest.mark.django_db(databases=DATABASES)
def test_a_receipt_held_while_the_sender_records_changes_nothing(using):
    now = timezone.now()
    notice = notice_in_flight(["h1"], now, using=using, state=NoticeState.SENDING)
    assert apply_receipt(Receipt("h1", True, "DELIVRD"), "http", now, using,
                         hold_while_sending=True) == ReceiptOutcome.TOO_EARLY
    assert GatewayMessage.objects.using(using).get(gateway_id="h1").delivered is None
    assert PickupNotice.objects.using(using).get(pk=notice.pk).state == NoticeState.SENDING


@pytest.mark.django_db(databases=DATABASES)
def test_the_smpp_sender_applies_the_receipts_it_pulls(using):
    smsc = SimulatedSmsc(receipt_delay_s=0.05)
    smsc.start()
    gateway = SmppGateway(SmppSettings("127.0.0.1", smsc.port, "center", "secret", "HSZ",
                                       answer_timeout_s=3))
    try:
        sender = NoticeSender(gateway, load_templates(django_settings.SMS_TEMPLATES_FILE),
                              ImportedContacts(using), using=using)
        ids = gateway.send(OutgoingSms("notice-11", MOBILE, NOTICE_TEXT))
        notice = notice_in_flight(ids, timezone.now(), using=using, gateway="smpp")
        deadline = time.monotonic() + 10
        while notice.state != NoticeState.DELIVERED:
            assert time.monotonic() < deadline, "the receipt never came"
            time.sleep(0.05)
            sender.apply_receipts(timezone.now())
            notice.refresh_from_db(using=using)
        assert GatewayMessage.objects.using(using).get(gateway_id=ids[0]).receipt.startswith(
            "DELIVRD")
    finally:
        gateway.close()
        smsc.stop()
