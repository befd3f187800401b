"""The voice as the terminal builds it from [voice]: started, reported and stopped with
the devices."""

from __future__ import annotations

import pytest

from devices.health import DeviceState
from devices.voice.prompt_speaker import PromptSpeaker
from devices.voice.simulator import read_record
from kiosk.app.terminal import build_terminal
from kiosk.config import ConfigError
from kiosk.config.schema import VoiceConfig
from kiosk.services.speech import ResidentVoice
from kiosk.store import open_store
from tests.fixtures.configs import voice_record
from tests.fixtures.processes import children_of_this_process, running
from tests.waiting import wait_until


def test_the_voice_is_on_by_default_with_espeak_ng_at_70_percent():
    default = VoiceConfig()
    assert default.enabled
    assert default.volume == 70
    assert default.command == ("espeak-ng", "-v", "cmn-latn-pinyin", "-a", "{volume}",
                               "{text}")
    assert (default.volume_at_0, default.volume_at_100) == (0, 200)


@pytest.mark.parametrize("volume", [-1, 101])
def test_a_volume_outside_0_to_100_is_refused(write_config, volume):
    with pytest.raises(ConfigError, match=r"voice\.volume"):
        write_config.load({"voice": {"volume": volume}})


def test_the_terminal_speaks_through_the_configured_command(write_config, tmp_path):
    config = write_config.load({"voice": {"volume": 50}})
    before = set(children_of_this_process())   # other tests' brokers and daemons
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    assert isinstance(terminal.voice, ResidentVoice)
    assert isinstance(terminal.voice_speaker, PromptSpeaker)
    terminal.start()
    try:
        assert terminal.status.snapshot().devices["voice"].state is DeviceState.READY
        assert terminal.voice_speaker.progress in terminal.progress_beats()
        terminal.voice.prompt("请输入八位取件码，输完后请按确定键")
        record = voice_record(tmp_path)
        wait_until(lambda: read_record(record), "the prompt spoken", timeout_s=10)
        spoken = read_record(record)[0]
        assert (spoken.text, spoken.volume) == ("请输入八位取件码，输完后请按确定键", "100")
        terminal.voice.prompt("请取出您的材料")   # still speaking when the terminal stops
    finally:
        terminal.stop()
        store.close()
    assert not any(running(s.pid) for s in read_record(record))
    assert set(children_of_this_process()) - before == set()


def test_a_terminal_without_its_tts_program_reports_the_voice_absent(write_config):
    config = write_config.load({"voice": {"command": ["no-such-tts-program", "{text}"]}})
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    try:
        terminal.voice.prompt("请选择要办理的业务")
        health = terminal.status.snapshot().devices["voice"]
        assert health.state is DeviceState.ABSENT
        assert "no-such-tts-program" in health.detail
    finally:
        terminal.stop()
        store.close()


def test_voice_disabled_builds_a_silent_voice(write_config):
    config = write_config.load({"voice": {"enabled": False}})
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    try:
        assert terminal.voice_speaker is None
        assert not terminal.voice.available
        terminal.voice.prompt("请选择要办理的业务")
        assert terminal.voice.history == ()
        assert "voice" not in terminal.status.snapshot().devices
    finally:
        terminal.stop()
        store.close()
