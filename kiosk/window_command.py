"""`kiosk window N ACTION`: a window's staff call residents from their PC."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kiosk.window_client import WindowApiClient, WindowApiError

TOKEN_VARIABLE = "KIOSK_WINDOW_TOKEN"


def window_command(config_path: Path, window: int, action: str, category: str | None,
                   url: str | None, as_json: bool) -> int:
    if url is None:
        from kiosk.cli_support import load_config_or_report

        config = load_config_or_report(config_path, [])
        if config is None:
            return 2
        url = f"http://{config.queue.api_host}:{config.queue.api_port}"
    client = WindowApiClient(url, os.environ.get(TOKEN_VARIABLE, ""))
    if action == "transfer" and not category:
        print("transfer needs --category ID (the queue to send the resident to)",
              file=sys.stderr)
        return 2
    try:
        if action == "status":
            reply = client.window(window)
        elif action == "summary":
            print(_summary_text(client.request("GET", "/v1/summary")))
            return 0
        elif action == "print-summary":
            reply = client.request("POST", "/v1/summary/print")
            print("printed" if reply["printed"] else "not printed: see the printer's alarm")
            print(_summary_text(reply))
            return 0 if reply["printed"] else 1
        else:
            reply = client.act(window, action, {"category": category} if category else None)
    except WindowApiError as error:
        advice = (f"; set {TOKEN_VARIABLE} to this station's window token"
                  if error.status == 401 else "")
        print(f"{error}{advice}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(reply, ensure_ascii=False))
        return 0
    print(_describe(action, reply))
    return 0


def _summary_text(summary: dict) -> str:
    lines = [f"queue summary for {summary['day']}"]
    for c in summary["categories"]:
        wait = "-" if c["average_wait_min"] is None else f"{c['average_wait_min']:.1f}"
        lines.append(f"  {c['name']}: {c['issued']} issued, {c['served']} served, "
                     f"{c['no_shows']} no-shows, {c['expired']} not called; average wait "
                     f"{wait} min")
    return "\n".join(lines)


def _describe(action: str, reply: dict) -> str:
    window = reply["window"]
    state = "open" if reply["open"] else "closed"
    current = reply["current"] or "nobody"
    if action == "next" and reply.get("called") is None:
        return f"window {window}: nobody is waiting ({reply['waiting']} waiting)"
    return f"window {window} ({state}): serving {current}; {reply['waiting']} waiting"
