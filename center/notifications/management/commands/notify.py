"""manage.py notify: the notifier. Every CENTER_NOTIFY_INTERVAL_S it records what needs
telling (new alarms, escalations, assignments, outages, calls for help) and mails what is
due; `--once` makes one pass and stops. Several may run: nothing is told twice."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from center.notifications.notifier import run_once

log = logging.getLogger("center.notifications")


class Command(BaseCommand):
    help = "Tells people of alarms, escalations, outages and calls for help (page and mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="make one pass and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(f"notify: {run_once()}")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        interval = settings.NOTIFY_INTERVAL_S
        self.stdout.write(f"notify: a pass every {interval} s")
        while not stop.is_set():
            close_old_connections()
            try:
                totals = run_once()
            except DatabaseError as error:
                # The database is away or busy: nothing was half told (each notice is one
                # transaction); the next pass tries again.
                log.warning("notify: pass failed: %s", error)
            else:
                if totals.anything:
                    log.info("notify: %s", totals)
            stop.wait(interval)
        self.stdout.write("notify: stopped")
