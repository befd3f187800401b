"""The GA 467 codec, byte for byte against the literal frames in the reference."""

from __future__ import annotations

from datetime import date

import pytest

from devices.errors import DeviceError, ProtocolError
from devices.idcard import protocol as p
from devices.idcard.card_text import (
    CardTextError,
    UnsupportedCardType,
    card_type_of,
    decode_text,
    format_sam_id,
    split_read_reply,
)
from devices.idcard.nations import nation_name
from devices.idcard.protocol import (
    FIND_CARD,
    READ_TEXT_PHOTO,
    SELECT_CARD,
    BadChecksum,
    BadLength,
    ReplyParser,
    TruncatedFrame,
    encode_frame,
    encode_reply,
)
from devices.idcard.sam_status import (
    CardReadError,
    NoCard,
    SamFault,
    SelectFailed,
    UnknownCardType,
    status_error,
    sw3_info,
)
from devices.idcard.sample_cards import SAMPLE_CARDS, make_card
from devices.idcard.simulator import SAM_ID_DATA
from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number

PRE = "AA AA AA 96 69 "


def frame(text: str) -> bytes:
    return bytes.fromhex(PRE + text)


@pytest.mark.parametrize(("command", "tail"), [
    (p.RESET, "00 03 10 FF EC"),
    (p.SAM_STATUS, "00 03 11 FF ED"),
    (p.SAM_ID, "00 03 12 FF EE"),
    (p.FIND_CARD, "00 03 20 01 22"),
    (p.SELECT_CARD, "00 03 20 02 21"),
    (p.READ_TEXT_PHOTO, "00 03 30 01 32"),
    (p.READ_NEW_ADDRESS, "00 03 30 03 30"),
    (p.READ_WITH_FINGERPRINT, "00 03 30 10 23"),
])
def test_command_frames_are_byte_exact(command, tail):
    assert p.encode_request(command) == frame(tail)
    assert command.frame == frame(tail)


def test_a_command_with_data_counts_it_in_len_and_chk():
    # Max RF frame bytes: 61 FF with one data byte.
    assert encode_frame(bytes.fromhex("61 FF 50")) == frame("00 04 61 FF 50 CA")


@pytest.mark.parametrize(("sw3", "data", "tail"), [
    (0x9F, bytes(4), "00 08 00 00 9F 00 00 00 00 97"),         # find OK
    (0x80, b"", "00 04 00 00 80 84"),                           # find failed: no card
    (0x90, bytes(8), "00 0C 00 00 90" + " 00" * 8 + " 9C"),     # select OK
    (0x81, b"", "00 04 00 00 81 85"),                           # select failed
    (0x41, b"", "00 04 00 00 41 45"),                           # read failed
])
def test_literal_replies_encode_and_parse(sw3, data, tail):
    literal = frame(tail)
    assert encode_reply(sw3, data) == literal
    parser = ReplyParser()
    parser.feed(literal)
    reply = parser.next_reply()
    assert reply is not None
    assert (reply.sw1, reply.sw2, reply.sw3, reply.data) == (0, 0, sw3, data)
    assert parser.next_reply() is None


def test_error_frames_are_eleven_bytes():
    assert len(encode_reply(0x80)) == 11


def test_parser_resyncs_after_noise_and_across_chunks():
    parser = ReplyParser()
    find_ok = frame("00 08 00 00 9F 00 00 00 00 97")
    select_fail = frame("00 04 00 00 81 85")
    stream = b"\x00\xffAA\xaa\xaa" + find_ok + b"\x13\x37" + select_fail
    replies = []
    for index in range(0, len(stream), 3):     # three bytes at a time
        parser.feed(stream[index:index + 3])
        while (reply := parser.next_reply()) is not None:
            replies.append(reply.sw3)
    assert replies == [0x9F, 0x81]
    assert parser.skipped == 8


def test_partial_preamble_at_a_chunk_end_is_kept():
    parser = ReplyParser()
    reply = frame("00 04 00 00 80 84")
    parser.feed(b"\x01\x02" + reply[:4])
    assert parser.next_reply() is None
    parser.feed(reply[4:])
    assert parser.next_reply().sw3 == 0x80


