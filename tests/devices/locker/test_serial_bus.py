"""SerialLockerBus against LockerBusSimulator over pseudo-terminals, for each protocol."""

from __future__ import annotations

import logging
import threading
import time
from itertools import pairwise

import pytest

from devices.errors import DeviceTimeout, UnlockNotSent
from devices.health import DeviceState
from devices.locker.port import BoardConfig
from devices.locker.protocols import protocol_named
from tests.waiting import wait_until

from .conftest import BOARDS, PROTOCOLS

# Board and lock 3 of the first board of each protocol, and the unlock that must go out.
FIRST = {"kerong-cu16": 0, "kerong-cu48": 0, "generic-8a": 1}
SECOND = {"kerong-cu16": 1, "kerong-cu48": 1, "generic-8a": 2}
UNLOCK_LOCK_3 = {
    "kerong-cu16": ("02 02 31 03 38", None),
    "kerong-cu48": ("02 00 02 51 03 58", None),
    # The 8A board answers with the lock input after the pulse: 00, the door sprang open.
    "generic-8a": ("8A 01 03 11 99", "8A 01 03 00 88"),
}
# How each bus reads its boards: CU16 and CU48 sweep with one all-boards status.
SWEEP_REQUEST = {
    "kerong-cu16": "02 F0 32 03 27",
    "kerong-cu48": "02 0A 00 50 03 5F",
    "generic-8a": "80 01 00 33 B2",
}


