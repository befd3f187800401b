"""The URL fetcher of every PDF the center renders (a report's, a publication's): it
fetches nothing. Their stylesheets are inline and their charts inline SVG, so anything a
page would fetch is a mistake or something put in a name (a station's or a queue's) to make
the server fetch it."""

from __future__ import annotations


def fetch_nothing(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"a PDF of the center fetches nothing ({url})")
