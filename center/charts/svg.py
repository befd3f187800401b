"""Charts drawn as inline SVG on the server: the same markup in a page, in Chromium's
print and in WeasyPrint's PDF, with no script and nothing from a CDN. Two shapes cover the
reports: horizontal bars for categories with long Chinese labels, and columns for a series
over days, weeks or months.

Values are drawn to scale from zero; every bar carries its number as text, so the chart is
readable printed in black and white and by a screen reader (each chart has a title)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
INK, BAR, GRID = "#1d2733", "#1f5fa8", "#d5dbe3"
LABEL_PX, ROW_PX, CHAR_PX = 15, 30, 15    # a CJK character is about as wide as the font size


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="{FONT}" font-size="{LABEL_PX}" fill="{INK}">'
            f"<title>{escape(title)}</title>")
    return mark_safe(head + "".join(body) + "</svg>")  # every text in it is escaped


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "",
              colours: Sequence[str] = (), width: int = 640,
              maximum: float | None = None) -> SafeString:
    """One horizontal bar per row, label on the left and the value at the bar's end.
    ``colours`` gives each row its own colour (e.g. red for the bad ratings); ``maximum``
    fixes the scale, e.g. 100 for percentages."""
    label_width = min(width // 2, max((len(label) for label, _ in rows), default=1)
                      * CHAR_PX + 12)
    value_room = 80
    scale_width = max(width - label_width - value_room, 40)
    top = max([value for _, value in rows] + [maximum or 0, 0])
    height = max(len(rows), 1) * ROW_PX + 8
    body: list[str] = []
    for index, (label, value) in enumerate(rows):
        y = 4 + index * ROW_PX
        length = scale_width * value / top if top > 0 else 0
        colour = colours[index] if index < len(colours) else BAR
        body.append(f'<text x="{label_width - 8}" y="{y + 20}" text-anchor="end">'
                    f"{escape(label)}</text>")
        body.append(f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="20" '
                    f'fill="{colour}"/>')
        body.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 20}">'
                    f"{escape(_number(value, unit))}</text>")
    if not rows:
        body.append(f'<text x="8" y="24">{escape(title)}: —</text>')
    return _svg(width, height, title, body)


def column_chart(columns: Sequence[tuple[str, float]], *, title: str, unit: str = "",
                 width: int = 640, height: int = 240, colour: str = BAR) -> SafeString:
    """One column per period, its label under it and its value above it; labels thin out
    when there are more columns than fit side by side."""
    plot_top, plot_bottom, left = 24, height - 30, 8
    plot_height = plot_bottom - plot_top
    count = max(len(columns), 1)
    slot = (width - 2 * left) / count
    top = max([value for _, value in columns] + [0])
    label_every = max(1, int(60 // slot) + 1) if slot < 60 else 1
    body = [f'<line x1="{left}" y1="{plot_bottom}" x2="{width - left}" y2="{plot_bottom}" '
            f'stroke="{GRID}"/>']
    for index, (label, value) in enumerate(columns):
        x = left + index * slot
        bar = plot_height * value / top if top > 0 else 0
        body.append(f'<rect x="{x + slot * 0.15:.1f}" y="{plot_bottom - bar:.1f}" '
                    f'width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{colour}"/>')
        centre = x + slot / 2
        if slot >= 28:
            body.append(f'<text x="{centre:.1f}" y="{plot_bottom - bar - 5:.1f}" '
                        f'text-anchor="middle" font-size="12">'
                        f"{escape(_number(value, unit))}</text>")
        if index % label_every == 0:
            body.append(f'<text x="{centre:.1f}" y="{height - 10}" text-anchor="middle" '
                        f'font-size="12">{escape(label)}</text>')
    return _svg(width, height, title, body)
