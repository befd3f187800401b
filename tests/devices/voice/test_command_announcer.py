"""The voice speaks calls one at a time, in order, through a real program."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from devices.health import DeviceState
from devices.voice.command_announcer import CommandAnnouncer


def speaking_program(tmp_path: Path, seconds: float = 0.15) -> tuple[Path, Path]:
    """A stand-in for espeak-ng: logs when it starts and ends each text."""
    log = tmp_path / "spoken.log"
    program = tmp_path / "say"
    program.write_text(f"""#!/bin/sh
echo "start $(date +%s.%N) $1" >> {log}
sleep {seconds}
echo "end $(date +%s.%N) $1" >> {log}
""")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program, log


def wait_for_lines(log: Path, count: int, timeout_s: float = 10) -> list[list[str]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if log.exists() and len(lines := log.read_text().splitlines()) >= count:
            return [line.split(" ", 2) for line in lines]
        time.sleep(0.05)
    raise AssertionError(f"{log} has fewer than {count} lines")


def test_announcements_never_overlap_and_keep_their_order(tmp_path):
    program, log = speaking_program(tmp_path)
    announcer = CommandAnnouncer((str(program), "{text}"))
    announcer.start()
    texts = ["请A001号到1号窗口办理", "请A002号到2号窗口办理", "再次呼叫，请A001号到1号窗口办理"]
    try:
        for text in texts:
            announcer.say(text)   # all at once, as when two windows press together
        lines = wait_for_lines(log, 6)
    finally:
        announcer.stop()

    assert [kind for kind, _t, _text in lines] == ["start", "end"] * 3
    assert [text for kind, _t, text in lines if kind == "start"] == texts
    times = [float(t) for _k, t, _text in lines]
    assert times == sorted(times)
    assert announcer.health.current.state is DeviceState.READY


def test_a_missing_program_is_reported_and_nothing_hangs(tmp_path):
    announcer = CommandAnnouncer(("no-such-tts-program", "{text}"))
    announcer.start()
    announcer.say("请A001号到1号窗口办理")
    announcer.stop()

    health = announcer.health.current
    assert health.state is DeviceState.ABSENT
    assert "'no-such-tts-program' not found" in health.detail
