"""The telemetry settings: the center's signing key, the outbox caps and the heartbeat."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError

SEALING = "ndp5TjOlRYidWNIwAS17cTcY7hO2zmQaunE4tt3As1E="
SIGNING = "Pg79fpjYqeTxOC6TnUuth+KAhFjIBqF/kxojzkV948c="


def test_defaults(write_config):
    config = write_config.load()
    assert config.security.center_signing_key == ""
    assert config.mqtt.heartbeat_interval_s == 60
    assert config.mqtt.inflight_window == 100
    assert (config.mqtt.outbox_max_unsent, config.mqtt.outbox_max_age_days,
            config.mqtt.outbox_warn_percent) == (200_000, 60, 80)


def test_the_signing_key_must_be_a_base64_key(write_config):
    assert write_config.load({"security": {"center_signing_key": SIGNING}}
                             ).security.center_signing_key == SIGNING
    with pytest.raises(ConfigError, match=r"security\.center_signing_key"):
        write_config.load({"security": {"center_signing_key": "not a key"}})


def test_the_sealing_key_is_not_the_signing_key(write_config):
    with pytest.raises(ConfigError, match="X25519 sealing key"):
        write_config.load({"security": {"center_public_key": SEALING,
                                        "center_signing_key": SEALING}})


@pytest.mark.parametrize(("key", "value"), [
    ("heartbeat_interval_s", 1), ("inflight_window", 0), ("outbox_max_unsent", 10),
    ("outbox_warn_percent", 100), ("outbox_max_age_days", 0),
])
def test_out_of_range_telemetry_settings_are_refused(write_config, key, value):
    with pytest.raises(ConfigError, match=rf"mqtt\.{key}"):
        write_config.load({"mqtt": {key: value}})
