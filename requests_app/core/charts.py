"""Charts drawn on the server as SVG geometry: no script, no network, fine under a strict CSP.

In a language written right to left (Arabic) a chart is drawn mirrored: the first group on the
right, the scale's figures on the right edge (``rtl``). The SVG's own text direction stays
left to right (eas/app.css), so that each label is anchored where its geometry says.
"""

from django.utils.translation import get_language_bidi

PALETTE = ["#1f6f9f", "#d97706", "#15803d", "#9333ea", "#b91c1c", "#0f766e"]


def bar_rows(rows):
    """[(label, value, key)] -> rows with the bar's share of the widest, in percent (0-100)."""
    top = max((value for _, value, _ in rows), default=0) or 1
    return [
        {"label": label, "value": value, "key": key, "pct": round(100 * value / top, 1)} for label, value, key in rows
    ]


def grouped_bars(*, groups, series, width=640, height=220, gap=14, left=36, bottom=24, rtl=None):
    """A grouped vertical bar chart: one group per x label, one bar per series in each group; mirrored
    for a language written right to left (``rtl``: by default, the active language's direction)."""
    rtl = get_language_bidi() if rtl is None else rtl
    chart = _grouped_bars(groups=groups, series=series, width=width, height=height, gap=gap, left=left, bottom=bottom)
    return _mirrored(chart) if rtl else {**chart, "rtl": False, "grid_x1": left, "grid_x2": width, "tick_x": left - 4}


def _mirrored(chart):
    """The chart drawn from the right: every x reflected, the scale on the right edge."""
    width, margin = chart["width"], chart["left"]
    bars = [{**bar, "x": round(width - bar["x"] - bar["width"], 1)} for bar in chart["bars"]]
    labels = [{**label, "x": round(width - label["x"], 1)} for label in chart["labels"]]
    return {
        **chart,
        "bars": bars,
        "labels": labels,
        "rtl": True,
        "grid_x1": 0,
        "grid_x2": width - margin,
        "tick_x": width - margin + 4,
    }


def _grouped_bars(*, groups, series, width, height, gap, left, bottom):
    top = max((v for _, values in series for v in values), default=0) or 1
    plot_height = height - bottom - 8
    group_width = (width - left) / max(len(groups), 1)
    bar_width = max((group_width - gap) / max(len(series), 1), 1)
    bars = []
    for g, group in enumerate(groups):
        for s, (label, values) in enumerate(series):
            value = values[g]
            bar_height = plot_height * value / top
            bars.append(
                {
                    "x": round(left + g * group_width + gap / 2 + s * bar_width, 1),
                    "y": round(8 + plot_height - bar_height, 1),
                    "width": round(bar_width - 1, 1),
                    "height": round(bar_height, 1),
                    "color": PALETTE[s % len(PALETTE)],
                    "title": f"{label}, {group}: {value}",
                }
            )
    labels = [
        {"x": round(left + g * group_width + group_width / 2, 1), "text": group} for g, group in enumerate(groups)
    ]
    # The middle of the scale only when it is a whole number of its own (not 0 again when the top is 1).
    fractions = (0, 0.5, 1) if top >= 2 else (0, 1)
    ticks = [{"y": round(8 + plot_height - plot_height * f, 1), "value": round(top * f)} for f in fractions]
    legend = [{"label": label, "color": PALETTE[s % len(PALETTE)]} for s, (label, _) in enumerate(series)]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "legend": legend,
        "axis_y": height - bottom,
        "left": left,
        "label_y": height - 6,
        "empty": not any(v for _, values in series for v in values),
    }
