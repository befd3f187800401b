"""A private pcscd serving a vpcd virtual reader, for tests, demos and `kiosk sim`.

pcscd 1.9 always listens on /run/pcscd/pcscd.comm, and the simulators used to take
whatever pcscd already answered there: the demo's terminal then read that daemon's cards
(another demo's, a test run's, a developer's own reader). So they always start their own.
It runs in a private mount namespace in which WORK_DIR/run is mounted over /run/pcscd:
its socket and pid file land in WORK_DIR/run, no other pcscd is touched, and the processes
that use it are pointed at WORK_DIR/run/pcscd.comm (devices/smartcard/pcsc_socket.py).
That takes root, or unprivileged user namespaces for other users (Debian's default).

libpcsclite talks to one pcscd per process, so a process runs at most one of these: a
second service started in the same process shares the first one's daemon.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

from devices.sim.process import stop_process
from devices.smartcard.pcsc_socket import (
    MAX_SOCKET_PATH,
    PcscSocketConflict,
    socket_owner,
    use_socket,
)

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
SYSTEM_VPCD_PORT = 0x8C7B  # 35963: where Debian's vsmartcard-vpcd has the system pcscd listen
READER_PREFIX = "Virtual PCD"
VPCD_SLOTS = 2  # vpcd listens on its port and the next one, one per slot
# Run inside the new mount namespace: /run/pcscd becomes the private directory ($1), then
# pcscd replaces the shell, so the process started is pcscd itself.
_IN_NAMESPACE = 'mkdir -p /run/pcscd 2>/dev/null; mount --bind "$1" /run/pcscd || exit 97; ' \
                'shift; exec "$@"'
_MOUNT_FAILED = 97

_process_service: VirtualReaderService | None = None


class PcscdUnavailable(RuntimeError):
    """pcscd or the vpcd driver cannot be had; the message names the package or step."""


def socket_path_in(work_dir: Path) -> Path:
    """Where the pcscd of a service working in ``work_dir`` listens."""
    return Path(work_dir).absolute() / "run" / "pcscd.comm"


def list_readers() -> list[str] | None:
    """Reader names of this process's pcscd, or None when it is not reachable."""
    from smartcard.scard import (
        SCARD_S_SUCCESS,
        SCARD_SCOPE_USER,
        SCardEstablishContext,
        SCardListReaders,
        SCardReleaseContext,
    )

    result, context = SCardEstablishContext(SCARD_SCOPE_USER)
    if result != SCARD_S_SUCCESS:
        return None
    try:
        result, readers = SCardListReaders(context, [])
        return list(readers) if result == SCARD_S_SUCCESS else []
    finally:
        SCardReleaseContext(context)


