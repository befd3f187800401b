"""What the voice says for a call."""

from __future__ import annotations

from kiosk.services.queue.model import Call


def call_text(call: Call) -> str:
    """请A012号到3号窗口办理 — the wording every Chinese service hall uses."""
    text = f"请{call.label}号到{call.window}号窗口办理"
    return f"再次呼叫，{text}" if call.recall else text
