"""The voice speaks calls one at a time, in order, through a real program."""

from __future__ import annotations

from devices.health import DeviceState
from devices.voice.command_announcer import CommandAnnouncer
from tests.fixtures.voice import wait_for_lines


def test_announcements_never_overlap_and_keep_their_order(speaking_program):
    program, log = speaking_program()
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