def test_wanted_asks_for_exactly_what_is_missing():
    parser = ReplyParser()
    assert parser.wanted == 7
    reply = encode_reply(0x90, bytes(1284))
    parser.feed(reply[:7])
    assert parser.next_reply() is None
    assert parser.wanted == 1288
    parser.feed(reply[7:100])
    assert parser.wanted == 1195


def test_bad_checksum_names_both_and_shows_the_header_only():
    reply = bytearray(encode_reply(0x90, bytes.fromhex("0100 0400") + SAMPLE_CARDS[
        "zhang_san"].text + SAMPLE_CARDS["zhang_san"].photo))
    reply[-1] ^= 0xFF
    parser = ReplyParser()
    parser.feed(bytes(reply))
    with pytest.raises(BadChecksum) as caught:
        parser.next_reply()
    message = str(caught.value)
    assert f"checksum {reply[-1]:02X}, should be {reply[-1] ^ 0xFF:02X}" in message
    assert "AA AA AA 96 69 05 08 00 00 90" in message
    assert "1295 in all, data not shown" in message
    assert "20 5f" not in message.lower()             # 张 in UCS-2 LE
    assert caught.value.code == "checksum"
    # The damaged frame is consumed: the next one parses.
    parser.feed(frame("00 04 00 00 80 84"))
    assert parser.next_reply().sw3 == 0x80


def test_impossible_len_is_rejected():
    parser = ReplyParser()
    parser.feed(frame("FF FF 00 00 90"))
    with pytest.raises(BadLength, match="impossible LEN 65535"):
        parser.next_reply()
    parser = ReplyParser()
    parser.feed(frame("00 02 00 00"))
    with pytest.raises(BadLength, match="impossible LEN 2"):
        parser.next_reply()


def test_truncated_frame_on_finish():
    parser = ReplyParser()
    parser.feed(encode_reply(0x90, bytes(1284))[:600])
    assert parser.next_reply() is None
    assert parser.started
    with pytest.raises(TruncatedFrame, match="600 of 1295 bytes arrived") as caught:
        parser.finish()
    assert caught.value.code == "truncated"
    parser.feed(b"\x00\x01")
    parser.finish()                  # noise alone is not a frame


@pytest.mark.parametrize(("sw3", "cls", "code"), [
    (0x80, NoCard, "no_card"),
    (0x81, SelectFailed, "select_failed"),
    (0x41, CardReadError, "read_failed"),
    (0x31, CardReadError, "read_failed"),
    (0x32, CardReadError, "read_failed"),
    (0x33, CardReadError, "read_failed"),
    (0x47, CardReadError, "read_failed"),
    (0x91, CardReadError, "read_failed"),
    (0x40, UnknownCardType, "unknown_card"),
    (0x10, SamFault, "sam_fault"),
    (0x11, SamFault, "sam_fault"),
    (0x21, SamFault, "sam_fault"),
    (0x23, SamFault, "sam_fault"),
    (0x24, SamFault, "sam_fault"),
    (0x60, SamFault, "sam_fault"),
    (0x66, SamFault, "sam_fault"),
    (0xFF, SamFault, "sam_fault"),
    (0x77, SamFault, "sam_fault"),                  # undocumented
])
def test_sw3_codes_map_to_named_errors(sw3, cls, code):
    error = status_error(READ_TEXT_PHOTO, sw3, "on /dev/ttyUSB0")
    assert type(error) is cls
    assert isinstance(error, DeviceError)
    assert (error.code, error.sw3) == (code, sw3)
    assert f"(SW3 {sw3:02X})" in str(error)
    assert "ID-card reader on /dev/ttyUSB0: read text and photo (30 01)" in str(error)


def test_sw3_messages_say_what_to_do():
    assert "hold it still" in str(status_error(SELECT_CARD, 0x81))
    assert "power-cycle" in str(status_error(FIND_CARD, 0x60))
    assert str(sw3_info(0x9F).meaning) == "a card was found"


def test_sam_id_is_formatted_as_the_vendor_tools_do():
    assert format_sam_id(SAM_ID_DATA) == "05.01-20260101-001234567-007654321"
    with pytest.raises(CardTextError):
        format_sam_id(bytes(8))


