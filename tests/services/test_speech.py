"""The resident's voice: prompts, 重听, the staff mute, and what reaches the program.

Spoken through the real PromptSpeaker running the voice simulator, so "spoken" here means
a text-to-speech program was started with that text.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.voice.prompt_speaker import PromptSpeaker
from devices.voice.simulator import read_record, simulator_command
from kiosk.services.speech import HISTORY_LENGTH, ResidentVoice
from tests.fixtures.processes import running
from tests.waiting import wait_until

ENTER_CODE = "请输入八位取件码"
DOOR_OPEN = "三号柜门已打开，请取出您的材料，然后关好柜门"
TAKE_TICKET = "请选择要办理的业务"


def spoken_texts(record: Path) -> list[str]:
    return [spoken.text for spoken in read_record(record)]


def settle() -> None:
    """Long enough for a program that was going to start to have recorded its text."""
    time.sleep(0.8)


@pytest.fixture
def record(tmp_path: Path) -> Path:
    return tmp_path / "voice.jsonl"


@pytest.fixture
def voice(record: Path):
    # Fast speech: each prompt finishes on its own within a second or two.
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=0.02),
                            volume_percent=70)
    speaker.start()
    yield ResidentVoice(speaker)
    speaker.stop()


def say_and_wait(voice: ResidentVoice, record: Path, text: str) -> None:
    count = len(read_record(record))
    voice.prompt(text)
    wait_until(lambda: len(read_record(record)) > count and spoken_texts(record)[-1] == text,
               f"{text!r} spoken", timeout_s=10)


def test_each_prompt_is_spoken_and_listed(voice, record):
    heard: list[str] = []
    voice.on_speech(heard.append)
    for text in (ENTER_CODE, DOOR_OPEN):
        say_and_wait(voice, record, text)

    assert spoken_texts(record) == [ENTER_CODE, DOOR_OPEN]
    assert voice.history == (ENTER_CODE, DOOR_OPEN)
    assert heard == [ENTER_CODE, DOOR_OPEN]
    assert read_record(record)[0].volume == "140"   # 70 % of espeak-ng's 0-200


def test_repeat_says_the_last_prompt_again(voice, record):
    say_and_wait(voice, record, ENTER_CODE)
    say_and_wait(voice, record, DOOR_OPEN)
    count = len(read_record(record))

    voice.repeat()
    wait_until(lambda: len(read_record(record)) > count, "the repeat spoken", timeout_s=10)

    assert spoken_texts(record) == [ENTER_CODE, DOOR_OPEN, DOOR_OPEN]
    assert voice.history[-1] == DOOR_OPEN


def test_muted_says_nothing_and_unmute_speaks_the_next_prompt(voice, record):
    changes: list[bool] = []
    voice.on_mute_changed(changes.append)
    say_and_wait(voice, record, ENTER_CODE)

    voice.mute()
    assert voice.muted
    voice.prompt(DOOR_OPEN)
    voice.repeat()
    assert not voice.can_repeat
    settle()
    assert spoken_texts(record) == [ENTER_CODE]
    assert voice.history == (ENTER_CODE,)

    voice.unmute()
    settle()
    assert spoken_texts(record) == [ENTER_CODE]   # unmuting says nothing by itself
    assert voice.can_repeat
    assert voice.last_prompt == DOOR_OPEN
    say_and_wait(voice, record, TAKE_TICKET)

    assert spoken_texts(record) == [ENTER_CODE, TAKE_TICKET]
    assert changes == [True, False]
    voice.unmute()
    assert changes == [True, False]   # no change, no call


def test_muting_cuts_off_the_prompt_being_said(record):
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=0.5))
    speaker.start()
    voice = ResidentVoice(speaker)
    try:
        voice.prompt(DOOR_OPEN)
        wait_until(lambda: read_record(record), "the prompt started", timeout_s=10)
        pid = read_record(record)[0].pid
        voice.mute()
        wait_until(lambda: not running(pid), "the program ended", timeout_s=2)
        settle()
        assert [(t.text, t.finished) for t in read_record(record)] == [(DOOR_OPEN, False)]
    finally:
        speaker.stop()


def test_reset_forgets_the_last_prompt(voice, record):
    say_and_wait(voice, record, DOOR_OPEN)
    voice.reset()
    assert not voice.can_repeat
    voice.repeat()
    settle()
    assert spoken_texts(record) == [DOOR_OPEN]


def test_a_blank_prompt_only_silences(voice, record):
    say_and_wait(voice, record, ENTER_CODE)
    voice.prompt("   ")
    settle()
    assert spoken_texts(record) == [ENTER_CODE]
    assert voice.last_prompt == ENTER_CODE


def test_prompt_returns_at_once_while_a_long_prompt_plays(record):
    speaker = PromptSpeaker(simulator_command(record, seconds_per_character=0.3))
    speaker.start()
    voice = ResidentVoice(speaker)
    try:
        voice.prompt(DOOR_OPEN)
        wait_until(lambda: read_record(record), "the prompt started", timeout_s=10)
        started = time.monotonic()
        voice.prompt(ENTER_CODE)
        voice.repeat()
        voice.mute()
        voice.unmute()
        assert time.monotonic() - started < 0.05
    finally:
        speaker.stop()


def test_history_is_bounded(voice):
    for number in range(HISTORY_LENGTH + 5):
        voice.prompt(f"请{number}号")
    assert len(voice.history) == HISTORY_LENGTH
    assert voice.history[-1] == f"请{HISTORY_LENGTH + 4}号"


def test_without_a_speaker_nothing_is_said_and_nothing_fails():
    voice = ResidentVoice()
    voice.prompt(ENTER_CODE)
    voice.repeat()
    voice.mute()
    voice.unmute()
    voice.reset()
    assert not voice.available
    assert voice.health is None
    assert voice.history == ()
    assert not voice.can_repeat


def test_a_missing_program_is_reported_and_prompts_still_return():
    speaker = PromptSpeaker(("no-such-tts-program", "{text}"))
    speaker.start()
    voice = ResidentVoice(speaker)
    try:
        voice.prompt(ENTER_CODE)
        voice.repeat()
        assert voice.available
        assert voice.health is not None
        assert voice.health.state is DeviceState.ABSENT
    finally:
        speaker.stop()
