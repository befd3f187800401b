"""Test-wide setup. Fixtures that start real components live in tests/fixtures/."""

from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.configs",
    "tests.fixtures.broker",
    "tests.fixtures.pcsc",
    "tests.fixtures.serial",
    "tests.fixtures.ui",
    "tests.fixtures.locker_ui",
    "tests.fixtures.queue_ui",
    "tests.fixtures.everything_ui",
    "tests.fixtures.locker",
    "tests.fixtures.printer",
    "tests.fixtures.queue",
    "tests.fixtures.voice",
    "tests.fixtures.postgres",
    "tests.fixtures.browser",
    "tests.fixtures.mqtt_terminal",
]
