"""Governor report: one school's e-safety return on two or three A4 pages (fpdf2).

The school's grades against the county and its setting, policy review
freshness, training coverage by staff group, incidents, flags with suggested
actions, and history across rounds. Grades are always written as words; the
colours only repeat them.

``governor_report_pdf(db, urn)`` is what the school profile page and the CLI
call; ``governor_reports_zip(db)`` writes one report per flagged school.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lakehouse import casework, explain, reads, standards, store
from lakehouse.filters import Filters
from lakehouse.seeds import report_text
from lakehouse.sql import cursor_of as _cursor
from packs import render
from presentation import charts
from presentation import standards as shown_standards
from presentation.exports import MARKING
from presentation.formatting import council_date, one_decimal, percent
from presentation.palette import FRESHNESS_COLOURS, GRADE_COLOURS

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# the chart is drawn at A4 text width (180 mm) in a 2:1 box
CHART_PX = (1000, 420)

Connect = Callable[[], object]


class ReportError(RuntimeError):
    """The report cannot be made (unknown school, no database); the message is one line."""


@dataclass(frozen=True)
class SchoolReport:
    """Everything one governor report shows, already read from gold."""

    school: dict[str, object]
    round: str | None
    as_of: str | None
    areas: pd.DataFrame  # area, area_label, grade, score_pct, capped_by, county_*, setting_*
    policies: pd.DataFrame  # policy_label, last_reviewed, days_since_review, status
    training: pd.DataFrame  # staff_group_label, headcount, trained, coverage_pct, is_valid
    incidents: pd.DataFrame  # category_label, count
    flags: pd.DataFrame  # reads.triage.school_flags: kind, kind_label, flag_label, reason, ...
    history: pd.DataFrame  # round, completed_on, filtering, grade_<area>(_label) per area
    # the words for codes, from gold's lookup tables (reads.base.labels)
    words: reads.base.Labels
    # support records and agreed actions from the casework store, as the casework export
    # reads them (lakehouse.reads.casework.casework_export: type_label, action_open, ...)
    support: pd.DataFrame = field(default_factory=pd.DataFrame)
    # how each grade was reached and the statements that cost points (lakehouse.explain),
    # the rows the school profile shows too
    explanations: pd.DataFrame = field(default_factory=pd.DataFrame)
    statements_lost: pd.DataFrame = field(default_factory=pd.DataFrame)
    # category_label, school_count, county_mean, schools (n) for the report's round
    incidents_county: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the four DfE filtering and monitoring standards and the statements whose self-review
    # and evidence disagree (lakehouse.standards, RETURN-v2.md): what governors review yearly
    standards: pd.DataFrame = field(default_factory=pd.DataFrame)
    mismatches: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------- reading gold


# the report's sections read through the pages' own queries, under gold's names (flags:
# concerns first, then themes, each in the seed's order)
_SECTIONS: tuple[tuple[Callable[..., pd.DataFrame], dict[str, str]], ...] = (
    (reads.schools.school_policies, {}),
    (reads.schools.school_training, {}),
    (reads.schools.school_incidents, {}),
    (reads.triage.school_flags, {}),
)


def load_school_report(db: object, urn: int, round: str | None = None) -> SchoolReport:
    """Read one school's report from gold through ``lakehouse.reads`` (one cursor a query)."""
    if why := reads.base.outdated(_cursor(db)):
        raise ReportError(why)
    school = reads.schools.school(_cursor(db), urn)
    if school is None:
        raise ReportError(f"URN {urn} is not in the school register")
    info = reads.base.build_info(_cursor(db))
    current = info.get("current_round")
    rnd = round or current  # the report's one round, settled here for every section
    if round and round != current:
        comparison = reads.grades.school_area_comparison_in_round(_cursor(db), urn, round)
    else:
        comparison = reads.grades.school_area_comparison(_cursor(db), urn)
    areas = comparison.rename(
        columns={
            "school_score": "score_pct",
            "school_grade": "grade",
            "school_grade_label": "grade_label",
            "county_mean": "county_score_pct",
            "setting_mean": "setting_score_pct",
        }
    )
    policies, training, incidents, flags = (
        query(_cursor(db), urn).rename(columns=columns) for query, columns in _SECTIONS
    )
    history = reads.grades.school_history(_cursor(db), urn)
    support = support_agreed(db, school)
    explanations = explain.grade_explanations(_cursor(db), urn, rnd)
    lost = explain.statements_lost(_cursor(db), urn, rnd)
    incidents_county = explain.incident_comparison(_cursor(db), urn, rnd) if rnd else pd.DataFrame()
    fm_standards = standards.school_standards(_cursor(db), urn, rnd)
    fm_mismatches = standards.school_mismatches(_cursor(db), urn, rnd)
    if rnd:
        # policies and flags describe the school now (latest return, current round)
        training = training[training["round"] == rnd].reset_index(drop=True)
        incidents = incidents[incidents["round"] == rnd].reset_index(drop=True)
        if rnd != current:
            flags = flags.iloc[0:0]
        row = history[history["round"] == rnd]
        school = dict(school)
        school["completed_on"] = row["completed_on"].iloc[0] if not row.empty else None
        school["filtering"] = row["filtering"].iloc[0] if not row.empty else None
        school["has_return"] = not row.empty
    return SchoolReport(
        school=school,
        round=rnd,
        as_of=info.get("as_of"),
        areas=areas,
        policies=policies,
        training=training,
        incidents=incidents,
        flags=flags,
        history=history,
        words=reads.base.labels(_cursor(db)),
        support=support,
        explanations=explanations,
        statements_lost=lost,
        incidents_county=incidents_county,
        standards=fm_standards,
        mismatches=fm_mismatches,
    )


