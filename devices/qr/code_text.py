"""What a scanned code's bytes say, whichever scanner read them."""

from __future__ import annotations

from devices.qr.port import ScannedCode, UnreadableCode


def decode_code(raw: bytes) -> ScannedCode | UnreadableCode:
    """UTF-8 first (what phones and our own slips encode), then GB18030 (scanners set to
    GBK output), and nothing else: a wrong guess would show a resident garbage."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.isprintable():
            return ScannedCode(text=text, raw=raw, encoding=encoding)
    return UnreadableCode(raw=raw, reason="not printable UTF-8 or GB18030 text")
