"""The netpbm stream parser the camera QR scanner reads its capture program with.

Valid P5/P6 frames, with any header spacing and comments the format allows, come back
exactly, in any chunking; any bytes give frames and StreamFaults, never an exception; a
frame after garbage is still found.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from devices.qr.netpbm import (
    CHANNELS,
    MAX_SIDE,
    NetpbmFrame,
    NetpbmStreamParser,
    StreamFault,
)
from tests.properties.strategies import chunks_of, damaged_or_random

Event = NetpbmFrame | StreamFault


@dataclass(frozen=True)
class Written:
    frame: NetpbmFrame
    data: bytes


space = st.text(" \t\n\r\v\f", min_size=1, max_size=3)
comment = st.builds(lambda text, end: f"#{text}{end}",
                    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12),
                    st.sampled_from(["\n", "\r"]))
# Between header fields: whitespace, comments, or both; a comment ends with its newline.
separator = st.lists(st.one_of(space, comment), min_size=1, max_size=3).map("".join)


def number(value: int) -> st.SearchStrategy[str]:
    """The number as written, with leading zeros up to the parser's five digits."""
    text = str(value)
    return st.integers(0, 5 - len(text)).map(lambda zeros: "0" * zeros + text)


@st.composite
def frames(draw: st.DrawFn, max_side: int = 6) -> Written:
    kind = draw(st.sampled_from(["P5", "P6"]))
    width, height = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    maxval = draw(st.one_of(st.sampled_from([1, 255, 256, 65535]), st.integers(1, 65535)))
    size = width * height * CHANNELS[kind] * (1 if maxval < 256 else 2)
    raster = draw(st.binary(min_size=size, max_size=size))
    header = "".join([kind, draw(separator), draw(number(width)), draw(separator),
                      draw(number(height)), draw(separator), draw(number(maxval)),
                      draw(st.sampled_from(" \t\n\r\v\f"))])
    return Written(NetpbmFrame(kind, width, height, maxval, raster),  # type: ignore[arg-type]
                   header.encode("ascii") + raster)


def parse(chunks: list[bytes]) -> tuple[list[Event], NetpbmStreamParser]:
    parser = NetpbmStreamParser()
    events: list[Event] = []
    for chunk in chunks:
        events += parser.feed(chunk)
    return events, parser


@given(data=st.data())
def test_frames_come_back_exactly_in_any_chunks(data: st.DataObject) -> None:
    written = data.draw(st.lists(frames(), min_size=1, max_size=4), label="frames")
    stream = b"".join(w.data for w in written)
    events, parser = parse(data.draw(chunks_of(stream), label="chunks"))
    assert events == [w.frame for w in written]
    assert parser.pending == 0
    assert parser.describe_leftover() is None
    assert parser.skipped_since_frame == 0


@given(written=frames())
def test_a_frame_becomes_a_grey_image_of_its_size(written: Written) -> None:
    image = written.frame.grey()
    assert (image.mode, image.size) == ("L", (written.frame.width, written.frame.height))
    if written.frame.maxval in (255, 65535) and written.frame.kind == "P5":
        step = 1 if written.frame.maxval == 255 else 2
        assert image.tobytes() == written.frame.raster[::step]


streams = damaged_or_random(frames(max_side=4).map(lambda w: w.data), max_random=80)


def outline(events: list[Event]) -> list[NetpbmFrame | str]:
    return [event if isinstance(event, NetpbmFrame) else "fault" for event in events]


@given(data=st.data())
def test_any_bytes_give_frames_and_faults_alike_in_any_chunks(data: st.DataObject) -> None:
    stream = data.draw(streams, label="stream")
    whole, parser = parse([stream])
    chunked, _ = parse(data.draw(chunks_of(stream), label="chunks"))
    # A fault's words quote what had arrived; which frames come and where faults fall may
    # not depend on how the pipe cut the stream.
    assert outline(chunked) == outline(whole)

    for event in whole:
        if isinstance(event, StreamFault):
            assert event.problem
            continue
        assert 1 <= event.width <= MAX_SIDE
        assert 1 <= event.height <= MAX_SIDE
        assert 1 <= event.maxval <= 65535
        samples = event.width * event.height * CHANNELS[event.kind]
        assert len(event.raster) == samples * (1 if event.maxval < 256 else 2)
        assert event.raster in stream
        assert event.grey().size == (event.width, event.height)
    leftover = parser.describe_leftover()
    assert (leftover is None) == (parser.pending == 0)


@given(garbage=st.binary(min_size=1, max_size=200).map(lambda noise: noise.replace(b"P", b"")),
       written=frames())
def test_a_frame_after_garbage_is_found(garbage: bytes, written: Written) -> None:
    events, parser = parse([garbage, written.data])
    assert events[-1] == written.frame
    faults = [event for event in events if isinstance(event, StreamFault)]
    # Garbage costs one fault at most, however long it is.
    assert len(faults) <= 1
    assert len(events) <= 2
    assert parser.pending == 0