def support_agreed(db: object, school: Mapping[str, object]) -> pd.DataFrame:
    """The school's support records with their agreed actions (casework store), newest first:
    :func:`lakehouse.reads.casework.casework_export`'s rows for this one school, named in the
    built database's words (``type_label``, ``action_status_label``, ``action_open``).

    Empty when ``db`` has no file path (a bare connection) or no store exists yet:
    making a report never creates a store.
    """
    path = getattr(db, "path", None)
    if path is None:
        return pd.DataFrame()
    where = store.store_path(path)
    if not where.exists():
        return pd.DataFrame()
    urn = int(school["urn"])  # type: ignore[call-overload]
    con = store.connect(path=where)
    try:
        records = casework.records(con, urn)
        actions = casework.actions(con, urn)
    finally:
        con.close()
    directory = pd.DataFrame([{k: school.get(k) for k in ("urn", "name", "district", "setting")}])
    labels = reads.casework.casework_labels(_cursor(db))
    return reads.casework.casework_export(records, actions, directory, labels)


# ---------------------------------------------------------------- PDF layout


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _fmt_date(value: object) -> str:
    # the council's style, as on every output: 1 Dec 2026
    return council_date(value)


def _as_date(value: object) -> object:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return value


def _fmt_pct(value: object) -> str:
    # one rounding rule (half up) for every percentage, so 6 of 14 reads 43% here and in
    # the flag's reason text alike
    return percent(value)


def _word(value: object) -> str:
    return "—" if _missing(value) else str(value)


