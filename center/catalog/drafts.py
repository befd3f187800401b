"""A new version between the page that made it and the person's decision to keep it.

The draft waits in the person's session (the database), never in the page: what is kept is
exactly what was checked and shown, named by its SHA-256 in the form that keeps it."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.http import HttpRequest

from center.catalog.models import VersionKind


@dataclass(frozen=True)
class Draft:
    toml: bytes
    kind: VersionKind
    why: str
    based_on: int | None       # the version current when it was made
    back: str                  # the page to change it again

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.toml).hexdigest()


def _key(district: str) -> str:
    return f"catalog-draft:{district}"


def put_draft(request: HttpRequest, district: str, draft: Draft) -> None:
    request.session[_key(district)] = {
        "toml": base64.b64encode(draft.toml).decode("ascii"), "kind": str(draft.kind),
        "why": draft.why, "based_on": draft.based_on, "back": draft.back}


def get_draft(request: HttpRequest, district: str) -> Draft | None:
    kept = request.session.get(_key(district))
    if not isinstance(kept, dict):
        return None
    return Draft(toml=base64.b64decode(kept["toml"]), kind=VersionKind(kept["kind"]),
                 why=kept["why"], based_on=kept["based_on"], back=kept["back"])


def drop_draft(request: HttpRequest, district: str) -> None:
    request.session.pop(_key(district), None)
