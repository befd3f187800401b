"""Profiles, and the fuzz run's time budget and input counts.

Hypothesis has no time limit of its own. Under the "fuzz" profile each test gets an equal
share of FUZZ_SECONDS (the budget of one `make fuzz` target, i.e. one module); when a
test's share is spent, its next input raises TimeBudgetSpent, which Hypothesis treats like
Ctrl-C (no shrinking, nothing saved to the example database) and which the hook below
turns into a pass. A test that has found a failure is never cut short, so the failure is
shrunk and reported in full.

Every input a test runs is counted. With FUZZ_REPORT set, the counts are written there as
JSON for scripts/fuzz; under the fuzz profile they are also printed in the summary.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.properties.profiles import PROFILE


class TimeBudgetSpent(KeyboardInterrupt):
    """A test's share of the fuzz budget is spent. A KeyboardInterrupt because that is
    what Hypothesis re-raises at once without shrinking or saving the input."""


@dataclass
class InputCount:
    test: str
    inputs: int = 0
    seconds: float = 0.0
    stopped_by_budget: bool = False
    failed: bool = False


_COUNTS: dict[str, InputCount] = {}
_COUNT_KEY = pytest.StashKey[tuple[InputCount, float | None, Callable[..., Any]]]()
HERE = Path(__file__).parent


def _fuzz_seconds() -> float | None:
    if PROFILE != "fuzz":
        return None
    value = os.environ.get("FUZZ_SECONDS")
    return float(value) if value else None


def _counted(inner: Callable[..., Any], count: InputCount,
             share_s: float | None) -> Callable[..., Any]:
    started: list[float] = []

    @functools.wraps(inner)
    def run_one_input(*args: Any, **kwargs: Any) -> Any:
        now = time.monotonic()
        if not started:
            started.append(now)
        count.seconds = now - started[0]
        if share_s is not None and not count.failed and count.seconds >= share_s:
            count.stopped_by_budget = True
            raise TimeBudgetSpent
        count.inputs += 1
        try:
            return inner(*args, **kwargs)
        except Exception:
            count.failed = True
            raise

    return run_one_input


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Hooks in a conftest see the whole session: only this directory's tests are counted.
    hypothesis_items = [item for item in items if item.path.is_relative_to(HERE)
                        and hasattr(getattr(item, "obj", None), "hypothesis")]
    budget = _fuzz_seconds()
    share = budget / len(hypothesis_items) if budget and hypothesis_items else None
    for item in hypothesis_items:
        # Parametrised items share one function, so the wrapping is done per call, below.
        original = item.obj.hypothesis.inner_test  # type: ignore[attr-defined]
        count = _COUNTS.setdefault(item.nodeid, InputCount(item.nodeid))
        item.stash[_COUNT_KEY] = (count, share, original)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Iterator[None]:
    stashed = pyfuncitem.stash.get(_COUNT_KEY, None)
    if stashed is None:
        return (yield)
    count, share, original = stashed
    handle = pyfuncitem.obj.hypothesis  # type: ignore[attr-defined]
    handle.inner_test = _counted(original, count, share)
    try:
        return (yield)
    except TimeBudgetSpent:
        return True
    finally:
        handle.inner_test = original


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report = os.environ.get("FUZZ_REPORT")
    counts = [asdict(count) for count in _COUNTS.values()]
    if report:
        with open(report, "w", encoding="utf-8") as handle:
            json.dump(counts, handle, indent=1)
    if PROFILE != "fuzz":
        return
    terminalreporter.section("inputs tried")
    for count in _COUNTS.values():
        why = "time budget" if count.stopped_by_budget else "finished"
        terminalreporter.write_line(
            f"{count.inputs:>9}  {count.seconds:7.1f} s  {why:<11}  {count.test}")