def test_read_reply_splits_into_text_and_photo():
    card = SAMPLE_CARDS["zhang_san"]
    reply = ReplyParser()
    reply.feed(encode_reply(0x90, bytes.fromhex("0100 0400") + card.text + card.photo))
    parsed = reply.next_reply()
    assert len(parsed.frame) == p.READ_REPLY_LENGTH
    assert split_read_reply(parsed) == (card.text, card.photo)
    assert "1295 bytes" in repr(parsed)
    assert card.text.hex() not in repr(parsed)


def test_read_reply_with_other_lengths_is_refused():
    card = SAMPLE_CARDS["zhang_san"]
    parser = ReplyParser()
    parser.feed(encode_reply(0x90, bytes.fromhex("0100 0300") + card.text + card.photo))
    with pytest.raises(CardTextError, match="photo 768 bytes"):
        split_read_reply(parser.next_reply())


# The text block.

def test_resident_card_decodes():
    text = decode_text(SAMPLE_CARDS["zhang_san"].text)
    assert text.card_type == "resident"
    assert text.name == "张三"
    assert (text.sex, text.nation_code) == ("1", "01")
    assert text.birth == date(1985, 6, 15)
    assert text.address == "示例省示例市示例区示例路1号"
    assert text.id_number == "110101198506151230"
    assert text.authority == "示例市公安局示例分局"
    assert (text.valid_from, text.valid_to) == (date(2020, 1, 1), date(2040, 1, 1))
    assert text.pass_number == ""
    assert nation_name(text.nation_code) == "汉"


def test_valid_for_life_is_none():
    text = decode_text(SAMPLE_CARDS["li_si"].text)
    assert text.valid_to is None
    assert (text.name, text.sex, text.nation_code) == ("李四", "2", "03")
    assert nation_name("03") == "回"


def test_hk_macao_taiwan_residence_permit():
    text = decode_text(SAMPLE_CARDS["chen_hk"].text)
    assert text.card_type == "hk_mo_tw"
    assert text.nation_code == ""
    assert text.pass_number == "H87654321"
    assert text.id_number.startswith("810000")
    assert text.name == "陈大文"


def test_foreign_permanent_residence_card_is_refused_not_misread():
    with pytest.raises(UnsupportedCardType, match="外国人永久居留证") as caught:
        decode_text(SAMPLE_CARDS["foreign"].text)
    assert caught.value.code == "unknown_card"


def test_card_type_byte_is_at_248():
    block = bytearray(SAMPLE_CARDS["zhang_san"].text)
    block[248:250] = "J".encode("utf-16-le")
    assert card_type_of(bytes(block)) == "hk_mo_tw"


def test_damaged_text_names_the_field_not_its_value():
    block = bytearray(SAMPLE_CARDS["zhang_san"].text)
    block[36:52] = "19851315".encode("utf-16-le")         # month 13
    with pytest.raises(CardTextError, match="birth date is not a YYYYMMDD date") as caught:
        decode_text(bytes(block))
    assert "1985" not in str(caught.value)
    assert isinstance(caught.value, ProtocolError)
    with pytest.raises(CardTextError, match="256"):
        decode_text(bytes(10))


def test_reprs_never_show_name_address_or_id_number():
    text = decode_text(SAMPLE_CARDS["zhang_san"].text)
    shown = repr(text)
    assert "张三" not in shown
    assert "110101198506151230" not in shown
    assert "示例路" not in shown
    assert repr(SAMPLE_CARDS["zhang_san"]).startswith("SimCard(kind='resident'")


def test_sample_numbers_are_valid_gb11643_except_the_bad_one():
    for key in ("zhang_san", "li_si", "chen_hk"):
        number = decode_text(SAMPLE_CARDS[key].text).id_number
        assert validate_id_number(number, today=date(2026, 1, 1)) == number
    bad = decode_text(SAMPLE_CARDS["bad_check_digit"].text).id_number
    with pytest.raises(InvalidIdNumber, match="check digit"):
        validate_id_number(bad, today=date(2026, 1, 1))


def test_make_card_refuses_what_does_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        make_card(name="张" * 16)
    with pytest.raises(ValueError, match="sex"):
        make_card(sex="M")
