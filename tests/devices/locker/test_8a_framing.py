"""Where a generic 8A query-all reply ends: the status bytes decide, not the host's lock
count, and not how the bytes were cut into reads."""

from __future__ import annotations

import pytest

from devices.errors import DeviceTimeout, ProtocolError
from devices.locker.line import LockerLine
from devices.locker.protocols.generic_8a import MAX_ALL_LENGTH, Generic8A
from tests.fixtures.scripted_serial import ScriptedLine

G8A = Generic8A()
h = bytes.fromhex

# Board 1 on 24-channel firmware, channels 1, 2, 5, 6, 9 and 16 shut: "80 01 00 81 33 33"
# checks out as a reply too (status 00 81, then 33 and its XOR, 33).
SHUT_24 = h("80 01 00 81 33 33 00")
SHUT_CHANNELS = {1, 2, 5, 6, 9, 16}
# Status bytes 8A 01 05 11 9F hold a whole unlock reply (8A 01 05 11, XOR 9F).
UNLOCK_INSIDE = h("80 01 8a 01 05 11 9f 00 00 33 b2")


def shut(locks: tuple[bool, ...]) -> set[int]:
    return {channel for channel, bit in enumerate(locks, 1) if bit}


def test_the_repro_frame_is_what_the_board_sends():
    locks = tuple(channel in SHUT_CHANNELS for channel in range(1, 25))
    assert G8A.encode_status(1, locks, None) == SHUT_24


@pytest.mark.parametrize("host_locks", [1, 8, 9, 16, 24])
def test_a_status_reads_right_when_the_host_knows_fewer_channels(host_locks):
    parser = G8A.reply_parser(G8A.status_request(1), host_locks)
    parser.feed(SHUT_24)
    reply = parser.next_reply()
    assert reply.frame == SHUT_24
    assert shut(G8A.decode_status(reply).locks) == SHUT_CHANNELS
    assert parser.next_reply() is None


@pytest.mark.parametrize(("host_locks", "first_read"), [
    (1, 7), (16, 7), (24, 7), (25, 11), (56, 11), (64, MAX_ALL_LENGTH)])
def test_a_query_all_read_asks_for_a_seen_reply_length_not_the_host_guess(host_locks,
                                                                          first_read):
    # 3 status bytes (7) or 7 (11), the lengths the sources show, else the longest there is.
    assert G8A.reply_parser(G8A.status_request(1), host_locks).wanted == first_read


def test_the_reads_follow_a_reply_to_the_next_length_it_can_reach():
    parser = G8A.reply_parser(G8A.status_request(1), 16)
    parser.feed(SHUT_24[:3])
    assert parser.next_reply() is None
    assert parser.wanted == 4
    eleven = h("80 01 00 00 00 00 00 00 00 33 B2")
    parser = G8A.reply_parser(G8A.status_request(1), 8)
    parser.feed(eleven[:7])
    assert parser.next_reply() is None
    assert parser.wanted == 4                     # to 11 bytes: 50-channel firmware
    parser.feed(eleven[7:])
    assert parser.next_reply().frame == eleven
    assert parser.wanted == 7                     # ready for the next reply


def test_one_lock_and_unlock_reads_still_ask_for_five_bytes():
    assert G8A.reply_parser(G8A.unlock_request(1, 1)).wanted == 5
    assert G8A.reply_parser(G8A.lock_status_request(1, 1)).wanted == 5


@pytest.mark.parametrize("cut", range(1, len(UNLOCK_INSIDE)))
@pytest.mark.parametrize("host_locks", [8, 56])
def test_a_status_holding_an_unlock_reply_reads_the_same_however_split(cut, host_locks):
    parser = G8A.reply_parser(G8A.status_request(1), host_locks)
    parser.feed(UNLOCK_INSIDE[:cut])
    assert parser.next_reply() is None
    parser.feed(UNLOCK_INSIDE[cut:])
    reply = parser.next_reply()
    assert (reply.frame, reply.kind) == (UNLOCK_INSIDE, "status")
    assert parser.next_reply() is None
    assert parser.scanner.skipped == b""


def test_two_replies_back_to_back_are_not_one_longer_reply():
    # Together they also end in "33 xor" (10 bytes): a reply ends before another begins.
    first, second = h("80 01 00 33 B2"), h("80 02 01 33 B0")
    parser = G8A.reply_parser(G8A.status_request(1), 8)
    parser.feed(first + second)
    assert [parser.next_reply().frame, parser.next_reply().frame] == [first, second]


@pytest.mark.parametrize("noise", ["80", "8A", "82", "80 80", "80 00", "80 21"])
def test_a_stray_header_byte_before_a_reply_is_skipped_at_once(noise):
    # No board has address 00, 21 (33) or a header byte's value, so that 80 was noise.
    reply = h("80 01 00 00 00 33 B2")
    parser = G8A.reply_parser(G8A.status_request(1), 8)
    parser.feed(h(noise) + reply)
    assert parser.next_reply().frame == reply


def test_a_header_with_no_end_in_the_longest_reply_is_given_up():
    reply = h("80 01 00 00 00 33 B2")
    parser = G8A.reply_parser(G8A.status_request(1), 8)
    parser.feed(h("80 05") + bytes(MAX_ALL_LENGTH - 2))
    assert parser.next_reply() is None           # still a reply of board 5, maybe
    parser.feed(reply)
    assert parser.next_reply().frame == reply


# On a line: each reply arrives in the chunks given (USB bursts); a read returns at most
# the bytes it asks for, and only from a chunk that has arrived, as pyserial's does.

def line(link: ScriptedLine) -> LockerLine:
    return LockerLine(link, G8A, where="on bus test", gap_s=0.0)  # type: ignore[arg-type]


def test_a_whole_reply_in_one_burst_reads_right_with_the_configured_lock_count():
    link = ScriptedLine([SHUT_24])
    raw, reply, _ = line(link).read_status(1, 16, timeout_s=0.2, tries=1)
    assert reply.frame == SHUT_24
    assert shut(raw.locks) == SHUT_CHANNELS
    assert link.reads == [len(SHUT_24)]          # not 6, the length 16 locks suggest


def test_a_reply_split_inside_a_look_alike_unlock_reply_is_not_a_timeout():
    link = ScriptedLine([UNLOCK_INSIDE[:7], UNLOCK_INSIDE[7:]])
    exchange = line(link).transact(G8A.status_request(1), timeout_s=0.2, locks=56)
    assert exchange.reply is not None
    assert exchange.reply.frame == UNLOCK_INSIDE


def test_half_a_reply_is_reported_as_such_not_read_as_the_unlock_inside_it():
    link = ScriptedLine([UNLOCK_INSIDE[:7]])
    with pytest.raises(ProtocolError, match=r"incomplete frame 80 01 8a 01 05 11 9f$"):
        line(link).transact(G8A.status_request(1), timeout_s=0.05, locks=56)


def test_no_reply_at_all_is_still_a_timeout():
    with pytest.raises(DeviceTimeout, match="board 1 on bus test did not answer"):
        line(ScriptedLine([])).transact(G8A.status_request(1), timeout_s=0.05, locks=56)
