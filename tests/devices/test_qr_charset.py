"""Chinese QR codes come out of zbar as they went in: qrcode -> PIL image -> zbar -> text.

zbar guesses the charset of byte-mode data (Shift-JIS, ISO-8859-1, BIG-5, UTF-8) and hands
back its guess converted to UTF-8. ZbarQrReader asks zbar for the raw bytes where the library
can; where it cannot, zbar_charset undoes the guess. Both are proven on hundreds of random
Chinese strings, including the ones zbar misreads each way.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
import qrcode
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from devices.qr import iconv
from devices.qr.code_text import decode_code
from devices.qr.port import ScannedCode
from devices.qr.zbar_charset import original_bytes
from devices.qr.zbar_reader import ZbarQrReader

SAMPLES = (
    "预约 综合受理 张三",
    "你好",                                    # zbar#244: read as Latin-1, "ä½ å¥½"
    "预约号:20261121-0007 陈仓区",
    "https://zwfw.example.gov.cn/q?t=A012&name=张三",
    "综合受理窗口3号 李四 13800138000",
    "C:\\受理~1",                               # glibc's Shift-JIS: ¥ and ‾ for \ and ~
    "abc-123 ASCII only",
)
# The 6763 hanzi of GB2312 (rows 16-87), the everyday simplified-Chinese set.
HANZI = [bytes([row, cell]).decode("gb2312") for row in range(0xB0, 0xF8)
         for cell in range(0xA1, 0xFF) if not (row == 0xD7 and cell > 0xF9)]
ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :-_/.?=&"
ZBAR_GUESSES = ("UTF-8", "SJIS", "BIG-5", "ISO8859-1")


def random_chinese(count: int, seed: int, *, min_hanzi: int = 1) -> list[str]:
    """Random GB2312 hanzi, every third string mixed with ASCII words."""
    rng = random.Random(seed)
    strings = []
    for index in range(count):
        hanzi = "".join(rng.choice(HANZI) for _ in range(rng.randint(min_hanzi, 20)))
        if index % 3 == 2:
            cut = rng.randint(0, len(hanzi))
            word = "".join(rng.choice(ASCII) for _ in range(rng.randint(1, 8)))
            hanzi = hanzi[:cut] + word + hanzi[cut:]
        strings.append(hanzi)
    return strings


def qr_image(data: bytes) -> Image.Image:
    code = qrcode.QRCode(box_size=2, border=4)
    code.add_data(data)
    return code.make_image().get_image()


def zbar_text(image: Image.Image) -> bytes:
    """What pyzbar's decode() says: zbar's charset guess, as UTF-8."""
    (found,) = decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])
    return found.data


def guessed_as(data: bytes, said: bytes) -> str:
    return next(charset for charset in ZBAR_GUESSES
                if iconv.convert(data, "UTF-8", charset) == said)


def usual_fix(said: bytes) -> str:
    """The workaround usually given (pyzbar#14): undo Shift-JIS where that works."""
    text = said.decode("utf-8")
    try:
        return text.encode("shift-jis").decode("utf-8")
    except UnicodeError:
        return text


def read_text(raw: bytes) -> tuple[str, str]:
    code = decode_code(raw)
    assert isinstance(code, ScannedCode), code
    return code.text, code.encoding


UTF8_STRINGS = [*SAMPLES, *random_chinese(200, seed=20261121)]


@pytest.fixture(scope="module")
def utf8_codes() -> list[tuple[str, Image.Image]]:
    return [(text, qr_image(text.encode("utf-8"))) for text in UTF8_STRINGS]


def test_raw_bytes_from_zbar_are_the_utf8_the_code_carries(utf8_codes):
    reader = ZbarQrReader()
    assert reader.binary, "libzbar0 on Debian 12 (0.23.92) returns raw bytes"
    for text, image in utf8_codes:
        assert reader.read(image) == [text.encode("utf-8")], text
        assert read_text(text.encode("utf-8")) == (text, "utf-8")


def test_undoing_zbars_guess_recovers_utf8_chinese(utf8_codes):
    guesses: Counter[str] = Counter()
    usual_fix_failures = []
    for text, image in utf8_codes:
        said = zbar_text(image)
        guesses[guessed_as(text.encode("utf-8"), said)] += 1
        if usual_fix(said) != text:
            usual_fix_failures.append(text)
        assert read_text(original_bytes(said)) == (text, "utf-8"), text
    # The sample holds every way zbar reads UTF-8, and codes the usual fix gets wrong.
    assert set(guesses) == set(ZBAR_GUESSES), guesses
    assert "你好" in usual_fix_failures  # read as Latin-1
    assert len(usual_fix_failures) >= 4, usual_fix_failures  # the rest read as BIG-5


def test_the_fallback_reader_returns_the_same_bytes(utf8_codes):
    reader = ZbarQrReader(binary=False)
    for text, image in utf8_codes[:60]:
        assert reader.read(image) == [text.encode("utf-8")], text


def test_codes_made_by_gbk_systems_read_as_gb18030():
    """GBK bytes that happen to be valid UTF-8 cannot be told apart (the serial scanner has
    the same rule), so the sample leaves them out; zbar reads nearly all the rest as BIG-5."""
    strings = [text for text in random_chinese(120, seed=7, min_hanzi=5)
               if not _is_utf8(text.encode("gb18030"))]
    binary, fallback = ZbarQrReader(), ZbarQrReader(binary=False)
    guesses: Counter[str] = Counter()
    for text in strings:
        data = text.encode("gb18030")
        image = qr_image(data)
        assert binary.read(image) == [data]
        assert read_text(data) == (text, "gb18030")
        guesses[guessed_as(data, zbar_text(image))] += 1
        assert fallback.read(image) == [data], text
    assert guesses["BIG-5"] > len(strings) * 0.9


def test_raw_bytes_survive_a_code_split_into_segments():
    """An optimising encoder puts long digit runs in their own segment; zbar guesses each
    byte segment separately, so only raw bytes are safe there."""
    text = "预约:202611210007000123456789 张三"
    code = qrcode.QRCode(box_size=2)
    code.add_data(text.encode("utf-8"), optimize=20)
    assert len(code.data_list) == 3
    assert ZbarQrReader().read(code.make_image().get_image()) == [text.encode("utf-8")]


def test_a_code_that_is_not_text_stays_unreadable():
    data = bytes(range(0x00, 0x20)) + bytes(range(0xF8, 0x100))
    (raw,) = ZbarQrReader().read(qr_image(data))
    assert raw == data
    assert not isinstance(decode_code(raw), ScannedCode)


def test_colour_images_are_read_by_their_luminance():
    image = qr_image("预约 综合受理 张三".encode()).convert("RGB")
    assert ZbarQrReader().read(image) == ["预约 综合受理 张三".encode()]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
