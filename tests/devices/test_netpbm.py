"""The netpbm stream parser: frames in pieces of any size, headers as the format allows,
and garbage that costs a frame, not the stream."""

from __future__ import annotations

import pytest

from devices.qr.netpbm import NetpbmFrame, NetpbmStreamParser, StreamFault


def pgm(width: int, height: int, pixels: bytes, header: bytes | None = None) -> bytes:
    return (header or f"P5\n{width} {height}\n255\n".encode()) + pixels


def frames_of(events):
    return [event for event in events if isinstance(event, NetpbmFrame)]


def test_frames_arriving_a_byte_at_a_time():
    stream = pgm(3, 2, bytes(range(6))) + pgm(2, 2, b"\x10\x20\x30\x40")
    parser = NetpbmStreamParser()
    events = []
    for index in range(len(stream)):
        events += parser.feed(stream[index:index + 1])
    assert events == [NetpbmFrame("P5", 3, 2, 255, bytes(range(6))),
                      NetpbmFrame("P5", 2, 2, 255, b"\x10\x20\x30\x40")]
    assert parser.pending == 0


def test_comments_and_any_whitespace_in_the_header():
    header = b"P5 # made by a camera\n#another\r\n 2\t# width\n1\r255\n"
    (frame,) = NetpbmStreamParser().feed(pgm(2, 1, b"\x00\xff", header))
    assert (frame.width, frame.height, frame.maxval, frame.raster) == (2, 1, 255, b"\x00\xff")


def test_raster_bytes_that_look_like_a_header_are_pixels():
    pixels = b"P5\n1 1\n255\n\x00"[:6]
    (frame,) = NetpbmStreamParser().feed(pgm(3, 2, pixels))
    assert frame.raster == pixels


def test_sixteen_bit_and_small_maxval_samples_are_scaled_to_8_bits():
    deep = NetpbmFrame("P5", 3, 1, 65535, b"\xff\xff\x80\x00\x00\x00")
    assert deep.grey().tobytes() == b"\xff\x80\x00"
    shallow = NetpbmFrame("P5", 3, 1, 15, b"\x0f\x07\x00")
    assert shallow.grey().tobytes() == bytes([255, round(7 * 255 / 15), 0])
    (parsed,) = NetpbmStreamParser().feed(b"P5\n2 1\n65535\n\x12\x34\xab\xcd")
    assert parsed.raster == b"\x12\x34\xab\xcd"  # two bytes a sample when maxval > 255


def test_colour_becomes_grey_by_luminance_not_by_one_channel():
    red, green, blue = b"\xff\x00\x00", b"\x00\xff\x00", b"\x00\x00\xff"
    (frame,) = NetpbmStreamParser().feed(b"P6\n3 1\n255\n" + red + green + blue)
    # ITU-R 601-2: 0.299 R + 0.587 G + 0.114 B. Channel 0 would give 255, 0, 0.
    assert frame.grey().tobytes() == bytes([76, 150, 29])


def test_garbage_between_frames_is_one_fault_then_the_next_frame():
    parser = NetpbmStreamParser()
    events = parser.feed(pgm(1, 1, b"\x01") + b"\x8f\x12 line noise P" + pgm(1, 1, b"\x02"))
    assert [type(event) for event in events] == [NetpbmFrame, StreamFault, NetpbmFrame]
    assert "expected 'P5' or 'P6' at the start of a frame, got b'\\x8f\\x12 line '" in (
        events[1].problem)
    assert parser.skipped_since_frame == 0


def test_a_frame_cut_short_costs_the_frames_it_overlaps():
    full = pgm(8, 8, bytes(range(64)))
    stream = full[:40] + full + full + full
    events = NetpbmStreamParser().feed(stream)
    faults = [event for event in events if isinstance(event, StreamFault)]
    assert len(faults) == 1
    # The cut frame swallows the start of the next; the one after is whole again.
    assert frames_of(events)[-1].raster == bytes(range(64))


@pytest.mark.parametrize(("header", "problem"), [
    (b"P4\n8 1\n", "unsupported netpbm format P4 (bitmap)"),
    (b"P2\n1 1\n255\n0 ", "unsupported netpbm format P2 (ASCII grey)"),
    (b"P5\nwide 1\n255\n", "width is not a number: got b'wide 1\\n2'"),
    (b"P5\n1 1\n255x", "maxval must be followed by one whitespace byte, got b'x'"),
    (b"P5\n1 0\n255\n", "frame size 1x0 is outside 1x1..8192x8192"),
    (b"P5\n99999 1\n255\n", "frame size 99999x1 is outside 1x1..8192x8192"),
    (b"P5\n1 1\n0\n", "maxval 0 is outside 1..65535"),
    (b"P5\n1 1\n1234567\n", "maxval has more than 5 digits"),
    (b"P51 1\n255\n", "no whitespace before the width"),
    (b"P5\n#" + b"c" * 5000 + b"\n1 1\n255\n", "header longer than 4096 bytes"),
])
def test_malformed_headers_say_what_is_wrong(header, problem):
    events = NetpbmStreamParser().feed(header + b"\x00" * 8 + pgm(1, 1, b"\x07"))
    assert isinstance(events[0], StreamFault)
    assert problem in events[0].problem
    assert frames_of(events)[-1].raster == b"\x07"


def test_a_stream_that_is_not_netpbm_grows_the_skipped_count():
    parser = NetpbmStreamParser()
    events = parser.feed(b"\xff\xd8\xff\xe0 JFIF" + b"\x00" * 10_000)
    assert len(events) == 1  # one fault, not one per byte
    assert parser.skipped_since_frame >= 10_000


def test_what_is_left_when_the_stream_ends():
    parser = NetpbmStreamParser()
    parser.feed(pgm(4, 4, b"abc"))
    assert parser.describe_leftover() == (
        "the stream ended in the middle of a 4x4 P5 frame (3 of 16 bytes)")
    assert NetpbmStreamParser().describe_leftover() is None
