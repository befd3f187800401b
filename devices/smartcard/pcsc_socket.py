"""Which pcscd this process talks to.

libpcsclite (under pyscard) reads PCSCLITE_CSOCK_NAME once, at a process's first PC/SC
call, and keeps that socket for the life of the process. So a process talks to exactly
one pcscd: the system's (/run/pcscd/pcscd.comm) unless it is pointed elsewhere before
that first call. The demo's simulators run a pcscd of their own on a private socket and
point the terminal at it through ``use_socket``; without that, any other pcscd on the
machine (another demo, a test run, a developer's reader) would be the terminal's.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

ENV = "PCSCLITE_CSOCK_NAME"
SYSTEM_SOCKET = "/run/pcscd/pcscd.comm"
# sockaddr_un.sun_path holds 108 bytes, the last one the terminating NUL.
MAX_SOCKET_PATH = 107

_chosen: str | None = None


class PcscSocketConflict(RuntimeError):
    """This process already talks to another pcscd; libpcsclite cannot switch."""


def current_socket() -> str:
    """The socket this process's PC/SC calls go to (or will go to)."""
    return _chosen or os.environ.get(ENV) or SYSTEM_SOCKET


def use_socket(path: str | Path) -> str:
    """Points this process's PC/SC calls at pcscd's socket ``path`` (empty: keep
    ``current_socket()``) and returns the socket in use. Call it before the first PC/SC
    call; raises PcscSocketConflict when the process already chose another socket."""
    global _chosen
    wanted = str(path) if str(path) else current_socket()
    if _chosen is not None and _chosen != wanted:
        raise PcscSocketConflict(
            f"this process already talks to the pcscd at {_chosen}; it cannot also use the "
            f"one at {wanted} (libpcsclite keeps the first socket for the life of a process)")
    os.environ[ENV] = wanted
    _chosen = wanted
    return wanted


@dataclass(frozen=True)
class SocketOwner:
    pid: int
    program: str        # /proc/PID/comm; "" when it cannot be read


def socket_owner(path: str | Path) -> SocketOwner | None:
    """The process listening on the Unix socket ``path`` (the kernel's SO_PEERCRED), or
    None when nothing answers there. Connecting puts no card anywhere: pcscd only starts a
    client context, which closing ends."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        try:
            client.connect(str(path))
            credentials = client.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                            struct.calcsize("3i"))
        except OSError:
            return None
    pid = struct.unpack("3i", credentials)[0]
    program = ""
    with contextlib.suppress(OSError):
        program = Path(f"/proc/{pid}/comm").read_text().strip()
    return SocketOwner(pid, program)


def daemon_pid(socket_path: str | Path) -> int | None:
    """The pid of the pcscd that runs beside ``socket_path``, from the pid file pcscd keeps
    next to its socket, or None when none runs. Unlike socket_owner it does not connect,
    so it never makes systemd start pcscd."""
    try:
        text = Path(socket_path).with_name("pcscd.pid").read_text().strip("\0\n ")
        pid = int(text)
        running = Path(f"/proc/{pid}/comm").read_text().strip()
    except (OSError, ValueError):
        return None
    return pid if running == "pcscd" else None
