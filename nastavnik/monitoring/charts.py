"""Charts of the dashboards and reports: matplotlib with the Agg backend, one function per chart.
`fmt="svg"` for pages (shown as a data: image, which the Content-Security-Policy allows), `fmt="png"`
for DOCX reports. The functions take plain numbers (already aggregated by the selectors)."""

from __future__ import annotations

import base64
import io
import threading

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure

MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
BLUE, GREEN, GREY = "#2f6fb5", "#3c9a5f", "#9aa5b1"
_lock = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


def month_label(key: str) -> str:
    """«2026-09» → «сен 2026»."""
    year, month = key.split("-")
    return f"{MONTHS_SHORT[int(month) - 1]} {year}"


def _render(figure: Figure, fmt: str) -> bytes:
    """SVG keeps its text as text (svg.fonttype «none»): not every glyph drawn as a path, which made the
    picture about twice as big and its rendering the slowest step of a dashboard."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(
            buffer, format=fmt, bbox_inches="tight", dpi=110 if fmt == "png" else 72, metadata=_metadata(fmt)
        )
    return buffer.getvalue()


def _metadata(fmt: str) -> dict:
    return {"Date": None} if fmt == "svg" else {}


def data_uri(content: bytes, fmt: str = "svg") -> str:
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def activity_trend(months: list[str], meetings: list[int], journal: list[int], *, fmt: str = "svg") -> bytes:
    """Meetings held and journal entries by month: two bar series."""
    with _lock:
        figure = Figure(figsize=(7, 2.6))
        axes = figure.subplots()
        positions = range(len(months))
        width = 0.4
        axes.bar([p - width / 2 for p in positions], meetings, width, label="встречи состоялись", color=BLUE)
        axes.bar([p + width / 2 for p in positions], journal, width, label="записи журнала", color=GREEN)
        axes.set_xticks(list(positions), [month_label(m) for m in months], fontsize=8, rotation=0)
        axes.tick_params(axis="y", labelsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=8, frameon=False, loc="upper left")
        axes.yaxis.get_major_locator().set_params(integer=True)
        return _render(figure, fmt)


def forms_bars(names: list[str], counts: list[int], *, fmt: str = "svg") -> bytes:
    """Mentorships per form of mentoring: horizontal bars."""
    with _lock:
        figure = Figure(figsize=(6, 0.45 * max(len(names), 1) + 0.6))
        axes = figure.subplots()
        axes.barh(names[::-1], counts[::-1], color=BLUE)
        axes.tick_params(labelsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.xaxis.get_major_locator().set_params(integer=True)
        return _render(figure, fmt)


def satisfaction_trend(months: list[str], averages: list[float | None], *, fmt: str = "svg") -> bytes:
    """Average satisfaction (1–10) by month of the answers."""
    with _lock:
        figure = Figure(figsize=(6, 2.4))
        axes = figure.subplots()
        points = [(i, v) for i, v in enumerate(averages) if v is not None]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=BLUE)
        axes.set_ylim(1, 10)
        axes.set_xticks(list(range(len(months))), [month_label(m) for m in months], fontsize=8)
        axes.tick_params(axis="y", labelsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        return _render(figure, fmt)


def impact_bars(labels: list[str], before: list[float], after: list[float], *, fmt: str = "svg") -> bytes:
    """Mean value on entry and on exit per parameter."""
    with _lock:
        figure = Figure(figsize=(6.5, 2.8))
        axes = figure.subplots()
        positions = range(len(labels))
        width = 0.38
        axes.bar([p - width / 2 for p in positions], before, width, label="на входе", color=GREY)
        axes.bar([p + width / 2 for p in positions], after, width, label="на выходе", color=GREEN)
        axes.set_xticks(list(positions), labels, fontsize=8)
        axes.tick_params(axis="y", labelsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=8, frameon=False)
        return _render(figure, fmt)


def warm_up() -> None:
    """Draw one small chart of each kind and throw it away: matplotlib's first figure loads the font list,
    the SVG and PNG writers and lays out its first text (0.1–0.2 s), which would otherwise be paid by the
    first dashboard a server process shows (nastavnik.monitoring.warmup, called where a server starts)."""
    activity_trend(["2026-09", "2026-10"], [1, 2], [2, 1])
    activity_trend(["2026-09", "2026-10"], [1, 2], [2, 1], fmt="png")
    forms_bars(["а"], [1])
    satisfaction_trend(["2026-09", "2026-10"], [5.0, None])
    impact_bars(["а"], [1.0], [2.0])
