"""The one-time notice (一次性告知单): what a resident takes home so that one more trip
is enough. It is an official-style document, so it is always in Chinese."""

from __future__ import annotations

from datetime import datetime

from devices.printer.slip import MAX_QR_BYTES, Block, Qr, Rule, Slip, Spacer, Text
from devices.printer.text_layout import PAPER_COLUMNS, columns_of
from kiosk.config.schema import QueueCategory, StationConfig
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.i18n import translator
from kiosk.services.guide.catalog import Catalog, ServiceItem
from kiosk.services.guide.line_breaks import with_line_breaks
from kiosk.services.guide.unpublished import (
    unpublished_elements,
    unpublished_statement,
    window_hours,
)
from kiosk.services.opening_hours_text import chinese_hours

LEVEL_LABELS = {
    "village": "村（社区）便民服务站",
    "township": "乡镇便民服务中心",
    "street": "街道便民服务中心",
    "district": "区政务服务中心",
}
# The item's name is printed large, which is as wide as normal text: a 58 mm roll's 32
# columns. Breaking it here for the narrowest paper keeps its last line from being one
# lone character there, and on 80 mm paper the lines simply fit.
NAME_COLUMNS = PAPER_COLUMNS[58]


def compose_notice(item: ServiceItem, catalog: Catalog, station: StationConfig,
                   printed_at: datetime, opening_hours: str | None = None,
                   window: QueueCategory | None = None) -> Slip:
    """``opening_hours`` are the staffed hours in force in words (the center may have
    changed the configured ones); without them, the configured hours. ``window`` is the
    queue category that handles the item, whose own hours (if it has any) are when to ask."""
    chinese = translator("zh_CN")
    staffed = (chinese_hours(WeeklyHours.from_sessions(station.staffed_hours))
               if opening_hours is None else opening_hours)
    own_hours = window_hours(window)
    statement = unpublished_statement(
        unpublished_elements(item, chinese), chinese, hotline=station.hotline, window=window,
        hours=chinese_hours(own_hours) if own_hours is not None else staffed)
    blocks: list[Block] = [
        Text("一次性告知单", size="title", bold=True, align="center"),
        Text(station.name, align="center"),
        Rule(),
        Text(with_line_breaks(item.name, NAME_COLUMNS, columns_of), size="large", bold=True),
        Text(f"办理层级：{LEVEL_LABELS[item.level]}"),
    ]
    if item.handling:
        blocks.append(Text(f"办理方式：{item.handling}"))
    if item.owner:
        blocks.append(Text(f"主管部门：{item.owner}"))
    if item.materials:
        # Check boxes only beside real materials: a resident ticks what is in the bag.
        blocks.append(Spacer())
        blocks.append(Text("需要带的材料：", bold=True))
        blocks.extend(Text(f"□ {number}. {material}")
                      for number, material in enumerate(item.materials, start=1))
    known = [(label, value) for label, value in (
        ("受理条件", item.conditions), ("法定时限", item.legal_time_limit),
        ("承诺时限", item.promised_time_limit), ("收费", item.fees),
        ("办理地点", item.location)) if value]
    if known:
        blocks.append(Spacer())
        blocks.extend(Text(f"{label}：{value}") for label, value in known)
    if statement:
        blocks.append(Spacer())
        blocks.append(Text(statement))
        blocks.append(Spacer())
    # The station's own details, as on every notice. The statement above names hours and
    # hotline too: it must stand alone in the QR code, and the window's hours may differ.
    if staffed:
        blocks.append(Text(f"开放时间：{staffed}"))
    if station.address:
        blocks.append(Text(f"地址：{station.address}"))
    if station.hotline:
        blocks.append(Text(f"咨询电话：{station.hotline}"))
    blocks.append(Rule())
    blocks.append(_qr(item, station, statement))
    blocks.append(Text(f"目录版本 {catalog.info.version}  打印时间 "
                       f"{printed_at:%Y-%m-%d %H:%M}", align="center"))
    return Slip(tuple(blocks))


def _qr(item: ServiceItem, station: StationConfig, statement: str) -> Qr:
    if item.online_url:
        return Qr(item.online_url, caption="扫码网上办理")
    # With no online entry the code carries the notice itself, so a phone keeps it
    # even when the paper is lost (and when the printer had no paper to begin with).
    lines = [item.name, f"办理层级：{LEVEL_LABELS[item.level]}"]
    if item.materials:
        lines.append("材料：" + "；".join(item.materials))
    if statement:
        lines.append(statement)
    lines.append(f"{station.name} {station.hotline}".strip())
    text = "\n".join(lines)
    while len(text.encode("utf-8")) > MAX_QR_BYTES:
        text = text[: len(text) - 10]
    return Qr(text, caption="扫码把告知单存到手机")
