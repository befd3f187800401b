"""The simulated SMSC against a real SMPP client (smpplib): binds, UCS-2 messages whole and
concatenated, delivery receipts with their TLVs, and the faults it plays on demand."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import smpplib.client
import smpplib.exceptions
import smpplib.gsm

from center.sms import smpp_pdu as smpp
from center.sms.simulated_smsc import SimulatedSmsc

NOTICE = ("【花山镇便民服务站】您的办件结果已放入24小时智能柜（中格），取件码12345678，"
          "请于12月8日18:00前凭取件码或身份证领取。")


@pytest.fixture
def smsc(tmp_path) -> Iterator[SimulatedSmsc]:
    smsc = SimulatedSmsc(record=tmp_path / "sms.jsonl", receipt_delay_s=0.05)
    smsc.start()
    yield smsc
    smsc.stop()


class Esme:
    """smpplib bound as a transceiver, its answers and receipts collected."""

    def __init__(self, port: int, password: str = "secret") -> None:
        self.client = smpplib.client.Client("127.0.0.1", port, timeout=5,
                                            allow_unknown_opt_params=True)
        self.answers: list[tuple[int, int, bytes | None]] = []
        self.receipts: list[tuple[bytes, int, bytes]] = []
        self.client.set_message_sent_handler(
            lambda pdu: self.answers.append((pdu.sequence, pdu.status, pdu.message_id)))
        # A refused submit_sm_resp reaches the sent handler too, with its status.
        self.client.set_error_pdu_handler(lambda pdu: None)
        self.client.set_message_received_handler(
            lambda pdu: self.receipts.append((pdu.receipted_message_id, pdu.message_state,
                                              pdu.short_message)))
        self.client.connect()
        try:
            self.client.bind_transceiver(system_id="center", password=password)
        except smpplib.exceptions.PDUError:
            self.client.disconnect()
            raise

    def send(self, text: str, to: str = "8613800138000") -> int:
        parts, coding, esm = smpplib.gsm.make_parts(text)
        for part in parts:
            self.client.send_message(source_addr_ton=5, source_addr="HSZ", dest_addr_ton=1,
                                     destination_addr=to, short_message=part,
                                     data_coding=coding, esm_class=esm,
                                     registered_delivery=True)
        return len(parts)

    def pump_until(self, condition, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            assert time.monotonic() < deadline, "the SMSC did not answer in time"
            self.client.poll()
            time.sleep(0.02)

    def close(self) -> None:
        self.client.unbind()
        self.client.disconnect()


def test_a_notice_in_one_ucs2_segment_is_delivered_with_a_receipt(smsc):
    esme = Esme(smsc.port)
    try:
        assert len(NOTICE) <= 70
        assert esme.send(NOTICE) == 1
        [message] = smsc.wait_for_messages(1)
        esme.pump_until(lambda: esme.receipts)
    finally:
        esme.close()
    assert (message.to, message.text, message.parts) == ("8613800138000", NOTICE, 1)
    [(_seq, status, message_id)] = esme.answers
    assert status == smpp.ROK
    receipted, state, text = esme.receipts[0]
    assert receipted == message_id
    assert state == smpp.MESSAGE_STATE_DELIVERED
    assert b"stat:DELIVRD" in text
    assert NOTICE in (smsc.record.read_text(encoding="utf-8"))


def test_a_long_notice_arrives_whole_from_its_parts(smsc):
    long_notice = NOTICE + "如需他人代领，请将取件码告知代领人并提醒其携带本人身份证。" * 3
    esme = Esme(smsc.port)
    try:
        assert len(long_notice) == 154
        assert esme.send(long_notice) == 3                  # 67 UCS-2 characters a part
        [message] = smsc.wait_for_messages(1)
        esme.pump_until(lambda: len(esme.receipts) == 3)
    finally:
        esme.close()
    assert (message.text, message.parts, len(message.message_ids)) == (long_notice, 3, 3)


def test_refused_submits_and_an_unreachable_number(smsc):
    smsc.refuse_next(smpp.RTHROTTLED)
    smsc.unreachable("8613900000000")
    esme = Esme(smsc.port)
    try:
        esme.send(NOTICE)
        esme.send(NOTICE, to="8613900000000")
        esme.pump_until(lambda: len(esme.answers) == 2 and esme.receipts)
    finally:
        esme.close()
    assert [status for _seq, status, _id in esme.answers] == [smpp.RTHROTTLED, smpp.ROK]
    [message] = smsc.messages
    assert message.state == "undeliverable"
    assert esme.receipts[0][1] == smpp.MESSAGE_STATE_UNDELIVERABLE


def test_a_wrong_password_is_refused(smsc):
    with pytest.raises(smpplib.exceptions.PDUError) as refused:
        Esme(smsc.port, password="guess")
    assert refused.value.args[1] == smpp.RINVPASWD
