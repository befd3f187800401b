"""manage.py ingest: one ingest worker (systemd runs several: center-ingest@.service), or
--workers N of them as child processes for a single-machine center and `make run`."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from center.ingest.worker import BrokerSettings, IngestWorker


class Command(BaseCommand):
    help = "Reads the terminals' MQTT messages into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="center-ingest-1",
                            help="the worker's MQTT client id, fixed across restarts "
                                 "(its persistent session is found by it)")
        parser.add_argument("--workers", type=int, default=1,
                            help="start this many workers as child processes")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] > 1:
            self._supervise(options["workers"], options["name"])
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        worker = IngestWorker(options["name"], BrokerSettings.from_django(settings.MQTT),
                              batch_size=settings.INGEST_BATCH,
                              batch_wait_s=settings.INGEST_BATCH_WAIT_MS / 1000)
        self.stdout.write(f"{worker.name}: reading {worker.broker.prefix}/# from "
                          f"{worker.broker.host}:{worker.broker.port}")
        worker.run(stop)
        totals = worker.totals
        self.stdout.write(f"{worker.name}: stopped; {totals.stored} events stored, "
                          f"{totals.repeats} repeats dropped, {totals.conflicts} conflicts, "
                          f"{totals.rejected} rejected")

    def _supervise(self, count: int, name: str) -> None:
        children = [subprocess.Popen([sys.executable, sys.argv[0], "ingest",
                                      "--name", f"{name}-{n}"]) for n in range(1, count + 1)]
        def forward(signum: int, _frame: Any) -> None:
            for child in children:
                child.send_signal(signum)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, forward)
        for child in children:
            child.wait()
