"""Running a simulator from the command line (`make run`) until SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
import threading


def wait_until_stopped() -> None:
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
