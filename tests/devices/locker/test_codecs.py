"""The lock-board codecs, byte for byte against the example frames in lockers.md."""

from __future__ import annotations

import pytest

from devices.errors import ProtocolError
from devices.locker.protocols import protocol_named
from devices.locker.protocols.checksums import sum8, xor8
from devices.locker.protocols.generic_8a import Generic8A
from devices.locker.protocols.kerong_cu16 import KerongCu16
from devices.locker.protocols.kerong_cu48 import KerongCu48

CU16, CU48, G8A = KerongCu16(), KerongCu48(), Generic8A()


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def bits_set(bits) -> set[int]:
    return {index for index, bit in enumerate(bits, 1) if bit}


@pytest.mark.parametrize(("request_", "expected"), [
    # Kerong CU16 spec (CU16.txt)
    (CU16.status_request(0), "02 00 30 03 35"),
    (CU16.unlock_request(0, 3), "02 02 31 03 38"),
    (CU16.unlock_request(1, 16), "02 1F 31 03 55"),
    (CU16.all_status_request(), "02 F0 32 03 27"),
    (CU16.unlock_all_request(0), "02 00 33 03 38"),
    (CU16.unlock_time_request(0), "02 00 37 03 3C"),
    (CU16.set_unlock_time_request(0, 1000), "02 00 37 00 64 03 A0"),
    (CU16.unlock_delay_request(0, 1), "02 00 39 01 03 3F"),
    (CU16.set_baud_request(0, 19200), "02 00 40 01 03 46"),
    # xaleel/locker has 3E here; the sum is 45.
    (CU16.status_request(1), "02 10 30 03 45"),
    # Kerong CU48 spec (V2.1 PDF)
    (CU48.status_request(0), "02 00 00 50 03 55"),
    (CU48.unlock_request(0, 1), "02 00 00 51 03 56"),
    (CU48.unlock_all_request(0), "02 00 30 51 03 86"),
    (CU48.unlock_all_request(None), "02 0A 30 51 03 90"),
    (CU48.all_status_request(), "02 0A 00 50 03 5F"),
    # Generic 8A/80 boards
    (G8A.unlock_request(1, 1), "8A 01 01 11 9B"),
    (G8A.unlock_all_request(1), "8A 01 00 11 9A"),
    (G8A.lock_status_request(1, 1), "80 01 01 33 B3"),
    (G8A.status_request(1), "80 01 00 33 B2"),
], ids=lambda value: getattr(value, "what", value))
def test_requests_are_encoded_byte_for_byte(request_, expected):
    assert request_.frame == h(expected)


@pytest.mark.parametrize(("checksum", "frame"), [
    (sum8, "F5 B6 00 00 5F 0A"),                   # CU16 OTA version read
    (xor8, "90 01 02 02 02 93"),                   # 8A batch unlock of locks 2, 10, 18
    (xor8, "80 01 00 99 18"),                      # 8A board-address query
    (sum8, "02 00 00 60 03 65"),                   # CU48B status (not supported)
    (sum8, "02 00 01 61 03 67"),                   # CU48B unlock lock 2 (not supported)
    (sum8, "02 00 00 75 01 00 00 00 00 00 01 00 00 00 00 00 03 7C"),  # CU48B reply
])
def test_checksums_of_frames_we_do_not_send(checksum, frame):
    data = h(frame)
    assert checksum(data[:-1]) == data[-1]


def test_ota_reply_checksum_covers_its_data():
    data = h("F5 B6 00 02 5F 0E 01 01")
    assert sum8(data[:5] + data[6:]) == data[5]


def test_kerong_unlocks_expect_no_reply_and_8a_unlocks_do():
    assert not CU16.unlock_request(0, 1).replies
    assert not CU48.unlock_request(0, 1).replies
    assert G8A.unlock_request(1, 1).replies


