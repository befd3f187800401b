"""The one worker lifecycle every adapter and pty simulator uses (devices/worker.py)."""

from __future__ import annotations

import threading
import time

from devices.worker import Worker
from tests.waiting import wait_until


def waiting_loop(worker_box: list[Worker], ran: list[str]) -> None:
    ran.append(threading.current_thread().name)
    worker_box[0].stopping.wait()


def test_start_runs_the_loop_on_a_named_daemon_thread_and_stop_ends_it():
    box: list[Worker] = []
    ran: list[str] = []
    worker = Worker("qr-scanner", lambda: waiting_loop(box, ran), join_timeout_s=2)
    box.append(worker)
    assert not worker.running
    worker.start()
    wait_until(lambda: ran == ["qr-scanner"], what="the loop")
    assert worker.running
    assert any(t.name == "qr-scanner" and t.daemon for t in threading.enumerate())
    worker.stop()
    assert not worker.running
    assert worker.stopping.is_set()


def test_start_twice_runs_one_thread_and_a_stopped_worker_starts_again():
    box: list[Worker] = []
    ran: list[str] = []
    worker = Worker("printer", lambda: waiting_loop(box, ran), join_timeout_s=2)
    box.append(worker)
    worker.start()
    worker.start()
    wait_until(lambda: len(ran) == 1, what="the loop")
    time.sleep(0.05)
    assert len(ran) == 1
    worker.stop()
    worker.start()
    wait_until(lambda: len(ran) == 2, what="the loop again")
    assert not worker.stopping.is_set()
    worker.stop()


def test_stop_is_safe_before_start_and_twice():
    woken: list[bool] = []
    worker = Worker("idcard", lambda: None, join_timeout_s=1, wake=lambda: woken.append(True))
    worker.stop()
    worker.stop()
    assert worker.stopping.is_set()
    assert woken == []          # nothing was running to wake


def test_wake_reaches_a_loop_that_sleeps_on_something_else():
    items: list[str] = []
    wake_up = threading.Event()

    def loop() -> None:
        wake_up.wait(10)
        items.append("woken")

    worker = Worker("voice", loop, join_timeout_s=5, wake=wake_up.set)
    worker.start()
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 2
    assert items == ["woken"]


def test_stop_waits_no_longer_than_the_join_timeout():
    release = threading.Event()
    worker = Worker("smartcard", lambda: release.wait(10), join_timeout_s=0.2)
    worker.start()
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 2
    assert worker.running       # stuck in its device: left to die with the process
    release.set()
    wait_until(lambda: not worker.running, what="the loop to end")


def test_the_loop_may_stop_its_own_worker():
    box: list[Worker] = []

    def loop() -> None:
        box[0].stop()           # not waited for: it would wait for itself

    worker = Worker("locker-main", loop, join_timeout_s=5)
    box.append(worker)
    worker.start()
    wait_until(lambda: not worker.running, what="the loop to end")
    assert worker.stopping.is_set()


def test_wait_rests_until_stop():
    worker = Worker("sim-printer", lambda: None, join_timeout_s=1)
    assert worker.wait(0.01) is False
    worker.stopping.set()
    assert worker.wait(5) is True
