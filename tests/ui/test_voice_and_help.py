"""What the terminal says aloud at each step, and the help button from a touch on the
screen to the window client at a staff member's desk.

What is spoken is read two ways: ``voice.history`` (each text the app handed to the TTS)
and the simulated TTS program's own record (what a program was started to say)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from devices.voice.simulator import read_record
from tests.fixtures.configs import voice_record
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.fixtures.locker_ui import (
    drop_off_by_taps,
    sign_in,
    store_result,
    type_digits,
    wait_door,
)
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui


def last_said(ui) -> str:
    history = ui.terminal.voice.history
    return history[-1] if history else ""


def wait_said(ui, phrase: str) -> None:
    ui.wait_until(lambda: phrase in last_said(ui), timeout_s=5,
                  what=f"the voice to say {phrase!r} (last: {last_said(ui)!r})")


def help_popup(ui):
    """The help pop-up, once it shows: the help desk records a call on its own thread and
    the pop-up follows its answer."""
    ui.wait_until(lambda: ui.app.aids.help_called is not None, what="the help pop-up")
    return ui.app.aids.help_called


def wait_spoken(ui, record_path, phrase: str) -> None:
    """The app handed ``phrase`` to the voice and the TTS program was started to say it.
    Waiting for the program too keeps a quick next tap from cutting the prompt off before
    its program could start, which a resident's slower finger never does."""
    wait_said(ui, phrase)
    ui.wait_until(lambda: any(phrase in entry.text for entry in read_record(record_path)),
                  timeout_s=5, what=f"the TTS program to be started for {phrase!r}")


def test_every_step_of_a_pickup_is_spoken(locker_ui, tmp_path):
    ui = locker_ui()
    record_path = voice_record(tmp_path)
    number, code = store_result(ui)
    assert last_said(ui) == ""                  # home: the terminal does not chatter

    ui.tap(ui.widget("pickup"))
    wait_spoken(ui, record_path, "请输入8位取件码")
    type_digits(ui, ui.widget("keypad"), "00000000")
    ui.tap(ui.widget("open_door"))
    wait_spoken(ui, record_path, "取件码不对")
    type_digits(ui, ui.widget("keypad"), code)
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    wait_door(ui, number, True)
    wait_spoken(ui, record_path, f"{number}号柜门已打开")
    ui.simulator.take_item(0, number)
    ui.simulator.close_door(0, number)
    wait_spoken(ui, record_path, "取件完成")

    # The TTS program was started for the prompts, in order.
    record = [entry.text for entry in read_record(record_path)]
    steps = [next(i for i, text in enumerate(record) if phrase in text)
             for phrase in ("请输入8位取件码", "取件码不对", f"{number}号柜门已打开",
                            "取件完成")]
    assert steps == sorted(steps), record


def test_speech_never_holds_up_the_screen(locker_ui):
    ui = locker_ui(voice={"command": ["sleep", "30", "{text}"]})  # a voice that never ends
    ui.tap(ui.widget("pickup"))
    started = time.monotonic()
    ui.tap(ui.widget("back_bar").ids.home)
    ui.tap(ui.widget("dropoff"))
    assert ui.screen == "dropoff"
    assert time.monotonic() - started < 3, "taps waited for the voice"
    assert "柜格大小" in last_said(ui)


def test_repeat_says_the_prompt_again_and_staff_can_mute_the_voice(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("dropoff"))
    wait_said(ui, "柜格大小")
    said = len(ui.terminal.voice.history)
    repeat = ui.app.status_bar.ids.repeat
    assert_widget_reads(ui.screenshot("status-bar-repeat"), repeat, "重听")
    ui.tap(repeat)
    assert len(ui.terminal.voice.history) == said + 1
    assert "柜格大小" in last_said(ui)
    ui.tap(ui.widget("back_bar").ids.home)

    sign_in(ui)
    ui.tap(ui.widget("voice"))
    assert ui.terminal.voice.muted
    assert ui.widget("voice").text == "语音提示：已关闭（点此打开）"
    ui.tap(ui.widget("sign_out"))
    said = len(ui.terminal.voice.history)
    ui.tap(ui.widget("pickup"))
    ui.pump(0.5)
    assert len(ui.terminal.voice.history) == said, "a muted voice spoke"
    assert ui.app.status_bar.ids.repeat.disabled


def test_the_idle_warning_is_read_aloud(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    clock = use_fake_idle_clock(ui)
    clock.advance(ui.terminal.config.display.idle_timeout_s + 1)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the idle prompt")
    wait_said(ui, "您还在吗")


def test_a_dropoff_receipt_number_is_read_digit_by_digit(locker_ui):
    ui = locker_ui()
    receipt, _door = drop_off_by_taps(ui)
    wait_said(ui, f"回执号 {' '.join(receipt)}")


def test_a_ticket_is_announced_with_its_number_and_windows(queue_ui):
    ui = queue_ui()
    ui.tap(ui.widget("queue"))
    wait_said(ui, "请选择您要办理的业务")
    general = next(b for b in ui.widget("categories").children if b.category_id == "general")
    ui.tap(general)
    ui.wait_until(lambda: ui.screen == "ticket", what="the ticket")
    wait_said(ui, "您的号码是 A 0 0 1")
    assert "1、2 号窗口" in last_said(ui)


def test_a_call_for_help_reaches_the_window_client(queue_ui):
    ui = queue_ui()
    ui.tap(ui.widget("queue"))
    ui.tap(ui.app.status_bar.ids.call_help)

    popup = help_popup(ui)
    assert popup.message == "已通知工作人员，请稍等，马上过来帮您。"
    wait_said(ui, "已通知工作人员")
    # A staff member's desk: the window client, in its own process.
    shown = subprocess.run(
        [sys.executable, "-m", "kiosk", "window", "1", "help", "--url", ui.windows.base_url],
        capture_output=True, text=True, timeout=30, check=True).stdout
    assert "取号 (queue)" in shown, shown

    request_id = ui.terminal.help_desk.open_requests()[0].id
    subprocess.run([sys.executable, "-m", "kiosk", "window", "1", "answer-help",
                    str(request_id), "--url", ui.windows.base_url],
                   capture_output=True, text=True, timeout=30, check=True)
    ui.wait_until(lambda: popup.answered, what="the answer to reach the screen")
    assert popup.ids.message.text == "工作人员已收到，正在过来。"
    assert_shows(ui.screenshot("help-answered"), "工作人员已收到")

    ui.tap(popup.ids.ok)
    assert ui.app.aids.help_called is None
    assert ui.screen == "queue"


def test_a_second_tap_says_someone_is_already_coming(queue_ui):
    ui = queue_ui()
    ui.tap(ui.app.status_bar.ids.call_help)
    ui.tap(help_popup(ui).ids.ok)
    ui.wait_until(lambda: ui.app.aids.help_called is None, what="the pop-up to close")
    ui.tap(ui.app.status_bar.ids.call_help)
    assert help_popup(ui).message == "已经呼叫过工作人员，他们马上就到。"
    assert len(ui.terminal.help_desk.open_requests()) == 1


def test_after_hours_help_names_the_hotline(queue_ui):
    from tests.fixtures.queue_ui import hours_closed_now

    ui = queue_ui(hours=hours_closed_now())
    ui.tap(ui.app.status_bar.ids.call_help)
    message = help_popup(ui).message
    assert message.startswith("现在不是工作时间，站内没有工作人员。已通知区政务服务中心。")