REPLIES = [
    # protocol, request it answers, reply, kind, board, raw lock bits set, item bits set
    (CU16, CU16.status_request(0), "02 00 35 01 00 01 00 03 3C", "status", 0, {1}, {1}),
    (CU16, CU16.all_status_request(), "02 00 36 00 03 01 00 03 3F", "status", 0, {9, 10}, {1}),
    (CU16, CU16.all_status_request(), "02 10 36 01 00 00 08 03 54", "status", 1, {1}, {12}),
    (CU16, CU16.unlock_all_request(0), "02 00 35 0F 00 01 00 03 4A", "status", 0,
     {1, 2, 3, 4}, {1}),
    (CU48, CU48.status_request(0), "02 00 00 65 07 00 00 00 00 C0 03 31", "status", 0,
     {1, 2, 3, 47, 48}, None),
    # An 8-channel generic board still answers with 3 status bytes (Open-Locker ADR-0061).
    (G8A, G8A.status_request(1), "80 01 00 00 00 33 B2", "status", 1, set(), None),
    # Highest channels first: S3 (17-24) = 04, S2 (9-16) = 02, S1 (1-8) = 01.
    (G8A, G8A.status_request(1), "80 01 04 02 01 33 B5", "status", 1, {1, 10, 19}, None),
]


@pytest.mark.parametrize(("codec", "request_", "frame", "kind", "board", "locks", "items"),
                         REPLIES, ids=[r[2] for r in REPLIES])
def test_status_replies_decode_to_raw_bits(codec, request_, frame, kind, board, locks, items):
    parser = codec.reply_parser(request_, 8)
    parser.feed(h(frame))
    reply = parser.next_reply()
    assert (reply.frame, reply.kind, reply.board) == (h(frame), kind, board)
    raw = codec.decode_status(reply)
    assert bits_set(raw.locks) == locks
    assert (bits_set(raw.items) if raw.items is not None else None) == items


def test_cu16_unlock_time_reply():
    parser = CU16.reply_parser(CU16.unlock_time_request(0))
    parser.feed(h("02 00 38 0F 00 00 37 03 83"))
    reply = parser.next_reply()
    assert reply.kind == "unlock_time"
    assert CU16.decode_unlock_time(reply) == 550


@pytest.mark.parametrize(("request_", "frame", "kind", "state"), [
    (G8A.lock_status_request(1, 1), "80 01 01 00 80", "lock_status", False),
    (G8A.lock_status_request(1, 1), "80 01 01 11 91", "lock_status", True),
    (G8A.unlock_request(1, 1), "8A 01 01 00 8A", "unlock", False),
    (G8A.unlock_request(1, 1), "8A 01 01 11 9B", "unlock", True),
])
def test_8a_one_lock_replies(request_, frame, kind, state):
    parser = G8A.reply_parser(request_)
    parser.feed(h(frame))
    reply = parser.next_reply()
    assert (reply.kind, reply.board, reply.lock) == (kind, 1, 1)
    assert G8A.decode_lock_state(reply) is state


@pytest.mark.parametrize(("codec", "board", "locks", "items", "options", "expected"), [
    (CU16, 0, {1}, {1}, {}, "02 00 35 01 00 01 00 03 3C"),
    (CU16, 0, {9, 10}, {1}, {"all_boards": True}, "02 00 36 00 03 01 00 03 3F"),
    (CU16, 1, {1}, {12}, {"all_boards": True}, "02 10 36 01 00 00 08 03 54"),
    (CU48, 0, {1, 2, 3, 47, 48}, None, {}, "02 00 00 65 07 00 00 00 00 C0 03 31"),
    (G8A, 1, set(), None, {}, "80 01 00 00 00 33 B2"),
    (G8A, 1, {1, 10, 19}, None, {}, "80 01 04 02 01 33 B5"),
    (G8A, 1, set(), None, {"lock": 1}, "80 01 01 00 80"),
    (G8A, 1, {1}, None, {"lock": 1}, "80 01 01 11 91"),
])
def test_board_side_status_replies(codec, board, locks, items, options, expected):
    size = 24 if codec is G8A else codec.max_locks
    lock_bits = [n in locks for n in range(1, size + 1)]
    item_bits = None if items is None else [n in items for n in range(1, size + 1)]
    assert codec.encode_status(board, lock_bits, item_bits, **options) == h(expected)


def test_board_side_other_replies():
    assert G8A.encode_unlock_reply(1, 1, False) == h("8A 01 01 00 8A")
    assert G8A.encode_unlock_reply(1, 1, True) == h("8A 01 01 11 9B")
    assert CU16.encode_unlock_reply(0, 1, True) is None
    assert CU48.encode_unlock_reply(0, 1, True) is None
    assert CU16.encode_unlock_time(0, [True] * 4 + [False] * 12, 550) == \
        h("02 00 38 0F 00 00 37 03 83")


