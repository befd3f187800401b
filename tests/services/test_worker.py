"""The services' worker: the touch screen's calls run in turn, off its thread, and a fault
comes back in the future instead of being lost."""

from __future__ import annotations

import threading

import pytest

from kiosk.services.worker import ServiceWorker


def test_calls_run_in_the_order_made_on_the_workers_named_thread():
    worker = ServiceWorker("queue-desk")
    ran: list[tuple[int, str]] = []
    try:
        futures = [worker.submit(lambda n=n: ran.append((n, threading.current_thread().name)))
                   for n in range(50)]
        for future in futures:
            future.result(timeout=5)
    finally:
        worker.stop()
    assert [n for n, _ in ran] == list(range(50))
    assert {name.split("_")[0] for _, name in ran} == {"queue-desk"}
    assert threading.main_thread().name not in {name for _, name in ran}


def test_a_fault_reaches_the_caller_and_the_next_call_still_runs():
    worker = ServiceWorker("guide-desk")
    try:
        failed = worker.submit(lambda: 1 / 0)
        after = worker.submit(lambda: "still here")
        with pytest.raises(ZeroDivisionError):
            failed.result(timeout=5)
        assert after.result(timeout=5) == "still here"
    finally:
        worker.stop()


def test_stop_finishes_what_was_asked_for():
    worker = ServiceWorker("help-desk")
    gate = threading.Event()
    done: list[int] = []
    worker.submit(gate.wait, 5)
    worker.submit(done.append, 1)
    gate.set()
    worker.stop()
    assert done == [1]
