"""The SamIdCardReader adapter against the GA 467 simulator over pseudo-terminals."""

from __future__ import annotations

from datetime import date

from devices.health import DeviceState
from devices.idcard.port import CardLeft, CardRead, ReadFailed
from devices.idcard.sam_reader import SamIdCardReader
from devices.idcard.sample_cards import make_card
from tests.waiting import wait_until


def test_sam_id_is_read_at_connection(idcard_rig):
    rig = idcard_rig()
    assert rig.reader.sam_id == "05.01-20260101-001234567-007654321"
    assert rig.reader.health.current.detail.endswith("SAM 05.01-20260101-001234567-007654321")


def test_a_placement_is_read_once_and_its_removal_reported(idcard_rig):
    # A reader whose SAM keeps finding a card it has read: the adapter must not re-read it.
    rig = idcard_rig(halt_after_read=False)
    rig.sim.place("zhang_san")
    event = rig.next_event()
    assert isinstance(event, CardRead)
    assert (event.text.name, event.text.id_number) == ("张三", "110101198506151230")
    assert event.text.birth == date(1985, 6, 15)
    assert event.raw_length == 1295
    assert event.photo == rig.sim.card.photo
    assert event.monotonic > 0
    rig.no_event_for(0.3)                        # some fifteen polls find the card again
    assert rig.sim.reads_served == 1
    rig.sim.remove()
    assert isinstance(rig.next_event(), CardLeft)
    rig.sim.place("li_si")
    event = rig.next_event()
    assert isinstance(event, CardRead)
    assert event.text.valid_to is None


def test_a_real_sam_refuses_to_find_a_read_card_until_it_is_placed_again(idcard_rig):
    rig = idcard_rig()          # halt_after_read, as a real SAM
    rig.sim.place("zhang_san")
    assert isinstance(rig.next_event(), CardRead)
    # The card still lies there, but find fails: that is all a SAM says about removal.
    assert isinstance(rig.next_event(), CardLeft)
    rig.no_event_for(0.2)
    rig.sim.remove()
    rig.sim.place("zhang_san")
    assert isinstance(rig.next_event(), CardRead)
    assert rig.sim.reads_served == 2


def test_residence_permit_for_hk_macao_taiwan_residents(idcard_rig):
    rig = idcard_rig()
    rig.sim.place("chen_hk")
    event = rig.next_event()
    assert isinstance(event, CardRead)
    assert (event.text.card_type, event.text.nation_code) == ("hk_mo_tw", "")
    assert event.text.pass_number == "H87654321"


def test_select_failure_is_reported_then_retried(idcard_rig):
    rig = idcard_rig()
    rig.sim.fail_next_select()
    rig.sim.place("zhang_san")
    failed = rig.next_event()
    assert isinstance(failed, ReadFailed)
    assert failed.code == "select_failed"
    assert "SW3 81" in failed.reason
    assert isinstance(rig.next_event(), CardRead)


def test_read_failure_is_reported_then_retried(idcard_rig):
    rig = idcard_rig()
    rig.sim.fail_next_read()
    rig.sim.place("zhang_san")
    failed = rig.next_event()
    assert (failed.code, "SW3 41" in failed.reason) == ("read_failed", True)
    assert isinstance(rig.next_event(), CardRead)


def test_a_card_that_keeps_failing_is_tried_three_times_then_left_alone(idcard_rig):
    rig = idcard_rig(halt_after_read=False)
    rig.sim.fail_next_read(10)
    rig.sim.place("zhang_san")
    codes = [rig.next_event().code for _ in range(3)]
    assert codes == ["read_failed"] * 3
    rig.no_event_for(0.3)
    rig.sim.remove()
    assert isinstance(rig.next_event(), CardLeft)


def test_bad_checksum_on_the_read(idcard_rig):
    rig = idcard_rig()
    rig.sim.corrupt_next_reply("read")
    rig.sim.place("zhang_san")
    failed = rig.next_event()
    assert isinstance(failed, ReadFailed)
    assert failed.code == "checksum"
    assert "data not shown" in failed.reason
    assert "place it again" in failed.reason
    # The SAM did read the card, so it will not find it again until it is placed again.
    assert isinstance(rig.next_event(), CardLeft)
    rig.sim.remove()
    rig.sim.place("zhang_san")
    assert isinstance(rig.next_event(), CardRead)


