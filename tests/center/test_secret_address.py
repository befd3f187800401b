"""What the residents' secret addresses (/p/, /r/) share: a limit per resident even behind
the district's reverse proxy (the header it sets, trusted from the proxy only), and no
token in any log line, whichever logger writes it (a refused HEAD, as link previewers send
first, is logged by Django itself with the path)."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from center.accounts.client_address import client_address
from center.pickup.views_link import LOOKUPS_PER_MINUTE

TOKEN = "Zq8x3Lk2Vw9Ns4Pb7Rt1Yc6Md0Hf5Jg"


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    cache.clear()


def asked(remote: str, **headers: str):
    return RequestFactory().get("/p/x", REMOTE_ADDR=remote, headers=headers)


def test_without_a_proxy_header_the_address_is_the_connections(settings):
    settings.CLIENT_ADDRESS_HEADER = ""
    assert client_address(asked("10.1.2.3", x_real_ip="6.6.6.6")) == "10.1.2.3"


def test_behind_the_proxy_the_header_names_the_resident(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert client_address(asked("127.0.0.1", x_real_ip="10.8.0.7")) == "10.8.0.7"
    assert client_address(asked("127.0.0.1")) == "127.0.0.1"          # the proxy sent none
    # From anywhere but the proxy the header is the client's own word: ignored.
    assert client_address(asked("10.1.2.3", x_real_ip="10.8.0.7")) == "10.1.2.3"
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    assert client_address(asked("::1", x_forwarded_for="1.1.1.1, 10.8.0.9")) == "10.8.0.9"


@pytest.mark.django_db
def test_one_resident_guessing_does_not_lock_out_the_others(client, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    for n in range(LOOKUPS_PER_MINUTE):
        assert client.get(f"/p/guess{n:020d}", REMOTE_ADDR="127.0.0.1",
                          headers={"X-Real-IP": "10.8.0.66"}).status_code == 404
    assert client.get("/p/guess", REMOTE_ADDR="127.0.0.1",
                      headers={"X-Real-IP": "10.8.0.66"}).status_code == 429
    assert client.get("/p/guess", REMOTE_ADDR="127.0.0.1",
                      headers={"X-Real-IP": "10.8.0.67"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("address", [f"/p/{TOKEN}", f"/r/{TOKEN}.sig"])
def test_no_token_reaches_a_log_line(client, settings, address):
    written = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(settings.LOGGING)    # the center's own handler and filter
    try:
        [console] = root.handlers
        console.setStream(written)
        client.head(address)                       # refused: Django logs the path
        client.delete(address)
        logging.getLogger("django.server").info('"%s" 200 12', f"GET {address} HTTP/1.1")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    text = written.getvalue()
    assert "Method Not Allowed" in text
    assert address[:3] + "…" in text
    assert TOKEN not in text
