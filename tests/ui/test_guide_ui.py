"""The service guide as a resident uses it: by touch on a real window, checked on screen."""

from __future__ import annotations

import contextlib

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from devices.printer.simulator import PrinterSimulator
from kiosk.services.alarms import active_alarms
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.ui.screen_checks import assert_not_blank, assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui


def listed(box) -> list:
    """A list's entries from the top (Kivy keeps children last-added first)."""
    return list(reversed(box.children))


def type_on_keyboard(ui, letters: str) -> None:
    keyboard = ui.widget("keyboard")
    for letter in letters:
        ui.tap(keyboard.ids[f"key_{letter}"])


def qr_texts(image: Image.Image) -> list[str]:
    texts = []
    for symbol in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE]):
        text = symbol.data.decode("utf-8")
        # zbar guesses Shift-JIS for byte-mode QR codes and mangles UTF-8 (pyzbar#14).
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("shift-jis").decode("utf-8")
        texts.append(text)
    return texts


def test_a_resident_finds_an_item_by_initials_and_reads_its_guide(launch_ui):
    ui = launch_ui()
    ui.tap(ui.widget("guide"))
    assert ui.screen == "guide"
    ui.tap(ui.widget("search"))

    type_on_keyboard(ui, "dbsq")

    assert ui.widget("query").text == "DBSQ"
    first = listed(ui.widget("results"))[0]
    assert first.item_id == "chencang-a2-024"  # 城乡居民最低生活保障待遇申请
    image = ui.screenshot("guide-search-dbsq")
    assert_shows(image, "城乡居民最低生活保障待遇申请")
    assert_widget_reads(image, ui.widget("keyboard").ids["key_a"], "A")

    ui.tap(first)

    assert ui.screen == "guide_item"
    assert ui.widget("item_name").title == "城乡居民最低生活保障待遇申请"
    image = ui.screenshot("guide-item")
    assert_not_blank(image)
    assert_shows(image, "城乡居民最低生活保障待遇", "区民政局", "尚未公布")


def test_typing_corrects_itself_and_a_nonsense_query_says_so(launch_ui):
    ui = launch_ui()
    ui.tap(ui.widget("guide"))
    ui.tap(ui.widget("search"))

    type_on_keyboard(ui, "xqzv")

    assert listed(ui.widget("results")) == []
    assert ui.widget("message").text == "没有找到。请检查字母，或询问工作人员。"
    ui.tap(ui.widget("keyboard").ids["key_clear"])
    type_on_keyboard(ui, "shebaoka")
    assert listed(ui.widget("results"))[0].item_id in {"linyi-a1-033", "linyi-a2-025"}


def test_browsing_by_level_then_a_group_then_an_item(launch_ui):
    ui = launch_ui()
    ui.tap(ui.widget("guide"))

    ui.tap(ui.widget("by_level"))

    groups = listed(ui.widget("groups"))
    assert [g.group_key for g in groups] == ["village", "township", "street"]
    image = ui.screenshot("guide-levels")
    assert_shows(image, "社区", "便民服务站", "乡镇便民服务中心", "街道便民服务中心")
    ui.tap(groups[0])
    assert ui.screen == "guide_list"
    items = listed(ui.widget("item_list"))
    assert len(items) == 14
    ui.tap(items[0])
    assert ui.widget("item_name").title == "开具居住地住址证明"
    ui.tap(ui.widget("back_bar").ids.back)
    assert ui.screen == "guide_list"


def test_browsing_by_theme_lists_the_seed_backed_themes(launch_ui):
    ui = launch_ui()
    ui.tap(ui.widget("guide"))

    ui.tap(ui.widget("by_theme"))

    names = [g.text for g in listed(ui.widget("groups"))]
    assert names[0].startswith("生育（")
    assert any(name.startswith("残疾人（") for name in names)


