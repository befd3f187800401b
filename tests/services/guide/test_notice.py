"""The one-time notice carries the station, the item, the checklist, time limits, where
to go, opening hours and a QR code; what the catalog does not know is said once, with
when to ask and whom to call, and never with a check box."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from devices.printer.escpos_render import ReceiptLayout, printed_lines, render_slip
from devices.printer.slip import Text, plain_lines
from kiosk.config.schema import OpeningSession, QueueCategory
from kiosk.services.guide.catalog import parse_catalog
from kiosk.services.guide.notice import compose_notice
from tests.fixtures.guide_catalogs import MINIMAL, STATION

PRINTED = datetime(2026, 11, 22, 9, 30)
STATEMENT = ("本事项的所需材料、受理条件、办理时限、收费标准、办理地点尚未公布。"
             "请在办理时间（周一至周五 9:00–17:00）到窗口咨询，或致电 029-12345678。")


def test_an_item_the_seeds_say_little_about_says_once_what_is_not_published():
    catalog = parse_catalog(MINIMAL.encode(), "t.toml")

    slip = compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED)
    lines = plain_lines(slip)

    assert lines[:2] == ["一次性告知单", "测试社区便民服务站"]
    assert "一胎、二胎生育登记" in lines
    assert "办理层级：街道便民服务中心" in lines
    assert "办理方式：网办" in lines
    assert STATEMENT in lines
    texts = [block.text for block in slip if isinstance(block, Text)]
    assert sum("尚未公布" in text for text in texts) == 1
    assert not any("详情请咨询窗口" in text or "咨询窗口" in text for text in texts)
    # No check box at all: there is no material to tick.
    assert not any("□" in line for line in lines)
    assert "需要带的材料：" not in lines
    # The station's details stay at the foot, as on every notice.
    assert "开放时间：周一至周五 9:00–17:00" in lines
    assert "咨询电话：029-12345678" in lines
    qr = next(line for line in lines if line.startswith("[QR] "))
    assert qr.startswith("[QR] 一胎、二胎生育登记\n") or qr == "[QR] 一胎、二胎生育登记"
    assert "扫码把告知单存到手机" in lines
    assert lines[-1] == "目录版本 t-1  打印时间 2026-11-22 09:30"


def test_the_printed_bytes_hold_the_statement_once_and_no_box_beside_it():
    catalog = parse_catalog(MINIMAL.encode(), "t.toml")
    slip = compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED)

    # The printer wraps lines itself; read the paper's text as one run.
    printed = render_slip(slip, ReceiptLayout(paper_width_mm=58)).decode(
        "gb18030", errors="replace").replace("\n", "")

    assert printed.count("尚未公布") == 1
    assert "□" not in printed
    assert "详情请咨询窗口" not in printed


def test_materials_become_a_checklist_and_the_online_entry_a_qr_code():
    richer = MINIMAL.replace('handling = "网办"', 'handling = "网办"\n'
                             'materials = ["居民户口簿", "结婚证"]\n'
                             'promised_time_limit = "即办"\n'
                             'online_url = "https://zwfw.example.cn/item/1"')
    catalog = parse_catalog(richer.encode(), "t.toml")

    slip = compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED)
    lines = plain_lines(slip)

    assert lines[lines.index("需要带的材料："):][1:3] == ["□ 1. 居民户口簿", "□ 2. 结婚证"]
    assert [line for line in lines if "□" in line] == ["□ 1. 居民户口簿", "□ 2. 结婚证"]
    assert "承诺时限：即办" in lines
    # Known now: materials and a time limit; the rest is said once.
    assert ("本事项的受理条件、收费标准、办理地点尚未公布。请在办理时间（周一至周五 9:00–17:00）"
            "到窗口咨询，或致电 029-12345678。") in lines
    assert [qr.data for qr in slip.qr_codes] == ["https://zwfw.example.cn/item/1"]
    assert "扫码网上办理" in lines


def test_hours_the_center_set_replace_the_configured_ones():
    catalog = parse_catalog(MINIMAL.encode(), "t.toml")

    lines = plain_lines(compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED,
                                       "周一至周六 8:30–17:30"))

    assert "请在办理时间（周一至周六 8:30–17:30）到窗口咨询，或致电 029-12345678。" in \
        lines[lines.index("办理方式：网办") + 2]
    assert "开放时间：周一至周六 8:30–17:30" in lines


def test_an_item_with_every_element_published_has_no_statement_and_the_station_contacts():
    complete = MINIMAL.replace('handling = "网办"', 'handling = "网办"\n'
                               'materials = ["居民户口簿"]\nconditions = "本辖区居民"\n'
                               'legal_time_limit = "20个工作日"\nfees = "不收费"\n'
                               'location = "综合受理窗口"')
    catalog = parse_catalog(complete.encode(), "t.toml")

    lines = plain_lines(compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED))

    assert not any("尚未公布" in line for line in lines)
    facts = [line for line in lines
             if line.startswith(("受理条件", "法定时限", "承诺时限", "收费", "办理地点"))]
    assert facts == ["受理条件：本辖区居民", "法定时限：20个工作日", "收费：不收费",
                     "办理地点：综合受理窗口"]
    assert "开放时间：周一至周五 9:00–17:00" in lines
    assert "咨询电话：029-12345678" in lines


def test_the_window_that_handles_the_item_gives_its_own_hours():
    named = MINIMAL.replace('handling = "网办"', 'handling = "网办"\nqueue_category = "instant"')
    catalog = parse_catalog(named.encode(), "t.toml")
    instant = QueueCategory(id="instant", name="即办", prefix="B", windows=(2,), sessions=(
        OpeningSession(days=(1, 2, 3, 4, 5), start="09:00", end="12:00"),))

    lines = plain_lines(compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED,
                                       window=instant))

    assert ("本事项的所需材料、受理条件、办理时限、收费标准、办理地点尚未公布。"
            "请在即办窗口的办理时间（周一至周五 9:00–12:00）前往咨询，或致电 029-12345678。"
            ) in lines
    assert "开放时间：周一至周五 9:00–17:00" in lines     # the station's, at the foot


def test_without_a_hotline_the_statement_only_says_when_to_come():
    catalog = parse_catalog(MINIMAL.encode(), "t.toml")
    station = dataclasses.replace(STATION, hotline="")

    lines = plain_lines(compose_notice(catalog.item("t-001"), catalog, station, PRINTED))

    assert ("本事项的所需材料、受理条件、办理时限、收费标准、办理地点尚未公布。"
            "请在办理时间（周一至周五 9:00–17:00）到窗口咨询。") in lines
    assert not any("致电" in line or "咨询电话" in line for line in lines)
    assert "开放时间：周一至周五 9:00–17:00" in lines


def test_a_long_item_name_prints_without_a_lone_character_on_its_last_line():
    # 17 characters: a 58 mm roll prints 16 of them a line at the large size.
    name = "城乡居民基本医疗保险参保登记及缴费"
    long_name = MINIMAL.replace('name = "一胎、二胎生育登记"', f'name = "{name}"')
    catalog = parse_catalog(long_name.encode(), "t.toml")
    layout = ReceiptLayout(paper_width_mm=58)
    assert len(printed_lines(name, "large", layout)[-1]) == 1   # what a plain wrap does

    slip = compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED)
    title = next(b for b in slip if isinstance(b, Text) and b.size == "large")

    printed = printed_lines(title.text, "large", layout)
    assert "".join(printed) == name
    assert len(printed) == 2
    assert len(printed[-1]) >= 2
    assert all(len(line) >= 2 for line in printed_lines(title.text, "large",
                                                         ReceiptLayout(paper_width_mm=80)))
