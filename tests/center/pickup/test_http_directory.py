"""The case directory over HTTP against a real HTTP server on loopback (a thread of this
process) that plays the district's case system: a known case, an unknown one (404), a
failing system (500), an answer that is not JSON or is for another case, a landline, a
wrong bearer token, a system that does not answer."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from center.pickup.directory import DirectoryUnavailable
from center.pickup.gateways import configured_directory
from center.pickup.http_directory import HttpCaseDirectory

TOKEN = "case-system-token-2026"


@dataclass
class CaseSystem:
    """What the case system answers, by case number: (HTTP status, body bytes)."""

    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""


def json_body(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


@pytest.fixture
def case_system() -> Iterator[CaseSystem]:
    system = CaseSystem()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            case = urllib.parse.parse_qs(query).get("case", [""])[0]
            system.requests.append({"path": path, "case": case,
                                    "authorization": self.headers.get("Authorization", ""),
                                    "accept": self.headers.get("Accept", "")})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status, body = 401, json_body(error="unauthorised")
            elif path != "/api/cases":
                status, body = 404, b""
            else:
                status, body = system.answers.get(case, (404, json_body(error="no such case")))
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    system.url = f"http://127.0.0.1:{server.server_address[1]}/api/cases"
    yield system
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_known_case_gives_its_mobile_normalised(case_system):
    case_system.answers["XC-2026-0001"] = (200, json_body(case="XC-2026-0001",
                                                          mobile="+86 138-0013-8000"))

    assert HttpCaseDirectory(case_system.url, TOKEN).mobile_for("XC-2026-0001") == "13800138000"
    request = case_system.requests[-1]
    assert request == {"path": "/api/cases", "case": "XC-2026-0001",
                       "authorization": f"Bearer {TOKEN}", "accept": "application/json"}


def test_a_case_number_with_chinese_and_spaces_is_sent_encoded(case_system):
    case = "西城 2026/0002&x"
    case_system.answers[case] = (200, json_body(case=case, mobile="13900139000"))

    assert HttpCaseDirectory(case_system.url, TOKEN).mobile_for(case) == "13900139000"
    assert case_system.requests[-1]["case"] == case


def test_an_unknown_case_is_none(case_system):
    assert HttpCaseDirectory(case_system.url, TOKEN).mobile_for("XC-404") is None


def test_a_case_without_a_mobile_or_with_a_landline_is_none(case_system):
    case_system.answers["XC-5"] = (200, json_body(case="XC-5", mobile="010-62345678"))
    case_system.answers["XC-6"] = (200, json_body(case="XC-6", mobile=""))
    case_system.answers["XC-7"] = (200, json_body(case="XC-7"))
    directory = HttpCaseDirectory(case_system.url, TOKEN)

    assert [directory.mobile_for(case) for case in ("XC-5", "XC-6", "XC-7")] == [None] * 3


@pytest.mark.parametrize(("answer", "words"), [
    ((500, json_body(error="database down")), "answered 500"),
    ((503, b"<html>busy</html>"), "answered 503"),
    ((200, b"<html>a login page</html>"), "not JSON"),
    ((200, json_body(case="XC-2026-0099", mobile="13800138000")), "another case"),
    ((200, json.dumps(["XC-2026-0001", "13800138000"]).encode()), "another case"),
])
def test_a_failing_or_confused_case_system_is_unavailable(case_system, answer, words):
    case_system.answers["XC-2026-0001"] = answer

    with pytest.raises(DirectoryUnavailable, match=words) as raised:
        HttpCaseDirectory(case_system.url, TOKEN).mobile_for("XC-2026-0001")
    assert "13800138000" not in str(raised.value)


def test_the_bearer_token_is_checked(case_system):
    case_system.answers["XC-1"] = (200, json_body(case="XC-1", mobile="13800138000"))

    with pytest.raises(DirectoryUnavailable, match="answered 401"):
        HttpCaseDirectory(case_system.url, "a-wrong-token").mobile_for("XC-1")
    assert case_system.requests[-1]["authorization"] == "Bearer a-wrong-token"
    assert HttpCaseDirectory(case_system.url, TOKEN).mobile_for("XC-1") == "13800138000"


def test_a_case_system_that_cannot_be_reached_is_unavailable():
    # A port nothing listens on: one the system handed out, closed at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DirectoryUnavailable, match="cannot be reached"):
        HttpCaseDirectory(f"http://127.0.0.1:{port}/api/cases", TOKEN).mobile_for("XC-1")
    with pytest.raises(DirectoryUnavailable, match="CENTER_CASE_DIRECTORY_URL"):
        HttpCaseDirectory("", TOKEN)


def test_the_settings_pick_the_http_directory(case_system, settings):
    settings.CASE_DIRECTORY = "http"
    settings.CASE_DIRECTORY_URL = case_system.url
    settings.CASE_DIRECTORY_TOKEN = TOKEN
    case_system.answers["XC-9"] = (200, json_body(case="XC-9", mobile="15000150000"))

    directory = configured_directory()

    assert isinstance(directory, HttpCaseDirectory)
    assert directory.mobile_for("XC-9") == "15000150000"