def test_truncated_read_reply(idcard_rig):
    rig = idcard_rig()
    rig.sim.truncate_next_reply("read")
    rig.sim.place("zhang_san")
    failed = rig.next_event()
    assert failed.code == "truncated"
    assert "647 of 1295 bytes" in failed.reason


def test_foreign_permanent_residence_card_is_not_decoded_nor_retried(idcard_rig):
    rig = idcard_rig(halt_after_read=False)
    rig.sim.place("foreign")
    failed = rig.next_event()
    assert (failed.code, "外国人永久居留证" in failed.reason) == ("unknown_card", True)
    rig.no_event_for(0.2)
    assert rig.sim.reads_served == 1


def test_undecodable_text_is_a_read_failure(idcard_rig):
    rig = idcard_rig()
    rig.sim.place(make_card(name="张三", sex="1", nation="X1"))
    failed = rig.next_event()
    assert (failed.code, "nation" in failed.reason) == ("read_failed", True)


def test_a_card_the_reader_does_not_see(idcard_rig):
    rig = idcard_rig()
    rig.sim.hide_card()
    rig.sim.place("zhang_san")
    rig.no_event_for(0.2)
    rig.sim.hide_card(False)
    assert isinstance(rig.next_event(), CardRead)


def test_a_silent_reader_is_a_fault_reported_once(idcard_rig):
    rig = idcard_rig()
    rig.sim.silence()
    failed = rig.next_event()
    assert isinstance(failed, ReadFailed)
    assert failed.code == "silent"
    health = rig.reader.health.current
    assert health.state is DeviceState.FAULT
    assert "does not answer" in health.detail
    assert "115200 baud" in health.detail
    rig.no_event_for(0.5)                       # once, not once per poll
    rig.sim.silence(False)
    rig.wait_state(DeviceState.READY)
    rig.sim.place("zhang_san")
    assert isinstance(rig.next_event(), CardRead)


def test_a_sam_fault_is_reported_and_clears(idcard_rig):
    rig = idcard_rig()
    rig.sim.set_sam_fault(0x60)
    failed = rig.next_event()
    assert (failed.code, "self-test" in failed.reason) == ("sam_fault", True)
    rig.wait_state(DeviceState.FAULT)
    assert "SW3 60" in rig.reader.health.current.detail
    rig.no_event_for(0.2)
    rig.sim.set_sam_fault(None)
    rig.wait_state(DeviceState.READY)


def test_unplug_and_replug(idcard_rig):
    rig = idcard_rig(halt_after_read=False)
    rig.sim.place("zhang_san")
    assert isinstance(rig.next_event(), CardRead)
    rig.sim.unplug()
    rig.wait_state(DeviceState.ABSENT)
    assert "no such device" in rig.reader.health.current.detail or \
        "went away" in rig.reader.health.current.detail
    assert isinstance(rig.next_event(), CardLeft)      # the card went with the reader
    rig.sim.plug()
    wait_until(lambda: rig.reader.health.current.state is DeviceState.READY, "the reader back",
               timeout_s=5)
    # The card still lies on the reader that came back: a new placement as far as we know.
    event = rig.next_event()
    assert isinstance(event, CardRead)
    assert event.text.name == "张三"


def test_a_missing_port_is_absent_with_a_clear_reason(tmp_path):
    reader = SamIdCardReader(str(tmp_path / "no-such-port"))
    reader.start()
    try:
        wait_until(lambda: reader.health.current.state is DeviceState.ABSENT)
        assert "unplugged, or the wrong path in the config?" in reader.health.current.detail
    finally:
        reader.stop()


def test_simulator_actions_drive_the_reader(idcard_rig):
    rig = idcard_rig()
    names = [action.name for action in rig.sim.actions()]
    assert names[:2] == ["place", "remove"]
    assert rig.sim.actions()[0].label == "Place an ID card"
    assert rig.sim.perform("place", {"card": "li_si"}) == "card li_si placed"
    assert rig.next_event().text.name == "李四"
    assert rig.sim.status().detail["card"] == "li_si"
    rig.sim.perform("fail_select", {})
    assert rig.sim.status().faults == ["next 1 selects fail"]
    rig.sim.perform("clear_faults", {})
    assert rig.sim.status().faults == []
