"""Bar charts as inline SVG, written by hand: no library, so nothing in them can fetch a
script or a font. Every chart carries a `<title>` and a `<desc>` (what a screen reader says);
the page puts the same figures beside it as a table. A suppressed figure (None) draws no bar
and is marked with `hidden` (e.g. "<5") instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from shgroups.render.html import esc

# One colour per series (the period, the previous period), dark enough to print in grey.
COLOURS = ("#2b6cb0", "#a0aec0", "#2f855a", "#c05621")
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'

Series = tuple[str, Sequence[int | float | None]]


def _top(values: Sequence[int | float | None]) -> float:
    """A round axis maximum above the largest value (1, 2 or 5 times a power of ten)."""
    largest = max([v for v in values if v is not None] + [1])
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if step * factor >= largest:
                return step * factor
        step *= 10


def columns(
    title: str, desc: str, categories: Sequence[str], series: Sequence[Series], hidden: str
) -> str:
    """Vertical bars: one group per category (a month), one bar per series (a period)."""
    width, height, left, bottom, top = 640, 260, 40, 40, 28
    plot_w, plot_h = width - left - 10, height - bottom - top
    highest = _top([v for _name, values in series for v in values])
    slot = plot_w / max(len(categories), 1)
    bar = max(min(slot / (len(series) + 1), 28), 2)
    parts = [_open(width, height, title, desc)]
    for fraction in (0, 0.5, 1) if highest >= 2 else (0, 1):  # whole numbers on the axis
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {_FONT}>'
            f"{_number(highest * fraction)}</text>"
        )
    for i, category in enumerate(categories):
        x0 = left + i * slot + (slot - bar * len(series)) / 2
        for s, (_name, values) in enumerate(series):
            value = values[i] if i < len(values) else None
            x = x0 + s * bar
            if value is None:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - 3:.1f}" '
                    f'text-anchor="middle" {_FONT} fill="#555">{esc(hidden)}</text>'
                )
                continue
            h = plot_h * value / highest
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{esc(category)}: {_number(value)}</title></rect>"
            )
        parts.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 14}" '
            f'text-anchor="middle" {_FONT}>{esc(category)}</text>'
        )
    parts.append(_legend(series, left, height - 10))
    parts.append("</svg>")
    return "".join(parts)


def bars(
    title: str, desc: str, categories: Sequence[str], series: Sequence[Series], hidden: str
) -> str:
    """Horizontal bars: one row per category (a theme), one bar per series."""
    label_w, width, row = 190, 640, 10 + 12 * len(series)
    height = 30 + row * len(categories) + 24
    plot_w = width - label_w - 50
    highest = _top([v for _name, values in series for v in values])
    parts = [_open(width, height, title, desc)]
    for i, category in enumerate(categories):
        y0 = 10 + i * row
        name = category if len(category) <= 30 else category[:29] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + row / 2 + 3:.1f}" text-anchor="end" {_FONT}>'
            f"{esc(name)}</text>"
        )
        for s, (_name, values) in enumerate(series):
            value = values[i] if i < len(values) else None
            y = y0 + 4 + s * 12
            if value is None:
                parts.append(
                    f'<text x="{label_w + 2}" y="{y + 9}" {_FONT} fill="#555">{esc(hidden)}</text>'
                )
                continue
            w = plot_w * value / highest
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="10" '
                f'fill="{COLOURS[s % len(COLOURS)]}"><title>{esc(category)}: '
                f"{_number(value)}</title></rect>"
                f'<text x="{label_w + w + 4:.1f}" y="{y + 9}" {_FONT}>{_number(value)}</text>'
            )
    parts.append(_legend(series, label_w, height - 8))
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
        f"<title>{esc(title)}</title><desc>{esc(desc)}</desc>"
    )


def _legend(series: Sequence[Series], x: float, y: float) -> str:
    if len(series) < 2:
        return ""
    out = []
    for s, (name, _values) in enumerate(series):
        at = x + s * 150
        out.append(
            f'<rect x="{at}" y="{y - 9}" width="10" height="10" '
            f'fill="{COLOURS[s % len(COLOURS)]}"/>'
            f'<text x="{at + 14}" y="{y}" {_FONT}>{esc(name)}</text>'
        )
    return "".join(out)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