def h(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_polling_reports_doors_and_items(bus_rig, protocol):
    rig = bus_rig(protocol)
    board, other = FIRST[protocol], SECOND[protocol]
    rig.sim.set_door(board, 2, open=True)
    rig.sim.set_door(board, 5, item=True)
    now = time.monotonic()
    seen = rig.snapshot_after(board, now, matches=lambda s: s.door(2).open)
    assert [d.lock for d in seen.doors] == list(range(1, BOARDS[protocol][0].locks + 1))
    assert [d.lock for d in seen.doors if d.open] == [2]
    if protocol == "kerong-cu16":      # the first CU16 board has item sensors fitted
        assert [d.lock for d in seen.doors if d.item] == [5]
    else:
        assert {d.item for d in seen.doors} == {None}
    assert seen.raw in [f.data for f in rig.sim.traffic if f.direction == "reply"]
    assert seen.bus == "main"
    other_board = rig.snapshot_after(other, now)
    assert not any(d.open for d in other_board.doors)
    assert {d.item for d in other_board.doors} == {None}     # no sensor on this one
    assert h(SWEEP_REQUEST[protocol]) in [f.data for f in rig.sim.requests()]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unlock_opens_the_door_seen_in_later_snapshots(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = FIRST[protocol]
    request, reply = UNLOCK_LOCK_3[protocol]
    ack = rig.bus.unlock(board, 3)
    assert (ack.bus, ack.board, ack.lock) == ("main", board, 3)
    assert ack.reply == (h(reply) if reply else None)
    # A Kerong unlock returns once written: the simulator may still be reading it.
    rig.sim.wait_for_request(lambda f: f.data == h(request))
    assert [f.data for f in rig.sim.requests() if f.data == h(request)] == [h(request)]
    assert rig.sim.door(board, 3).pulses == 1
    later = rig.snapshot_after(board, ack.monotonic)
    assert [d.lock for d in later.doors if d.open] == [3]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_door_that_springs_open_late_is_seen_when_it_opens(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = FIRST[protocol]
    rig.sim.open_delay_s = 0.15
    ack = rig.bus.unlock(board, 3)
    assert not rig.snapshot_after(board, ack.monotonic).door(3).open
    opened = rig.snapshot_after(board, ack.monotonic, matches=lambda s: s.door(3).open)
    assert opened.monotonic - ack.monotonic >= 0.15


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_jammed_door_takes_the_pulse_and_stays_shut(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = FIRST[protocol]
    rig.sim.jam(board, 3)
    ack = rig.bus.unlock(board, 3)
    if protocol == "generic-8a":
        assert ack.reply == h("8A 01 03 11 99")      # the input still reads "shut"
    first = rig.snapshot_after(board, ack.monotonic)
    second = rig.snapshot_after(board, first.monotonic)
    assert not first.door(3).open
    assert not second.door(3).open
    assert rig.sim.door(board, 3).pulses == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_forced_door_is_seen_without_any_command(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = SECOND[protocol]
    rig.sim.clear_traffic()
    now = time.monotonic()
    rig.sim.force_open(board, 7)
    seen = rig.snapshot_after(board, now, matches=lambda s: s.door(7).open)
    assert [d.lock for d in seen.doors if d.open] == [7]
    unlocks = [f for f in rig.sim.requests()
               if rig.sim.protocol.decode_request(f.data).kind.startswith("unlock")]
    assert unlocks == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_silent_board_goes_offline_once_and_comes_back(bus_rig, protocol, caplog):
    rig = bus_rig(protocol)
    board, other = FIRST[protocol], SECOND[protocol]
    status = protocol_named(protocol).status_request(board)
    with caplog.at_level(logging.INFO, logger="devices.locker"):
        rig.sim.silence(board)
        wait_until(lambda: rig.bus.board_online(board) is False, what="board offline")
        offline = rig.health_events(board)[-1]
        assert not offline.online
        assert (f"board {board} on bus main did not answer {status.what} within 150 ms (2 tries)"
                in offline.detail)
        assert "address switch" in offline.detail
        # The other board is still read meanwhile.
        rig.snapshot_after(other, time.monotonic())
        rig.sim.silence(board, False)
        # The health event follows the state change on the bus's thread: wait for it.
        wait_until(lambda: [e.online for e in rig.health_events(board)][-1:] == [True],
                   what="board back online")
    events = [(e.online, e.detail) for e in rig.health_events(board)]
    assert [online for online, _ in events] == [True, False, True]
    messages = [r.getMessage() for r in caplog.records if f"board {board} " in r.getMessage()]
    assert len([m for m in messages if "did not answer" in m]) == 1
    assert f"board {board} on bus main answers again" in messages


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_unplugged_board_neither_answers_nor_unlocks(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = SECOND[protocol]
    rig.sim.unplug_board(board)
    wait_until(lambda: rig.bus.board_online(board) is False, what="board offline")
    if protocol == "generic-8a":
        with pytest.raises(DeviceTimeout, match="pulse may have gone out"):
            rig.bus.unlock(board, 1)
    else:
        rig.bus.unlock(board, 1)      # Kerong boards never answer an unlock anyway
    unlock = protocol_named(protocol).unlock_request(board, 1).frame
    rig.sim.wait_for_request(lambda f: f.data == unlock)
    assert not rig.sim.door(board, 1).open
    assert rig.sim.door(board, 1).pulses == 0
    rig.sim.plug_board(board)
    wait_until(lambda: rig.bus.board_online(board) is True, what="board back online")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_bad_checksum_is_retried_and_the_board_stays_online(bus_rig, protocol):
    rig = bus_rig(protocol)
    codec = protocol_named(protocol)
    rig.sim.clear_traffic()
    rig.sim.corrupt_replies(1)
    wait_until(lambda: any(f.direction == "reply" for f in rig.sim.traffic[1:]),
               what="replies after the damaged one")
    time.sleep(0.2)
    traffic = rig.sim.traffic
    damaged = next(i for i, f in enumerate(traffic) if f.direction == "reply")
    board = traffic[damaged].data[1] >> 4 if protocol == "kerong-cu16" else \
        traffic[damaged].data[1]
    retry = next(f for f in traffic[damaged + 1:] if f.direction == "request")
    assert retry.data == codec.status_request(board).frame
    assert all(rig.bus.board_online(b.address) for b in BOARDS[protocol])
    assert [e.online for e in rig.health] == [True, True]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_checksums_that_keep_failing_take_the_board_offline_until_they_heal(bus_rig,
                                                                          protocol):
    rig = bus_rig(protocol, BOARDS[protocol][:1])
    board = FIRST[protocol]
    rig.sim.corrupt_replies(1000)
    wait_until(lambda: rig.bus.board_online(board) is False, what="board offline")
    detail = rig.health_events(board)[-1].detail
    assert "damaged frames (2 tries" in detail
    assert "checksum" in detail
    assert "termination" in detail
    rig.sim.corrupt_replies(0)
    wait_until(lambda: rig.bus.board_online(board) is True, what="board back online")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_noise_before_every_reply_is_tolerated(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = FIRST[protocol]
    rig.sim.send_noise()
    now = time.monotonic()
    ack = rig.bus.unlock(board, 4)
    if protocol == "generic-8a":
        assert ack.reply == h("8A 01 04 00 8F")
    seen = rig.snapshot_after(board, ack.monotonic)
    second = rig.snapshot_after(board, seen.monotonic)
    assert second.door(4).open
    noise = [f for f in rig.sim.traffic if f.direction == "noise" and f.start > now]
    assert noise
    assert {f.data for f in noise} == {h("FA FD 99 99")}
    assert [e.online for e in rig.health] == [True, True]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_the_bus_unplugged_and_replugged(bus_rig, protocol):
    rig = bus_rig(protocol)
    board = FIRST[protocol]
    rig.sim.unplug()
    wait_until(lambda: rig.bus.health.current.state is DeviceState.ABSENT, what="absent")
    with pytest.raises(UnlockNotSent, match=r"unlock of board .* was not sent"):
        rig.bus.unlock(board, 1)
    rig.sim.clear_traffic()
    rig.sim.plug()
    wait_until(lambda: rig.bus.health.current.state is DeviceState.READY, timeout_s=10,
               what="ready again")
    back = time.monotonic()
    rig.snapshot_after(board, back)
    assert rig.sim.requests()
    assert not rig.sim.door(board, 1).open      # the refused unlock never went out later
    assert [e.online for e in rig.health_events(board)] == [True]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_polarity_is_applied_per_board(bus_rig, protocol):
    first, second = BOARDS[protocol]
    inverted = BoardConfig(second.address, second.locks, closed_when_bit_set=False)
    rig = bus_rig(protocol, (first, inverted))
    now = time.monotonic()
    closed = rig.snapshot_after(inverted.address, now)
    assert not any(d.open for d in closed.doors)
    rig.sim.force_open(inverted.address, 2)
    seen = rig.snapshot_after(inverted.address, now, matches=lambda s: s.door(2).open)
    assert [d.lock for d in seen.doors if d.open] == [2]
    # Inverted wiring: shut doors read 0 and the open door reads 1.
    raw = _decode(protocol, inverted.address, seen.raw)
    assert [n for n, bit in enumerate(raw.locks[: inverted.locks], 1) if bit] == [2]


def _decode(protocol, board, frame):
    codec = protocol_named(protocol)
    parser = codec.reply_parser(codec.status_request(board), 8)
    parser.feed(frame)
    return codec.decode_status(parser.next_reply())


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_wiring_that_disagrees_with_the_config_reads_every_door_open(bus_rig, protocol):
    first, second = BOARDS[protocol]
    rig = bus_rig(protocol, (first, second),
                     sim_boards=(first, BoardConfig(second.address, second.locks,
                                                    closed_when_bit_set=False)))
    seen = rig.snapshot_after(second.address, time.monotonic())
    assert all(d.open for d in seen.doors)
    assert not any(d.open for d in rig.snapshot_after(first.address, 0).doors)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_frames_on_the_wire_are_at_least_the_gap_apart(bus_rig, protocol):
    rig = bus_rig(protocol, frame_gap_s=0.020)
    board = FIRST[protocol]
    rig.sim.clear_traffic()
    rig.bus.unlock(board, 1)
    rig.bus.unlock(board, 2)
    rig.bus.read_board(board)
    # The simulator stamps a request when its reader thread wakes, which on a loaded machine
    # can trail the write by a few milliseconds and shorten the gap it sees after a frame
    # that had no reply; two requests that waited for it together come out of one read with
    # one stamp, and say nothing of the gap between them. The bus keeps polling, so there is
    # soon enough traffic read apart. A bus without the gap would show gaps near zero.
    def gaps_read_apart() -> list[float]:
        return [frame.start - before.end for before, frame in pairwise(rig.sim.traffic)
                if frame.direction == "request" and frame.start != before.end]

    wait_until(lambda: len(gaps_read_apart()) >= 8, what="requests read apart")
    gaps = sorted(gaps_read_apart())
    # A frame split over two reads is stamped by the second: the odd short gap is the
    # reader's, not the bus's. Three in four at least the gap; a bus without it has none.
    assert gaps[len(gaps) // 4] >= 0.015, gaps


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_the_default_gap_follows_the_baud_rate(bus_rig, protocol):
    rig = bus_rig(protocol)
    assert rig.bus.frame_gap_s == pytest.approx(3.5 * 10 / 19200 + 0.001)
    rig.sim.clear_traffic()
    wait_until(lambda: len(rig.sim.requests()) >= 4, what="traffic")
    traffic = rig.sim.traffic
    gaps = [frame.start - before.end for before, frame in pairwise(traffic)
            if frame.direction == "request"]
    assert min(gaps) >= rig.bus.frame_gap_s


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_unlock_queued_during_a_poll_goes_out_before_the_next_poll(bus_rig, protocol):
    boards = BOARDS[protocol] + ((BoardConfig(3, 8),) if protocol == "generic-8a" else ())
    rig = bus_rig(protocol, boards)
    # Each poll now keeps the line busy long enough for the unlock to be queued while it is
    # in flight, even on a loaded machine where the calling thread is slow to start.
    rig.sim.reply_delay_s = 0.2
    codec = protocol_named(protocol)
    polls = {codec.status_request(b.address).frame for b in boards}
    polls.add(h(SWEEP_REQUEST[protocol]))
    rig.sim.clear_traffic()
    in_flight = rig.sim.wait_for_request(lambda f: f.data in polls)
    unlock = codec.unlock_request(FIRST[protocol], 5).frame
    caller = threading.Thread(target=rig.bus.unlock, args=(FIRST[protocol], 5))
    caller.start()
    caller.join(timeout=2)
    rig.sim.wait_for_request(lambda f: f.data == unlock)
    requests = rig.sim.requests()
    position = [f.data for f in requests].index(unlock)
    assert requests[position - 1] == in_flight
    assert [f.data for f in requests[position + 1:]][:1] in ([], *[[p] for p in polls])


def test_a_stale_unlock_is_never_sent(bus_rig):
    rig = bus_rig("generic-8a", reply_timeout_s=0.4)
    rig.sim.reply_delay_s = 0.3            # every poll now holds the line for 300 ms
    rig.sim.clear_traffic()
    rig.sim.wait_for_request(lambda f: f.data[0] == 0x80)
    with pytest.raises(UnlockNotSent, match=r"was busy .* was not sent"):
        rig.bus.unlock(1, 6, timeout_s=0.05)
    time.sleep(0.8)
    assert not [f for f in rig.sim.requests() if f.data[0] == 0x8A]
    assert rig.sim.door(1, 6).pulses == 0


def test_read_board_now_and_its_failure(bus_rig):
    rig = bus_rig("kerong-cu16", poll_interval_s=60)
    rig.sim.force_open(1, 8)
    snapshot = rig.bus.read_board(1)
    assert snapshot.door(8).open
    rig.sim.silence(1)
    with pytest.raises(DeviceTimeout, match="board 1 on bus main did not answer status 0x30"):
        rig.bus.read_board(1)
    with pytest.raises(ValueError, match="has no board 7; it has: 0, 1"):
        rig.bus.read_board(7)
    with pytest.raises(ValueError, match="locks 1-8, not 9"):
        rig.bus.unlock(1, 9)


def test_no_board_answering_is_a_line_fault(bus_rig):
    rig = bus_rig("kerong-cu48")
    rig.sim.silence(0)
    rig.sim.silence(1)
    wait_until(lambda: rig.bus.health.current.state is DeviceState.FAULT, what="fault")
    assert "no board answers" in rig.bus.health.current.detail
    assert "baud rate (19200)" in rig.bus.health.current.detail
    rig.sim.clear_faults()
    wait_until(lambda: rig.bus.health.current.state is DeviceState.READY, what="ready")


def test_the_all_boards_status_is_dropped_when_boards_ignore_it(bus_rig, caplog):
    rig = bus_rig("kerong-cu16")
    # Boards that ignore 0x32 (other firmware): the bus falls back to 0x30 per board.
    original = rig.sim.boards.answer

    def no_broadcast(command, now, open_delay_s=0.0):
        return [] if command.kind == "status_all" else original(command, now, open_delay_s)

    with caplog.at_level(logging.WARNING, logger="devices.locker"):
        rig.sim.boards.answer = no_broadcast
        wait_until(lambda: "not to status of all boards 0x32" in caplog.text, what="fallback")
    rig.sim.clear_traffic()
    wait_until(lambda: len(rig.sim.requests()) >= 4, what="traffic")
    assert h("02 F0 32 03 27") not in [f.data for f in rig.sim.requests()]
    assert all(rig.bus.board_online(b) for b in (0, 1))


def test_configurations_the_protocol_cannot_have_are_refused(tmp_path):
    from devices.locker.serial_bus import SerialLockerBus

    with pytest.raises(ValueError, match="do not report item sensors"):
        SerialLockerBus("x", str(tmp_path / "p"), 9600, "generic-8a",
                        (BoardConfig(1, 8, item_sensor=True),))
    with pytest.raises(ValueError, match="address 0: use 1-32"):
        SerialLockerBus("x", str(tmp_path / "p"), 9600, "generic-8a", (BoardConfig(0, 8),))
    with pytest.raises(ValueError, match="17 locks; a board has 1-16"):
        SerialLockerBus("x", str(tmp_path / "p"), 9600, "kerong-cu16", (BoardConfig(0, 17),))
    with pytest.raises(ValueError, match="share address 2"):
        SerialLockerBus("x", str(tmp_path / "p"), 9600, "kerong-cu48",
                        (BoardConfig(2, 8), BoardConfig(2, 8)))


@pytest.mark.parametrize("protocol", ["kerong-cu16", "kerong-cu48"])
def test_a_board_nobody_configured_is_reported_and_not_talked_over(bus_rig, protocol, caplog):
    boards = BOARDS[protocol]
    stranger = BoardConfig(5, 8)
    with caplog.at_level(logging.WARNING, logger="devices.locker"):
        # Paced like a real line, so that a request sent too early overlaps the reply.
        rig = bus_rig(protocol, boards, sim_boards=(*boards, stranger), pace_baud=19200)
        rig.sim.clear_traffic()
        # Under load the stranger's first reply may come after the fourth request.
        wait_until(lambda: len(rig.sim.requests()) >= 4 and "board 5 answered" in caplog.text,
                   what="traffic and the stranger reported")
    assert caplog.text.count("board 5 answered on bus main but is not configured") == 1
    traffic = rig.sim.traffic
    # Every request waits until the stranger's reply, the last of each sweep, is over.
    for before, frame in pairwise(traffic):
        if frame.direction == "request":
            assert frame.start - before.end >= rig.bus.frame_gap_s
    replies = [f for f in traffic if f.direction == "reply"]
    assert any(f.data[1] in (0x50, 0x05) for f in replies)      # the stranger did answer
    assert all(rig.bus.board_online(b.address) for b in boards)
