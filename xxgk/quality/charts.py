"""Charts of the quality pages: Vega-Lite specs (Altair) rendered to inline SVG offline.

vl-convert renders the specs with its bundled Vega engine, so the pages carry finished SVG:
no JavaScript, no network, nothing to load when the page opens from disk.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

SEVERITY_COLOURS = alt.Scale(domain=["error", "warning"], range=["#b00020", "#c77700"])
CLASS_COLOURS = alt.Scale(domain=["publisher_error", "parse_suspect"], range=["#5b6abf", "#e07b39"])
FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"


def svg(chart: alt.TopLevelMixin) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    return vl_convert.vegalite_to_svg(spec)


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)


def pass_rates(rows: list[dict[str, Any]]) -> str:
    """rows: rule, severity, pass_rate (0–1), assessed."""
    return svg(alt.Chart(_data(rows), title="Pass rate per rule (assessed instances)").mark_bar().encode(
        x=alt.X("rule:N", sort=None, title=None), y=alt.Y("pass_rate:Q", title="pass rate", axis=alt.Axis(format="%"),
                                                          scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("severity:N", scale=SEVERITY_COLOURS),
        tooltip=["rule:N", "pass_rate:Q", "assessed:Q"]).properties(width=560, height=200))


def trend(rows: list[dict[str, Any]]) -> str:
    """rows: night (ISO time), rule, reports_failing."""
    return svg(alt.Chart(_data(rows), title="Reports failing each rule, night by night").mark_line(point=True).encode(
        x=alt.X("night:O", title=None), y=alt.Y("reports_failing:Q", title="reports failing"),
        color=alt.Color("rule:N"), tooltip=["night:O", "rule:N", "reports_failing:Q"]).properties(width=560,
                                                                                                   height=220))


def most_failed(rows: list[dict[str, Any]]) -> str:
    """rows: rule, severity, reports_failing (rules that fail only)."""
    return svg(alt.Chart(_data(rows), title="Most-failed rules (reports failing)").mark_bar().encode(
        y=alt.Y("rule:N", sort="-x", title=None), x=alt.X("reports_failing:Q", title="reports"),
        color=alt.Color("severity:N", scale=SEVERITY_COLOURS)).properties(width=480, height=max(60, 22 * len(rows))))


def classification(rows: list[dict[str, Any]]) -> str:
    """rows: rule, classification, instances."""
    return svg(alt.Chart(_data(rows), title="Failing instances: publisher errors vs parse suspects").mark_bar().encode(
        x=alt.X("rule:N", title=None), y=alt.Y("instances:Q", title="failing instances", stack="zero"),
        color=alt.Color("classification:N", scale=CLASS_COLOURS)).properties(width=560, height=200))


def coverage(rows: list[dict[str, Any]]) -> str:
    """rows: region, year, reports, excluded."""
    base = alt.Chart(_data(rows), title="Coverage: parsed reports by region and year")
    rect = base.mark_rect().encode(x=alt.X("year:O", title=None), y=alt.Y("region:N", title=None),
                                   color=alt.Color("reports:Q", scale=alt.Scale(scheme="blues"), title="reports"))
    text = base.mark_text(fontSize=11).encode(x="year:O", y="region:N", text="reports:Q")
    return svg((rect + text).properties(width=max(120, 48 * len({r["year"] for r in rows})),
                                        height=max(60, 20 * len({r["region"] for r in rows}))))


def crawl_health(rows: list[dict[str, Any]]) -> str:
    """rows: night, source, outcome, fetches."""
    return svg(alt.Chart(_data(rows), title="Crawl health: fetch outcomes per source and night").mark_bar().encode(
        x=alt.X("night:N", title=None), y=alt.Y("fetches:Q", title="fetches", stack="zero"),
        color=alt.Color("outcome:N", scale=alt.Scale(scheme="tableau20")),
        column=alt.Column("source:N", title=None)).properties(width=70, height=160))