def _fmt_int(value: object) -> str:
    return "—" if _missing(value) else str(int(value))  # type: ignore[call-overload]


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class _ReportPDF(FPDF):
    """A4 portrait with the school in the header and page numbers in the footer."""

    def __init__(self, heading: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.heading = heading
        self.unicode = FONT_REGULAR.exists() and FONT_BOLD.exists()
        if self.unicode:
            self.add_font("Body", "", str(FONT_REGULAR))
            self.add_font("Body", "B", str(FONT_BOLD))
            self.family = "Body"
        else:
            # core fonts only know Latin-1: text goes through _text() first
            self.family = "Helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)

    def text_safe(self, text: object) -> str:
        s = "" if _missing(text) else str(text)
        if self.unicode:
            return s
        s = s.replace("–", "-").replace("—", "-").replace("’", "'").replace("‘", "'")
        s = s.replace("“", '"').replace("”", '"').replace("•", "-").replace("≥", ">=")
        return s.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        # the protective marking at the top and foot of every page
        self.set_y(7)
        self.set_font(self.family, "B", 8)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, self.text_safe(MARKING), align="C")
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)
        if self.page_no() == 1:
            return
        self.set_font(self.family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.text_safe(self.heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.text_safe(f"{MARKING} · Page {self.page_no()} of {{nb}}"), align="C")
        self.set_text_color(0, 0, 0)

    def h1(self, text: str) -> None:
        self.set_font(self.family, "B", 18)
        self.multi_cell(0, 9, self.text_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(3)
        self.set_font(self.family, "B", 12.5)
        self.cell(0, 7, self.text_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(0, 114, 178)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)

    def para(self, text: str, size: float = 9.5) -> None:
        self.set_font(self.family, "", size)
        self.multi_cell(0, size * 0.5, self.text_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: Iterable[str], size: float = 9.5) -> None:
        """One hanging-indented line per item."""
        self.set_font(self.family, "", size)
        for item in items:
            self.cell(5, size * 0.5, self.text_safe("•"))
            self.multi_cell(
                0, size * 0.5, self.text_safe(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

    def table_rows(
        self,
        header: list[str],
        rows: Iterable[list[str]],
        widths: tuple[float, ...],
        *,
        fills: Callable[[int, int, str], tuple[int, int, int] | None] | None = None,
    ) -> None:
        """A table; ``fills(row, col, text)`` may colour a cell (the text stays)."""
        self.set_font(self.family, "", 8.5)
        self.set_draw_color(190, 190, 190)
        self.set_line_width(0.2)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            text_align="LEFT",
            line_height=5,
            headings_style=_heading_style(self.family),
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for h in header:
                head.cell(self.text_safe(h))
            for r, values in enumerate(rows):
                row = table.row()
                for c, value in enumerate(values):
                    fill = fills(r, c, value) if fills else None
                    if fill:
                        from fpdf.fonts import FontFace

                        row.cell(
                            self.text_safe(value),
                            style=FontFace(fill_color=fill, color=_text_on(fill)),
                        )
                    else:
                        row.cell(self.text_safe(value))


def _heading_style(family: str):
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD", fill_color=(230, 236, 242))


def _text_on(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = (v / 255 for v in rgb)
    return (0, 0, 0) if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else (255, 255, 255)


def _grade_fill(grade: object) -> tuple[int, int, int] | None:
    # by the grade's code, so a cell's colour never depends on the words it shows
    if _missing(grade):
        return None
    colour = GRADE_COLOURS.get(int(grade))  # type: ignore[call-overload]
    return _hex_rgb(colour) if colour else None


def _freshness_fill(status: object) -> tuple[int, int, int] | None:
    colour = FRESHNESS_COLOURS.get(str(status))
    return _hex_rgb(colour) if colour else None


def comparison_figure(report: SchoolReport):
    """The school-against-county-and-setting chart (``presentation.charts``), or None."""
    if report.areas.empty or report.areas["score_pct"].isna().all():
        return None
    # the page's chart, fed the page's column names
    frame = report.areas.rename(
        columns={
            "score_pct": "school_score",
            "county_score_pct": "county_mean",
            "setting_score_pct": "setting_mean",
        }
    )
    return charts.area_profile_chart(frame)


def comparison_chart_png(report: SchoolReport) -> bytes | None:
    """:func:`comparison_figure` as PNG at A4 text width."""
    fig = comparison_figure(report)
    if fig is None:
        return None
    return render.figure_png(fig, width=CHART_PX[0], height=CHART_PX[1], scale=2)


def render_pdf(report: SchoolReport, chart_png: bytes | None = None) -> bytes:
    """Lay the report out on A4 and return the PDF bytes."""
    s = report.school
    name = str(s.get("name") or f"URN {s.get('urn')}")
    urn = _fmt_int(s.get("urn"))
    pdf = _ReportPDF(f"{name} (URN {urn}) · E-safety return {report.round or ''}")
    pdf.set_title(f"E-safety report for governors: {name}")
    pdf.set_author("Council e-safety team")
    pdf.set_creation_date(datetime(2000, 1, 1))  # same bytes for the same data
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.set_font(pdf.family, "", 9)
    pdf.set_text_color(0, 114, 178)
    pdf.cell(
        0,
        5,
        pdf.text_safe("E-safety return · report for governors"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    pdf.h1(name)
    facts = [
        ("URN", urn),
        ("Setting", s.get("setting") or "—"),
        ("District", s.get("district") or "—"),
        ("Round", report.round or "—"),
        ("Data as of", _fmt_date(_as_date(report.as_of))),
        ("Return completed", _fmt_date(s.get("completed_on"))),
        (
            "Filtering approach",
            report.words.filtering.get(str(s.get("filtering")), "—"),
        ),
    ]
    pdf.set_font(pdf.family, "", 9.5)
    for label, value in facts:
        pdf.set_font(pdf.family, "B", 9.5)
        pdf.cell(38, 5.2, pdf.text_safe(label))
        pdf.set_font(pdf.family, "", 9.5)
        pdf.cell(0, 5.2, pdf.text_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    _board_summary(pdf, report)

    # grades
    pdf.h2("Grades against the county and the setting")
    setting = str(s.get("setting") or "setting")
    if not s.get("has_return", True) or report.areas.empty:
        pdf.para("No return has been received for this round, so there are no grades to show.")
    else:
        rows = [
            [
                str(a["area_label"]),
                _word(a["grade_label"]),
                _fmt_pct(a.get("score_pct")),
                _fmt_pct(a.get("setting_score_pct")),
                _fmt_pct(a.get("county_score_pct")),
            ]
            for _, a in report.areas.iterrows()
        ]
        pdf.table_rows(
            ["Area", "Grade", "School score", f"{setting} average", "County average"],
            rows,
            (52, 40, 28, 30, 30),
            fills=lambda r, c, text: _grade_fill(report.areas["grade"].iloc[r]) if c == 1 else None,
        )
        pdf.set_font(pdf.family, "", 7.5)
        pdf.multi_cell(
            0,
            4,
            pdf.text_safe(
                "Averages are over the schools with a return in the round. Scores run from 0 to "
                "100; the grade comes from the score and the rules below."
            ),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if chart_png:
            pdf.ln(1)
            width = pdf.w - pdf.l_margin - pdf.r_margin
            pdf.image(
                io.BytesIO(chart_png),
                w=width,
                h=width * CHART_PX[1] / CHART_PX[0],
                alt_text="Bar chart of this school's area scores beside the county "
                "and setting averages",
            )

    if s.get("has_return", True) and not report.explanations.empty:
        _grade_explanations(pdf, report)
    if not report.standards.empty:
        _fm_standards(pdf, report)

    # flags
    pdf.h2("Flags for support and suggested actions")
    if report.flags.empty:
        pdf.para("No flags were raised for this school in the current round.")
    else:
        priority = (
            str(report.flags["priority_label"].dropna().iloc[0])
            if report.flags["priority_label"].notna().any()
            else ""
        )
        if priority:
            pdf.para(f"Priority for council support: {priority.capitalize()}.")
        pdf.para(
            "Concerns are for the council to follow up with the school; themes are met by "
            "the council's county-wide offer."
        )
        pdf.table_rows(
            ["Kind", "Flag", "Why", "Suggested action"],
            (
                [
                    str(f.get("kind_label") or ""),
                    str(f["flag_label"]),
                    str(f.get("reason") or ""),
                    str(f.get("suggested_action") or ""),
                ]
                for _, f in report.flags.iterrows()
            ),
            (20, 32, 62, 66),
        )

    # support agreed with the council (casework)
    pdf.h2("Support agreed with the council")
    if report.support.empty:
        pdf.para("No support has been recorded with the council for this school.")
    else:
        pdf.table_rows(
            ["Date", "Support", "Agreed action", "Owner", "Due", "Status"],
            (
                [
                    _fmt_date(s["supported_on"]),
                    str(s["type_label"]),
                    str(s["action"] or ""),
                    str(s["owner"] or ""),
                    _fmt_date(s["due_on"]),
                    str(s["action_status_label"] or ""),
                ]
                for _, s in report.support.iterrows()
            ),
            (22, 28, 62, 28, 22, 18),
        )

    # policies
    pdf.h2("Policy reviews")
    if report.policies.empty:
        pdf.para("No policy information: the school has no return yet.")
    else:
        pdf.table_rows(
            ["Policy", "Last reviewed", "Days since review", "Freshness"],
            (
                [
                    str(p["policy_label"]),
                    _fmt_date(p.get("last_reviewed")),
                    _fmt_int(p.get("days_since_review")),
                    _word(p["status_label"]),
                ]
                for _, p in report.policies.iterrows()
            ),
            (70, 35, 35, 40),
            fills=lambda r, c, text: (
                _freshness_fill(report.policies["status"].iloc[r]) if c == 3 else None
            ),
        )
        # the windows and words the database was built with (gold.freshness_statuses)
        days, named = report.words.freshness_days, report.words.freshness
        pdf.set_font(pdf.family, "", 7.5)
        pdf.multi_cell(
            0,
            4,
            pdf.text_safe(
                f"{named['fresh']}: reviewed within {days['fresh']} days; "
                f"{named['due_soon'].lower()}: within {days['due_soon']} days; "
                f"{named['overdue'].lower()}: longer ago; {named['missing'].lower()}: never "
                "reviewed or not listed. Counted to the data as-of date."
            ),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    # training
    pdf.h2("Training coverage by staff group")
    if report.training.empty:
        pdf.para("No training information for this round.")
    else:
        pdf.table_rows(
            ["Staff group", "Headcount", "Trained in last 12 months", "Coverage"],
            (
                [
                    str(t["staff_group_label"]),
                    _fmt_int(t.get("headcount")),
                    _fmt_int(t.get("trained")),
                    _fmt_pct(t.get("coverage_pct"))
                    if bool(t.get("is_valid", True))
                    else "not counted (trained > headcount)",
                ]
                for _, t in report.training.iterrows()
            ),
            (80, 30, 40, 30),
        )

    _incidents(pdf, report)

    # history
    pdf.h2("History across rounds")
    if report.history.empty:
        pdf.para("No returns on record.")
    else:
        areas = list(report.words.areas)
        pdf.table_rows(
            ["Round", "Completed", *[name.split(" ")[0] for name in report.words.areas.values()]],
            (
                [
                    str(h["round"]),
                    _fmt_date(h.get("completed_on")),
                    *[_word(h.get(f"grade_{a}_label")) for a in areas],
                ]
                for _, h in report.history.iterrows()
            ),
            (20, 25, 27, 27, 27, 27, 27),
            fills=lambda r, c, text: (
                _grade_fill(report.history[f"grade_{areas[c - 2]}"].iloc[r]) if c >= 2 else None
            ),
        )

    # what the grades mean
    pdf.h2("What the grades mean")
    # the bands the database was graded by, in its words (gold.grades)
    bands = report.words.bands
    lines = []
    for i, (grade, label, lo) in enumerate(bands):
        hi = bands[i - 1][2] if i else None
        span = f"score {lo:g}% or more" if hi is None else f"score {lo:g}% to under {hi:g}%"
        lines.append(f"{label} (grade {grade}): {span}.")
    pdf.para(
        "Each area is scored from the school's self-review (Fully in place = 2 points, Partly = 1, "
        "Not in place = 0), blended with the pupil survey for outcomes and staff training "
        "coverage for training. The score gives the grade: "
        + " ".join(lines)
        + " Some rules can only lower a grade (for example locked-down filtering, a staff group "
        "with little training, or overdue policies), so a grade can be lower than its score "
        "alone would give. "
        f"{report.words.blanks['insufficient_evidence']} means fewer than half the statements "
        "in an area were answered. "
        "Colours only repeat the words.",
        size=8.5,
    )
    pdf.para(
        "Source: the school's e-safety return to the council; school details from DfE "
        "Get Information About Schools (Open Government Licence v3.0).",
        size=7.5,
    )
    return bytes(pdf.output())


def board_actions(flags: pd.DataFrame, support: pd.DataFrame | None = None) -> list[str]:
    """What the governing board should do: the actions still open that the school agreed with
    the council, then each flag's suggested action once, concerns first, a theme's marked as
    met by the county-wide offer."""
    actions: list[str] = []
    if support is not None and not support.empty:
        agreed = report_text("board_agreed_note")
        for _, a in support.iterrows():
            action = str(a.get("action") or "").strip()
            # open by the status code's rule (casework.open_statuses), never by its words
            if action and bool(a.get("action_open")):
                line = f"{action} {agreed.replace('{due}', _fmt_date(a.get('due_on')))}"
                if line not in actions:
                    actions.append(line)
    note = report_text("board_theme_note")
    for _, f in flags.iterrows():
        action = str(f.get("suggested_action") or "").strip()
        if not action:
            continue
        line = f"{action} {note}" if f.get("kind") == "theme" else action
        if line not in actions:
            actions.append(line)
    return actions


def _board_summary(pdf: _ReportPDF, report: SchoolReport) -> None:
    """The report's opening: what the governing board should do, and whom to ask."""
    pdf.h2("What the governing board should do")
    actions = board_actions(report.flags, report.support)
    if actions:
        pdf.para(report_text("board_lead"))
        pdf.bullets(actions)
    else:
        pdf.para(report_text("board_none"))
    pdf.ln(1)
    pdf.set_font(pdf.family, "B", 9.5)
    pdf.cell(38, 5.2, pdf.text_safe("Council contact"))
    pdf.set_font(pdf.family, "", 9.5)
    pdf.multi_cell(
        0,
        5.2,
        pdf.text_safe(report_text("council_contact")),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _grade_explanations(pdf: _ReportPDF, report: SchoolReport) -> None:
    """Each area's score, the band it falls in, any cap that changed the grade, and the
    statements that cost points: the rows the school profile shows."""
    pdf.h2("How each grade was reached")
    for _, e in report.explanations.iterrows():
        pdf.set_font(pdf.family, "B", 9.5)
        pdf.multi_cell(
            0,
            5,
            pdf.text_safe(f"{e['area_label']}: {e['grade_label']}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.para(str(e["explanation"]), size=9)
    lost = report.statements_lost
    if lost.empty:
        pdf.para("No statement cost the school points: every one was fully in place.", size=9)
        return
    pdf.ln(1)
    pdf.para("Statements that cost points (answered Partly in place or Not in place):", size=9)
    pdf.table_rows(
        ["Area", "Answer", "Statement"],
        (
            [str(r["area_label"]), str(r["response_label"]), str(r["statement"])]
            for _, r in lost.iterrows()
        ),
        (42, 28, 110),
    )


def _fm_standards(pdf: _ReportPDF, report: SchoolReport) -> None:
    """The four DfE filtering and monitoring standards, their status and what fell short,
    when the next annual review falls due, and where self-review and evidence disagree."""
    pdf.h2("DfE filtering and monitoring standards")
    rows = report.standards
    if int(rows["return_version"].iloc[0]) < 2:
        pdf.para(
            "Not asked: this return is version 1, which has no filtering and monitoring "
            "check, so each standard is unknown. The current return template asks it.",
            size=9,
        )
        return
    table = shown_standards.school_table(rows)
    pdf.table_rows(
        list(table.columns),
        ([str(v) for v in r] for r in table.itertuples(index=False)),
        (52, 26, 102),
    )
    due = shown_standards.next_review_sentence(rows)
    if due:
        pdf.para(due, size=9)
    if not report.mismatches.empty:
        label = str(report.mismatches["label"].iloc[0])
        pdf.para(f"{label}:", size=9)
        for r in report.mismatches.itertuples(index=False):
            pdf.para(
                # the statement in words, never its code: governors read this
                f"\u201c{r.statement}\u201d is answered Fully in place, but "
                f"the school's own check says: {r.shortfalls}.",
                size=9,
            )


def _incidents(pdf: _ReportPDF, report: SchoolReport) -> None:
    """The school's incidents by category beside the county's average per school."""
    pdf.h2("Online-safety incidents reported this year")
    if report.incidents.empty:
        pdf.para("No incident figures for this round.")
        return
    county = report.incidents_county
    if county.empty:
        total = int(pd.to_numeric(report.incidents["count"], errors="coerce").fillna(0).sum())
        pdf.table_rows(
            ["Category", "Number"],
            [
                *(
                    [str(i["category_label"]), _fmt_int(i.get("count"))]
                    for _, i in report.incidents.iterrows()
                ),
                ["Total", str(total)],
            ],
            (80, 30),
        )
        return
    school = pd.to_numeric(county["school_count"], errors="coerce").fillna(0)
    n = int(county["schools"].iloc[0])
    pdf.table_rows(
        ["Category", "This school", "County average per school"],
        [
            *(
                [str(c["category_label"]), str(int(x)), one_decimal(c["county_mean"])]
                for (_, c), x in zip(county.iterrows(), school, strict=True)
            ),
            ["Total", str(int(school.sum())), one_decimal(county["county_mean"].sum())],
        ],
        (80, 30, 50),
    )
    pdf.set_font(pdf.family, "", 7.5)
    pdf.multi_cell(
        0,
        4,
        pdf.text_safe(
            f"County average: incidents per school over the {n:,} schools whose return for "
            f"{report.round} gave incident figures. More incidents can mean better "
            "recording, not less safety."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


# ---------------------------------------------------------------- public API


def governor_report_pdf(
    db: object, urn: int, round: str | None = None, *, chart: bool = True
) -> bytes:
    """The governor report for one school as PDF bytes.

    ``db`` is a ``lakehouse.db.ReadOnlyDatabase`` (or anything with
    ``cursor()``); ``round`` defaults to the current round.
    """
    report = load_school_report(db, int(urn), round)
    png = comparison_chart_png(report) if chart else None
    return render_pdf(report, png)


def safe_filename(text: str) -> str:
    """A file-name-safe slug of a school name."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    return slug[:60] or "school"


def report_filename(school: dict[str, object], round: str | None) -> str:
    rnd = (round or "").replace("/", "-")
    return f"{int(school['urn'])}-{safe_filename(str(school.get('name', '')))}-{rnd}.pdf"  # type: ignore[call-overload]


def governor_reports_zip(
    db: object, urns: Iterable[int] | None = None, round: str | None = None, *, chart: bool = True
) -> bytes:
    """A zip of governor reports: ``urns``, or every flagged school when None."""
    if urns is None:
        flagged = reads.triage.worklist(_cursor(db), Filters())  # the team's order
        targets = [int(u) for u in flagged["urn"]]
    else:
        targets = [int(u) for u in urns]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for urn in targets:
            report = load_school_report(db, int(urn), round)
            png = comparison_chart_png(report) if chart else None
            zf.writestr(report_filename(report.school, report.round), render_pdf(report, png))
    return buf.getvalue()
