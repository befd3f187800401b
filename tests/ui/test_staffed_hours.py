"""One source of the staffed hours (issue 12, defect 6): the home screen, the help page, the
notice board, the take-a-number screen and the printed one-time notice all say the same
hours for one configuration, and all change together when the district center sets new
ones."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices.printer.slip import plain_lines
from kiosk.services.command_handlers import build_handlers
from kiosk.services.commands import CommandProcessor
from kiosk.simulation.center import make_command
from tests.fixtures.queue_ui import free_port, queue_settings
from tests.ui.screen_checks import assert_shows

pytestmark = pytest.mark.ui

# An item of the shipped catalog whose notice the resident prints.
ITEM = "linyi-a2-003"


def hours_that_leave_out_now() -> tuple[list[dict], str, str, list[dict], str]:
    """(configured sessions, their Chinese and English words, the center's sessions, their
    Chinese words): both closed at this moment, so the take-a-number screen shows them."""
    if datetime.now().hour < 12:
        return ([{"days": [1, 2, 3, 4, 5], "start": "13:00", "end": "21:00"},
                 {"days": [6], "start": "14:00", "end": "21:00"}],
                "周一至周五 13:00–21:00，周六 14:00–21:00",
                "Mon–Fri 13:00–21:00; Sat 14:00–21:00",
                [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "14:00", "end": "22:00"}],
                "每天 14:00–22:00")
    return ([{"days": [1, 2, 3, 4, 5], "start": "00:00", "end": "08:00"},
             {"days": [6], "start": "01:00", "end": "08:00"}],
            "周一至周五 0:00–8:00，周六 1:00–8:00",
            "Mon–Fri 0:00–8:00; Sat 1:00–8:00",
            [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "01:00", "end": "09:00"}],
            "每天 1:00–9:00")


def hours_everywhere(ui) -> dict[str, str]:
    """What each place says the hours are, read off the widgets a resident looks at and
    the notice slip the printer is handed."""
    seen: dict[str, str] = {}
    ui.app.home()
    seen["home"] = ui.widget("hours_line", "home").text
    ui.tap(ui.widget("help", "home"))
    seen["help"] = ui.widget("hours_step", "help").text
    ui.app.home()
    ui.app.screens.current = "signage"
    ui.pump(0.2)
    seen["signage"] = ui.widget("hours", "signage").text
    ui.tap(ui.app.screens.get_screen("signage"))
    assert ui.screen == "home"
    ui.tap(ui.widget("queue", "home"))
    seen["queue"] = ui.widget("closed_note", "queue").text
    first = ui.widget("categories", "queue").children[-1]
    seen["queue button"] = first.text
    assert first.disabled                   # a closed queue's card only informs
    # The queue's own refusal, which a card drawn just before closing time still meets.
    ui.app.take_ticket(first.category_id, priority=False)
    ui.wait_until(lambda: ui.screen == "ticket", what="the closed queue's answer")
    seen["ticket refusal"] = ui.widget("refusal", "ticket").text
    ui.app.end_session("test")
    guide = ui.terminal.guide
    notice = plain_lines(guide.notice(guide.catalog.item(ITEM)))
    seen["printed notice"] = next(line for line in notice if line.startswith("开放时间："))
    return seen


def expected_everywhere(words: str) -> dict[str, str]:
    return {
        "home": f"窗口办公时间：{words}",
        "help": f"需要帮助，请到窗口问工作人员（{words}）。",
        "signage": words,
        "queue": f"现在不是办理时间。各窗口的办理时间：\n{words}\n"
                 "办事指南和24小时取件柜随时可以使用。",
        "queue button": f"A 综合受理\n[size=34]各类事项的申请和咨询\n现在不办理 · {words}[/size]",
        "ticket refusal": f"综合受理现在不办理，办理时间：{words}。"
                          "办事指南和24小时取件柜随时可以使用。",
        "printed notice": f"开放时间：{words}",
    }


def test_every_screen_and_the_printed_notice_say_the_same_hours_and_follow_the_center(
        launch_ui):
    configured, words, english, centers, center_words = hours_that_leave_out_now()
    settings = queue_settings(free_port(), "", hours=configured)
    for category in settings["queue"]["categories"]:
        del category["sessions"]          # the queues follow the station's staffed hours
    ui = launch_ui(settings)

    assert hours_everywhere(ui) == expected_everywhere(words)
    assert_shows(ui.screenshot("staffed-hours-home"), "窗口办公时间")
    ui.tap(ui.widget("language"))
    assert ui.widget("hours_line").text == f"Staffed hours: {english}"
    ui.app.end_session("test")

    # The district center sets new hours, through the command as it arrives, off the UI
    # thread as the command thread runs it.
    center = Ed25519PrivateKey.generate()
    station = ui.terminal.config.station
    processor = CommandProcessor(
        ui.terminal.store, district_id=station.district_id, terminal_id=station.terminal_id,
        signing_key=center.public_key(),
        handlers=build_handlers(locker=None, guide=ui.terminal.guide,
                                settings=ui.terminal.station_settings, rebirth=None))
    results = []
    command = make_command(center, station.district_id, station.terminal_id,
                           "station.set_opening_hours", {"sessions": centers})
    thread = threading.Thread(target=lambda: results.append(processor.handle(command)))
    thread.start()
    thread.join(timeout=10)

    assert results[0].status == "accepted", results[0].text
    assert results[0].detail["text"] == center_words
    ui.wait_until(lambda: ui.widget("hours_line", "home").text == f"窗口办公时间：{center_words}",
                  what="the center's hours on the home screen")
    assert hours_everywhere(ui) == expected_everywhere(center_words)
    # The drop-off receipt prints the same words (StationSettings.opening_hours).
    assert ui.terminal.station_settings.opening_hours() == center_words
