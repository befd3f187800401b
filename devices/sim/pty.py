"""The device end of a simulated serial port.

A simulator owns the master side of a pseudo-terminal; the adapter under test opens the
slave through a stable symlink, as it would open /dev/serial/by-id/... on a terminal.
Unplugging closes the pseudo-terminal and removes the link; plugging back in makes a new
pseudo-terminal behind the same link, so adapters see what a replugged USB adapter does.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import struct
import termios
import threading
import time
import tty
from pathlib import Path


class PtyEndpoint:
    def __init__(self, link: Path, *, pace_baud: int | None = None) -> None:
        """``pace_baud``: if set, writes take the time 8N1 bytes take on a real wire."""
        self.link = Path(link)
        self.pace_baud = pace_baud
        self._master: int | None = None
        self._slave: int | None = None
        self._write_lock = threading.Lock()

    @property
    def plugged(self) -> bool:
        return self._master is not None

    @property
    def path(self) -> str:
        """The path an adapter opens: the stable link."""
        return str(self.link)

    def plug(self) -> None:
        if self._master is not None:
            return
        master, slave = os.openpty()
        tty.setraw(slave)
        tty.setraw(master)
        # Holding the slave open keeps the master readable while the adapter reconnects.
        self._master, self._slave = master, slave
        self.link.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.link.with_name(self.link.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        temporary.symlink_to(os.ttyname(slave))
        temporary.replace(self.link)

    def unplug(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        master, slave = self._master, self._slave
        self._master = self._slave = None
        for descriptor in (master, slave):
            if descriptor is not None:
                with contextlib.suppress(OSError):
                    os.close(descriptor)

    def write(self, data: bytes) -> None:
        """Sends bytes to the adapter (no-op while unplugged, as on a dead cable)."""
        with self._write_lock:
            master = self._master
            if master is None:
                return
            if self.pace_baud:
                time.sleep(len(data) * 10 / self.pace_baud)
            view = memoryview(data)
            while view:
                try:
                    written = os.write(master, view)
                except OSError:
                    return
                view = view[written:]

    def read(self, timeout_s: float) -> bytes:
        """Bytes the adapter sent, or b"" after ``timeout_s`` (or while unplugged)."""
        master = self._master
        if master is None:
            time.sleep(timeout_s)
            return b""
        try:
            ready, _, _ = select.select([master], [], [], timeout_s)
            if not ready:
                return b""
            return os.read(master, 4096)
        except (OSError, ValueError):
            return b""

    def pending(self) -> int:
        """Bytes the adapter wrote that the simulator has not read yet."""
        master = self._master
        if master is None:
            return 0
        try:
            waiting = fcntl.ioctl(master, termios.FIONREAD, b"\0\0\0\0")
        except OSError:
            return 0
        return int(struct.unpack("i", waiting)[0])

    def close(self) -> None:
        self.unplug()
