"""An Xvfb virtual display, for running the terminal UI on machines without a screen."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time

from devices.sim.process import stop_process


class VirtualDisplayError(RuntimeError):
    pass


class VirtualDisplay:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.name = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10.0) -> str:
        """Starts Xvfb on a free display number and returns it (":N")."""
        binary = shutil.which("Xvfb")
        if binary is None:
            raise VirtualDisplayError("Xvfb is not installed: apt-get install xvfb")
        read_end, write_end = os.pipe()
        # -displayfd: Xvfb picks a free display number and writes it to the pipe when ready.
        self._process = subprocess.Popen(
            [binary, "-displayfd", str(write_end), "-screen", "0",
             f"{self.width}x{self.height}x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(write_end)
        # Xvfb writes the number and the newline in two writes, and dies ("Cannot write
        # display number") if the pipe is closed between them: read up to the newline.
        received = b""
        deadline = time.monotonic() + timeout_s
        try:
            while not received.endswith(b"\n"):
                left = deadline - time.monotonic()
                ready, _, _ = select.select([read_end], [], [], max(0.0, left))
                chunk = os.read(read_end, 16) if ready else b""
                if not chunk:
                    break
                received += chunk
        finally:
            os.close(read_end)
        number = received.decode().strip() if received.endswith(b"\n") else ""
        if not number:
            self.stop()
            raise VirtualDisplayError(f"Xvfb did not start within {timeout_s:.0f} s")
        self.name = f":{number}"
        return self.name

    def stop(self) -> None:
        process, self._process = self._process, None
        stop_process(process)
