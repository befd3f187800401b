"""QR codes in a grey image, as the bytes each code carries, through zbar.

zbar converts byte-mode QR data to UTF-8 by guessing its charset, which mangles UTF-8 and
GBK Chinese (see zbar_charset). zbar 0.23.1 and later can skip the guess (ZBAR_CFG_BINARY)
and return the bytes as they are; pyzbar 0.1.9's ``decode()`` has no way to ask for that,
so this module drives zbar through pyzbar's own ctypes bindings when the library accepts
the setting, and otherwise uses ``decode()`` and undoes the guess afterwards.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PIL import Image
from pyzbar import wrapper as zbar
from pyzbar.pyzbar import ZBarSymbol, decode

from devices.qr.zbar_charset import original_bytes

log = logging.getLogger("devices.qr_scanner")

# zbar.h: ZBAR_CFG_BINARY follows ZBAR_CFG_ASCII (3) since zbar 0.23.1. Older libraries
# call 4 ZBAR_CFG_NUM and refuse it, which is how we tell.
ZBAR_CFG_BINARY = 4
# zbar_fourcc('Y', '8', '0', '0'): 8-bit grey, one byte per pixel.
GREY_FOURCC = 0x30303859


class ZbarQrReader:
    def __init__(self, *, binary: bool | None = None) -> None:
        """``binary``: ask zbar for raw bytes (True), undo its guess (False), or the first
        when the library can (None)."""
        if binary is None:
            with _scanner() as scanner:
                binary = zbar.zbar_image_scanner_set_config(
                    scanner, ZBarSymbol.QRCODE, ZBAR_CFG_BINARY, 1) == 0
            if not binary:
                log.info("zbar is older than 0.23.1 and cannot return a QR code's bytes: "
                         "they are recovered from its charset guess")
        self.binary = binary

    def read(self, image: Image.Image) -> list[bytes]:
        """The bytes of every QR code zbar finds in ``image`` (converted to grey if needed)."""
        grey = image if image.mode == "L" else image.convert("L")
        if not self.binary:
            found = decode(grey, symbols=[ZBarSymbol.QRCODE])
            return [original_bytes(symbol.data) for symbol in found]
        return _read_raw(grey)


def _read_raw(grey: Image.Image) -> list[bytes]:
    pixels = grey.tobytes()  # kept referenced until zbar is done: it does not copy them
    width, height = grey.size
    codes = []
    with _scanner() as scanner, _image() as image:
        zbar.zbar_image_scanner_set_config(scanner, 0, zbar.ZBarConfig.CFG_ENABLE, 0)
        zbar.zbar_image_scanner_set_config(scanner, ZBarSymbol.QRCODE,
                                           zbar.ZBarConfig.CFG_ENABLE, 1)
        zbar.zbar_image_scanner_set_config(scanner, ZBarSymbol.QRCODE, ZBAR_CFG_BINARY, 1)
        zbar.zbar_image_set_format(image, GREY_FOURCC)
        zbar.zbar_image_set_size(image, width, height)
        data = ctypes.cast(ctypes.c_char_p(pixels), ctypes.c_void_p)   # pixels stays alive
        zbar.zbar_image_set_data(image, data, len(pixels), None)
        if zbar.zbar_scan_image(scanner, image) < 0:
            raise RuntimeError("zbar refused a grey image")
        symbol = zbar.zbar_image_first_symbol(image)
        while symbol:
            codes.append(ctypes.string_at(zbar.zbar_symbol_get_data(symbol),
                                          zbar.zbar_symbol_get_data_length(symbol)))
            symbol = zbar.zbar_symbol_next(symbol)
    return codes


@contextmanager
def _scanner() -> Iterator[Any]:
    scanner = zbar.zbar_image_scanner_create()
    if not scanner:
        raise MemoryError("zbar could not create an image scanner")
    try:
        yield scanner
    finally:
        zbar.zbar_image_scanner_destroy(scanner)


@contextmanager
def _image() -> Iterator[Any]:
    image = zbar.zbar_image_create()
    if not image:
        raise MemoryError("zbar could not create an image")
    try:
        yield image
    finally:
        zbar.zbar_image_destroy(image)
