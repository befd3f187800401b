"""The one-time notice (一次性告知单): what a resident takes home so that one more trip
is enough. It is an official-style document, so it is always in Chinese."""

from __future__ import annotations

from datetime import datetime

from devices.printer.slip import MAX_QR_BYTES, Block, Qr, Rule, Slip, Spacer, Text
from kiosk.config.schema import StationConfig
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.services.guide.catalog import Catalog, ServiceItem
from kiosk.services.opening_hours_text import chinese_hours

ASK_AT_WINDOW = "详情请咨询窗口"

LEVEL_LABELS = {
    "village": "村（社区）便民服务站",
    "township": "乡镇便民服务中心",
    "street": "街道便民服务中心",
    "district": "区政务服务中心",
}


def compose_notice(item: ServiceItem, catalog: Catalog, station: StationConfig,
                   printed_at: datetime, opening_hours: str | None = None) -> Slip:
    """``opening_hours`` are the staffed hours in force in words (the center may have
    changed the configured ones); without them, the configured hours."""
    hours = (chinese_hours(WeeklyHours.from_sessions(station.staffed_hours))
             if opening_hours is None else opening_hours)
    blocks: list[Block] = [
        Text("一次性告知单", size="title", bold=True, align="center"),
        Text(station.name, align="center"),
        Rule(),
        Text(item.name, size="large", bold=True),
        Text(f"办理层级：{LEVEL_LABELS[item.level]}"),
    ]
    if item.handling:
        blocks.append(Text(f"办理方式：{item.handling}"))
    if item.owner:
        blocks.append(Text(f"主管部门：{item.owner}"))
    blocks.append(Spacer())
    blocks.append(Text("需要带的材料：", bold=True))
    if item.materials:
        blocks.extend(Text(f"□ {number}. {material}")
                      for number, material in enumerate(item.materials, start=1))
    else:
        blocks.append(Text(f"□ {ASK_AT_WINDOW}"))
    blocks.append(Spacer())
    blocks.append(Text(f"法定时限：{item.legal_time_limit or ASK_AT_WINDOW}"))
    blocks.append(Text(f"承诺时限：{item.promised_time_limit or ASK_AT_WINDOW}"))
    blocks.append(Text(f"收费：{item.fees or ASK_AT_WINDOW}"))
    blocks.append(Text(f"办理地点：{item.location or ASK_AT_WINDOW}"))
    if hours:
        blocks.append(Text(f"开放时间：{hours}"))
    if station.address:
        blocks.append(Text(f"地址：{station.address}"))
    if station.hotline:
        blocks.append(Text(f"咨询电话：{station.hotline}"))
    blocks.append(Rule())
    blocks.append(_qr(item, station))
    blocks.append(Text(f"目录版本 {catalog.info.version}  打印时间 "
                       f"{printed_at:%Y-%m-%d %H:%M}", align="center"))
    return Slip(tuple(blocks))


def _qr(item: ServiceItem, station: StationConfig) -> Qr:
    if item.online_url:
        return Qr(item.online_url, caption="扫码网上办理")
    # With no online entry the code carries the notice itself, so a phone keeps it
    # even when the paper is lost (and when the printer had no paper to begin with).
    lines = [item.name, f"办理层级：{LEVEL_LABELS[item.level]}"]
    if item.materials:
        lines.append("材料：" + "；".join(item.materials))
    lines.append(f"{station.name} {station.hotline}".strip())
    text = "\n".join(lines)
    while len(text.encode("utf-8")) > MAX_QR_BYTES:
        text = text[: len(text) - 10]
    return Qr(text, caption="扫码把告知单存到手机")