class VirtualReaderService:
    """A pcscd of its own with one vpcd reader; ``port`` is slot 0's TCP port."""

    def __init__(self, work_dir: Path, port: int) -> None:
        self.work_dir = Path(work_dir)
        self.requested_port = port
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None
        self._shared: VirtualReaderService | None = None

    @property
    def started_here(self) -> bool:
        return self._process is not None

    @property
    def socket_path(self) -> Path:
        """pcscd's socket: what a process using this reader must be pointed at."""
        if self._shared is not None:
            return self._shared.socket_path
        return socket_path_in(self.work_dir)

    @property
    def pid(self) -> int | None:
        if self._shared is not None:
            return self._shared.pid
        return self._process.pid if self._process is not None else None

    def start(self, timeout_s: float = 10.0, *, with_reader: bool = True) -> None:
        """Starts the daemon and points this process at it. ``with_reader=False`` starts it
        without the vpcd reader (the reader "unplugged"), on the same socket."""
        global _process_service
        running = _process_service
        if running is not None and running is not self and running.started_here:
            # This process already talks to a pcscd of its own, and can talk to no other.
            self._shared, self.port = running, running.port
            return
        self._shared = None
        pcscd = _program("pcscd", "pcscd")
        if not VPCD_DRIVER.exists():
            raise PcscdUnavailable("the vpcd driver is missing: apt-get install vsmartcard-vpcd")
        if with_reader:
            _check_ports_free(self.requested_port)
        socket_path = self.socket_path
        if len(os.fsencode(socket_path)) > MAX_SOCKET_PATH:
            raise PcscdUnavailable(
                f"pcscd's socket {socket_path} would be longer than the {MAX_SOCKET_PATH} "
                "bytes a Unix socket's path may have: use a shorter simulation.dir")
        try:
            use_socket(socket_path)
        except PcscSocketConflict as error:
            raise PcscdUnavailable(str(error)) from None
        _clear_stale(socket_path)
        conf_dir = self.work_dir / ("reader.conf.d" if with_reader else "no-readers.conf.d")
        conf_dir.mkdir(parents=True, exist_ok=True)
        if with_reader:
            (conf_dir / "vpcd").write_text(
                f'FRIENDLYNAME "{READER_PREFIX}"\n'
                f"DEVICENAME   /dev/null:0x{self.requested_port:04X}\n"
                f"LIBPATH      {VPCD_DRIVER}\n"
                f"CHANNELID    0x{self.requested_port:04X}\n"
            )
        log_path = self.work_dir / "pcscd.log"
        with log_path.open("ab") as log_file:
            self._process = subprocess.Popen(
                with_private_run_dir(socket_path.parent,
                                     [pcscd, "--foreground", "--config", str(conf_dir)]),
                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.port = self.requested_port
        _process_service = self
        ports = _vpcd_ports(self.port) if with_reader else []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                self.stop()
                raise PcscdUnavailable(_exit_explained(code, log_path))
            if _is_socket(socket_path) and all(listening(port) for port in ports):
                return
            time.sleep(0.05)
        self.stop()
        raise PcscdUnavailable(f"pcscd did not come up within {timeout_s:.0f} s (its socket "
                               f"and vpcd's ports); see {log_path}")

    def stop(self) -> None:
        global _process_service
        if self._shared is not None:
            self._shared = None
            return
        process, self._process = self._process, None
        stop_process(process)
        if _process_service is self:
            _process_service = None


def with_private_run_dir(run_dir: Path, command: list[str]) -> list[str]:
    """``command`` to run in a mount namespace of its own in which ``run_dir`` is
    /run/pcscd: for a pcscd, its socket and pid file land in ``run_dir``; for a client,
    the pcscd listening in ``run_dir`` is the one on the default socket."""
    namespace = ["--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace = ["--user", "--map-root-user", *namespace]
    return [_program("unshare", "util-linux"), *namespace, "sh", "-c", _IN_NAMESPACE, "sh",
            str(run_dir), *command]


def _program(name: str, package: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/sbin") / name) if p.exists()), None)
    if found is None:
        raise PcscdUnavailable(f"{name} is not installed: apt-get install {package}")
    return found


def _vpcd_ports(port: int) -> list[int]:
    return [port + slot for slot in range(VPCD_SLOTS)]


def _check_ports_free(port: int) -> None:
    """vpcd must be the only listener on its ports: a card simulator connecting to another
    program's vpcd would put its card in that program's reader."""
    taken = [p for p in _vpcd_ports(port) if listening(p)]
    if not taken:
        return
    named = " and ".join(str(p) for p in taken)     # each port once
    system = (" (Debian's vsmartcard-vpcd has the system pcscd listen there)"
              if SYSTEM_VPCD_PORT in taken else "")
    raise PcscdUnavailable(
        f"vpcd {'port' if len(taken) == 1 else 'ports'} {named} already in use by another "
        f"program{system}; the demo's own pcscd needs simulation.vpcd_port and the port after "
        "it: set simulation.vpcd_port to a free port")


def _clear_stale(socket_path: Path) -> None:
    """A socket and pid file left by a daemon that was killed would make the new pcscd
    believe another one runs; a daemon that still answers there is refused instead."""
    owner = socket_owner(socket_path) if socket_path.exists() else None
    if owner is not None:
        raise PcscdUnavailable(
            f"a pcscd (pid {owner.pid}) still serves {socket_path}, probably a simulator of "
            "an earlier run: stop that process first")
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (socket_path, socket_path.with_name("pcscd.pid")):
        leftover.unlink(missing_ok=True)


def _exit_explained(code: int, log_path: Path) -> str:
    try:
        last = log_path.read_text(errors="replace").strip().splitlines()[-1:]
    except OSError:
        last = []
    said = f": {last[0].strip()}" if last else ""
    if code == _MOUNT_FAILED or "unshare" in said:
        return ("could not give the demo's pcscd a private /run/pcscd (it needs root, or "
                f"unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1){said}")
    return f"pcscd exited at start (code {code}){said}; see {log_path}"


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def listening(port: int) -> bool:
    """Whether a TCP socket listens on ``port``, found without connecting: a connection
    to vpcd would put a card in its reader."""
    wanted = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # fields[1] is local address:port in hex, fields[3] the state (0A = LISTEN).
            if len(fields) > 3 and fields[1].endswith(wanted) and fields[3] == "0A":
                return True
    return False
