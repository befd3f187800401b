"""The terminal's systemd watchdog: it pings for progress, not for mere liveness.

A thread that only pings on a timer proves that the process exists, not that it works: the
Kivy loop or a device worker could hang while the pings go on. So the supervisor pings only
while every participant (the UI thread and each device adapter's worker, see
devices/progress.py) has beaten within its allowed stall time. When one has not, the pings
stop, the stall is logged once with the participant's name, and systemd restarts the
terminal when WatchdogSec= runs out. A participant that beats again brings the pings back.

READY=1 goes out once every participant has beaten at least once: the devices' workers are
turning and the Kivy loop is running (its first beat follows the first frame).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from devices.progress import ProgressBeat
from kiosk.app.systemd_notify import SystemdNotifier

log = logging.getLogger(__name__)

# The Kivy thread beats every second (kiosk/ui/launch.py). Screens do their slow work on
# other threads, so 30 s without a frame is a hung UI, not a busy one.
UI_ALLOWED_STALL_S = 30.0
# Without a systemd watchdog (a terminal started by hand) stalls are still logged.
CHECK_INTERVAL_WITHOUT_WATCHDOG_S = 5.0
# Before READY=1, look this often so that systemd hears of it promptly.
STARTUP_CHECK_INTERVAL_S = 0.25


class WatchdogSupervisor:
    def __init__(self, notifier: SystemdNotifier, participants: Sequence[ProgressBeat], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._notifier = notifier
        self._participants = list(participants)
        self._clock = clock
        self._started_at = clock()
        self._ready = False
        self._stalled: set[ProgressBeat] = set()
        self._last_status = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def check_interval_s(self) -> float:
        """Half of WatchdogSec= (systemd's advice), or a few seconds without a watchdog."""
        return self._notifier.watchdog_interval_s or CHECK_INTERVAL_WITHOUT_WATCHDOG_S

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stops checking and tells systemd the terminal is stopping on purpose."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._notifier.stopping("stopping")

    def check(self) -> bool:
        """Looks at every participant once: READY=1 once all have beaten, then WATCHDOG=1
        while none has stalled. True when every participant is making progress."""
        stalled = self._find_stalls(self._clock())
        if not self._ready:
            waiting = [p.name for p in self._participants if p.last_beat_at is None]
            if waiting or stalled:
                self._set_status(f"starting; waiting for {', '.join(waiting)}" if waiting
                                 else self._stalled_status(stalled))
                return False
            self._ready = True
            self._last_status = self._running_status()
            self._notifier.ready(self._last_status)
            log.info("watchdog: every part is making progress (%s); told systemd we are "
                     "ready", ", ".join(p.name for p in self._participants))
        if stalled:
            self._set_status(self._stalled_status(stalled))
            return False
        self._set_status(self._running_status())
        if self._notifier.watchdog_interval_s is not None:
            self._notifier.watchdog()
        return True

    def _run(self) -> None:
        while True:
            try:
                self.check()
            except Exception:
                log.exception("watchdog: a check failed")
            interval = (self.check_interval_s if self._ready
                        else min(STARTUP_CHECK_INTERVAL_S, self.check_interval_s))
            if self._stop.wait(interval):
                return

    def _find_stalls(self, now: float) -> list[tuple[ProgressBeat, float]]:
        """The participants silent for longer than they may be, with for how long; logs
        each stall when it begins and when it ends, not at every check."""
        stalls = []
        for participant in self._participants:
            since = participant.last_beat_at
            silent_for = now - (self._started_at if since is None else since)
            if silent_for > participant.allowed_stall_s:
                stalls.append((participant, silent_for))
        now_stalled = {participant for participant, _ in stalls}
        consequence = ("no more watchdog pings: systemd restarts the terminal"
                       if self._notifier.watchdog_interval_s is not None
                       else "no systemd watchdog to restart the terminal")
        for participant, silent_for in stalls:
            if participant not in self._stalled:
                log.error("watchdog: %s has made no progress for %.0f s (it may stall %.0f s); "
                          "%s", participant.name, silent_for, participant.allowed_stall_s,
                          consequence)
        for participant in self._stalled - now_stalled:
            log.warning("watchdog: %s is making progress again", participant.name)
        self._stalled = now_stalled
        return stalls

    def _running_status(self) -> str:
        return f"serving; {len(self._participants)} parts making progress"

    @staticmethod
    def _stalled_status(stalls: list[tuple[ProgressBeat, float]]) -> str:
        return "stalled: " + ", ".join(f"{participant.name} silent for {silent_for:.0f} s"
                                       for participant, silent_for in stalls)

    def _set_status(self, status: str) -> None:
        if status != self._last_status:
            self._last_status = status
            self._notifier.status(status)
