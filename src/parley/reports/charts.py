"""Charts as inline SVG, drawn on the server: no script, no font file, no network.

Each function returns one ``<svg>`` element as text for inline use in HTML (the HTML
parser places it in the SVG namespace, so no xmlns is written), sized by its viewBox so
it scales to a phone's width. Every label is escaped. A value of ``None`` is a figure
that may not be shown (fewer than k, or withheld): it is drawn as a hatched stub
labelled ``note``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f5f8b", "#d9822b", "#3a8d5c", "#8e4b9c", "#b23a48", "#5c6f7b", "#c2a83e")
WIDTH = 640
FONT = "font-family=\"system-ui, sans-serif\""


@dataclass(frozen=True)
class Series:
    """One named row of values, one per x label (None: not shown)."""

    name: str
    values: Sequence[int | None]


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step: int = 10 ** (len(str(value)) - 1)
    for mult in (1, 2, 5, 10):
        if value <= mult * step:
            return mult * step
    return value


def _ticks(top: int) -> list[int]:
    return [round(top * i / 4) for i in range(5)]


def _legend(series: Sequence[Series], y: float) -> tuple[list[str], float]:
    """Legend entries left to right, wrapping onto new rows; returns them and the last y."""
    out: list[str] = []
    x = 60.0
    for i, s in enumerate(series):
        width = 28 + 6.6 * len(s.name)
        if x > 60 and x + width > WIDTH - 8:
            x, y = 60.0, y + 18
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="12" height="12" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{x + 16:.0f}" y="{y + 1:.0f}" font-size="12">'
                   f'{escape(s.name)}</text>')
        x += width
    return out, y


def _frame(title: str, height: int, body: list[str], desc: str) -> str:
    return (f'<svg viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-label="{escape(title)}" class="chart" {FONT}>'
            f'<title>{escape(title)}</title><desc>{escape(desc)}</desc>'
            '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern>'
            '</defs>' + "".join(body) + "</svg>")


def grouped_bars(title: str, labels: Sequence[str], series: Sequence[Series], *,
                 note: str = "not shown") -> str:
    """Bars per x label, one bar per series side by side (e.g. per stage, per category)."""
    height, left, bottom, top_pad = 300, 48, 56, 34
    plot_h = height - bottom - top_pad
    plot_w = WIDTH - left - 12
    shown = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(shown, default=0))
    body = [f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    for tick in _ticks(top):
        y = top_pad + plot_h - plot_h * tick / top
        body.append(f'<line x1="{left}" x2="{WIDTH - 12}" y1="{y:.1f}" y2="{y:.1f}" '
                    'stroke="#ddd"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                    f'text-anchor="end">{tick}</text>')
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = max(min(group_w * 0.8 / max(len(series), 1), 48), 3)
    for g, label in enumerate(labels):
        gx = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for i, s in enumerate(series):
            value = s.values[g] if g < len(s.values) else 0
            x = gx + i * bar_w
            if value is None:
                body.append(f'<rect x="{x:.1f}" y="{top_pad + plot_h - 14:.1f}" '
                            f'width="{bar_w - 2:.1f}" height="14" fill="url(#hatch)">'
                            f'<title>{escape(s.name)}, {escape(label)}: {escape(note)}</title>'
                            '</rect>')
                continue
            h = plot_h * value / top
            body.append(f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" '
                        f'width="{bar_w - 2:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(s.name)}, '
                        f'{escape(label)}: {value}</title></rect>')
            if h > 0 and bar_w >= 14:
                body.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" '
                            f'y="{top_pad + plot_h - h - 3:.1f}" font-size="10" '
                            f'text-anchor="middle">{value}</text>')
        body.append(f'<text x="{left + (g + 0.5) * group_w:.1f}" '
                    f'y="{top_pad + plot_h + 16:.1f}" font-size="11" text-anchor="middle">'
                    f'{escape(label)}</text>')
    legend, last = _legend(series, height - 12)
    desc = "; ".join(f"{s.name}: " + ", ".join(
        f"{lab} {'—' if v is None else v}" for lab, v in zip(labels, s.values, strict=False))
        for s in series)
    return _frame(title, int(last + 12), body + legend, desc)


def cumulative_lines(title: str, labels: Sequence[str], series: Sequence[Series],
                     targets: Sequence[tuple[str, int, int]] = ()) -> str:
    """Running totals over stages, one line per series, with dashed target lines
    (``(label, value, index of the series it belongs to)``, drawn in its colour)."""
    height, left, bottom, top_pad = 300, 56, 56, 34
    plot_h = height - bottom - top_pad
    plot_w = WIDTH - left - 24
    shown = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max([*shown, *(t for _, t, _ in targets)], default=0))
    body = [f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    for tick in _ticks(top):
        y = top_pad + plot_h - plot_h * tick / top
        body.append(f'<line x1="{left}" x2="{WIDTH - 24}" y1="{y:.1f}" y2="{y:.1f}" '
                    'stroke="#ddd"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                    f'text-anchor="end">{tick}</text>')
    n = max(len(labels), 1)

    def xpos(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    for i, label in enumerate(labels):
        body.append(f'<text x="{xpos(i):.1f}" y="{top_pad + plot_h + 16:.1f}" font-size="11" '
                    f'text-anchor="middle">{escape(label)}</text>')
    for name, value, index in targets:
        y = top_pad + plot_h - plot_h * value / top
        colour = PALETTE[index % len(PALETTE)]
        body.append(f'<line x1="{left}" x2="{WIDTH - 24}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="{colour}" stroke-dasharray="5 4"/>')
        body.append(f'<text x="{WIDTH - 26}" y="{y - 4:.1f}" font-size="10" '
                    f'text-anchor="end">{escape(name)}: {value}</text>')
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        points = [(xpos(k), top_pad + plot_h - plot_h * v / top)
                  for k, v in enumerate(s.values) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                        'stroke-width="2.5"/>')
            for (x, y), v in zip(points, [v for v in s.values if v is not None], strict=True):
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                            f'<title>{escape(s.name)}: {v}</title></circle>')
    legend, last = _legend(series, height - 12)
    desc = "; ".join(f"{s.name}: " + ", ".join("—" if v is None else str(v) for v in s.values)
                     for s in series)
    return _frame(title, int(last + 12), body + legend, desc)
