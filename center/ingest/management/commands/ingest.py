"""manage.py ingest: one ingest worker. Several share the stream, each under its own name
(systemd runs them as center-ingest@N.service)."""

from __future__ import annotations

import signal
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

    def handle(self, *args: Any, **options: Any) -> None:
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
