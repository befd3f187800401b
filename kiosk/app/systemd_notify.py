"""systemd's service notification protocol (sd_notify(3)), without libsystemd.

Each message is one datagram of newline-separated ``KEY=VALUE`` fields sent to the
AF_UNIX socket named by $NOTIFY_SOCKET: a path, or with a leading '@' a name in the abstract
namespace. Without $NOTIFY_SOCKET (not started by systemd, or not Type=notify) every call
does nothing.

The watchdog: $WATCHDOG_USEC is the unit's WatchdogSec= in microseconds; pinging at half of
it is what sd_watchdog_enabled(3) advises. systemd also sets $WATCHDOG_PID to the unit's main
process, so that children which inherit the variables do not ping in its name. Here the main
process is xinit, which runs `kiosk run` as its child: so the parent's PID counts as ours.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import MutableMapping

log = logging.getLogger(__name__)

ENVIRONMENT_VARIABLES = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")


def socket_address(notify_socket: str) -> str | bytes | None:
    """The address to send to: a path, the bytes of an abstract name (a leading NUL in
    place of '@'), or None for what this sender does not speak (vsock, relative paths)."""
    if notify_socket.startswith("@") and len(notify_socket) > 1:
        return b"\0" + notify_socket[1:].encode()
    if notify_socket.startswith("/"):
        return notify_socket
    return None


def watchdog_interval(environ: MutableMapping[str, str], pid: int, parent_pid: int
                      ) -> float | None:
    """Seconds between WATCHDOG=1 pings (half the timeout), or None when there is no
    watchdog for this process."""
    text = environ.get("WATCHDOG_USEC", "")
    if not text:
        return None
    try:
        usec = int(text)
    except ValueError:
        log.warning("WATCHDOG_USEC=%r is not a number: no watchdog pings", text)
        return None
    if usec <= 0:
        return None
    watchdog_pid = environ.get("WATCHDOG_PID", "")
    if watchdog_pid and watchdog_pid not in (str(pid), str(parent_pid)):
        log.warning("WATCHDOG_PID=%s is neither this process (%d) nor its parent (%d): the "
                    "watchdog is someone else's, no pings", watchdog_pid, pid, parent_pid)
        return None
    return usec / 1_000_000 / 2


class SystemdNotifier:
    """Sends notifications to systemd; never raises (a terminal must not stop because its
    supervisor's socket went away), and logs a failing socket once."""

    def __init__(self, notify_socket: str | None, watchdog_interval_s: float | None = None
                 ) -> None:
        self.address = socket_address(notify_socket) if notify_socket else None
        if notify_socket and self.address is None:
            log.warning("NOTIFY_SOCKET=%r is neither an absolute path nor an abstract '@' "
                        "name: systemd is not told anything", notify_socket)
        self.watchdog_interval_s = watchdog_interval_s if self.address is not None else None
        self._lock = threading.Lock()
        self._failing = False

    @classmethod
    def from_environment(cls, environ: MutableMapping[str, str] | None = None, *,
                         pid: int | None = None, parent_pid: int | None = None
                         ) -> SystemdNotifier:
        """Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID, then removes them from
        ``environ`` (os.environ by default): programs the terminal starts (the camera's
        capture program, and under simulation mosquitto and pcscd, which speak sd_notify
        themselves) must not report to systemd in the terminal's name, and with
        NotifyAccess=all systemd would believe them."""
        environ = os.environ if environ is None else environ
        interval = watchdog_interval(environ, os.getpid() if pid is None else pid,
                                     os.getppid() if parent_pid is None else parent_pid)
        notifier = cls(environ.get("NOTIFY_SOCKET") or None, interval)
        for name in ENVIRONMENT_VARIABLES:
            environ.pop(name, None)
        return notifier

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def ready(self, status: str) -> bool:
        return self.notify("READY=1", _status(status))

    def status(self, status: str) -> bool:
        return self.notify(_status(status))

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self, status: str) -> bool:
        return self.notify("STOPPING=1", _status(status))

    def notify(self, *fields: str) -> bool:
        """Sends ``fields`` as one datagram; True if it went out."""
        if self.address is None:
            return False
        message = "\n".join(fields).encode()
        with self._lock:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                    sender.sendto(message, self.address)
            except OSError as error:
                if not self._failing:
                    log.warning("cannot notify systemd on %s: %s", _printable(self.address),
                                error)
                self._failing = True
                return False
            if self._failing:
                log.info("notifying systemd on %s again", _printable(self.address))
            self._failing = False
            return True


def _status(text: str) -> str:
    # One field per line: a newline in the text would start a field of its own.
    return "STATUS=" + " ".join(text.split())


def _printable(address: str | bytes) -> str:
    return "@" + address[1:].decode(errors="replace") if isinstance(address, bytes) else address
