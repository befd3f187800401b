"""GA 467 ID-card reader frames, the card's text block, and resident ID numbers.

Frames round-trip through the stream parser in any chunking; any bytes give checked frames
or a FrameError whose message shows headers only; SamLine ends an exchange in a reply,
DeviceTimeout or FrameError; text blocks decode to what make_card wrote, and anything
else raises CardTextError or UnsupportedCardType; an accepted ID number is 17 ASCII digits
and a check character.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from unittest import mock

from hypothesis import example, given
from hypothesis import strategies as st

import devices.idcard.line as line_module
from devices.errors import DeviceTimeout
from devices.idcard.card_text import (
    CardTextError,
    UnsupportedCardType,
    decode_text,
    format_sam_id,
    split_read_reply,
)
from devices.idcard.line import SamLine
from devices.idcard.protocol import (
    COMMANDS,
    FIND_CARD,
    MAX_LEN,
    PREAMBLE,
    READ_TEXT_PHOTO,
    SELECT_CARD,
    FrameError,
    FrameParser,
    Reply,
    ReplyParser,
    checksum,
    encode_reply,
    encode_request,
    request_parser,
)
from devices.idcard.sam_status import SamError, status_error
from devices.idcard.simulator import id_number_for, make_card
from kiosk.services.identity import IdentityError, identity_from_id_card
from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number
from tests.fixtures.clock import FakeClock
from tests.fixtures.scripted_serial import ScriptedLine
from tests.properties.strategies import (
    any_text,
    chunks_of,
    damaged_or_random,
    mutated,
    outcome,
)

MAX_OUTCOMES = 10_000

replies = st.builds(lambda sw3, data, sw1, sw2: encode_reply(sw3, data, sw1=sw1, sw2=sw2),
                    st.integers(0, 255), st.binary(max_size=300), st.integers(0, 255),
                    st.integers(0, 255))
requests = st.builds(encode_request, st.sampled_from(list(COMMANDS.values())),
                     st.binary(max_size=16))
preamble_free_noise = st.binary(max_size=20).map(lambda noise: noise.replace(b"\xaa", b""))


def drain(parser: FrameParser) -> list[bytes | FrameError]:
    outcomes: list[bytes | FrameError] = []
    for _ in range(MAX_OUTCOMES):
        try:
            frame = parser.next_frame()
        except FrameError as error:
            outcomes.append(error)
            continue
        if frame is None:
            return outcomes
        outcomes.append(frame)
    raise AssertionError("the parser kept producing outcomes: it is looping")


@given(data=st.data())
def test_replies_and_requests_decode_as_encoded_in_any_chunks(data: st.DataObject) -> None:
    is_request = data.draw(st.booleans(), label="request")
    frame = data.draw(requests if is_request else replies, label="frame")
    noise = data.draw(preamble_free_noise, label="noise before")
    parser = request_parser() if is_request else ReplyParser()
    outcomes: list[bytes | FrameError] = []
    for chunk in data.draw(chunks_of(noise + frame), label="chunks"):
        parser.feed(chunk)
        assert parser.wanted >= 1
        outcomes += drain(parser)
    parser.finish()
    assert outcomes == [frame]
    if not is_request:
        reply = Reply(frame)
        assert (reply.sw1, reply.sw2, reply.sw3) == (frame[7], frame[8], frame[9])
        assert encode_reply(reply.sw3, reply.data, sw1=reply.sw1, sw2=reply.sw2) == frame


@given(data=st.data())
def test_any_bytes_give_checked_frames_or_frame_errors(data: st.DataObject) -> None:
    stream = data.draw(damaged_or_random(st.one_of(replies, requests)), label="stream")
    is_request = data.draw(st.booleans(), label="request parser")
    parser = request_parser() if is_request else ReplyParser()
    shortest = 3 if is_request else 4     # CMD PARA CHK, or SW1 SW2 SW3 CHK
    outcomes: list[bytes | FrameError] = []
    for chunk in data.draw(chunks_of(stream), label="chunks"):
        parser.feed(chunk)
        assert parser.wanted >= 1
        outcomes += drain(parser)
    with contextlib.suppress(FrameError):
        parser.finish()
    assert not parser.started
    assert parser.wanted == 7
    for frame in outcomes:
        if isinstance(frame, FrameError):
            continue
        assert frame.startswith(PREAMBLE)
        assert frame in stream
        assert shortest <= int.from_bytes(frame[5:7], "big") <= MAX_LEN
        assert frame[-1] == checksum(frame[:-1])


def read_reply(card_text: bytes, photo: bytes) -> bytes:
    return encode_reply(0x90, bytes.fromhex("0100 0400") + card_text + photo)


def hex_runs(data: bytes, size: int = 4) -> set[str]:
    runs = {data[at:at + size].hex(" ") for at in range(len(data) - size + 1)}
    return runs | {run.upper() for run in runs}


@given(name=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2,
                    max_size=15),
       damage=st.sampled_from(("flip", "truncate")), at=st.integers(10, 1294),
       chunks=st.integers(1, 5))
def test_a_damaged_read_reply_is_reported_without_the_residents_data(
        name: str, damage: str, at: int, chunks: int) -> None:
    card = make_card(name=name)
    frame = read_reply(card.text, card.photo)
    damaged = (frame[:at] + bytes([frame[at] ^ 0x41]) + frame[at + 1:] if damage == "flip"
               else frame[:at])
    parser = ReplyParser()
    size = -(-len(damaged) // chunks)
    errors: list[FrameError] = []
    for start in range(0, len(damaged), size):
        parser.feed(damaged[start:start + size])
        errors += [o for o in drain(parser) if isinstance(o, FrameError)]
    try:
        parser.finish()
    except FrameError as error:
        errors.append(error)
    assert len(errors) == 1
    personal = hex_runs(frame[10:-1]) - hex_runs(frame[:10])
    assert not [run for run in personal if run in str(errors[0])]


# --- SamLine on a line that plays back bytes, with a clock that moves only when read ---

@given(data=st.data())
def test_a_line_exchange_ends_in_a_reply_or_a_device_error(data: st.DataObject) -> None:
    valid = data.draw(replies, label="valid reply")
    stream = data.draw(st.one_of(st.just(valid), damaged_or_random(replies)), label="stream")
    clock = FakeClock(50.0)
    line = SamLine(ScriptedLine(data.draw(chunks_of(stream), label="chunks"),  # type: ignore[arg-type]
                                clock=clock, device="id_card"),
                   frame_gap_s=0.05)
    command = data.draw(st.sampled_from(list(COMMANDS.values())), label="command")
    with mock.patch.object(line_module, "time", clock):
        answer, error = outcome(lambda: line.transact(command, timeout_s=0.5),
                                DeviceTimeout, FrameError)
    if error is not None:
        # A "card found" answer (SW3 9F) to anything but find card is a late answer to the
        # find before it: passed over, so this exchange has no answer of its own.
        assert stream != valid or (command is not FIND_CARD and valid[9] == FIND_CARD.ok)
        assert command.what in str(error)
        return
    assert answer is not None
    reply, _ = answer
    assert reply.frame in stream
    assert reply.frame[-1] == checksum(reply.frame[:-1])


def test_a_late_find_answer_is_not_taken_for_the_select_answer() -> None:
    """On a busy host the SAM's answer to find card can come after its timeout, after the
    line was cleared for the next request: select card must wait for its own answer."""
    late_find, selected = encode_reply(FIND_CARD.ok, bytes(4)), encode_reply(0x90)
    clock = FakeClock(50.0)
    line = SamLine(ScriptedLine([late_find, selected], clock=clock,  # type: ignore[arg-type]
                                device="id_card"), frame_gap_s=0.05)
    with mock.patch.object(line_module, "time", clock):
        reply, _ = line.transact(SELECT_CARD, timeout_s=0.5)
    assert (reply.frame, reply.sw3) == (selected, 0x90)


# --- the card's text block ------------------------------------------------------------

def ucs2_text(max_size: int) -> st.SearchStrategy[str]:
    """What a card field holds: UCS-2 text, not padded with spaces or NULs at its ends."""
    return st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)),
                   max_size=max_size).map(lambda text: text.strip(" \x00"))


card_dates = st.dates(date(1900, 1, 1), date(2099, 12, 31))


@st.composite
def cards(draw: st.DrawFn) -> dict[str, object]:
    card_type = draw(st.sampled_from(("resident", "hk_mo_tw")))
    sex = draw(st.sampled_from("12"))
    birth = draw(card_dates)
    fields: dict[str, object] = {
        "name": draw(ucs2_text(15)), "sex": sex, "birth": birth, "card_type": card_type,
        "nation": draw(st.from_regex(r"[0-9]{2}", fullmatch=True)),
        "address": draw(ucs2_text(35)), "authority": draw(ucs2_text(15)),
        "valid_from": draw(card_dates), "valid_to": draw(st.none() | card_dates),
        "id_number": id_number_for(draw(st.sampled_from(("110101", "610303", "810000"))),
                                   birth, draw(st.from_regex(r"[0-9]{3}", fullmatch=True))),
    }
    if card_type == "hk_mo_tw":
        fields["pass_number"] = draw(st.from_regex(r"[HM][0-9]{8}", fullmatch=True))
    return fields


@given(fields=cards())
def test_a_card_text_block_decodes_to_what_was_written(fields: dict[str, object]) -> None:
    text = decode_text(make_card(**fields).text)  # type: ignore[arg-type]
    expected = dict(fields)
    if expected["card_type"] == "hk_mo_tw":
        expected["nation"] = ""
    assert (text.card_type, text.name, text.sex, text.nation_code, text.birth, text.address,
            text.authority, text.valid_from, text.valid_to, text.id_number) == tuple(
        expected[key] for key in ("card_type", "name", "sex", "nation", "birth", "address",
                                  "authority", "valid_from", "valid_to", "id_number"))
    assert text.pass_number == expected.get("pass_number", "")


text_blocks = st.one_of(
    mutated(cards().map(lambda fields: make_card(**fields).text)),  # type: ignore[arg-type]
    st.binary(min_size=256, max_size=256), st.binary(max_size=300))


@given(block=text_blocks)
def test_any_text_block_decodes_or_raises_a_card_error(block: bytes) -> None:
    try:
        text = decode_text(block)
    except (CardTextError, UnsupportedCardType):
        return
    assert len(block) == 256
    assert text.sex in ("1", "2")
    assert text.card_type != "foreign"
    with contextlib.suppress(IdentityError):
        identity_from_id_card(text, today=date(2026, 11, 23))


@given(frame=damaged_or_random(st.builds(read_reply, st.binary(min_size=256, max_size=256),
                                         st.binary(min_size=1024, max_size=1024))))
def test_read_and_sam_id_replies_split_or_raise_a_card_error(frame: bytes) -> None:
    if len(frame) < 11:
        frame = encode_reply(0x90, frame)
    reply = Reply(frame)
    try:
        text, photo = split_read_reply(reply)
    except CardTextError:
        pass
    else:
        assert (len(text), len(photo)) == (256, 1024)
        assert read_reply(text, photo)[10:-1] == frame[10:-1]
    try:
        sam_id = format_sam_id(reply.data)
    except CardTextError:
        assert len(reply.data) < 16
    else:
        assert re.fullmatch(r"\d{2,3}\.\d{2,3}-\d+-\d{9,}-\d{9,}", sam_id)


@given(sw3=st.integers(0, 255), where=any_text)
def test_every_failure_status_has_a_named_error(sw3: int, where: str) -> None:
    error = status_error(READ_TEXT_PHOTO, sw3, where)
    assert isinstance(error, SamError)
    assert error.code in ("no_card", "select_failed", "read_failed", "unknown_card", "sam_fault")
    assert f"SW3 {sw3:02X}" in str(error)


# --- resident ID numbers (kiosk/services/identity_numbers.py) --------------------------

ASCII_NUMBER = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
TODAY = date(2026, 11, 23)
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# What an input method types is normalised: full-width digits and Ｘ become ASCII.
TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
SAMPLE_NUMBER = id_number_for("110101", date(1985, 6, 15), "123")


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(("110101", "610303", "440305", "810000", "830000")))
    birth = draw(st.dates(date(1900, 1, 1), TODAY))
    return id_number_for(region, birth, draw(st.from_regex(r"[0-9]{3}", fullmatch=True)))


def retyped(number: str) -> st.SearchStrategy[str]:
    """The same number as a keyboard or a card might give it: X in lower case, spaces
    around, full-width digits (an input method), or digits of another script."""
    return st.sampled_from((number, number.lower(), f" {number}\t", number.translate(FULLWIDTH),
                            number[:6] + number[6:17].translate(FULLWIDTH) + number[17:],
                            number[:6] + number[6:17].translate(ARABIC_INDIC) + number[17:]))


@given(number=valid_numbers())
def test_a_valid_number_validates_to_itself(number: str) -> None:
    assert validate_id_number(f" {number.lower()} ", TODAY) == number


# Birth date and sequence in Arabic-Indic or full-width digits: a pattern's \d and int() both
# take them, so the check character still matches unless the digits are refused (the
# Arabic-Indic ones) or made ASCII (the full-width ones).
@example(text=SAMPLE_NUMBER[:6] + SAMPLE_NUMBER[6:17].translate(ARABIC_INDIC) + SAMPLE_NUMBER[17])
@example(text=SAMPLE_NUMBER[:6] + SAMPLE_NUMBER[6:17].translate(FULLWIDTH) + SAMPLE_NUMBER[17])
@given(text=st.one_of(valid_numbers().flatmap(retyped), any_text,
                      valid_numbers().map(str.encode).flatmap(
                          lambda raw: mutated(st.just(raw))).map(
                          lambda raw: raw.decode("utf-8", "replace"))))
def test_an_accepted_number_is_ascii_digits_with_its_check_character(text: str) -> None:
    try:
        number = validate_id_number(text, TODAY)
    except InvalidIdNumber:
        return
    assert ASCII_NUMBER.fullmatch(number), f"accepted {number!r}"
    assert number == text.strip().translate(TO_ASCII).upper()
