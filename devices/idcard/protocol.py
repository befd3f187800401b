"""The GA 467 "SAM_V" serial protocol of second-generation ID-card readers, byte for byte as in
shared/reference/devices.md section 1.

Frame, both ways::

    AA AA AA 96 69 | LEN_H LEN_L | CMD PARA      | DATA... | CHK    (host to SAM)
    AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3   | DATA... | CHK    (SAM to host)

LEN is big-endian and counts the bytes after it, CHK included; CHK is the XOR of every byte
from LEN_H to the one before CHK. The status is SW3 (0x90 success, 0x9F card found).

The reply to "read text and photo" (30 01) carries a resident's name, ID number and photo.
Nothing in this module ever puts the data of a reply into an exception or a log line: errors
show a frame's header (preamble, LEN, SW1-SW3) and its length, never its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from devices.errors import DeviceError, ProtocolError
from devices.idcard.port import CardType, IdCardText

PREAMBLE = bytes.fromhex("AA AA AA 96 69")
HEADER_LENGTH = 7            # preamble and LEN: enough to know how long the frame is
REPLY_HEADER_LENGTH = 10     # preamble, LEN, SW1 SW2 SW3: what logs and errors may show
MIN_LEN = 4                  # SW1 SW2 SW3 CHK
# The longest known reply is 30 10 (text, photo and fingerprint), 2321 bytes: LEN 0x090A.
MAX_LEN = 0x0A00

TEXT_LENGTH = 256
PHOTO_LENGTH = 1024
READ_REPLY_LENGTH = 1295     # 30 01: header 10, lengths 4, text 256, photo 1024, CHK 1
SAM_ID_LENGTH = 16
# Frames up to this long are find, select, SAM id and error replies: no personal data.
SHORT_FRAME = 32


@dataclass(frozen=True)
class Command:
    """One host request. ``ok`` is the SW3 that means success; ``personal`` replies carry a
    resident's data and are never logged or shown beyond their header."""

    code: int
    para: int
    what: str
    ok: int = 0x90
    personal: bool = False

    @property
    def frame(self) -> bytes:
        return encode_request(self)


RESET = Command(0x10, 0xFF, "reset SAM (10 FF)")
SAM_STATUS = Command(0x11, 0xFF, "SAM status (11 FF)")
SAM_ID = Command(0x12, 0xFF, "read SAM id (12 FF)")
FIND_CARD = Command(0x20, 0x01, "find card (20 01)", ok=0x9F)
SELECT_CARD = Command(0x20, 0x02, "select card (20 02)")
READ_TEXT_PHOTO = Command(0x30, 0x01, "read text and photo (30 01)", personal=True)
READ_NEW_ADDRESS = Command(0x30, 0x03, "read appended address (30 03)", personal=True)
READ_WITH_FINGERPRINT = Command(0x30, 0x10, "read text, photo and fingerprint (30 10)",
                                personal=True)

COMMANDS = {(c.code, c.para): c for c in (RESET, SAM_STATUS, SAM_ID, FIND_CARD, SELECT_CARD,
                                          READ_TEXT_PHOTO, READ_NEW_ADDRESS,
                                          READ_WITH_FINGERPRINT)}


# Encoding.

def checksum(frame_without_chk: bytes) -> int:
    """XOR of frame[5:]: LEN and everything after it (the preamble is left out)."""
    value = 0
    for byte in frame_without_chk[len(PREAMBLE):]:
        value ^= byte
    return value


