"""The one-time notice carries the station, the item, the checklist, time limits, where
to go, opening hours and a QR code; what the catalog does not know says so."""

from __future__ import annotations

from datetime import datetime

from devices.printer.slip import plain_lines
from kiosk.config.schema import OpeningSession, StationConfig
from kiosk.services.guide.catalog import parse_catalog
from kiosk.services.guide.notice import compose_notice
from tests.services.guide.test_catalog import MINIMAL

STATION = StationConfig(terminal_id="t-01", station_id="s", district_id="d",
                        name="测试社区便民服务站", hotline="029-12345678",
                        staffed_hours=(OpeningSession(days=(1, 2, 3, 4, 5), start="09:00",
                                                      end="17:00"),))
PRINTED = datetime(2026, 11, 22, 9, 30)


def test_an_item_the_seeds_say_little_about_points_to_the_window():
    catalog = parse_catalog(MINIMAL.encode(), "t.toml")

    lines = plain_lines(compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED))

    assert lines[:2] == ["一次性告知单", "测试社区便民服务站"]
    assert "一胎、二胎生育登记" in lines
    assert "办理层级：街道便民服务中心" in lines
    assert "办理方式：网办" in lines
    assert "□ 详情请咨询窗口" in lines
    assert "法定时限：详情请咨询窗口" in lines
    assert "开放时间：周一至周五 9:00–17:00" in lines     # worded from station.staffed_hours
    qr = next(line for line in lines if line.startswith("[QR] "))
    assert qr.startswith("[QR] 一胎、二胎生育登记\n") or qr == "[QR] 一胎、二胎生育登记"
    assert "扫码把告知单存到手机" in lines
    assert lines[-1] == "目录版本 t-1  打印时间 2026-11-22 09:30"


def test_materials_become_a_checklist_and_the_online_entry_a_qr_code():
    richer = MINIMAL.replace('handling = "网办"', 'handling = "网办"\n'
                             'materials = ["居民户口簿", "结婚证"]\n'
                             'promised_time_limit = "即办"\n'
                             'online_url = "https://zwfw.example.cn/item/1"')
    catalog = parse_catalog(richer.encode(), "t.toml")

    slip = compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED)
    lines = plain_lines(slip)

    assert lines[lines.index("需要带的材料："):][1:3] == ["□ 1. 居民户口簿", "□ 2. 结婚证"]
    assert "承诺时限：即办" in lines
    assert [qr.data for qr in slip.qr_codes] == ["https://zwfw.example.cn/item/1"]
    assert "扫码网上办理" in lines


def test_hours_the_center_set_replace_the_configured_ones():
    catalog = parse_catalog(MINIMAL.encode(), "t.toml")

    lines = plain_lines(compose_notice(catalog.item("t-001"), catalog, STATION, PRINTED,
                                       "周一至周六 8:30–17:30"))

    assert "开放时间：周一至周六 8:30–17:30" in lines
