"""The C library's iconv, through ctypes: the very converters zbar uses for QR text.

Python's codecs differ from glibc's in places that matter for undoing zbar's conversions:
glibc's SJIS reads 0x5C as '¥' and 0x7E as '‾' (Python: '\\' and '~'), and glibc's BIG-5
accepts a few hundred byte pairs Python's big5 refuses or maps elsewhere.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_FAILED = ctypes.c_size_t(-1).value


@functools.cache
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.iconv_open.restype = ctypes.c_void_p
    libc.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.iconv.restype = ctypes.c_size_t
    libc.iconv.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t),
        ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t),
    ]
    libc.iconv_close.argtypes = [ctypes.c_void_p]
    return libc


def convert(data: bytes, to_charset: str, from_charset: str) -> bytes | None:
    """``data`` converted, or None if it is not valid in ``from_charset`` or cannot be said
    in ``to_charset`` (or this C library has no such converter)."""
    libc = _libc()
    handle = libc.iconv_open(to_charset.encode(), from_charset.encode())
    if handle is None or handle == _FAILED:
        return None
    try:
        source = ctypes.create_string_buffer(data, len(data))
        # Every charset here takes at most 4 bytes for what another says in 1.
        target = ctypes.create_string_buffer(4 * len(data) + 16)
        source_at = ctypes.c_char_p(ctypes.addressof(source))
        source_left = ctypes.c_size_t(len(data))
        target_at = ctypes.c_char_p(ctypes.addressof(target))
        target_left = ctypes.c_size_t(len(target))
        result = libc.iconv(handle, ctypes.byref(source_at), ctypes.byref(source_left),
                            ctypes.byref(target_at), ctypes.byref(target_left))
        if result == _FAILED or source_left.value:
            return None
        return target.raw[: len(target) - target_left.value]
    finally:
        libc.iconv_close(handle)
