"""`kiosk window N ACTION`: a window's staff call residents from their PC, and see and
answer residents' calls for help at the self-service terminal (`help`, `answer-help ID`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kiosk.api.window_client import WindowApiClient, WindowApiError
from kiosk.i18n import MissingCatalog, translator
from kiosk.ui.help_steps import step_name

TOKEN_VARIABLE = "KIOSK_WINDOW_TOKEN"


def window_command(config_path: Path, window: int, action: str, category: str | None,
                   url: str | None, as_json: bool, request: int | None = None) -> int:
    if url is None:
        from kiosk.config import load_config_or_report

        config = load_config_or_report(config_path, [])
        if config is None:
            return 2
        url = f"http://{config.queue.api_host}:{config.queue.api_port}"
    client = WindowApiClient(url, os.environ.get(TOKEN_VARIABLE, ""))
    if action == "transfer" and not category:
        print("transfer needs --category ID (the queue to send the resident to)",
              file=sys.stderr)
        return 2
    if action == "answer-help" and request is None:
        print("answer-help needs the help request's number, e.g. "
              f"`kiosk window {window} answer-help 7` (see `kiosk window {window} help`)",
              file=sys.stderr)
        return 2
    try:
        if action == "help":
            reply = client.help_requests()
            if not as_json:
                print(_help_text(window, reply["requests"]) or
                      "nobody is waiting for help at the self-service terminal")
                return 0
        elif action == "answer-help":
            assert request is not None
            reply = client.answer_help(request, window)
            if not as_json:
                print(f"help request {request}: window {window} is on the way to the "
                      f"self-service terminal, {_step(reply['screen'])}")
                return 0
        elif action == "status":
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
    if action == "status":
        help_text = _help_text(window, _open_help(client))
        if help_text:
            print(help_text)
    return 0


def _open_help(client: WindowApiClient) -> list[dict]:
    """The open help requests, or none from a terminal without a help desk."""
    try:
        return list(client.help_requests()["requests"])
    except WindowApiError:
        return []


def _help_text(window: int, requests: list[dict]) -> str:
    return "\n".join(
        f"help wanted at the self-service terminal: request {r['id']}, {_step(r['screen'])}, "
        f"waiting {_duration(r['waiting_s'])}; answer: kiosk window {window} answer-help "
        f"{r['id']}" for r in requests)


def _step(screen: str) -> str:
    """取件 (pickup): the step as staff say it, with the screen's own name."""
    try:
        tr = translator("zh_CN")
    except MissingCatalog:
        tr = translator("en")
    name = step_name(tr, screen)
    return f"{name} ({screen})" if name else screen


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"


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
