"""The overdue check: results past their retention period are listed for staff.

It runs at start and then once a minute on the locker service's timer; the deposit book
does the marking and keeps the ``overdue_items`` alarm."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.services.locker.deposit_book import DepositBook
from kiosk.store import Store

log = logging.getLogger("kiosk.locker")

OVERDUE_CHECK_S = 60.0


class OverdueWatch:
    def __init__(self, store: Store, deposits: DepositBook, clock: Callable[[], float],
                 every_s: float = OVERDUE_CHECK_S) -> None:
        self._store = store
        self._deposits = deposits
        self._clock = clock
        self._every_s = every_s
        self._next_check = 0.0

    def check_if_due(self, now: float) -> None:
        if now >= self._next_check:
            self.check()

    def check(self) -> None:
        self._next_check = self._clock() + self._every_s
        with self._store.transaction() as db:
            turned = self._deposits.mark_overdue(db)
        if turned:
            log.info("locker: %d result(s) now overdue, listed for staff", turned)
