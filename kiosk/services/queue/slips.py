"""The paper a queue hands out: the ticket, and the day's summary for the station."""

from __future__ import annotations

from datetime import datetime

from devices.printer.slip import Block, Qr, Rule, Slip, Spacer, Text
from kiosk.config.schema import StationConfig
from kiosk.i18n import translator
from kiosk.services.queue.model import DaySummary, IssuedTicket

RANK_NOTES = {0: "优先办理（帮办代办）", 1: "预约办理"}


def ticket_slip(issued: IssuedTicket, station: StationConfig, now: datetime,
                language: str = "zh_CN") -> Slip:
    """``language`` is the resident's on screen: the code's words follow it (the rest of
    the slip is the station's, in Chinese)."""
    ticket = issued.ticket
    blocks: list[Block] = [
        Text(station.name, align="center"),
        Text(issued.category_name, size="large", bold=True, align="center"),
        Text(ticket.label, size="number", bold=True, align="center"),
    ]
    note = RANK_NOTES.get(ticket.rank)
    if note:
        blocks.append(Text(note, bold=True, align="center"))
    if issued.windows:
        blocks.append(Text(windows_line(issued.windows), size="large", bold=True,
                           align="center"))
    blocks += [
        Rule(),
        *((Text("前面没有人，无需等待"),) if issued.ahead == 0 else
          (Text(f"前面还有 {issued.ahead} 人"), Text(f"预计等候约 {issued.estimate_min} 分钟"))),
        Text(f"取号时间 {now:%Y-%m-%d %H:%M}"),
        Text("请留意叫号和显示屏。过号请到窗口咨询。"),
    ]
    if issued.rating_url:
        # The center's page for this ticket: where it stands, then its rating. One code on
        # the paper, not two for a resident to choose between.
        tr = translator(language)
        blocks += [Spacer(), Qr(issued.rating_url,
                                caption=tr("Scan to follow your ticket, then rate the service"))]
    elif issued.status_url:
        blocks += [Spacer(), Qr(issued.status_url, caption="扫码在手机上查看排队进度")]
    return Slip(tuple(blocks))


def windows_line(windows: tuple[int, ...]) -> str:
    """请到 1、2 号窗口办理: where the resident will be called."""
    return f"请到 {'、'.join(str(n) for n in windows)} 号窗口办理"


def summary_slip(summary: DaySummary, station: StationConfig) -> Slip:
    blocks: list[Block] = [
        Text("排队日报", size="title", bold=True, align="center"),
        Text(f"{station.name} {summary.day}", align="center"),
        Rule(),
    ]
    for c in summary.categories:
        blocks.append(Text(c.name, bold=True))
        blocks.append(Text(f"取号 {c.issued}  办结 {c.served}  过号 {c.no_shows}  "
                           f"未叫 {c.expired}"))
        wait = "—" if c.average_wait_min is None else f"{c.average_wait_min:.1f}"
        longest = "—" if c.longest_wait_min is None else f"{c.longest_wait_min:.1f}"
        handling = "—" if c.average_handling_min is None else f"{c.average_handling_min:.1f}"
        blocks.append(Text(f"平均等候 {wait} 分  最长 {longest} 分  平均办理 {handling} 分"))
    blocks += [Rule(), Text(f"合计取号 {summary.issued}", bold=True)]
    return Slip(tuple(blocks))
