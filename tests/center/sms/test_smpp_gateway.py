"""The center's SMPP gateway against the simulated SMSC over TCP: a notice sent and its
receipt, a long one in parts, refusals that may and may not be retried, the SMSC down and
back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from center.sms import smpp_pdu as smpp
from center.sms.gateway import GatewayRefused, GatewayUnavailable, OutgoingSms
from center.sms.simulated_smsc import SimulatedSmsc
from center.sms.smpp_gateway import SmppGateway, SmppSettings

NOTICE = ("【花山镇便民服务站】您的办件结果已放入智能柜（中格），取件码12345678，"
          "12月8日18:00前有效。")


@pytest.fixture
def smsc() -> Iterator[SimulatedSmsc]:
    smsc = SimulatedSmsc(receipt_delay_s=0.05)
    smsc.start()
    yield smsc
    smsc.stop()


@pytest.fixture
def gateway(smsc) -> Iterator[SmppGateway]:
    gateway = SmppGateway(SmppSettings("127.0.0.1", smsc.port, "center", "secret", "HSZ",
                                       answer_timeout_s=3))
    yield gateway
    gateway.close()


def receipts_for(gateway: SmppGateway, count: int, timeout_s: float = 5.0) -> list:
    found: list = []
    deadline = time.monotonic() + timeout_s
    while len(found) < count:
        assert time.monotonic() < deadline, f"{len(found)} of {count} receipts"
        found += gateway.take_receipts()
        time.sleep(0.02)
    return found


def test_a_notice_reaches_the_handset_and_its_receipt_comes_back(smsc, gateway):
    ids = gateway.send(OutgoingSms("n1", "13800138000", NOTICE))
    [message] = smsc.wait_for_messages(1)
    assert (message.to, message.text) == ("8613800138000", NOTICE)
    assert ids == message.message_ids
    [receipt] = receipts_for(gateway, 1)
    assert (receipt.gateway_id, receipt.delivered) == (ids[0], True)
    assert "DELIVRD" in receipt.reason


def test_a_long_notice_goes_in_parts_the_handset_joins(smsc, gateway):
    text = NOTICE + "代领请带本人身份证。" * 12
    ids = gateway.send(OutgoingSms("n2", "13800138000", text))
    [message] = smsc.wait_for_messages(1)
    assert (message.text, len(ids)) == (text, 3)


@pytest.mark.parametrize(("status", "retry"), [(smpp.RTHROTTLED, True),
                                                (smpp.RMSGQFUL, True),
                                                (smpp.RINVDSTADR, False)])
def test_refusals_say_whether_to_try_again(smsc, gateway, status, retry):
    smsc.refuse_next(status)
    with pytest.raises(GatewayRefused) as refused:
        gateway.send(OutgoingSms("n3", "13800138000", NOTICE))
    assert refused.value.retry is retry
    assert smsc.messages == []
    gateway.send(OutgoingSms("n3", "13800138000", NOTICE))      # the next one goes
    assert len(smsc.wait_for_messages(1)) == 1


def test_an_undeliverable_number_comes_back_as_a_failed_receipt(smsc, gateway):
    smsc.unreachable("8613900000000")
    ids = gateway.send(OutgoingSms("n4", "13900000000", NOTICE))
    [receipt] = receipts_for(gateway, 1)
    assert (receipt.gateway_id, receipt.delivered) == (ids[0], False)
    assert "UNDELIV" in receipt.reason


def test_the_smsc_down_then_back(smsc, gateway):
    gateway.send(OutgoingSms("n5", "13800138000", NOTICE))
    port = smsc.port
    smsc.stop()
    with pytest.raises(GatewayUnavailable):
        gateway.send(OutgoingSms("n6", "13800138000", NOTICE))
    smsc.start(port)
    deadline = time.monotonic() + 20
    while True:                                     # it binds again by itself
        try:
            gateway.send(OutgoingSms("n6", "13800138000", NOTICE))
            break
        except GatewayUnavailable:
            assert time.monotonic() < deadline, "the gateway never bound again"
            time.sleep(0.5)
    assert [m.text for m in smsc.wait_for_messages(2)] == [NOTICE, NOTICE]
