"""好差评 on the touch screen (issue 16): after a service that ended at the terminal, the
resident may rate it with five large faces, and for 不满意 and 非常不满意 tick the standard's
reasons; 跳过 on every step, home after the thanks and on idle, one rating per event.
Real taps on Xvfb, a real lock-board simulator; screenshots in test-artifacts/rating-*.png."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from PIL import ImageOps

from devices.printer.simulator import PrinterSimulator
from kiosk.services.ratings import DroppedOff, EventRef, Rated
from kiosk.ui import theme
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.fixtures.locker_ui import drop_off_by_taps, store_result, type_digits, wait_door
from tests.ui.fit_checks import check_screen, window_box
from tests.ui.screen_checks import (
    assert_not_blank,
    assert_shows,
    assert_widget_reads,
    ocr,
    reads_as,
    widget_box,
)

pytestmark = pytest.mark.ui


def rating_events(ui: Any) -> list[dict]:
    with ui.terminal.store.reading() as db:
        rows = db.execute("SELECT payload FROM outbox WHERE type = 'rating.submitted' "
                          "ORDER BY seq").fetchall()
    return [json.loads(payload) for (payload,) in rows]


def ratings_kept(ui: Any) -> list[tuple]:
    with ui.terminal.store.reading() as db:
        return db.execute("SELECT kind, ref, level, options FROM ratings").fetchall()


def assert_label_reads(image: Any, label: Any, expected: str) -> None:
    """OCR of a label's whole box (its text starts at its very edge, which
    assert_widget_reads's inset for button outlines would cut)."""
    left, top, right, bottom = widget_box(label)
    crop = image.crop((left, top, right, bottom)).convert("L")
    crop = ImageOps.expand(crop.point(lambda v: 0 if v < 128 else 255), border=24, fill=255)
    text = ocr(crop, page_mode=7)
    assert reads_as(text, expected), f"{label} reads {text!r}, expected {expected!r}"


def rating_screen(ui: Any) -> Any:
    return ui.app.screens.get_screen("rating")


def collect_by_taps(ui: Any) -> tuple[int, Any]:
    """A resident types the texted code, takes the document out and shuts the door; the
    door screen says 取件完成. Returns the door and the door screen."""
    number, code = store_result(ui)
    ui.tap(ui.widget("pickup"))
    type_digits(ui, ui.widget("keypad"), code)
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    wait_door(ui, number, True)
    ui.pump(0.3)
    ui.simulator.take_item(0, number)
    ui.simulator.close_door(0, number)
    ui.wait_until(lambda: door.finished, what="the pickup finished")
    return number, door


def to_rating(ui: Any, done: Any) -> Any:
    ui.tap(done)
    ui.wait_until(lambda: ui.screen == "rating", what="the rating screen")
    return rating_screen(ui)


