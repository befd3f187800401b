"""The default voice command, run for real: espeak-ng speaking Mandarin.

No sound card is needed: the command is run with ``-w FILE`` (a WAV file instead of the
audio device) or ``-q -x`` (the phonemes it would say, printed).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.voice.prompt_speaker import PromptSpeaker
from kiosk.config.schema import VoiceConfig
from tests.waiting import wait_until

PROMPT = "请输入8位取件码，然后按确定。"
DEFAULT_COMMAND = VoiceConfig().command


@pytest.fixture(autouse=True)
def espeak_ng() -> None:
    if shutil.which(DEFAULT_COMMAND[0]) is None:
        pytest.fail("espeak-ng is not installed: apt-get install espeak-ng (make installs it)")


def with_options(*options: str) -> tuple[str, ...]:
    """The default command with ``options`` right after the program's name."""
    return (DEFAULT_COMMAND[0], *options, *DEFAULT_COMMAND[1:])


def test_the_default_command_speaks_mandarin_into_a_wav_file(tmp_path):
    wav = tmp_path / "prompt.wav"
    speaker = PromptSpeaker(with_options("-w", str(wav)), volume_percent=70)
    speaker.start()
    try:
        assert speaker.health.current.state is DeviceState.READY
        speaker.say(PROMPT)
        wait_until(lambda: wav.exists() and wav.stat().st_size > 0, "espeak-ng's WAV file")
        # Written in full once espeak-ng ends; 15 syllables at 22 kHz are many kilobytes.
        wait_until(lambda: wav.stat().st_size > 20_000, "a WAV file holding speech")
    finally:
        speaker.stop()
    assert Path(wav).read_bytes()[:4] == b"RIFF"
    assert speaker.health.current.state is DeviceState.READY


def test_the_default_voice_reads_han_characters_as_mandarin():
    # espeak-ng 1.51's plain cmn voice turns 你 into "ni3" and reads the 3 in English
    # ("(en)...Tri:" in its phonemes); the default voice must not.
    argv = [part.replace("{volume}", "140").replace("{text}", PROMPT)
            for part in with_options("-q", "-x")]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
    phonemes = result.stdout
    assert "(en)" not in phonemes, phonemes
    # 请 qing3 and 取 qu3 as Mandarin syllables with their tone contours.
    assert "tS;h'i21N" in phonemes, phonemes
    assert "tS;h'y21" in phonemes, phonemes
