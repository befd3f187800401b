"""The terminal's prompts: the newest one replaces the one being said, and nothing waits.

The speaker runs the voice simulator as its text-to-speech program, so these tests see
what reached the program's argv, which processes ran and which were cut off.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.voice.prompt_speaker import PromptSpeaker, volume_argument
from devices.voice.simulator import SpokenText, read_record, simulator_command
from tests.fixtures.processes import children_of_this_process, running
from tests.waiting import wait_until

LONG_PROMPT = "请在键盘上输入八位取件码，输完后请按确定键，如果忘记取件码请刷身份证"  # 33 chars
SHORT_PROMPT = "柜门已打开，请取出您的材料"


def spoken(record: Path, count: int) -> list[SpokenText]:
    wait_until(lambda: len(read_record(record)) >= count, f"{count} texts spoken",
               timeout_s=10)
    return read_record(record)


@pytest.fixture
def record(tmp_path: Path) -> Path:
    return tmp_path / "voice.jsonl"


@pytest.fixture
def speaker(record: Path):
    # 0.2 s a character: a long prompt plays for over six seconds unless cut off.
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=0.2),
                            volume_percent=70)
    speaker.start()
    yield speaker
    speaker.stop()


def test_a_new_prompt_cuts_off_the_one_being_said(speaker, record):
    speaker.say(LONG_PROMPT)
    first = spoken(record, 1)[0]
    assert running(first.pid)

    speaker.say(SHORT_PROMPT)
    texts = spoken(record, 2)

    assert [t.text for t in texts] == [LONG_PROMPT, SHORT_PROMPT]
    wait_until(lambda: not running(first.pid), "the first program ended", timeout_s=2)
    # Cut off well before its six and a half seconds were up.
    assert texts[1].started_at - first.started_at < 3
    wait_until(lambda: read_record(record)[1].finished, "the second prompt finished",
               timeout_s=10)
    assert not read_record(record)[0].finished
    assert speaker.health.current.state is DeviceState.READY


def test_stale_prompts_never_queue_up(speaker, record):
    speaker.say(LONG_PROMPT)
    spoken(record, 1)
    for step in range(10):   # a resident tapping through screens faster than speech
        speaker.say(f"第{step}步")
    speaker.say(SHORT_PROMPT)
    wait_until(lambda: any(t.text == SHORT_PROMPT for t in read_record(record)),
               "the newest prompt spoken", timeout_s=10)
    time.sleep(1)   # anything still queued would start by now

    texts = [t.text for t in read_record(record)]
    assert texts[0] == LONG_PROMPT
    assert texts[-1] == SHORT_PROMPT
    assert len(texts) <= 3, texts   # at most one of the skipped steps slipped in between


def test_say_returns_at_once_while_a_prompt_plays(speaker, record):
    speaker.say(LONG_PROMPT)
    spoken(record, 1)
    for text in (SHORT_PROMPT, LONG_PROMPT, SHORT_PROMPT):
        started = time.monotonic()
        speaker.say(text)
        speaker.silence()
        speaker.say(text)
        # Generous: starting a program alone would take longer than this on a busy machine.
        assert time.monotonic() - started < 0.05


def test_the_volume_reaches_the_program_on_its_own_scale(record):
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=0),
                            volume_percent=35, volume_at_0=0, volume_at_100=200)
    assert speaker.argv("请取号")[-4:] == ["--volume", "70", "--", "请取号"]
    speaker.start()
    try:
        speaker.say("请取号")
        assert spoken(record, 1)[0].volume == "70"
    finally:
        speaker.stop()


@pytest.mark.parametrize(("percent", "at_0", "at_100", "expected"), [
    (0, 0, 200, "0"), (100, 0, 200, "200"), (70, 0, 200, "140"),
    (50, -100, 100, "0"), (0, -100, 100, "-100"), (33, 0, 10, "3"),
])
def test_volume_mapping(percent, at_0, at_100, expected):
    assert volume_argument(percent, at_0, at_100) == expected


def test_a_volume_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="not a percentage"):
        volume_argument(101, 0, 200)


def test_placeholders_inside_a_prompt_are_left_alone():
    speaker = PromptSpeaker(("tts", "--amp={volume}", "{text}"), volume_percent=50)
    assert speaker.argv("读出{volume}和{text}\0") == ["tts", "--amp=100", "读出{volume}和{text}"]


def test_a_missing_program_is_absent_and_nothing_breaks(record):
    speaker = PromptSpeaker(("no-such-tts-program", "{text}"))
    speaker.start()
    try:
        health = speaker.health.current
        assert health.state is DeviceState.ABSENT
        assert "'no-such-tts-program' not found" in health.detail
        assert "voice.command" in health.detail
        started = time.monotonic()
        speaker.say(SHORT_PROMPT)
        speaker.say(LONG_PROMPT)
        assert time.monotonic() - started < 0.05
        time.sleep(0.3)
        assert speaker.health.current.state is DeviceState.ABSENT
    finally:
        speaker.stop()
    assert not speaker._worker.running


def test_a_program_that_fails_is_a_fault_naming_its_message(tmp_path, record):
    command = (*simulator_command(record)[:-2], "--fail-with", "no such voice: cmn", "--",
               "{text}")
    speaker = PromptSpeaker(command)
    speaker.start()
    try:
        speaker.say(SHORT_PROMPT)
        wait_until(lambda: speaker.health.current.state is DeviceState.FAULT, "a fault")
        assert "no such voice: cmn" in speaker.health.current.detail
    finally:
        speaker.stop()


def test_a_command_without_text_is_a_fault_and_is_never_run(record):
    command = tuple(part for part in simulator_command(record) if part != "{text}")
    speaker = PromptSpeaker((*command, "请稍候"))
    speaker.start()
    speaker.say(SHORT_PROMPT)
    time.sleep(0.5)
    speaker.stop()
    assert speaker.health.current.state is DeviceState.FAULT
    assert "voice.command has no {text} placeholder" in speaker.health.current.detail
    assert read_record(record) == []


def test_a_program_that_hangs_is_stopped_after_the_timeout(record):
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=5),
                            timeout_s=0.5)
    speaker.start()
    try:
        speaker.say(SHORT_PROMPT)
        pid = spoken(record, 1)[0].pid
        wait_until(lambda: speaker.health.current.state is DeviceState.FAULT, "a fault")
        assert "was stopped" in speaker.health.current.detail
        assert not running(pid)
    finally:
        speaker.stop()


def test_stop_leaves_no_program_running(record):
    # Other tests' session fixtures (a broker, pcscd) may be children too: only new
    # children count.
    before = set(children_of_this_process())
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=0.2))
    speaker.start()
    speaker.say(LONG_PROMPT)
    pid = spoken(record, 1)[0].pid

    speaker.stop()

    assert not running(pid)
    assert set(children_of_this_process()) - before == set()
    assert not speaker._worker.running
    speaker.say(SHORT_PROMPT)   # after stop: ignored, nothing started
    time.sleep(0.2)
    assert len(read_record(record)) == 1


def test_silence_cuts_off_without_saying_anything_else(speaker, record):
    speaker.say(LONG_PROMPT)
    pid = spoken(record, 1)[0].pid
    speaker.silence()
    wait_until(lambda: not running(pid), "the program ended", timeout_s=2)
    time.sleep(0.3)
    assert [t.text for t in read_record(record)] == [LONG_PROMPT]


def test_the_worker_beats_while_idle_and_while_speaking(speaker, record):
    wait_until(lambda: speaker.progress.last_beat_at is not None, "the first beat")
    first = speaker.progress.last_beat_at
    time.sleep(1.2)
    assert speaker.progress.last_beat_at > first
    speaker.say(LONG_PROMPT)
    spoken(record, 1)
    during = speaker.progress.last_beat_at
    time.sleep(0.3)
    assert speaker.progress.last_beat_at > during
