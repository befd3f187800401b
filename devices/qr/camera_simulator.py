"""A camera for the camera QR scanner: a capture program that writes netpbm frames.

Two halves that talk over a Unix socket:

- ``CameraSimulator`` lives in the simulator host (`kiosk sim`, or `kiosk run` with
  simulation). It holds the scene (what is in front of the camera) and offers the actions
  tests and the demo panel use: hold up a code, take it away, faults.
- The program, ``python -m devices.qr.camera_simulator --control SOCKET``, is what the
  terminal starts as its capture program, exactly as it would start ffmpeg. Each run
  connects to the socket, is told the scene, and writes P5 (or P6) frames to stdout at
  about 10 frames a second until it is stopped, told to fail, or loses the socket.

The terminal restarts the program whenever it dies; the scene survives in the host, so a
code held up during a restart is still there afterwards.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import socket
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image

from devices.qr.camera_scene import Scene, SceneRenderer
from devices.qr.simulator import SAMPLE_CODES
from devices.sim.actions import ActionDispatch, ActionSpec, Arg
from devices.sim.simulator import SimStatus

FAULTS = ("garbage", "truncate", "freeze", "crash")
# Not text in any encoding the scanner accepts: control characters and stray high bytes.
NOT_TEXT = bytes(range(0x00, 0x20)) + bytes(range(0xF8, 0x100))
GARBAGE_BYTES = 1500
DEFAULT_SHOW_S = 2.0
# What every action that shows a code also takes: how long (0: until taken away) and how
# the code looks (camera_scene.Scene's defaults where not given).
SHOWING = (Arg("seconds", float, DEFAULT_SHOW_S), Arg("angle", float, None),
           Arg("blur", float, None), Arg("contrast", float, None))


class CameraSimulator(ActionDispatch):
    def __init__(
        self,
        control_path: Path,
        *,
        name: str = "qr_scanner",
        frame_format: str = "pgm",
        size: tuple[int, int] = (640, 480),
        fps: float = 10.0,
    ) -> None:
        self.name = name
        self.control_path = Path(control_path).absolute()
        self.frame_format = frame_format
        self.size = size
        self.fps = fps
        self._scene = Scene()
        self._plugged = True
        self._server: socket.socket | None = None
        self._programs: list[socket.socket] = []
        self._lock = threading.Lock()
        self._take_away_timer: threading.Timer | None = None
        self.programs_started = 0

    @property
    def command(self) -> list[str]:
        """The capture command the terminal runs to use this camera."""
        width, height = self.size
        return [sys.executable, "-m", "devices.qr.camera_simulator",
                "--control", str(self.control_path), "--format", self.frame_format,
                "--size", f"{width}x{height}", "--fps", f"{self.fps:g}"]

    def start(self) -> None:
        self.control_path.parent.mkdir(parents=True, exist_ok=True)
        self.control_path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.control_path))
        os.chmod(self.control_path, 0o600)
        server.listen(4)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), name="camera-sim",
                         daemon=True).start()

    def stop(self) -> None:
        self._cancel_take_away()
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            programs, self._programs = self._programs, []
        for program in programs:
            program.close()
        self.control_path.unlink(missing_ok=True)

    # For tests and the actions below.

    def show(self, code: bytes, *, seconds: float | None = None, damaged: bool = False,
             **look: float) -> None:
        """Holds ``code`` up to the camera, for ``seconds`` or until taken away."""
        self._cancel_take_away()
        self._set_scene(Scene(code=code, damaged=damaged, **look))
        if seconds:
            timer = threading.Timer(seconds, self._take_away_after, args=(self._scene,))
            timer.daemon = True
            self._take_away_timer = timer
            timer.start()

    def take_away(self) -> None:
        self._cancel_take_away()
        self._set_scene(Scene())

    def inject(self, fault: str) -> None:
        """One fault in the stream of the running program (the next run is well again)."""
        if fault not in FAULTS:
            raise ValueError(f"no camera fault {fault!r}; there are: {', '.join(FAULTS)}")
        self._broadcast({"fault": fault})

    def unplug(self) -> None:
        self._plugged = False
        self._broadcast({"fault": "absent"})

    def plug(self) -> None:
        self._plugged = True

    @property
    def programs_connected(self) -> int:
        with self._lock:
            return len(self._programs)

    # The Simulator protocol: actions() and perform() come from ACTIONS.

    def status(self) -> SimStatus:
        code = self._scene.code
        showing = None if code is None else code.decode("utf-8", errors="replace")
        return SimStatus(plugged=self._plugged, detail={
            "showing": showing, "programs": self.programs_connected,
            "programs_started": self.programs_started})

    def _show_code(self, *, seconds: float, angle: float | None, blur: float | None,
                   contrast: float | None, text: str | None = None, encoding: str = "utf-8",
                   damaged: bool = False) -> str:
        """Holds up ``text`` in ``encoding``, or (without text) a code that is not text."""
        if seconds < 0:
            raise ValueError("seconds must be 0 (until taken away) or more")
        look: dict[str, Any] = {name: value for name, value in
                (("angle", angle), ("blur", blur), ("contrast", contrast)) if value is not None}
        code = NOT_TEXT if text is None else text.encode(encoding)
        self.show(code, seconds=seconds or None, damaged=damaged, **look)
        return "holding up a code that is not text" if text is None else f"holding up {text!r}"

    def _inject(self, *, fault: str) -> str:
        self.inject(fault)
        return f"{fault} sent to {self.programs_connected} capture program(s)"

    ACTIONS = (
        ActionSpec("show", "Hold a code up to the camera", _show_code, args=(Arg("text"),),
                   options=SHOWING, presets=SAMPLE_CODES),
        ActionSpec("show_gbk", "Hold up a code made by a GBK system",
                   partial(_show_code, encoding="gb18030"), args=(Arg("text"),),
                   options=SHOWING, presets=SAMPLE_CODES[1:]),
        ActionSpec("take_away", "Take the code away", take_away, done="code taken away"),
        ActionSpec("show_damaged", "Hold up a damaged code", partial(_show_code, damaged=True),
                   args=(Arg("text"),), options=SHOWING, presets=SAMPLE_CODES[:1],
                   fault=True),
        ActionSpec("show_not_text", "Hold up a code that is not text", _show_code,
                   options=SHOWING, fault=True),
        ActionSpec("garbage", "Send garbage in the video stream",
                   partial(_inject, fault="garbage"), fault=True),
        ActionSpec("truncate", "Send a frame cut short", partial(_inject, fault="truncate"),
                   fault=True),
        ActionSpec("freeze", "Freeze the camera", partial(_inject, fault="freeze"),
                   fault=True),
        ActionSpec("crash", "Crash the capture program", partial(_inject, fault="crash"),
                   fault=True),
        ActionSpec("unplug", "Unplug the camera", unplug, fault=True, done="unplugged"),
        ActionSpec("plug", "Plug the camera back in", plug, done="plugged in"),
    )

    def _set_scene(self, scene: Scene) -> None:
        self._scene = scene
        self._broadcast({"scene": scene.to_message()})

    def _take_away_after(self, scene: Scene) -> None:
        if self._scene == scene:
            self._set_scene(Scene())

    def _cancel_take_away(self) -> None:
        timer, self._take_away_timer = self._take_away_timer, None
        if timer is not None:
            timer.cancel()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                program, _ = server.accept()
            except OSError:
                return  # stopped
            self.programs_started += 1
            first = ({"fault": "absent"} if not self._plugged
                     else {"scene": self._scene.to_message()})
            if _send(program, first):
                with self._lock:
                    self._programs.append(program)

    def _broadcast(self, message: dict[str, Any]) -> None:
        with self._lock:
            programs = list(self._programs)
        gone = [program for program in programs if not _send(program, message)]
        if gone:
            with self._lock:
                self._programs = [p for p in self._programs if p not in gone]
            for program in gone:
                program.close()


def _send(program: socket.socket, message: dict[str, Any]) -> bool:
    try:
        program.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        return False
    return True


# The capture program.


class Controller:
    """The program's side of the socket: the latest scene and the faults still to play."""

    def __init__(self, path: str) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.connect(path)
        self.scene = Scene()
        self.faults: collections.deque[str] = collections.deque()
        self.lost = threading.Event()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        try:
            with self._socket.makefile("rb") as lines:
                for line in lines:
                    message = json.loads(line)
                    if "scene" in message:
                        self.scene = Scene.from_message(message["scene"])
                    if "fault" in message:
                        self.faults.append(message["fault"])
        except (OSError, ValueError) as error:
            print(f"camera simulator: bad word from its controller: {error}", file=sys.stderr)
        finally:
            self.lost.set()


