"""mosquitto set up as the telemetry tests need it: with ACLs, with the sample TLS
configuration of config/mosquitto/, or keeping sessions across its own restarts."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from kiosk.simulation.broker import LocalBroker, free_port
from tests.fixtures.system import require

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "config" / "mosquitto"


def this_user() -> str:
    """Run as root, mosquitto drops to the mosquitto user, which cannot read the test's
    private directories; keep it as the user running the tests."""
    return "user root\n" if os.geteuid() == 0 else ""


def acl_broker(directory: Path, acl: str) -> LocalBroker:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "acl").write_text(acl)
    return LocalBroker(directory, extra_config=f"{this_user()}acl_file {directory / 'acl'}\n")


def durable_broker(directory: Path) -> LocalBroker:
    """Keeps sessions, subscriptions and queued messages across a stop and start, as the
    district broker does (persistence, written when it stops)."""
    directory.mkdir(parents=True, exist_ok=True)
    return LocalBroker(directory, extra_config=(
        f"{this_user()}persistence true\npersistence_location {directory}/\n"
        "max_queued_messages 0\nautosave_interval 3600\n"))


def make_demo_certs(directory: Path, *terminals: str) -> Path:
    """Certificates from the shipped script, exactly as an installer would make them."""
    require("openssl", "openssl")
    subprocess.run([str(SAMPLE / "make-demo-certs.sh"), str(directory), "localhost,127.0.0.1",
                    *terminals], check=True, capture_output=True, timeout=60)
    return directory


class SampleTlsBroker:
    """mosquitto running config/mosquitto/mosquitto.conf and acl as shipped, with only the
    port and the file locations changed."""

    def __init__(self, directory: Path, certs: Path) -> None:
        require("mosquitto", "mosquitto")
        self.port = free_port()
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        text = (SAMPLE / "mosquitto.conf").read_text()
        replacements = {
            r"^listener \d+$": f"listener {self.port} 127.0.0.1",
            r"^cafile .*$": f"cafile {certs / 'ca.crt'}",
            r"^certfile .*$": f"certfile {certs / 'broker.crt'}",
            r"^keyfile .*$": f"keyfile {certs / 'broker.key'}",
            r"^acl_file .*$": f"acl_file {SAMPLE / 'acl'}",
            r"^persistence_location .*$": f"persistence_location {directory}/",
        }
        for pattern, value in replacements.items():
            text, count = re.subn(pattern, value, text, flags=re.MULTILINE)
            assert count == 1, f"the sample configuration has no line matching {pattern}"
        text += f"{this_user()}log_dest file {directory / 'mosquitto.log'}\n"
        (directory / "mosquitto.conf").write_text(text)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import socket
        import time

        self._process = subprocess.Popen(
            [require("mosquitto", "mosquitto"), "-c", str(self.directory / "mosquitto.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("mosquitto did not start: "
                                   + self._process.stderr.read().decode(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not listen")

    def stop(self) -> None:
        from devices.sim.process import stop_process

        stop_process(self._process)
        if self._process is not None and self._process.stderr:
            self._process.stderr.close()
        self._process = None
