"""A client of the window API (kiosk/api/window.py): what `kiosk window` and a call
display on another machine use."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote


class WindowApiError(Exception):
    """The terminal refused the request or could not be reached; the message says which.
    ``status`` is the HTTP status of a refusal, 0 when the terminal was not reached."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class WindowApiClient:
    def __init__(self, base_url: str, token: str = "", timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s

    def window(self, window: int) -> dict[str, Any]:
        return self.request("GET", f"/v1/windows/{window}")

    def act(self, window: int, action: str, body: dict[str, Any] | None = None
            ) -> dict[str, Any]:
        return self.request("POST", f"/v1/windows/{window}/{action}", body or {})

    def calls_after(self, call_id: int, wait_s: float) -> list[dict[str, Any]]:
        reply = self.request("GET", f"/v1/calls?after={call_id}&wait={wait_s:g}",
                             timeout_s=wait_s + self.timeout_s)
        return list(reply["calls"])

    def help_requests(self) -> dict[str, Any]:
        """{"requests": [{"id", "screen", "requested_at", "waiting_s"}, ...], "version"}:
        residents waiting for help at the terminal, oldest first."""
        return self.request("GET", "/v1/help")

    def help_changed(self, version: str, wait_s: float) -> dict[str, Any]:
        """As help_requests, once they differ from ``version`` or after ``wait_s``."""
        return self.request("GET", f"/v1/help?seen={quote(version)}&wait={wait_s:g}",
                            timeout_s=wait_s + self.timeout_s)

    def answer_help(self, request_id: int, window: int) -> dict[str, Any]:
        """Window ``window``'s staff are on their way to help request ``request_id``."""
        return self.request("POST", f"/v1/help/{request_id}/answer", {"window": window})

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                timeout_s: float | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout_s or self.timeout_s) as reply:
                return dict(json.loads(reply.read()))
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read()).get("error", error.reason)
            except (json.JSONDecodeError, UnicodeDecodeError):
                message = error.reason
            raise WindowApiError(f"{method} {path}: {error.code} {message}",
                                 error.code) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise WindowApiError(f"cannot reach the terminal at {self.base_url}: {reason}; "
                                 "is it running, and is queue.api_host reachable from "
                                 "here?") from None