def encode_frame(image: Image.Image, frame_format: str) -> bytes:
    if frame_format == "ppm":
        # A warm light, so that red, green and blue differ as from a real colour camera.
        grey = image
        colour = Image.merge("RGB", (grey, grey.point(lambda v: v * 0.93),
                                     grey.point(lambda v: v * 0.8)))
        header = f"P6\n# camera simulator\n{image.width} {image.height}\n255\n"
        return header.encode() + colour.tobytes()
    header = f"P5\n# camera simulator\n{image.width} {image.height}\n255\n"
    return header.encode() + image.tobytes()


def run_camera(controller: Controller, renderer: SceneRenderer, frame_format: str,
               fps: float) -> int:
    out = sys.stdout.buffer
    period = 1.0 / fps
    next_frame = time.monotonic()
    while not controller.lost.is_set():
        fault = controller.faults.popleft() if controller.faults else None
        if fault == "absent":
            print("camera simulator: /dev/video0: No such device (the simulated camera is "
                  "unplugged)", file=sys.stderr)
            return 1
        if fault == "crash":
            print("camera simulator: simulated crash", file=sys.stderr)
            return 3
        if fault == "freeze":
            controller.lost.wait()  # alive, silent, until killed or the host goes
            break
        frame = encode_frame(renderer.frame(controller.scene), frame_format)
        if fault == "garbage":
            out.write(os.urandom(GARBAGE_BYTES))
        if fault == "truncate":
            frame = frame[: len(frame) // 2]
        out.write(frame)
        out.flush()
        next_frame += period
        time.sleep(max(0.0, next_frame - time.monotonic()))
    print("camera simulator: its controller went away", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devices.qr.camera_simulator",
        description="A simulated camera: writes netpbm frames to stdout, shows what its "
                    "controller (the simulator host) says.")
    parser.add_argument("--control", required=True, help="the simulator host's camera socket")
    parser.add_argument("--format", choices=("pgm", "ppm"), default="pgm",
                        help="P5 grey (pgm) or P6 colour (ppm) frames")
    parser.add_argument("--size", default="640x480", help="WIDTHxHEIGHT")
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None, help="fixes where codes are placed")
    args = parser.parse_args(argv)
    try:
        width, height = (int(side) for side in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WIDTHxHEIGHT, got {args.size!r}")
    try:
        controller = Controller(args.control)
    except OSError as error:
        print(f"camera simulator: cannot reach its controller at {args.control} "
              f"({error.strerror or error}); is `kiosk sim` running?", file=sys.stderr)
        return 2
    try:
        return run_camera(controller, SceneRenderer(width, height, args.seed), args.format,
                          args.fps)
    except BrokenPipeError:
        # The terminal stopped reading: it is stopping us. Quietly, and without Python
        # complaining again about the flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
