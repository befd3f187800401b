"""The case directory over HTTP: a case system that answers
`GET <url>?case=<case number>` with `{"case": "...", "mobile": "138..."}` (200), or 404 for
a case it does not know. A bearer token authorises the center. Nothing is kept: the number
is read when a notice goes."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from center.pickup.directory import DirectoryUnavailable
from center.pickup.phones import PhoneError, normalised
from center.sms.http_gateway import NO_REDIRECTS

TIMEOUT_S = 10


class HttpCaseDirectory:
    def __init__(self, url: str, token: str) -> None:
        if not url:
            raise DirectoryUnavailable("no case system address (CENTER_CASE_DIRECTORY_URL)")
        self.url = url
        self.token = token

    def mobile_for(self, case_number: str) -> str | None:
        query = urllib.parse.urlencode({"case": case_number})
        request = urllib.request.Request(f"{self.url}?{query}", headers={
            "Accept": "application/json", "Authorization": f"Bearer {self.token}"})
        try:
            with NO_REDIRECTS.open(request, timeout=TIMEOUT_S) as response:
                body = json.loads(response.read(64 * 1024))
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise DirectoryUnavailable(f"the case system answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise DirectoryUnavailable(f"the case system cannot be reached: {error}") from None
        except ValueError:
            raise DirectoryUnavailable("the case system's answer is not JSON") from None
        if not isinstance(body, dict) or body.get("case") != case_number:
            raise DirectoryUnavailable("the case system answered for another case")
        mobile = body.get("mobile")
        if not mobile:
            return None
        try:
            return normalised(str(mobile))
        except PhoneError:
            return None             # a landline or a typo: as good as no number