def test_without_a_printer_the_notice_is_shown_with_a_qr_code_a_phone_can_read(launch_ui):
    ui = launch_ui()
    ui.tap(ui.widget("guide"))
    ui.tap(ui.widget("search"))
    type_on_keyboard(ui, "dbsq")
    ui.tap(listed(ui.widget("results"))[0])

    ui.tap(ui.widget("print_button"))

    ui.wait_until(lambda: ui.screen == "slip", what="the notice on screen")
    image = ui.screenshot("guide-notice-on-screen")
    assert_shows(image, "本机没有打印机", "一次性告知单")
    texts = qr_texts(image)
    assert texts
    assert texts[0].startswith("城乡居民最低生活保障待遇申请\n办理层级：街道便民服务中心")
    ui.tap(ui.widget("done"))
    assert ui.screen == "home"
    assert listed(ui.app.screens.get_screen("slip").ids.blocks) == []


def test_the_idle_home_screen_becomes_the_notice_board_and_a_touch_wakes_it(launch_ui):
    ui = launch_ui({"guide": {"signage_after_s": 30}, "station": {
        "windows": [{"number": 1, "name": "综合受理"}, {"number": 3, "name": "帮办代办"}]}})
    clock = use_fake_idle_clock(ui)
    # A resident looks an item up, then leaves: it counts towards "asked for most".
    ui.tap(ui.widget("guide"))
    ui.tap(ui.widget("search"))
    type_on_keyboard(ui, "sbk")
    wanted = listed(ui.widget("results"))[0]
    ui.tap(wanted)
    ui.app.end_session("test")

    clock.advance(31)
    ui.wait_until(lambda: ui.screen == "signage", what="the notice board")

    image = ui.screenshot("signage-portrait")
    assert_shows(image, "测试社区便民服务站", "服务窗口", "1号窗口", "综合受理", "轻触屏幕开始")
    first_line = listed(ui.widget("popular_items"))[0].text
    assert first_line == f"1. {ui.terminal.guide.catalog.item(wanted.item_id).name}"
    assert not ui.app.in_use()

    signage = ui.app.screens.get_screen("signage")
    ui.tap(signage)

    assert ui.screen == "home"
    assert ui.app.screens.get_screen("home").ids.guide.state == "normal"  # woken, not pressed


def test_a_session_end_wipes_what_the_resident_typed(launch_ui):
    ui = launch_ui()
    ui.tap(ui.widget("guide"))
    ui.tap(ui.widget("search"))
    type_on_keyboard(ui, "dibao")

    ui.app.end_session("idle")

    search = ui.app.screens.get_screen("guide_search")
    assert search.ids.keyboard.value == ""
    assert listed(search.ids.results) == []


@pytest.fixture
def printer_sim(tmp_path):
    sim = PrinterSimulator(tmp_path / "printer" / "tty", paper_width_mm=58)
    sim.start()
    yield sim
    sim.stop()


def open_dbsq(ui) -> None:
    ui.tap(ui.widget("guide"))
    ui.tap(ui.widget("search"))
    type_on_keyboard(ui, "dbsq")
    ui.tap(listed(ui.widget("results"))[0])


def test_the_one_time_notice_prints_and_reads_back_from_the_paper(launch_ui, printer_sim):
    ui = launch_ui({"devices": {"printer": {"driver": "escpos", "transport": "serial",
                                            "port": printer_sim.path, "baud": 115200}}})
    open_dbsq(ui)

    ui.tap(ui.widget("print_button"))

    receipt = printer_sim.wait_for_receipts(1, timeout_s=15)[0]
    ui.wait_until(lambda: "已打印" in ui.widget("message").text, what="the printed message")
    lines = receipt.text_lines
    assert lines[0].strip() == "一次性告知单"
    assert "城乡居民最低生活保障待遇申请" in "".join(lines)
    # The paper's lines wrap anywhere, at spaces too: read them as one run.
    printed = "".join(lines).replace(" ", "")
    assert printed.count("尚未公布") == 1
    assert "请在办理时间（周一至周五9:00–17:00）到窗口咨询" in printed
    assert "详情请咨询窗口" not in printed
    assert not any("□" in line for line in lines)
    assert receipt.cut is not None
    assert receipt.qr_seen
    assert receipt.qr_seen[0].startswith("城乡居民最低生活保障待遇申请")
    assert ui.screen == "guide_item"


