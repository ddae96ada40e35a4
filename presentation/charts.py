"""Every plotly figure, each a pure function of a DataFrame (no Streamlit here).

The pages draw these and the packs export them as images with kaleido, so a
figure must carry its own labels: counts on the bars, ``n`` beside every
group, a text legend for every colour.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape, unescape
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lakehouse import seeds
from lakehouse.geometry import centroid, outer_rings, signed_area
from lakehouse.reads.base import Labels
from presentation import palette
from presentation.formatting import round_half_up

FONT = {"family": "Source Sans Pro, Arial, DejaVu Sans, sans-serif", "size": 15}

# Every figure names its own template. plotly stamps ``pio.templates.default`` into a
# figure when it is built, and importing Streamlit switches that default to its
# "streamlit" template, which has no axis automargin: figures built inside the app
# then kept the 10 px margins and kaleido cut their category labels and ticks off,
# while the same figure from the CLI (plotly's template) had room for them.
TEMPLATE = "plotly_white"
_BASE_LAYOUT: dict[str, Any] = {
    "template": TEMPLATE,
    "font": FONT,
    "plot_bgcolor": "white",
    "paper_bgcolor": "white",
    "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
}


def _layout(fig: go.Figure, title: str | None = None, height: int | None = None) -> go.Figure:
    fig.update_layout(**_BASE_LAYOUT)
    # the margins grow to fit tick and category labels whatever the template says
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "xanchor": "left", "y": 0.98})
        fig.update_layout(margin={"t": 80})
    if height:
        fig.update_layout(height=height)
    return fig


def plain(text: object) -> str:
    """``text`` as plotly shows it literally: its pseudo-HTML escaped.

    plotly.js reads ``<a href>``, ``<b>``, ``<br>`` and friends in titles, tick
    labels, bar text, annotations and hover labels (after filling a hovertemplate),
    so a school named ``<a href="http://evil">x</a>`` became a live link. plotly
    decodes entities only in the text between tags, so escaped text shows as typed.
    Every name, label or title that reaches a figure goes through here once.
    """
    return escape(str(text), quote=False)


def whole(value: float) -> str:
    """A number on a bar, rounded half up like every percentage (presentation.formatting)."""
    return str(round_half_up(float(value)))


def two_lines(label: str) -> str:
    """A long label broken at the space nearest its middle ("Overall<br>effectiveness").

    The label is escaped (:func:`plain`): the ``<br>`` is the only tag in the result.
    """
    if len(label) <= 12 or " " not in label:
        return plain(label)
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return plain(label[:cut]) + "<br>" + plain(label[cut + 1 :])


def _grade_segments(df: pd.DataFrame) -> list[tuple[pd.DataFrame, str, str]]:
    """(rows, label, colour) per grade, best first, insufficient evidence last."""
    segments = []
    graded = sorted(int(g) for g in df["grade"].dropna().unique())
    for grade in [*graded, None]:
        rows = df[df["grade"].isna()] if grade is None else df[df["grade"] == grade]
        if not rows.empty:
            segments.append((rows, str(rows["grade_label"].iloc[0]), palette.grade_colour(grade)))
    return segments


def group_label(name: str, n: int, small_n: int) -> str:
    """'Primary (n=20)'; groups under ``small_n`` schools are marked so nobody over-reads them.

    ``name`` is escaped (:func:`plain`): a group can be a district or setting name.
    """
    label = f"{plain(name)} (n={n})"
    return f"{label} ⚠ under {small_n}" if n < small_n else label


def stacked_grade_bars(
    df: pd.DataFrame,
    group_col: str,
    group_order: Sequence[str] | None = None,
    title: str | None = None,
    small_n: int | None = None,
    percent: bool = True,
) -> go.Figure:
    """Horizontal stacked bars, one per group, segments by grade with counts on them.

    ``df`` has ``group_col``, ``grade`` (null = insufficient evidence), ``schools`` and
    gold's ``grade_label`` (the words of the database it came from). Groups under
    ``small_n`` (default: the seed's small-group threshold) are marked.
    """
    small_n = seeds.small_group_threshold() if small_n is None else small_n
    totals = df.groupby(group_col, dropna=False)["schools"].sum()
    order = [g for g in (group_order or sorted(totals.index)) if g in totals.index]
    labels = {g: group_label(str(g), int(totals[g]), small_n) for g in order}
    fig = go.Figure()
    for rows, label, colour in _grade_segments(df):
        part = rows.groupby(group_col)["schools"].sum()
        if part.empty:
            continue
        counts = [int(part.get(g, 0)) for g in order]
        values = [
            100.0 * c / totals[g] if percent and totals[g] else c
            for c, g in zip(counts, order, strict=False)
        ]
        label = plain(label)
        fig.add_trace(
            go.Bar(
                name=label,
                orientation="h",
                y=[labels[g] for g in order],
                x=values,
                marker={"color": colour, "line": {"color": "white", "width": 1}},
                text=[str(c) if c else "" for c in counts],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": palette.text_colour_on(colour), "size": 15},
                customdata=counts,
                hovertemplate=f"%{{y}}<br>{label}: %{{customdata}} schools<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(
        title="% of schools" if percent else "schools",
        range=[0, 100] if percent else None,
        showgrid=True,
        gridcolor="#EEEEEE",
    )
    return _layout(fig, title, height=max(260, 70 + 52 * len(order)))


def grade_table_bars(
    groups: Sequence[str],
    counts: Sequence[Sequence[int | None]],
    totals: Sequence[int | None],
    categories: Sequence[str],
    colours: Sequence[str],
    small_n: int = 0,
    suppressed_label: str = "Suppressed (c)",
) -> go.Figure:
    """Stacked bars drawn from a table as published: one bar per group, a segment per
    category, the share of the group's total, with the count on each segment.

    ``None`` is a suppressed count: the suppressed cells of a group are drawn together as
    one grey segment marked ``c`` (its size is the total less the shown cells, which the
    table gives away anyway); a group whose total is suppressed is listed with ``n=c`` and
    no bar. So the chart shows no more than its table, and its n is the table's total.
    """
    labels = [
        group_label(g, int(t), small_n) if t is not None else f"{plain(g)} (n=c)"
        for g, t in zip(groups, totals, strict=True)
    ]
    fig = go.Figure()
    for c, (name, colour) in enumerate(zip(categories, colours, strict=True)):
        shown = [row[c] for row in counts]
        shares = [
            100.0 * v / t if v is not None and t else 0.0
            for v, t in zip(shown, totals, strict=True)
        ]
        if not any(v for v in shown if v is not None):
            continue
        fig.add_trace(
            go.Bar(
                name=plain(name),
                orientation="h",
                y=labels,
                x=shares,
                marker={"color": colour, "line": {"color": "white", "width": 1}},
                text=[str(v) if v else "" for v in shown],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": palette.text_colour_on(colour), "size": 15},
                hovertemplate=f"%{{y}}<br>{plain(name)}: %{{text}} schools<extra></extra>",
            )
        )
    hidden = []
    for row, t in zip(counts, totals, strict=True):
        if t is None or all(v is not None for v in row):
            hidden.append(0.0)
        else:
            hidden.append(100.0 * (t - sum(v for v in row if v is not None)) / t if t else 0.0)
    if any(hidden):
        fig.add_trace(
            go.Bar(
                name=plain(suppressed_label),
                orientation="h",
                y=labels,
                x=hidden,
                marker={
                    "color": palette.LIGHT_GREY,
                    "pattern": {"shape": "/", "fgcolor": palette.GREY},
                    "line": {"color": "white", "width": 1},
                },
                text=["c" if h else "" for h in hidden],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": "#000000", "size": 15},
                hoverinfo="skip",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None, categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title="% of schools", range=[0, 100], showgrid=True, gridcolor="#EEEEEE")
    return _layout(fig, None, height=max(260, 70 + 52 * len(labels)))


def grade_distribution_chart(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Each area's grade distribution (df: area, area_label, area_order, grade, schools):
    the areas' names and order are gold's."""
    labels = df.drop_duplicates("area").sort_values("area_order")["area_label"]
    return stacked_grade_bars(df, "area_label", list(labels), title, small_n=0)


def grade_trend_chart(df: pd.DataFrame, area: str, title: str | None = None) -> go.Figure:
    """One area's grade mix in every round (df: round, area, grade, schools)."""
    part = df[df["area"] == area]
    rounds = sorted(part["round"].unique())
    return stacked_grade_bars(part, "round", rounds, title, small_n=0)


def status_bars(
    df: pd.DataFrame,
    group_col: str,
    status_col: str,
    colours: Mapping[str, str],
    labels: Mapping[str, str],
    order: Iterable[str],
    title: str | None = None,
    group_order: Sequence[str] | None = None,
    escaped_groups: bool = False,
) -> go.Figure:
    """Horizontal stacked counts by a status with its own palette (freshness, returns).

    Group names are escaped (:func:`plain`) unless ``escaped_groups`` says they are.
    """
    groups = list(group_order or sorted(df[group_col].dropna().unique()))
    fig = go.Figure()
    for status in order:
        part = df[df[status_col] == status].groupby(group_col)["schools"].sum()
        if part.empty:
            continue
        counts = [int(part.get(g, 0)) for g in groups]
        name = plain(labels.get(status, status))
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                # returns_chart's groups come from group_label, already escaped
                y=[g if escaped_groups else plain(g) for g in groups],
                x=counts,
                marker={
                    "color": colours.get(status, palette.GREY),
                    "line": {"color": "white", "width": 1},
                },
                text=[str(c) if c else "" for c in counts],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": palette.text_colour_on(colours.get(status, palette.GREY))},
                hovertemplate=f"%{{y}}<br>{name}: %{{x}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="schools", showgrid=True, gridcolor="#EEEEEE")
    return _layout(fig, title, height=max(260, 70 + 48 * len(groups)))


def standards_chart(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """The four DfE standards: schools met, partly, not met, unknown (df: standards_summary)."""
    order = list(dict.fromkeys(df.sort_values("standard")["standard_label"]))
    labels = dict(zip(df["status"], df["status_label"], strict=False))
    statuses = list(dict.fromkeys(df.sort_values("status_order")["status"])) if not df.empty else []
    return status_bars(
        df,
        "standard_label",
        "status",
        palette.FM_STATUS_COLOURS,
        labels,
        statuses,
        title,
        group_order=order,
    )


def freshness_chart(
    df: pd.DataFrame, statuses: Mapping[str, str], title: str | None = None
) -> go.Figure:
    """Policy freshness at a glance (df: policy_label, status, schools); ``statuses`` names
    the statuses in order as the database does (``lakehouse.reads.base.freshness_labels``)."""
    order = list(dict.fromkeys(df.sort_values("policy")["policy_label"]))
    return status_bars(
        df,
        "policy_label",
        "status",
        palette.FRESHNESS_COLOURS,
        statuses,
        tuple(statuses),
        title,
        order,
    )


def returns_chart(
    df: pd.DataFrame, statuses: Mapping[str, str], title: str | None = None
) -> go.Figure:
    """Received on time, late, awaiting and missing per group (df from reads.returns.returns_by);
    ``statuses`` names them as the database does (``reads.base.return_status_labels``)."""
    # awaiting: no return yet, before the deadline (absent from frames built before it existed)
    awaiting = list(df["awaiting"]) if "awaiting" in df else [0] * len(df)
    long = pd.DataFrame(
        {
            "group": list(df["group"]) * 4,
            "status": ["received"] * len(df)
            + ["late"] * len(df)
            + ["awaiting"] * len(df)
            + ["missing"] * len(df),
            "schools": list(df["received"] - df["late"])
            + list(df["late"])
            + awaiting
            + list(df["missing"]),
        }
    )
    groups = [
        group_label(str(g), int(n), 0) for g, n in zip(df["group"], df["expected"], strict=False)
    ]
    long["group"] = groups * 4
    return status_bars(
        long,
        "group",
        "status",
        palette.RETURN_STATUS_COLOURS,
        statuses,
        ("received", "late", "awaiting", "missing"),
        title,
        groups,
        escaped_groups=True,
    )


def count_bars(
    df: pd.DataFrame,
    label_col: str,
    value_col: str,
    title: str | None = None,
    colour: str = palette.BLUE,
    text: Sequence[str] | None = None,
) -> go.Figure:
    """Simple horizontal bars with the number at the end (e.g. reasons for support).

    ``text`` replaces the numbers written at the bars' ends (a public pack writes ``c``
    at a suppressed group, whose bar is then drawn at zero).
    """
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[plain(v) for v in df[label_col]],
            x=df[value_col],
            marker={"color": colour},
            text=[plain(t) for t in text] if text is not None else df[value_col],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    # room past the longest bar for its number: "376" was cut to "37" at the plot's edge
    top = float(pd.to_numeric(df[value_col], errors="coerce").max() or 0) if len(df) else 0
    fig.update_xaxes(
        title="schools", showgrid=True, gridcolor="#EEEEEE", range=[0, max(top * 1.2, 1)]
    )
    return _layout(fig, title, height=max(240, 70 + 42 * len(df)))


def area_profile_chart(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """A school's area scores beside the county and setting means."""
    fig = go.Figure()
    series = (
        ("school_score", "This school", palette.BLUE),
        ("setting_mean", "Setting average", palette.SKY),
        ("county_mean", "County average", palette.GREY),
    )
    # area names on two lines, level: tilted or cut names were unreadable at A4 width
    names = [two_lines(str(a)) for a in df["area_label"]]
    for col, name, colour in series:
        # plain floats: an extension array (Float64) reached plotly.js as text once, and
        # every tick read "0"
        values = pd.to_numeric(df[col], errors="coerce").astype(float).to_numpy()
        fig.add_trace(
            go.Bar(
                name=name,
                x=names,
                y=values,
                marker={"color": colour},
                text=[("" if pd.isna(v) else whole(float(v))) for v in values],
                textposition="outside",
                hovertemplate=f"%{{x}}<br>{name}: %{{y:.1f}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickangle=0, type="category")
    fig.update_yaxes(
        title="score (%)", range=[0, 105], showgrid=True, gridcolor="#EEEEEE", tickformat="d"
    )
    return _layout(fig, title, height=380)


def coverage_chart(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Training coverage by staff group (df: 'Staff group', 'Coverage (%)')."""
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[plain(v) for v in df["Staff group"]],
            x=df["Coverage (%)"],
            marker={"color": palette.GREEN},
            text=[("" if pd.isna(v) else whole(v) + "%") for v in df["Coverage (%)"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
        )
    )
    fig.update_xaxes(title="% trained in the last 12 months", range=[0, 110])
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, height=max(220, 70 + 45 * len(df)))


def history_chart(
    df: pd.DataFrame, areas: Mapping[str, str], title: str | None = None
) -> go.Figure:
    """A school's area scores across rounds (df from school_history)."""
    fig = go.Figure()
    colours = [palette.BLUE, palette.GREEN, palette.ORANGE, palette.PURPLE, palette.SKY]
    # each line its own marker and dash as well as colour; no number on every point (five
    # series' numbers piled up on each other): they are in the hover and the table beside
    symbols = ["circle", "square", "diamond", "triangle-up", "x"]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    for i, ((area, label), colour) in enumerate(zip(areas.items(), colours, strict=False)):
        label = plain(label)
        values = pd.to_numeric(df[f"score_{area}"], errors="coerce").astype(float).to_numpy()
        fig.add_trace(
            go.Scatter(
                x=[plain(r) for r in df["round"]],
                y=values,
                name=label,
                mode="lines+markers",
                line={"color": colour, "width": 3, "dash": dashes[i % len(dashes)]},
                marker={"size": 11, "symbol": symbols[i % len(symbols)]},
                customdata=[("" if pd.isna(v) else whole(float(v))) for v in values],
                hovertemplate=f"{label}<br>%{{x}}: %{{customdata}}<extra></extra>",
            )
        )
    fig.update_yaxes(title="score (%)", range=[0, 105], showgrid=True, gridcolor="#EEEEEE")
    fig.update_xaxes(type="category", title=None)
    return _layout(fig, title, height=380)


# --- map ---------------------------------------------------------------------------


def point_categories(measure: str, words: Labels) -> tuple[dict[Any, str], dict[Any, str]]:
    """(value -> label, value -> colour) for a point measure; None is the 'no value' class.

    The labels and their order are the database's (``words``: ``lakehouse.reads.base.labels``),
    the colours the palette's."""
    kinds: dict[str, tuple[Mapping[Any, str], Mapping[Any, str], str]] = {
        "priority": (words.priorities, palette.PRIORITY_COLOURS, "not_flagged"),
        "freshness_worst": (words.freshness, palette.FRESHNESS_COLOURS, "no_return"),
        "filtering": (words.filtering, palette.FILTERING_COLOURS, "no_return"),
        "return_status": (words.return_statuses, palette.RETURN_STATUS_COLOURS, "not_known"),
    }
    codes_colours: Mapping[Any, str]
    named: Mapping[Any, str]
    if measure.startswith("grade_"):
        named, codes_colours, blank = words.grades, palette.GRADE_COLOURS, "no_grade"
    elif measure in kinds:
        named, codes_colours, blank = kinds[measure]
    else:
        raise ValueError(f"unknown map measure {measure!r}")
    labels: dict[Any, str] = dict(named)
    if measure == "priority":
        labels = {k: f"{v} priority" for k, v in labels.items()}
    colours: dict[Any, str] = {k: codes_colours.get(k, palette.GREY) for k in labels}
    labels[None], colours[None] = words.blanks[blank], palette.LIGHT_GREY
    return labels, colours


def category_key(value: Any) -> Any:
    """The key a point measure value has in ``point_categories`` (None for any null)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Above this many schools the points are drawn with WebGL: SVG slows past a few thousand.
WEBGL_POINTS_ABOVE = 3000


def _plane_scale(districts: pd.DataFrame) -> float:
    """cos(mean latitude): x = lon * k and y = lat drawn on one scale look right for a county."""
    lats = [
        y
        for g in districts["geometry"]
        for ring in outer_rings(json.loads(g) if isinstance(g, str) else g)
        for _, y in ring
    ]
    return math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0


def _district_layer(
    fig: go.Figure,
    districts: pd.DataFrame,
    values: pd.Series,
    lo: float,
    hi: float,
    k: float,
    label_extra: Sequence[str],
    selected_codes: Sequence[str] = (),
    hover: Sequence[str] | None = None,
) -> list[tuple[float, float]]:
    """Each district as filled outlines on plain axes, named by an annotation (SVG text).

    No map library and no tiles, so it draws offline in the browser and in kaleido
    alike, and it can carry text (MapLibre cannot draw text without glyph tiles).
    Returns each district's label point (the centroid of its largest ring).
    """
    points: list[tuple[float, float]] = []
    for i, ((_, d), v, extra) in enumerate(
        zip(districts.iterrows(), values, label_extra, strict=False)
    ):
        shape = json.loads(d["geometry"]) if isinstance(d["geometry"], str) else d["geometry"]
        colour = (
            palette.LIGHT_GREY
            if pd.isna(v)
            else _sample_scale(MAP_SCALE, (float(v) - lo) / (hi - lo) if hi > lo else 0.5)
        )
        chosen = str(d.get("district_code", "")) in selected_codes
        best: tuple[float, float, float] | None = None  # area, x, y of the largest ring
        for ring in outer_rings(shape):
            xs = [x * k for x, _ in ring]
            ys = [y for _, y in ring]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    fill="toself",
                    fillcolor=colour,
                    line={"color": "#000000" if chosen else "#333333", "width": 3 if chosen else 1},
                    hoveron="fills" if hover is not None else None,
                    text=hover[i] if hover is not None else None,
                    hoverinfo="text" if hover is not None else "skip",
                    showlegend=False,
                )
            )
            area = abs(signed_area(list(zip(xs, ys, strict=True))))
            if best is None or area > best[0]:
                best = (area, *centroid(list(zip(xs, ys, strict=True))))
        x, y = (best[1], best[2]) if best is not None else (float("nan"), float("nan"))
        points.append((x, y))
        if best is not None:
            name = str(d["district_name"])
            # black on a pale box: readable on any shade and where a name runs past its
            # district onto the white page
            fig.add_annotation(
                x=x,
                y=y,
                text=two_lines(name) + (f"<br>{plain(extra)}" if extra else ""),
                showarrow=False,
                font={"size": FONT["size"], "color": "#000000"},
                bgcolor="rgba(255,255,255,0.75)",
                borderpad=1,
            )
    return points


def _colour_bar(
    fig: go.Figure, lo: float, hi: float, title: str, suffix: str = "", above: bool = False
) -> None:
    """An invisible point that carries the district colour bar, under (or above) the map."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "colorscale": MAP_SCALE,
                "cmin": lo,
                "cmax": hi,
                "color": [lo],
                "showscale": True,
                # across the map's foot or head, so the county has the full width
                "colorbar": {
                    "title": {"text": plain(title), "side": "top"},
                    "ticksuffix": suffix,
                    "orientation": "h",
                    "len": 0.6 if above else 0.7,
                    "thickness": 14,
                    "x": 0 if above else 0.5,
                    "xanchor": "left" if above else "center",
                    "y": 1.0 if above else -0.02,
                    "yanchor": "bottom" if above else "top",
                    # no padding above the scale at the head of a map: height is the map's
                    "ypad": 0 if above else 10,
                },
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )


def _fit_county(fig: go.Figure, names_tall: float = 14, pad: float = 0.12) -> None:
    """Axes fitted to the county with room for names at the coast, one scale for x and y."""
    xs_all = [x for t in fig.data if t.x is not None for x in t.x if x is not None]
    ys_all = [y for t in fig.data if t.y is not None for y in t.y if y is not None]
    if xs_all and ys_all:
        px_, py_ = pad * (max(xs_all) - min(xs_all)), 0.08 * (max(ys_all) - min(ys_all))
        fig.update_xaxes(range=[min(xs_all) - px_, max(xs_all) + px_])
        y_range = (max(ys_all) - min(ys_all)) + 2 * py_
        _spread_labels(fig, y_range, names_tall=names_tall)
        # a name nudged past the coast stays on the chart
        label_ys = [float(a.y) for a in fig.layout.annotations]
        em = y_range / names_tall
        fig.update_yaxes(
            range=[
                min([min(ys_all) - py_, *(y - 1.5 * em for y in label_ys)]),
                max([max(ys_all) + py_, *(y + 1.5 * em for y in label_ys)]),
            ]
        )
    fig.update_xaxes(visible=False, scaleanchor="y", scaleratio=1, constrain="domain")
    fig.update_yaxes(visible=False, constrain="domain")


def _measure_text(value: Any, suffix: str) -> str:
    return "" if value is None or pd.isna(value) else f"{round_half_up(float(value))}{suffix}"


def county_map(
    districts: pd.DataFrame,
    points: pd.DataFrame,
    point_measure: str,
    district_measure: str,
    words: Labels,
    district_measure_label: str = "",
    point_measure_label: str = "",
    selected_codes: Sequence[str] = (),
    height: int = 640,
    show_points: bool = True,
) -> go.Figure:
    """The live county map: districts shaded by an aggregate and named, with one point
    per school coloured by a measure (``show_points=False`` for the districts alone).

    Drawn on plain axes (like :func:`district_map_static`), so it needs no tiles or
    topojson and every district name is SVG text on the page. The axes keep one scale
    and fill the chart's width wherever the county is wider than the chart is tall.
    Each district name sits on an invisible marker whose customdata is the district
    code, so a click on a name selects the district. ``words`` names the points' classes
    (:func:`point_categories`).
    """
    fig = go.Figure()
    district_measure_label = plain(district_measure_label or district_measure)
    point_measure_label = plain(point_measure_label or point_measure)
    k = _plane_scale(districts) if not districts.empty else 1.0
    if not districts.empty:
        values = pd.to_numeric(districts[district_measure], errors="coerce")
        lo, hi = _fitted(values)
        suffix = "%" if "pct" in district_measure else ""
        shown = [_measure_text(v, suffix) for v in values]
        hover = [
            f"{plain(n)}<br>{district_measure_label}: {t or 'no value'}<br>Schools: {int(c)}"
            for n, t, c in zip(
                districts["district_name"], shown, districts["schools"], strict=False
            )
        ]
        spots = _district_layer(
            fig, districts, values, lo, hi, k, shown, selected_codes, hover=hover
        )
        fig.add_trace(
            go.Scatter(
                x=[x for x, _ in spots],
                y=[y for _, y in spots],
                mode="markers",
                # transparent, not hidden: plotly still picks it on a click
                marker={"size": 28, "color": "rgba(0,0,0,0)"},
                customdata=[[code] for code in districts["district_code"]],
                text=hover,
                hoverinfo="text",
                name="Districts",
                showlegend=False,
            )
        )
        _colour_bar(fig, lo, hi, district_measure_label, suffix, above=True)
    labels, colours = point_categories(point_measure, words)
    if show_points and not points.empty:
        keys = pd.Series(
            [category_key(v) for v in points[point_measure]], index=points.index, dtype=object
        )
        trace = go.Scattergl if len(points) > WEBGL_POINTS_ABOVE else go.Scatter
        for key, label in labels.items():
            label = plain(label)
            part = points[keys.isna()] if key is None else points[keys == key]
            if part.empty:
                continue
            fig.add_trace(
                trace(
                    # 4 decimals is about 10 m: plenty for a school, and a smaller page
                    x=(part["lon"].to_numpy(dtype=float) * k).round(4),
                    y=part["lat"].to_numpy(dtype=float).round(4),
                    mode="markers",
                    name=f"{label} ({len(part)})",
                    marker={"size": 9, "color": colours[key], "line": {"width": 0}},
                    # register text, escaped (the page unescapes the district it reads back)
                    customdata=part[["name", "urn", "setting", "district"]]
                    .astype(str)
                    .map(plain)
                    .to_numpy(),
                    hovertemplate=(
                        "<b>%{customdata[0]}</b> (URN %{customdata[1]})<br>%{customdata[2]}, "
                        "%{customdata[3]}<br>" + point_measure_label + f": {label}<extra></extra>"
                    ),
                )
            )
    # little room at the sides: the county should fill the width, names may reach the edge
    _fit_county(fig, names_tall=max((height - 80) / 20, 10), pad=0.04)
    # a county wider than its chart is tall leaves room over: below it, not between the
    # colour scale and the county, so the county starts on the first screen
    fig.update_yaxes(constraintoward="top")
    _layout(fig)
    fig.update_layout(
        height=height,
        # the colour scale above and the legend below push these out as far as they need
        margin={"l": 0, "r": 0, "t": 10, "b": 10},
        # the legend sits under the map so it never hides schools
        legend={
            "title": {"text": point_measure_label, "side": "top"},
            "orientation": "h",
            # as many to a row as fit (two at 600 px, three at 870): one to a row, plotly's
            # own choice, took a third of the chart's height
            "entrywidth": 220,
            "entrywidthmode": "pixels",
            "yanchor": "top",
            "y": 0,
            "xanchor": "left",
            "x": 0,
        },
        clickmode="event+select",
        dragmode="pan",
        hovermode="closest",
    )
    return fig


def _fitted(values: pd.Series) -> tuple[float, float]:
    known = [float(v) for v in values if not pd.isna(v)]
    return _nice_range(known) if known else (0.0, 1.0)


def _nice_range(values: Sequence[float], step: float = 5.0) -> tuple[float, float]:
    """A colour scale fitted to the data: its range rounded out to ``step``."""
    lo, hi = min(values), max(values)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return (lo, hi) if hi > lo else (lo, lo + step)


MAP_SCALE = "Blues"


def district_map_static(
    districts: pd.DataFrame,
    measure: str,
    measure_label: str,
    value_text: Sequence[str] | None = None,
) -> go.Figure:
    """Districts shaded by ``measure`` and named, drawn on plain axes for a slide or report.

    No map library and no tiles: each district is a filled outline in a
    cos(latitude)-scaled plane, so the image is the same offline, in any
    process, and can carry district names (MapLibre cannot draw text offline).
    The colour scale runs over the data's own range, not a fixed 0-100.
    """
    fig = go.Figure()
    values = pd.to_numeric(districts[measure], errors="coerce")
    lo, hi = _fitted(values)
    texts = list(value_text) if value_text is not None else [""] * len(districts)
    _district_layer(fig, districts, values, lo, hi, _plane_scale(districts), texts)
    _colour_bar(fig, lo, hi, measure_label, "%")
    _fit_county(fig)
    return _layout(fig)


def _spread_labels(
    fig: go.Figure, y_range: float, rounds: int = 40, names_tall: float = 14
) -> None:
    """Nudge district names apart vertically where their boxes overlap (small districts
    side by side, like Dartford and Gravesham), keeping each as near its district as it can."""
    anns = list(fig.layout.annotations)
    if len(anns) < 2:
        return
    xs = [float(a.x) for a in anns]
    ys = [float(a.y) for a in anns]
    # the map is drawn with x and y on one scale, about 14 lines of names tall on a slide:
    # a box in data units is 0.6 em a character wide and 1.25 em a line high
    em_x = em_y = y_range / names_tall
    boxes = []
    for a in anns:
        lines = str(a.text).split("<br>")
        # measured as shown: "&amp;" is one character on the map
        boxes.append((max(len(unescape(t)) for t in lines) * 0.6 * em_x, len(lines) * 1.25 * em_y))
    for _ in range(rounds):
        moved = False
        for i in range(len(anns)):
            for j in range(i + 1, len(anns)):
                overlap_x = (boxes[i][0] + boxes[j][0]) / 2 - abs(xs[i] - xs[j])
                overlap_y = (boxes[i][1] + boxes[j][1]) / 2 - abs(ys[i] - ys[j])
                if overlap_x > 0 and overlap_y > 0:
                    push = overlap_y / 2 + em_y * 0.05
                    up, down = (i, j) if ys[i] >= ys[j] else (j, i)
                    ys[up] += push
                    ys[down] -= push
                    moved = True
        if not moved:
            break
    for a, y in zip(anns, ys, strict=True):
        a.y = y


def _sample_scale(name: str, t: float) -> str:
    from plotly.colors import sample_colorscale

    return sample_colorscale(name, [min(max(t, 0.0), 1.0)], colortype="rgb")[0]
