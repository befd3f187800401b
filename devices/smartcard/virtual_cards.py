"""Card personalities for the vpcd simulator."""

from __future__ import annotations

from dataclasses import dataclass, field

# An ISO 14443 contactless card as PC/SC part 3 reports it (storage card, MIFARE 1K).
CONTACTLESS_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

SW_OK = b"\x90\x00"
SW_WRONG_P1P2 = b"\x6a\x81"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"


@dataclass
class StaffBadge:
    """A contactless staff badge: answers the reader's GET DATA (UID) pseudo-APDU."""

    uid: bytes
    kind: str = "staff_badge"

    @property
    def atr(self) -> bytes:
        return CONTACTLESS_ATR

    def reset(self) -> None:
        pass

    def respond(self, apdu: bytes) -> bytes:
        if apdu[:2] == b"\xff\xca":
            if apdu[2:4] == b"\x00\x00":
                return self.uid + SW_OK
            return SW_WRONG_P1P2
        return SW_INS_NOT_SUPPORTED


# 社会保障卡: a contact CPU card speaking T=0 only (no TD1 in its ATR). The historical bytes
# say what it is: a simulated card, never mistaken for a real one in a log.
SOCIAL_SECURITY_ATR = bytes.fromhex("3B 6C 00 00") + b"SIM-SSSE-3.0"
SSSE_AID = "sx1.sh.社会保障".encode("gbk")          # 73 78 31 2E 73 68 2E C9 E7 BB E1 B1 A3 D5 CF
EF05, EF06 = b"\xef\x05", b"\xef\x06"
DEMO_PIN = bytes.fromhex("888888")

SW_WRONG_LENGTH = b"\x67\x00"
SW_SECURITY_NOT_SATISFIED = b"\x69\x82"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_FILE_NOT_FOUND = b"\x6a\x82"
SW_RECORD_NOT_FOUND = b"\x6a\x83"
SW_WRONG_P1P2_RECORD = b"\x6a\x86"
SW_NO_RESPONSE = b"\x69\x85"
SW_CLASS_NOT_SUPPORTED = b"\x6e\x00"
SW_PIN_WRONG = b"\x63\xc2"


def _bcd(digits: str) -> bytes:
    return bytes.fromhex(digits)