def test_a_resident_collects_a_result_and_rates_it_dissatisfied_with_two_reasons(locker_ui):
    ui = locker_ui()
    _number, door = collect_by_taps(ui)
    operation = door.operation_id
    with ui.terminal.store.reading() as db:
        [(deposit,)] = db.execute("SELECT deposit_id FROM door_operations WHERE id = ?",
                                  [operation]).fetchall()

    rating = to_rating(ui, door.ids.done)

    assert rating.step == "faces"
    image = ui.screenshot("rating-faces")
    assert_not_blank(image)
    assert_shows(image, "取件完成", "您对这次服务满意吗", "跳过")
    for level, words in ((5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"),
                         (1, "非常不满意")):
        assert rating.ids[f"face_{level}"].words == words
        assert_label_reads(image, rating.ids[f"face_{level}"].ids.words, words)
    assert ratings_kept(ui) == []

    ui.tap(rating.ids.face_2)

    assert rating.step == "reasons"
    toggles = {toggle.code: toggle for toggle in rating.ids.reasons.children}
    assert sorted(toggles) == list(range(207, 215))
    assert toggles[213].text == "窗口人员业务不熟练"
    ui.tap(toggles[208])
    ui.tap(toggles[213])
    ui.tap(toggles[210])
    ui.tap(toggles[210])                    # changed their mind: not this one
    assert [toggles[code].state for code in (208, 210, 213)] == ["down", "normal", "down"]
    image = ui.screenshot("rating-reasons")
    assert_shows(image, "取件完成", "您选择了“不满意”")
    assert_widget_reads(image, toggles[208], "没有提供材料清单")       # chosen: filled
    assert_widget_reads(image, toggles[207], "没有提供材料样本")       # not chosen
    assert_widget_reads(image, rating.ids.submit, "提交")
    assert_widget_reads(image, rating.ids.skip_reasons, "跳过")
    assert rating_events(ui) == []          # nothing is sent before 提交

    ui.tap(rating.ids.submit)

    ui.wait_until(lambda: rating.step == "end", what="the thanks")
    assert rating.ids.message.text == "谢谢您的评价！"
    assert_shows(ui.screenshot("rating-thanks"), "谢谢您的评价")
    [event] = rating_events(ui)
    assert event == {"event": {"kind": "pickup", "ref": deposit}, "channel": "terminal",
                     "level": 2, "options": [208, 213], "item": None, "window": None,
                     "at": event["at"]}
    assert event["at"].endswith("+00:00")
    assert ratings_kept(ui) == [("pickup", deposit, 2, "[208, 213]")]
    # Home by itself a moment later: the next person finds the home screen.
    ui.wait_until(lambda: ui.screen == "home", timeout_s=8, what="home after the thanks")
    assert rating.kind == ""
    assert rating.ids.reasons.children == []


def test_skip_leaves_no_rating(locker_ui):
    ui = locker_ui()
    receipt, _number = drop_off_by_taps(ui)

    rating = to_rating(ui, ui.widget("done"))

    assert rating.kind == "dropoff"
    assert_shows(ui.screenshot("rating-after-dropoff"), "存件完成")
    ui.tap(rating.ids.face_1)               # 非常不满意 ... then 跳过 on the reasons
    assert rating.step == "reasons"
    ui.tap(rating.ids.reasons.children[-1])
    ui.tap(rating.ids.skip_reasons)

    assert ui.screen == "home"
    assert ratings_kept(ui) == []
    assert rating_events(ui) == []
    with ui.terminal.store.reading() as db:
        assert db.execute("SELECT count(*) FROM audit_log WHERE action LIKE 'rating%'"
                          ).fetchone() == (0,)
    # And from the faces, too.
    ui.app.offer_rating(DroppedOff(receipt), "test")
    ui.wait_until(lambda: ui.screen == "rating", what="the rating again")
    ui.tap(rating.ids.skip)
    assert ui.screen == "home"
    assert ratings_kept(ui) == []


def test_left_alone_the_rating_goes_home_by_the_idle_rule(locker_ui):
    ui = locker_ui()
    drop_off_by_taps(ui)
    rating = to_rating(ui, ui.widget("done"))
    ui.tap(rating.ids.face_2)
    ui.tap(rating.ids.reasons.children[-1])
    clock = use_fake_idle_clock(ui)

    clock.advance(ui.terminal.config.display.idle_timeout_s + 1)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the idle prompt")
    clock.advance(ui.terminal.config.display.idle_warning_s + 1)
    ui.wait_until(lambda: ui.screen == "home", timeout_s=10, what="the idle wipe")

    assert ratings_kept(ui) == []
    assert rating.step == ""
    assert rating.chosen == []
    assert rating.ids.reasons.children == []


def test_a_second_rating_of_the_same_event_is_refused_politely(locker_ui):
    ui = locker_ui()
    receipt, _number = drop_off_by_taps(ui)
    rating = to_rating(ui, ui.widget("done"))
    # Meanwhile the same drop-off was rated (the screen shown twice, say).
    event = EventRef.dropoff(receipt)
    assert isinstance(ui.terminal.ratings.submit(event, 5), Rated)

    ui.tap(rating.ids.face_3)

    ui.wait_until(lambda: rating.step == "end", what="the answer")
    assert rating.ids.message.text == "这次服务已经评价过了，谢谢您！"
    image = ui.screenshot("rating-already-rated")
    assert_shows(image, "已经评价过了")
    assert [e["level"] for e in rating_events(ui)] == [5]
    ui.tap(rating.ids.finish)
    assert ui.screen == "home"

    # Offered again for the same event: the same polite words, and no faces to tap.
    ui.app.offer_rating(DroppedOff(receipt), "test")
    ui.wait_until(lambda: ui.screen == "rating" and rating.step == "end",
                  what="the polite refusal")
    assert rating.ids.message.text == "这次服务已经评价过了，谢谢您！"
    assert ratings_kept(ui) == [("dropoff", receipt, 5, "[]")]


def test_a_ticket_is_rated_satisfied_at_once(queue_ui):
    ui = queue_ui()
    ui.tap(ui.widget("queue"))
    button = next(b for b in ui.widget("categories").children if b.category_id == "general")
    ui.tap(button)
    ui.wait_until(lambda: ui.screen == "ticket", what="the ticket screen")
    assert ui.widget("ticket_label").text == "A001"

    rating = to_rating(ui, ui.widget("done"))
    assert rating.kind == "ticket"
    ui.tap(rating.ids.face_4)              # 满意: no reasons asked

    ui.wait_until(lambda: rating.step == "end", what="the thanks")
    [event] = rating_events(ui)
    assert event["event"] == {"kind": "ticket", "ref": f"A001/{date.today().isoformat()}"}
    assert (event["level"], event["options"], event["item"], event["window"]) == (4, [], None,
                                                                                 None)
    ui.tap(rating.ids.finish)
    assert ui.screen == "home"


@pytest.fixture
def printer_sim(tmp_path):
    sim = PrinterSimulator(tmp_path / "printer" / "tty", paper_width_mm=58)
    sim.start()
    yield sim
    sim.stop()


def test_a_printed_notice_may_be_rated_from_its_page(launch_ui, printer_sim):
    ui = launch_ui({"devices": {"printer": {"driver": "escpos", "transport": "serial",
                                            "port": printer_sim.path, "baud": 115200}}})
    ui.tap(ui.widget("guide"))
    ui.tap(ui.widget("search"))
    for letter in "dbsq":
        ui.tap(ui.widget("keyboard").ids[f"key_{letter}"])
    first = next(reversed(ui.widget("results").children))
    ui.tap(first)
    item = ui.app.screens.get_screen("guide_item")
    assert item.ids.rate.opacity == 0
    assert item.ids.rate.disabled

    ui.tap(ui.widget("print_button"))
    printer_sim.wait_for_receipts(1, timeout_s=15)
    ui.wait_until(lambda: item.can_rate, what="the notice printed")
    image = ui.screenshot("rating-notice-printed")
    assert_widget_reads(image, item.ids.rate, "评价这次服务")
    assert ui.screen == "guide_item"        # the page stays: rating is the resident's choice

    rating = to_rating(ui, item.ids.rate)
    assert rating.kind == "notice"
    ui.tap(rating.ids.face_5)

    ui.wait_until(lambda: rating.step == "end", what="the thanks")
    [event] = rating_events(ui)
    with ui.terminal.store.reading() as db:
        [(seq, payload)] = db.execute("SELECT seq, payload FROM outbox "
                                      "WHERE type = 'guide.notice'").fetchall()
    item_id = json.loads(payload)["item_id"]
    assert event["event"] == {"kind": "notice", "ref": f"{item_id}/{seq}"}
    assert (event["level"], event["item"], event["window"]) == (5, item_id, None)


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_every_step_fits_in_every_mode(launch_ui, orientation):
    """Each step of the rating screen in Chinese and English, normal and large text: no
    text cut, nothing off screen or overlapping, targets 15 mm and text 5 mm at the
    panel's dpi (tests/ui/fit_checks.py, as test_fit.py checks every other screen)."""
    from kiosk.services.ratings import RatingOffer, RatingRefusal, RatingRefused

    ui = launch_ui({"display": {"orientation": orientation}})
    app, screen = ui.app, rating_screen(ui)
    dpi = ui.terminal.config.display.dpi
    problems = []
    for language in ("zh_CN", "en"):
        for large in (False, True):
            app.set_language(language)
            app.text_scale = theme.LARGE_TEXT_SCALE if large else 1.0
            mode = f"{orientation}-{language}-{'large' if large else 'normal'}"
            screen.offer(RatingOffer(EventRef.dropoff("261205001")))
            app.go_to("rating")
            for step in ("faces", "reasons", "end"):
                if step == "reasons":
                    screen.choose(1)     # 非常不满意: the longest reasons
                    for toggle in list(screen.ids.reasons.children)[::3]:
                        toggle.state = "down"
                if step == "end":
                    screen.offer(RatingRefused(RatingRefusal.UNKNOWN_EVENT))
                settle(ui)
                found = check_screen(f"rating {step}", screen, dpi=dpi,
                                     area=window_box(app.screens))
                ui.screenshot(f"rating-fit-{mode}-{step}")
                problems += [f"{mode}: {problem}" for problem in found]
            # The item page once its notice printed: 评价这次服务 beside the print button.
            app.home()
            app.open_guide_item(max(ui.terminal.guide.catalog.items,
                                    key=lambda item: len(item.name)))
            page = ui.app.screens.get_screen("guide_item")
            page.message = app.tr("Printed. Please take the notice from the slot below.")
            page.can_rate = True
            settle(ui)
            found = check_screen("guide_item (printed)", page, dpi=dpi,
                                 area=window_box(app.screens), back_bar=page.ids.back_bar)
            ui.screenshot(f"rating-fit-{mode}-notice-printed")
            problems += [f"{mode}: {problem}" for problem in found]
            app.home()
    assert not problems, "\n".join(problems)


def settle(ui: Any) -> None:
    from tests.ui.fit_checks import signature

    before = signature(ui.app.root)
    for _ in range(40):
        ui.pump(0.03)
        now = signature(ui.app.root)
        if now == before:
            return
        before = now
    raise AssertionError("the rating screen never settles")