def test_out_of_paper_the_notice_goes_on_screen_and_staff_are_alarmed(launch_ui, printer_sim):
    ui = launch_ui({"devices": {"printer": {"driver": "escpos", "transport": "serial",
                                            "port": printer_sim.path, "baud": 115200}}})
    printer_sim.run_out_of_paper()
    open_dbsq(ui)

    ui.tap(ui.widget("print_button"))

    ui.wait_until(lambda: ui.screen == "slip", timeout_s=10, what="the notice on screen")
    assert printer_sim.receipts == []
    assert_shows(ui.screenshot("guide-notice-paper-out"), "打印机暂时没有纸了")
    with ui.terminal.store.reading() as db:
        assert "printer.paper_out" in {alarm.kind for alarm in active_alarms(db)}


def labels_on(screen) -> list[str]:
    """The text of every label on a screen, as drawn (buttons are labels too)."""
    from kivy.uix.label import Label

    return [widget.text for widget in screen.walk() if isinstance(widget, Label)
            and widget.text and widget.opacity > 0]


def drawn_lines(label) -> list[str]:
    """The lines Kivy laid the label's text out in, after its own wrapping."""
    label.texture_update()
    return ["".join(word.text for word in line.words) for line in label._label._cached_lines]


def test_what_the_guide_does_not_say_is_said_once_with_the_hours_and_hotline(launch_ui):
    ui = launch_ui({"station": {"hotline": "029-88886666"}})

    open_dbsq(ui)

    texts = labels_on(ui.app.screens.get_screen("guide_item"))
    statements = [text for text in texts if "尚未公布" in text]
    assert statements == ["本事项的所需材料、受理条件、办理时限、收费标准、办理地点尚未公布。"
                          "请在办理时间（周一至周五 9:00–17:00）到窗口咨询，或致电 029-88886666。"]
    assert not any("详情请咨询窗口" in text or "Ask at the window" in text for text in texts)
    # Known elements are shown as they are; unknown ones have no row of their own.
    assert {"办理层级", "主管部门"} <= set(texts)
    assert not {"申请材料", "法定时限", "收费标准"} & set(texts)
    assert_shows(ui.screenshot("guide-item-unpublished"), "尚未公布", "029-88886666")


def long_title_a_plain_label_widows(ui, font_size: float, width: float):
    """An item whose name a plain Kivy label of this font and width would end with one
    lone character: the test is only worth something if there is one."""
    from kivy.uix.label import Label

    from kiosk.services.guide.line_breaks import has_widow

    for item in ui.terminal.guide.catalog.items:
        plain = Label(text=item.name, font_size=font_size, bold=True, text_size=(width, None))
        if has_widow(drawn_lines(plain)):
            return item
    raise AssertionError(f"no catalog item ends in a lone character at {width} px")


def test_a_long_title_never_leaves_one_character_on_its_last_line(launch_ui):
    from kiosk.services.guide.line_breaks import has_widow

    ui = launch_ui()
    ui.tap(ui.widget("guide"))
    ui.app.open_guide_item(ui.terminal.guide.catalog.items[0])
    ui.pump(0.3)
    title = ui.widget("item_name")
    item = long_title_a_plain_label_widows(ui, title.font_size, title.text_size[0])

    ui.app.open_guide_item(item)
    ui.pump(0.3)

    lines = drawn_lines(ui.widget("item_name"))
    assert "".join(lines) == item.name
    assert len(lines) >= 2
    assert not has_widow(lines), lines
    ui.screenshot("guide-item-long-title")


def test_list_entries_break_long_names_without_a_lone_last_character(launch_ui):
    from kiosk.services.guide.line_breaks import has_widow

    ui = launch_ui()
    guide_list = ui.app.screens.get_screen("guide_list")
    guide_list.show("测试", list(ui.terminal.guide.catalog.items))
    ui.app.go("guide_list")
    ui.pump(0.3)
    buttons = listed(ui.widget("item_list"))
    first = buttons[0]
    item = long_title_a_plain_label_widows(ui, first.font_size, first.text_size[0])

    button = next(b for b in buttons if b.item_id == item.id)
    lines = drawn_lines(button)

    name_lines, detail = lines[:-1], lines[-1]
    assert "".join(name_lines) == item.name
    assert detail.startswith(("街道", "乡镇", "村", "区"))
    assert not has_widow(name_lines), name_lines
    ui.screenshot("guide-list-long-names")