@dataclass
class SocialSecurityCardApplet:
    """A 社会保障卡 (contact, T=0) with the SSSE application: DF "sx1.sh.社会保障" holding EF05
    (card data) and EF06 (the holder), records as in shared/reference/devices.md section 2.

    It answers the way T=0 cards do, to exercise a reader's handling: a command without Le
    whose answer has data gets ``61 xx`` (fetch it with GET RESPONSE ``00 C0 00 00 xx``,
    which chains with ``61`` when asked for less); a command whose Le is not the exact
    length gets ``6C xx`` (send it again with Le = xx). The name record holds just the
    name's GBK bytes, so the usual Le of 0x20 draws a 6C. With ``pin_required``, EF06
    answers ``69 82`` until VERIFY with DEMO_PIN. Every value is fictional."""

    name: str = "张三"
    id_number: str = "110101198506151230"
    card_number: str = "SIM000123"
    sex: str = "1"
    birth: str = "19850615"            # YYYYMMDD, stored as BCD
    nation: int = 1
    birthplace: str = "110101"
    region: str = "110100"              # 卡识别码 starts with the issuing region
    version: str = "3.00"
    issued: str = "20210301"
    expires: str = "20310301"
    pin_required: bool = False
    kind: str = "social_security"
    in_ssse: bool = field(default=False, init=False)
    current_ef: bytes | None = field(default=None, init=False)
    verified: bool = field(default=False, init=False)
    pending: bytes = field(default=b"", init=False, repr=False)

    @property
    def atr(self) -> bytes:
        return SOCIAL_SECURITY_ATR

    def reset(self) -> None:
        self.in_ssse, self.current_ef, self.verified, self.pending = False, None, False, b""

    def records(self, ef: bytes) -> list[tuple[int, bytes]]:
        """(identifier, value) of each record, in record-number order."""
        if ef == EF05:
            return [
                (0x01, (self.region + "D156000005").encode("ascii")),    # 卡识别码, 16
                (0x02, b"3"),                                          # 卡类别
                (0x03, self.version.encode("ascii")),                  # 规范版本, 4
                (0x04, b"SIMINIT00001"),                               # 初始化机构编号, 12
                (0x05, _bcd(self.issued)),                             # 发卡日期
                (0x06, _bcd(self.expires)),                            # 有效期
                (0x07, self.card_number.encode("ascii")),              # 卡号, 9
            ]
        return [
            (0x08, self.id_number.encode("ascii")),                    # 社会保障号码, 18
            (0x09, self.name.encode("gbk")),                           # 姓名
            (0x0A, self.sex.encode("ascii")),                          # 性别
            (0x0B, bytes([self.nation])),                              # 民族
            (0x0C, _bcd(self.birthplace)),                             # 出生地
            (0x0D, _bcd(self.birth)),                                  # 出生日期
        ]

    def respond(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return SW_WRONG_LENGTH
        cla, ins, p1, p2 = apdu[:4]
        parsed = _parse_body(apdu[4:])
        if parsed is None:
            return SW_WRONG_LENGTH
        data, le = parsed
        if ins != 0xC0:
            self.pending = b""
        if cla == 0xFF:
            return SW_CLASS_NOT_SUPPORTED      # reader pseudo-APDUs mean nothing to a card
        if ins == 0xA4:
            return self._select(p1, data, le)
        if ins == 0xB2:
            return self._read_record(p1, p2, le)
        if ins == 0xC0:
            return self._get_response(p1, p2, le)
        if ins == 0x20:
            self.verified = data == DEMO_PIN
            return SW_OK if self.verified else SW_PIN_WRONG
        return SW_INS_NOT_SUPPORTED

    def _select(self, p1: int, data: bytes, le: int | None) -> bytes:
        if p1 == 0x04:
            if data != SSSE_AID:
                return SW_FILE_NOT_FOUND
            self.in_ssse, self.current_ef = True, None
            fci = (b"\x6f" + bytes([len(SSSE_AID) + 2]) + b"\x84" + bytes([len(SSSE_AID)])
                   + SSSE_AID)
            return self._answer(fci, le)
        if p1 in (0x00, 0x02) and self.in_ssse and data in (EF05, EF06):
            self.current_ef = data
            return SW_OK
        return SW_FILE_NOT_FOUND

    def _read_record(self, p1: int, p2: int, le: int | None) -> bytes:
        if not self.in_ssse:
            return SW_NO_CURRENT_EF
        sfi, mode = p2 >> 3, p2 & 0x07
        files = {5: EF05, 6: EF06}
        if sfi and sfi not in files:
            return SW_FILE_NOT_FOUND
        ef = files[sfi] if sfi else self.current_ef
        if ef is None:
            return SW_NO_CURRENT_EF
        if ef == EF06 and self.pin_required and not self.verified:
            return SW_SECURITY_NOT_SATISFIED
        records = self.records(ef)
        if mode == 0x04:                     # record number P1
            found = records[p1 - 1] if 1 <= p1 <= len(records) else None
        elif mode == 0x00:                   # first record with identifier P1
            found = next((r for r in records if r[0] == p1), None)
        else:
            return SW_WRONG_P1P2_RECORD
        if found is None:
            return SW_RECORD_NOT_FOUND
        tag, value = found
        return self._answer(bytes([tag, len(value)]) + value, le)

    def _answer(self, data: bytes, le: int | None) -> bytes:
        if le is None:
            if not data:
                return SW_OK
            self.pending = data
            return bytes([0x61, len(data) & 0xFF])
        if le != len(data):
            return bytes([0x6C, len(data) & 0xFF])
        return data + SW_OK

    def _get_response(self, p1: int, p2: int, le: int | None) -> bytes:
        if not self.pending:
            return SW_NO_RESPONSE
        if (p1, p2) != (0, 0):
            return SW_WRONG_P1P2
        wanted = 256 if le in (None, 0) else le
        if wanted > len(self.pending):
            return bytes([0x6C, len(self.pending) & 0xFF])
        chunk, self.pending = self.pending[:wanted], self.pending[wanted:]
        if self.pending:
            return chunk + bytes([0x61, len(self.pending) & 0xFF])
        return chunk + SW_OK


@dataclass
class BlankContactCard:
    """A contact card with no application the terminal knows (a bank card, say): every
    SELECT is 6A 82, reader pseudo-APDUs are refused."""

    kind: str = "blank_card"

    @property
    def atr(self) -> bytes:
        return bytes.fromhex("3B 65 00 00") + b"BLANK"

    def reset(self) -> None:
        pass

    def respond(self, apdu: bytes) -> bytes:
        if apdu[:1] == b"\xff":
            return SW_CLASS_NOT_SUPPORTED
        if apdu[1:2] == b"\xa4":
            return SW_FILE_NOT_FOUND
        return SW_INS_NOT_SUPPORTED


def _parse_body(body: bytes) -> tuple[bytes, int | None] | None:
    """(data, Le) of a short APDU's body (after CLA INS P1 P2); None if malformed.
    Le 0 stands for 256, as in T=0."""
    if not body:
        return b"", None                         # case 1
    if len(body) == 1:
        return b"", body[0] or 256               # case 2
    lc = body[0]
    if len(body) == 1 + lc:
        return body[1:], None                    # case 3
    if len(body) == 2 + lc:
        return body[1:1 + lc], body[-1] or 256   # case 4
    return None
