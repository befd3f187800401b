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
]


def pytest_collection_modifyitems(items: list) -> None:
    """With `-n 2 --dist loadgroup` (make test), every UI test runs in one worker, in turn,
    on that worker's own Xvfb; the tests without a window share the other worker and the
    gaps. Most UI time is waiting for taps and screens, not CPU, so the two overlap well."""
    import pytest

    for item in items:
        if item.get_closest_marker("ui") is not None:
            item.add_marker(pytest.mark.xdist_group("ui"))