def encode_frame(body: bytes) -> bytes:
    """Preamble, LEN (body plus CHK), body, CHK."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise ValueError(f"a GA 467 frame body holds at most 65534 bytes, not {len(body)}")
    head = PREAMBLE + length.to_bytes(2, "big") + body
    return head + bytes([checksum(head)])


def encode_request(command: Command, data: bytes = b"") -> bytes:
    return encode_frame(bytes([command.code, command.para]) + data)


def encode_reply(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    """A SAM reply (the simulator's side)."""
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


# Status words (SW3).

@dataclass(frozen=True)
class Sw3:
    value: int
    name: str
    meaning: str
    code: str          # the ReadFailed code the reader reports it as ("" for success)
    advice: str = ""


_SW3_TABLE = (
    Sw3(0x90, "ok", "success", ""),
    Sw3(0x9F, "card_found", "a card was found", ""),
    Sw3(0x91, "item_absent", "the card does not hold that item", "read_failed",
        "place the card again"),
    Sw3(0x10, "sam_checksum", "the SAM received a frame with a bad checksum", "sam_fault",
        "check the cable for noise"),
    Sw3(0x11, "sam_length", "the SAM received a frame with a bad length", "sam_fault",
        "check the cable for noise and the baud rate"),
    Sw3(0x21, "sam_command", "the SAM did not understand the command", "sam_fault",
        "the reader may not speak GA 467 SAM_V"),
    Sw3(0x23, "unauthorised", "the SAM refused an unauthorised operation", "sam_fault"),
    Sw3(0x24, "sam_unknown", "the SAM reported an unknown error", "sam_fault",
        "power-cycle the reader"),
    Sw3(0x31, "card_auth", "the card failed to authenticate to the SAM", "read_failed",
        "place the card again and hold it still; a card that keeps failing may be damaged"),
    Sw3(0x32, "sam_auth", "the SAM failed to authenticate to the card", "read_failed",
        "place the card again and hold it still"),
    Sw3(0x33, "verify", "the card's information failed verification", "read_failed",
        "place the card again; a card that keeps failing may be damaged"),
    Sw3(0x40, "unknown_card_type", "the card is of a type the SAM does not know",
        "unknown_card", "only resident ID cards and residence permits can be read"),
    Sw3(0x41, "read_failed", "reading the card failed", "read_failed",
        "place the card again and hold it still"),
    Sw3(0x47, "random", "the SAM could not get a random number from the card", "read_failed",
        "place the card again"),
    Sw3(0x60, "self_test", "the SAM failed its self-test", "sam_fault",
        "power-cycle the reader; if it persists the reader needs service"),
    Sw3(0x66, "sam_unauthorised", "the SAM is not authorised", "sam_fault",
        "the reader's security module needs service by its vendor"),
    Sw3(0x80, "no_card", "no card was found", "no_card", "place the card on the reader"),
    Sw3(0x81, "select_failed", "selecting the card failed", "select_failed",
        "place the card again and hold it still"),
    Sw3(0xFF, "comms_fault", "the reader reported a communication fault", "sam_fault",
        "power-cycle the reader"),
)
SW3: dict[int, Sw3] = {entry.value: entry for entry in _SW3_TABLE}


def sw3_info(value: int) -> Sw3:
    return SW3.get(value) or Sw3(value, "unknown_status", "an undocumented status",
                                 "sam_fault", "check that the reader speaks GA 467 SAM_V")


# Errors. Each has ``code``: the ReadFailed code the adapter reports it under.

class SamError(DeviceError):
    """The SAM answered a command with a failure status (SW3)."""

    code: ClassVar[str] = "sam_fault"

    def __init__(self, command: Command, status: Sw3, where: str = "") -> None:
        self.command = command
        self.sw3 = status.value
        self.status = status
        advice = f"; {status.advice}" if status.advice else ""
        reader = f"ID-card reader {where}" if where else "ID-card reader"
        super().__init__(f"{reader}: {command.what}: {status.meaning} "
                         f"(SW3 {status.value:02X}){advice}")


class NoCard(SamError):
    code = "no_card"


class SelectFailed(SamError):
    code = "select_failed"


class CardReadError(SamError):
    code = "read_failed"


class UnknownCardType(SamError):
    code = "unknown_card"


class SamFault(SamError):
    code = "sam_fault"


_ERROR_CLASSES: dict[str, type[SamError]] = {
    "no_card": NoCard, "select_failed": SelectFailed, "read_failed": CardReadError,
    "unknown_card": UnknownCardType, "sam_fault": SamFault,
}


def status_error(command: Command, sw3: int, where: str = "") -> SamError:
    """The named error for a failure status; ``where`` is e.g. "on /dev/ttyUSB0"."""
    status = sw3_info(sw3)
    return _ERROR_CLASSES.get(status.code, SamFault)(command, status, where)


class FrameError(ProtocolError):
    """A reply that breaks the framing: ``code`` is checksum (damaged) or truncated."""

    code: ClassVar[str] = "checksum"


class BadChecksum(FrameError):
    code = "checksum"


class BadLength(FrameError):
    code = "checksum"


class TruncatedFrame(FrameError):
    code = "truncated"


class CardTextError(ProtocolError):
    """The reply checked out but its contents are not laid out as a card's should be."""

    code: ClassVar[str] = "read_failed"


class UnsupportedCardType(DeviceError):
    """A card this software recognises but cannot decode (外国人永久居留证, 'I')."""

    code: ClassVar[str] = "unknown_card"


def describe_frame(frame: bytes) -> str:
    """A frame for a log line or an error: its header and length, never its data."""
    head = frame[:REPLY_HEADER_LENGTH].hex(" ").upper()
    rest = len(frame) - REPLY_HEADER_LENGTH
    if rest <= 0:
        return head
    return f"{head} +{rest} bytes ({len(frame)} in all, data not shown)"


# Replies.

@dataclass(frozen=True)
class Reply:
    """A checked SAM reply. Its repr never shows the data."""

    frame: bytes = field(repr=False)

    @property
    def sw1(self) -> int:
        return self.frame[7]

    @property
    def sw2(self) -> int:
        return self.frame[8]

    @property
    def sw3(self) -> int:
        return self.frame[9]

    @property
    def data(self) -> bytes:
        return self.frame[REPLY_HEADER_LENGTH:-1]

    def __repr__(self) -> str:
        return f"Reply(sw3=0x{self.sw3:02X}, {len(self.frame)} bytes)"


class FrameParser:
    """Assembles frames from a byte stream: resynchronises on the preamble after noise,
    checks LEN and CHK. Used for replies by the reader and for requests by the simulator.

    ``next_frame`` raises BadLength or BadChecksum for a damaged frame (consumed, so the next
    call carries on after it); ``finish`` raises TruncatedFrame for a frame that started but
    will not complete. Error messages show frame headers only."""

    def __init__(self, what: str = "reply", *, min_len: int = MIN_LEN) -> None:
        self._what = what
        self._min_len = min_len
        self._buffer = bytearray()
        self.skipped = 0          # noise bytes dropped while looking for a preamble

    @property
    def started(self) -> bool:
        """A preamble has been seen and its frame is not complete yet."""
        return self._buffer.startswith(PREAMBLE)

    @property
    def wanted(self) -> int:
        """How many more bytes complete the frame under way (at least 1)."""
        buffer = self._buffer
        if len(buffer) < HEADER_LENGTH or not buffer.startswith(PREAMBLE):
            return max(1, HEADER_LENGTH - len(buffer))
        length = int.from_bytes(buffer[5:7], "big")
        return max(1, HEADER_LENGTH + length - len(buffer))

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_frame(self) -> bytes | None:
        buffer = self._buffer
        self._resync()
        if len(buffer) < HEADER_LENGTH:
            return None
        length = int.from_bytes(buffer[5:7], "big")
        if not self._min_len <= length <= MAX_LEN:
            head = bytes(buffer[:HEADER_LENGTH]).hex(" ").upper()
            del buffer[: len(PREAMBLE)]
            raise BadLength(f"{self._what} with impossible LEN {length} (0x{length:04X}; "
                            f"{self._min_len}-{MAX_LEN} allowed) in frame {head}")
        total = HEADER_LENGTH + length
        if len(buffer) < total:
            return None
        frame = bytes(buffer[:total])
        del buffer[:total]
        expected = checksum(frame[:-1])
        if frame[-1] != expected:
            raise BadChecksum(f"{self._what} with checksum {frame[-1]:02X}, should be "
                              f"{expected:02X}, in frame {describe_frame(frame)}")
        return frame

    def finish(self) -> None:
        """The line went quiet: a frame under way will not complete. Clears the buffer."""
        buffer = self._buffer
        try:
            self._resync()
            if not buffer:
                return
            if buffer.startswith(PREAMBLE) and len(buffer) >= HEADER_LENGTH:
                total = HEADER_LENGTH + int.from_bytes(buffer[5:7], "big")
                head = bytes(buffer[:REPLY_HEADER_LENGTH]).hex(" ").upper()
                raise TruncatedFrame(f"{self._what} cut short: {len(buffer)} of {total} "
                                     f"bytes arrived (frame {head} ...)")
            if buffer.startswith(PREAMBLE):
                raise TruncatedFrame(f"{self._what} cut short after {len(buffer)} bytes of "
                                     "its header")
            self.skipped += len(buffer)   # a partial preamble at the end: noise after all
        finally:
            buffer.clear()

    def _resync(self) -> None:
        buffer = self._buffer
        start = buffer.find(PREAMBLE)
        if start < 0:
            # Keep what could be the start of a preamble cut across two reads.
            keep = 0
            for size in range(min(len(PREAMBLE) - 1, len(buffer)), 0, -1):
                if buffer.endswith(PREAMBLE[:size]):
                    keep = size
                    break
            drop = len(buffer) - keep
        else:
            drop = start
        if drop:
            self.skipped += drop
            del buffer[:drop]


class ReplyParser(FrameParser):
    def __init__(self) -> None:
        super().__init__("reply", min_len=MIN_LEN)

    def next_reply(self) -> Reply | None:
        frame = self.next_frame()
        return Reply(frame) if frame is not None else None


def request_parser() -> FrameParser:
    """For the SAM's side of the line (the simulator): CMD PARA CHK at least."""
    return FrameParser("request", min_len=3)


# Decoding replies.

def format_sam_id(data: bytes) -> str:
    """The SAM id from the 16 data bytes of a 12 FF reply, as the vendor tools print it:
    ``frame[10] "." frame[12] "-" u32LE@14 "-" u32LE@18 "-" u32LE@22``, the last two padded
    to 9 digits as HslCommunication does (YinanSoft pads to 10)."""
    if len(data) < SAM_ID_LENGTH:
        raise CardTextError(f"a SAM id has {SAM_ID_LENGTH} bytes, this reply {len(data)}")

    def u32(offset: int) -> int:
        return int.from_bytes(data[offset:offset + 4], "little")

    return f"{data[0]:02d}.{data[2]:02d}-{u32(4)}-{u32(8):09d}-{u32(12):09d}"


# The 256-byte text block (UCS-2 LE, space padded): (offset, length) of each field.
NAME = (0, 30)
SEX = (30, 2)
NATION = (32, 4)
BIRTH = (36, 16)
ADDRESS = (52, 70)
ID_NUMBER = (122, 36)
AUTHORITY = (158, 30)
VALID_FROM = (188, 16)
VALID_TO = (204, 16)
PASS_NUMBER = (220, 18)      # 'J' cards
ISSUE_COUNT = (240, 4)       # 'J' cards (reference: 4 bytes at 240)
CARD_TYPE = (248, 2)
FOR_LIFE = "长期"

_CARD_TYPES: dict[str, CardType] = {"J": "hk_mo_tw", "I": "foreign"}


def card_type_of(text: bytes) -> CardType:
    """text[248]: 'J' 港澳台居民居住证, 'I' 外国人永久居留证, anything else a resident card."""
    return _CARD_TYPES.get(_field(text, CARD_TYPE), "resident")


def decode_text(text: bytes) -> IdCardText:
    """The card's text block as the card states it. Raises UnsupportedCardType for an 'I'
    card (its layout is not researched: better no answer than a wrong one) and CardTextError
    for a block that is not laid out as expected. Messages name the field, never its value."""
    if len(text) != TEXT_LENGTH:
        raise CardTextError(f"the text block has {len(text)} bytes, not {TEXT_LENGTH}")
    card_type = card_type_of(text)
    if card_type == "foreign":
        raise UnsupportedCardType(
            "ID-card reader: this is a foreign permanent resident ID card (外国人永久居留证, "
            "type 'I'); its layout is not supported, so it was not decoded")
    sex = _field(text, SEX)
    if sex not in ("1", "2"):
        raise CardTextError("the card's sex field is neither 1 nor 2")
    nation = _field(text, NATION) if card_type == "resident" else ""
    if card_type == "resident" and not (len(nation) == 2 and nation.isascii()
                                        and nation.isdigit()):
        raise CardTextError("the card's nation field is not a two-digit code")
    valid_to_text = _field(text, VALID_TO)
    return IdCardText(
        card_type=card_type,
        name=_field(text, NAME),
        sex=sex,
        nation_code=nation,
        birth=_date(text, BIRTH, "birth date"),
        address=_field(text, ADDRESS),
        id_number=_field(text, ID_NUMBER),
        authority=_field(text, AUTHORITY),
        valid_from=_date(text, VALID_FROM, "valid-from date"),
        valid_to=None if valid_to_text == FOR_LIFE else _date(text, VALID_TO, "valid-to date"),
        pass_number=_field(text, PASS_NUMBER) if card_type == "hk_mo_tw" else "",
    )


def split_read_reply(reply: Reply) -> tuple[bytes, bytes]:
    """(text, photo) from a 30 01 reply: lengths 01 00 and 04 00 (big-endian), text at 14,
    photo at 270."""
    frame = reply.frame
    if len(frame) != READ_REPLY_LENGTH:
        raise CardTextError(f"the read reply has {len(frame)} bytes, not {READ_REPLY_LENGTH}")
    text_length = int.from_bytes(frame[10:12], "big")
    photo_length = int.from_bytes(frame[12:14], "big")
    if (text_length, photo_length) != (TEXT_LENGTH, PHOTO_LENGTH):
        raise CardTextError(f"the read reply announces text {text_length} and photo "
                            f"{photo_length} bytes, not {TEXT_LENGTH} and {PHOTO_LENGTH}")
    text_end = 14 + TEXT_LENGTH
    return frame[14:text_end], frame[text_end:text_end + PHOTO_LENGTH]


def _field(text: bytes, where: tuple[int, int]) -> str:
    offset, length = where
    try:
        value = text[offset:offset + length].decode("utf-16-le")
    except UnicodeDecodeError:
        raise CardTextError(f"the text at offset {offset} is not UCS-2") from None
    return value.strip(" \x00")


def _date(text: bytes, where: tuple[int, int], what: str) -> date:
    value = _field(text, where)
    try:
        if len(value) != 8 or not (value.isascii() and value.isdigit()):
            raise ValueError
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardTextError(f"the card's {what} is not a YYYYMMDD date") from None


NATIONS = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他",
    "98": "外国血统中国籍人士",
}


def nation_name(code: str) -> str:
    """The nationality (民族) a card's two-digit code stands for; "" if unknown."""
    return NATIONS.get(code, "")
