"""A private mosquitto on loopback: the district broker's stand-in for demos and tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from devices.sim.process import stop_process


class BrokerUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalBroker:
    """mosquitto on 127.0.0.1:``port``; stop() and start() again keep the same port."""

    def __init__(self, work_dir: Path, port: int = 0, extra_config: str = "") -> None:
        self.work_dir = Path(work_dir)
        self.port = port or free_port()
        self.extra_config = extra_config
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout_s: float = 10.0) -> None:
        binary = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
        )
        if binary is None:
            raise BrokerUnavailable("mosquitto is not installed: apt-get install mosquitto")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        conf = self.work_dir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence false\n"
            # Like the district broker (config/mosquitto/mosquitto.conf): a center that
            # falls behind a burst must not lose QoS 1 messages to mosquitto's default
            # queue of 1000 per client.
            "max_queued_messages 100000\n"
            f"log_dest file {self.work_dir / 'mosquitto.log'}\n"
            "log_type error\nlog_type warning\nlog_type notice\n"
            f"{self.extra_config}"
        )
        self._process = subprocess.Popen(
            [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                stderr = self._process.stderr
                error = stderr.read().decode(errors="replace") if stderr else ""
                self._process = None
                raise BrokerUnavailable(f"mosquitto exited at start: {error.strip()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise BrokerUnavailable(
            f"mosquitto did not listen on port {self.port} within {timeout_s} s"
        )

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        stop_process(process)
        if process.stderr:
            process.stderr.close()