@pytest.mark.parametrize(("codec", "frame", "kind", "board", "lock", "value"), [
    (CU16, "02 00 30 03 35", "status", 0, None, None),
    (CU16, "02 02 31 03 38", "unlock", 0, 3, None),
    (CU16, "02 1F 31 03 55", "unlock", 1, 16, None),
    (CU16, "02 F0 32 03 27", "status_all", None, None, None),
    (CU16, "02 00 33 03 38", "unlock_all", 0, None, None),
    (CU16, "02 00 37 03 3C", "unlock_time_query", 0, None, None),
    (CU16, "02 00 37 00 64 03 A0", "unlock_time_set", 0, None, 1000),
    (CU16, "02 00 39 01 03 3F", "other", 0, None, None),
    (CU16, "02 00 40 01 03 46", "other", 0, None, None),
    (CU48, "02 00 00 50 03 55", "status", 0, None, None),
    (CU48, "02 0A 00 50 03 5F", "status_all", None, None, None),
    (CU48, "02 00 00 51 03 56", "unlock", 0, 1, None),
    (CU48, "02 00 30 51 03 86", "unlock_all", 0, None, None),
    (CU48, "02 0A 30 51 03 90", "unlock_all", None, None, None),
    (G8A, "8A 01 01 11 9B", "unlock", 1, 1, None),
    (G8A, "8A 01 00 11 9A", "unlock_all", 1, None, None),
    (G8A, "80 01 01 33 B3", "lock_status", 1, 1, None),
    (G8A, "80 01 00 33 B2", "status", 1, None, None),
])
def test_board_side_reads_requests(codec, frame, kind, board, lock, value):
    scanner = codec.request_scanner()
    scanner.feed(h(frame))
    data = scanner.next_frame()
    assert data == h(frame)
    command = codec.decode_request(data)
    assert (command.kind, command.board, command.lock, command.value) == (kind, board, lock,
                                                                          value)


def test_board_side_rejects_the_wrong_checksum_in_community_code():
    scanner = CU16.request_scanner()
    scanner.feed(h("02 10 30 03 3E"))
    with pytest.raises(ProtocolError, match="02 10 30 03 3e"):
        scanner.next_frame()


# Streaming: garbage, bursts, damage.

def test_noise_before_a_generic_reply_is_skipped():
    parser = G8A.reply_parser(G8A.unlock_request(1, 1))
    parser.feed(h("FA FD 99 99 8A 01 01 11 9B"))
    assert parser.next_reply().frame == h("8A 01 01 11 9B")
    assert parser.scanner.skipped == h("FA FD 99 99")


@pytest.mark.parametrize(("codec", "request_", "noise", "frame"), [
    # Noise holding the header byte itself: the scanner must not lock onto it.
    (CU16, CU16.status_request(0), "02 FF 02 03", "02 00 35 01 00 01 00 03 3C"),
    (CU48, CU48.status_request(0), "02 02 00 65", "02 00 00 65 07 00 00 00 00 C0 03 31"),
    (G8A, G8A.status_request(1), "80 FA FD 99 99", "80 01 04 02 01 33 B5"),
    (G8A, G8A.unlock_request(1, 1), "8A 8A 80", "8A 01 01 11 9B"),
])
def test_resync_on_a_header_byte_inside_noise(codec, request_, noise, frame):
    parser = codec.reply_parser(request_, 8)
    parser.feed(h(noise) + h(frame))
    assert parser.next_reply().frame == h(frame)


@pytest.mark.parametrize(("codec", "request_", "frame"), [
    (CU16, CU16.status_request(0), "02 00 35 01 00 01 00 03 3C"),
    (CU48, CU48.status_request(0), "02 00 00 65 07 00 00 00 00 C0 03 31"),
    (G8A, G8A.status_request(1), "80 01 04 02 01 33 B5"),
])
def test_a_reply_fed_one_byte_at_a_time(codec, request_, frame):
    parser = codec.reply_parser(request_, 8)
    data = h(frame)
    for byte in data[:-1]:
        parser.feed(bytes([byte]))
        assert parser.next_reply() is None
        assert parser.wanted >= 1
    parser.feed(data[-1:])
    assert parser.next_reply().frame == data


