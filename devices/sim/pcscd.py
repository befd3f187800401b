"""A pcscd that serves vpcd virtual readers, for tests, demos and `kiosk sim`.

pcscd's socket is always /run/pcscd/pcscd.comm, so one machine has one pcscd. If one
is already running with a vpcd reader (Debian's vsmartcard-vpcd adds one on port 35963)
it is used as it is; otherwise, as root, a private pcscd is started whose reader
configuration holds only the vpcd reader on the port asked for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from devices.sim.process import stop_process

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
SYSTEM_VPCD_CONF = Path("/etc/reader.conf.d/vpcd")
SYSTEM_VPCD_PORT = 0x8C7B  # 35963, Debian's default
READER_PREFIX = "Virtual PCD"


class PcscdUnavailable(RuntimeError):
    """pcscd or the vpcd driver cannot be had; the message names the package or step."""


def list_readers() -> list[str] | None:
    """Reader names, or None when pcscd is not reachable."""
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
    """Ensures a pcscd with vpcd readers; ``port`` is slot 0's TCP port."""

    def __init__(self, work_dir: Path, port: int) -> None:
        self.work_dir = Path(work_dir)
        self.requested_port = port
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def started_here(self) -> bool:
        return self._process is not None

    def start(self, timeout_s: float = 10.0) -> None:
        readers = list_readers()
        if readers is not None:
            if any(r.startswith(READER_PREFIX) for r in readers):
                # A pcscd that already serves vpcd: find which port its reader listens on.
                for port in (self.requested_port, _system_vpcd_port()):
                    if _listening(port):
                        self.port = port
                        return
                raise PcscdUnavailable(
                    f"pcscd serves a vpcd reader, but not on port {self.requested_port} "
                    f"(simulation.vpcd_port) or {_system_vpcd_port()}: set simulation.vpcd_port "
                    "to the DEVICENAME port in /etc/reader.conf.d/vpcd"
                )
            raise PcscdUnavailable(
                "pcscd is running without a vpcd reader: install vsmartcard-vpcd and restart "
                "pcscd (systemctl restart pcscd)"
            )
        pcscd = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists()
                                          else None)
        if pcscd is None:
            raise PcscdUnavailable("pcscd is not installed: apt-get install pcscd")
        if not VPCD_DRIVER.exists():
            raise PcscdUnavailable("the vpcd driver is missing: apt-get install vsmartcard-vpcd")
        if os.geteuid() != 0:
            raise PcscdUnavailable(
                "pcscd is not running and only root can start it: sudo systemctl start pcscd"
            )
        conf_dir = self.work_dir / "reader.conf.d"
        conf_dir.mkdir(parents=True, exist_ok=True)
        (conf_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{READER_PREFIX}"\n'
            f"DEVICENAME   /dev/null:0x{self.requested_port:04X}\n"
            f"LIBPATH      {VPCD_DRIVER}\n"
            f"CHANNELID    0x{self.requested_port:04X}\n"
        )
        log_file = (self.work_dir / "pcscd.log").open("ab")
        self._process = subprocess.Popen(
            [pcscd, "--foreground", "--config", str(conf_dir)],
            stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.port = self.requested_port
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PcscdUnavailable(
                    f"pcscd exited at start (code {self._process.returncode}); "
                    f"see {self.work_dir / 'pcscd.log'}"
                )
            found = list_readers()
            if found and any(r.startswith(READER_PREFIX) for r in found):
                return
            time.sleep(0.1)
        self.stop()
        raise PcscdUnavailable(f"pcscd did not show the vpcd reader within {timeout_s:.0f} s")

    def stop(self) -> None:
        process, self._process = self._process, None
        stop_process(process)


def _listening(port: int) -> bool:
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


def _system_vpcd_port() -> int:
    try:
        for line in SYSTEM_VPCD_CONF.read_text().splitlines():
            if line.split()[:1] == ["DEVICENAME"] and ":" in line:
                return int(line.rsplit(":", 1)[1].strip(), 0)
    except (OSError, ValueError):
        pass
    return SYSTEM_VPCD_PORT