def test_the_parser_asks_for_exactly_what_a_kerong_frame_lacks():
    parser = CU16.reply_parser(CU16.status_request(0))
    assert parser.wanted == 9
    parser.feed(h("02 00 35 01"))
    assert parser.next_reply() is None
    assert parser.wanted == 5


@pytest.mark.parametrize(("codec", "request_", "frame", "expected"), [
    (CU16, CU16.status_request(0), "02 00 35 01 00 01 00 03 3D", "3c"),
    (CU48, CU48.status_request(0), "02 00 00 65 07 00 00 00 00 C0 03 32", "31"),
    (G8A, G8A.unlock_request(1, 1), "8A 01 01 11 9C", "9b"),
])
def test_bad_checksum_is_an_error_naming_the_frame(codec, request_, frame, expected):
    parser = codec.reply_parser(request_)
    parser.feed(h(frame) + h(frame[:-2] + expected))
    with pytest.raises(ProtocolError) as caught:
        parser.next_reply()
    assert h(frame).hex(" ") in str(caught.value)
    assert f"should be {expected.upper()}" in str(caught.value)
    # The damaged frame was consumed; the good one after it still comes through.
    assert parser.next_reply().frame == h(frame[:-2] + expected)


def test_variable_length_reply_with_bad_checksum_is_reported_when_the_line_goes_quiet():
    parser = G8A.reply_parser(G8A.status_request(1), 8)
    parser.feed(h("80 01 00 00 00 33 B3"))
    assert parser.next_reply() is None          # it could still be a longer frame
    with pytest.raises(ProtocolError, match=r"checksum B3, should be B2 in frame 80 01 00 00"):
        parser.finish()


def test_incomplete_frame_is_reported_when_the_line_goes_quiet():
    parser = CU16.reply_parser(CU16.status_request(0))
    parser.feed(h("FA 02 00 35 01"))
    assert parser.next_reply() is None
    with pytest.raises(ProtocolError, match="incomplete frame 02 00 35 01"):
        parser.finish()


def test_pure_noise_at_the_end_is_no_error():
    parser = CU16.reply_parser(CU16.status_request(0))
    parser.feed(h("FA FD 99 99"))
    assert parser.next_reply() is None
    parser.finish()


@pytest.mark.parametrize(("status_bytes", "locks"), [(1, 8), (3, 8), (3, 24), (7, 50)])
def test_8a_reply_length_comes_from_the_frame_not_the_board_size(status_bytes, locks):
    statuses = bytes([0x01] + [0x00] * (status_bytes - 1))  # S_n first: channel 8n-7 set
    body = bytes([0x80, 0x05]) + statuses + bytes([0x33])
    frame = body + bytes([xor8(body)])
    parser = G8A.reply_parser(G8A.status_request(5), min(locks, status_bytes * 8))
    parser.feed(frame + h("8A 05 01 11 9F"))    # and something after it
    reply = parser.next_reply()
    assert reply.frame == frame
    raw = G8A.decode_status(reply)
    assert len(raw.locks) == status_bytes * 8
    assert bits_set(raw.locks) == {8 * status_bytes - 7}


def test_two_all_boards_replies_in_one_burst():
    parser = CU16.reply_parser(CU16.all_status_request())
    parser.feed(h("02 00 36 00 03 01 00 03 3F 02 10 36 01 00 00 08 03 54"))
    assert [parser.next_reply().board, parser.next_reply().board] == [0, 1]
    assert parser.next_reply() is None


@pytest.mark.parametrize(("make", "message"), [
    (lambda: CU16.unlock_request(0, 17), "locks 1-16"),
    (lambda: CU16.status_request(16), "0-15"),
    (lambda: CU48.unlock_request(10, 1), "0-9"),
    (lambda: CU48.unlock_request(0, 49), "1-48"),
    (lambda: G8A.status_request(0), "1-32"),
    (lambda: CU16.set_unlock_time_request(0, 1005), "10 ms steps"),
])
def test_out_of_range_addresses_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_protocols_by_name():
    assert isinstance(protocol_named("kerong-cu16"), KerongCu16)
    with pytest.raises(ValueError, match="known: kerong-cu16, kerong-cu48, generic-8a"):
        protocol_named("kerong-cu12")
