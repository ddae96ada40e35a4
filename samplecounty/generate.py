"""A synthetic county for demos, tests and the benchmark: register, boundaries, returns.

Byte-for-byte the same for a given seed: one ``random.Random(seed)`` drives
every choice, in a fixed order, in this process; worker processes only write
files already decided here, and workbook metadata carries a fixed timestamp.
Returns are written with xlsxwriter (fast) in the layout of the template.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from ingest.layout import (
    FILTERING_MONITORING,
    HEADERS,
    INCIDENTS,
    INSTRUCTIONS,
    POLICIES,
    SCHOOL,
    SELF_REVIEW,
    TRAINING,
)
from ingest.register import GIAS_COLUMNS
from ingest.template import ordered, synonym_display, yes_no_choices
from lakehouse import spec
from lakehouse.geometry import bounds, point_in_polygon, signed_area
from samplecounty import contacts, kent
from samplecounty.boundaries import kent_districts

# the register's columns, in GIAS's headers from the one list in ingest.register, then the
# contact and address columns a full extract has (samplecounty.contacts)
REGISTER_HEADER = (
    *(
        GIAS_COLUMNS[c]
        for c in (
            "urn",
            "name",
            "establishment_type",
            "type_group",
            "phase",
            "status",
            "la_name",
            "district",
            "district_code",
            "postcode",
            "easting",
            "northing",
            "pupils",
        )
    ),
    *contacts.REGISTER_HEADERS,
)
# Workbook metadata time: fixed so the same seed gives the same bytes.
FIXED_TIME = datetime(2026, 1, 1, 9, 0, 0)
# No sample return is dated after this, so none is ever in the future.
LAST_COMPLETION = date(2026, 11, 20)
# Used by the "URN not in the register" bad file; register URNs stay below it.
UNKNOWN_URN = 999999
MESSY_URN = 118234
PARALLEL_ABOVE = 2000
MARKER = "SAMPLE-COUNTY.txt"  # marks a folder this module wrote, so a rerun may replace it
# Share of the latest round's returns sent on the version 2 template (earlier rounds: version 1).
V2_SHARE_LATEST = 0.88
FILTER_PROVIDERS = ("LGfL WebScreen", "Smoothwall", "Securly", "Netsweeper", "Fortinet")
MONITOR_PROVIDERS = ("Securus", "Senso", "Smoothwall Monitor", "Impero", "Physical only")
# statement -> the check it asserts (seeds/fm_evidence_pairs.csv), for answers that hang together

# setting: share of schools, phase, (type, type group, weight)..., pupils range
SETTINGS: dict[str, tuple[float, str, tuple[tuple[str, str, float], ...], tuple[int, int]]] = {
    "Primary": (
        0.745,
        "Primary",
        (
            ("Academy converter", "Academies", 0.33),
            ("Academy sponsor led", "Academies", 0.09),
            ("Community school", "Local authority maintained schools", 0.26),
            ("Voluntary controlled school", "Local authority maintained schools", 0.13),
            ("Voluntary aided school", "Local authority maintained schools", 0.13),
            ("Foundation school", "Local authority maintained schools", 0.06),
        ),
        (60, 650),
    ),
    "Secondary": (
        0.165,
        "Secondary",
        (
            ("Academy converter", "Academies", 0.55),
            ("Academy sponsor led", "Academies", 0.15),
            ("Foundation school", "Local authority maintained schools", 0.14),
            ("Community school", "Local authority maintained schools", 0.10),
            ("Free schools", "Free Schools", 0.06),
        ),
        (550, 1900),
    ),
    "Special": (
        0.045,
        "Not applicable",
        (
            ("Community special school", "Special schools", 0.70),
            ("Academy special converter", "Special schools", 0.20),
            ("Foundation special school", "Special schools", 0.10),
        ),
        (60, 300),
    ),
    "PRU": (
        0.017,
        "Not applicable",
        (
            ("Pupil referral unit", "Local authority maintained schools", 0.6),
            ("Academy alternative provision converter", "Academies", 0.4),
        ),
        (15, 140),
    ),
    "Nursery": (
        0.011,
        "Nursery",
        (("Local authority nursery school", "Local authority maintained schools", 1.0),),
        (40, 130),
    ),
    "All-through": (
        0.007,
        "All-through",
        (
            ("Academy converter", "Academies", 0.6),
            ("Free schools", "Free Schools", 0.4),
        ),
        (900, 1800),
    ),
}
INDEPENDENT = ("Other independent school", "Independent schools")
ROLES = (
    "Designated Safeguarding Lead",
    "Headteacher",
    "Deputy Headteacher",
    "Online Safety Lead",
    "Computing Lead",
    "School Business Manager",
)
EVIDENCE = {
    "fully": (
        "Curriculum map and pupil voice",
        "Governor minutes",
        "Training register",
        "Policy review log",
        "Incident log reviewed termly",
        "Filtering check record",
    ),
    "partly": (
        "In progress this term",
        "Plan agreed, not yet rolled out",
        "Some year groups only",
        "Review booked",
    ),
    "not": ("Not started", "Planned for next year", ""),
}


@dataclass
class SampleManifest:
    """What write_sample wrote."""

    out_dir: Path
    register: Path
    boundaries: Path
    returns_dir: Path
    schools: int
    districts: int
    rounds: list[str]
    returns_per_round: dict[str, int]
    superseding: int
    messy: list[Path] = field(default_factory=list)
    bad: list[Path] = field(default_factory=list)

    @property
    def returns(self) -> int:
        """Workbooks written, messy and bad ones included."""
        return sum(self.returns_per_round.values()) + len(self.messy) + len(self.bad)

    def files(self) -> list[Path]:
        """Every file under out_dir, sorted."""
        return sorted(p for p in self.out_dir.rglob("*") if p.is_file())

    def message(self) -> str:
        """One line for the terminal."""
        per_round = ", ".join(f"{r}: {n}" for r, n in self.returns_per_round.items())
        return (
            f"Sample county in {self.out_dir}: {self.schools} schools in {self.districts} "
            f"districts; returns {per_round} ({self.superseding} resubmitted); "
            f"{len(self.messy)} messy and {len(self.bad)} bad files"
        )


# ---------------------------------------------------------------- geometry


def district_polygons() -> list[tuple[str, str, dict]]:
    """(code, name, GeoJSON MultiPolygon) for the twelve districts, in ``kent.DISTRICTS`` order.

    The real shapes: a simplified copy of the ONS district boundaries shipped in
    ``samplecounty/data/kent_districts.geojson`` (Open Government Licence v3.0),
    outer rings clockwise. Schools are placed inside them.
    """
    shapes = {code: geometry for code, _name, geometry in kent_districts()}
    return [(code, name, shapes[code]) for code, name, *_rest in kent.DISTRICTS]


# ---------------------------------------------------------------- register


def _counts(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of total by shares, at least one each when total allows."""
    raw = {k: total * s / sum(shares.values()) for k, s in shares.items()}
    counts = {k: max(1, int(v)) for k, v in raw.items()}
    by_remainder = sorted(raw, key=lambda k: raw[k] - int(raw[k]), reverse=True)
    i = 0
    while sum(counts.values()) < total:
        counts[by_remainder[i % len(by_remainder)]] += 1
        i += 1
    largest = max(counts, key=counts.get)
    while sum(counts.values()) > total:
        counts[largest] -= 1
    return counts


def _school_name(rng: random.Random, setting: str, town: str, district: str, academy: bool) -> str:
    saint = rng.choice(kent.SAINTS)
    tree = rng.choice(kent.TREES)
    options = {
        "Primary": (
            f"{town} Primary School",
            f"{town} {saint} Church of England Primary School",
            f"{saint} Catholic Primary School, {town}",
            f"{town} Infant School",
            f"{town} Junior School",
            f"{tree} Primary School, {town}",
            f"{town} Primary Academy" if academy else f"{town} County Primary School",
        ),
        "Secondary": (
            f"{town} Grammar School",
            f"{town} Academy",
            f"The {town} School",
            f"{saint} Catholic High School",
            f"{town} High School",
        ),
        "Special": (
            f"{tree} Lodge School",
            f"The {tree} Special School",
            f"{town} Foundation School",
        ),
        "PRU": (
            f"{district} Pupil Referral Unit",
            f"{town} Short Stay School",
            f"{district} Alternative Provision",
        ),
        "Nursery": (f"{town} Nursery School",),
        "All-through": (f"{town} All-Through Academy", f"{town} School"),
        "Independent": (f"{town} Preparatory School", f"{saint} School, {town}"),
    }[setting]
    return rng.choice(options)


def _postcode(rng: random.Random, districts: tuple[str, ...]) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # the inward code never uses C, I, K, M, O or V
    return f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _make_schools(rng: random.Random, n: int, polygons: list) -> list[dict]:
    if n < 24:
        raise ValueError("a sample county needs at least 24 schools")
    n_independent = max(2, round(n * 0.004))
    n_closed = max(3, round(n * 0.015))
    n_open = n - n_independent - n_closed
    shares = {k: v[0] for k, v in SETTINGS.items()}
    plan = [s for s, c in _counts(n_open, shares).items() for _ in range(c)]
    plan += ["Primary"] * n_closed + ["Independent"] * n_independent
    statuses = ["Open"] * n_open + ["Closed"] * n_closed + ["Open"] * n_independent
    # one open school proposed to close (still open, still expected to return)
    statuses[n_open - 1] = "Open, but proposed to close"

    urns = rng.sample(range(100000, 200000), n + 1)
    urns = [u for u in urns if u != MESSY_URN][:n]
    urns[0] = MESSY_URN  # the first school (a primary) is the one the messy files name

    weights = [d[3] for d in kent.DISTRICTS]
    schools = []
    for i, (setting, status) in enumerate(zip(plan, statuses, strict=True)):
        d = rng.choices(range(len(kent.DISTRICTS)), weights=weights)[0]
        code, dname, _centre, _share, postcodes, towns = kent.DISTRICTS[d]
        if setting == "Independent":
            etype, group = INDEPENDENT
            phase = "Not applicable"
            pupils = rng.randint(80, 700)
        else:
            _share, phase, types, (low, high) = SETTINGS[setting]
            etype, group, _w = rng.choices(types, weights=[t[2] for t in types])[0]
            pupils = rng.randint(low, high)
        town = rng.choice(towns)
        name = _school_name(rng, setting, town, dname, etype.startswith("Academy"))
        schools.append(
            {
                "urn": urns[i],
                "name": name,
                "setting": setting,
                "type": etype,
                "group": group,
                "phase": phase,
                "status": status,
                "district": d,
                "postcode": _postcode(rng, postcodes),
                "pupils": pupils if status != "Closed" else None,
            }
        )
    _place(rng, schools, polygons)
    # GIAS writes 0 for no location: one open school has none (listed, not mapped)
    schools[n_open // 2]["easting"] = schools[n_open // 2]["northing"] = 0
    schools.sort(key=lambda s: s["urn"])
    return schools


def _place(rng: random.Random, schools: list[dict], polygons: list) -> None:
    """Easting/northing (whole metres) inside each school's district, round trip checked."""
    from pyproj import Transformer

    forward = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    back = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    pending = list(range(len(schools)))
    while pending:
        lons, lats = [], []
        for i in pending:
            geometry = polygons[schools[i]["district"]][2]
            x0, y0, x1, y1 = bounds(geometry)
            while True:
                lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
                if point_in_polygon(lon, lat, geometry):
                    break
            lons.append(lon)
            lats.append(lat)
        east, north = forward.transform(lons, lats)
        east = [round(e) for e in east]
        north = [round(n) for n in north]
        lon2, lat2 = back.transform(east, north)
        retry = []
        for k, i in enumerate(pending):
            # the register loader rounds lat/lon to 6 places; check what it will see
            lon_r, lat_r = round(float(lon2[k]), 6), round(float(lat2[k]), 6)
            if point_in_polygon(lon_r, lat_r, polygons[schools[i]["district"]][2]):
                schools[i]["easting"], schools[i]["northing"] = east[k], north[k]
            else:
                retry.append(i)
        pending = retry


def _write_register(path: Path, schools: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REGISTER_HEADER)
        for s in schools:
            code, dname = kent.DISTRICTS[s["district"]][:2]
            writer.writerow(
                [
                    s["urn"],
                    s["name"],
                    s["type"],
                    s["group"],
                    s["phase"],
                    s["status"],
                    "Kent",
                    dname,
                    code,
                    s["postcode"],
                    s["easting"],
                    s["northing"],
                    "" if s["pupils"] is None else s["pupils"],
                    *contacts.register_cells(s),
                ]
            )


# ---------------------------------------------------------------- returns


def round_names(latest: str, count: int) -> list[str]:
    """``count`` rounds ending at ``latest`` ('2026/27'), oldest first."""
    first = int(str(latest)[:4])
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(first - count + 1, first + 1)]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# A school's expected share of points in an area is MEAN_LEVEL + LEVEL_SPREAD x
# (quality + the area's offset + noise). Tuned so provision grades come out near
# Ofsted's 14% outstanding / 46% good / 37% satisfactory / 3% inadequate, and
# training is the weakest area, as in its findings.
MEAN_LEVEL = 0.705
LEVEL_SPREAD = 0.095
RESPONSE_BLEND = 0.1
AREA_OFFSET = {
    "overall": 0.1,
    "outcomes": 0.3,
    "provision": 0.0,
    "leadership": 0.0,
    "training": -0.6,
}


def _response(rng: random.Random, level: float) -> str:
    """fully / partly / not with expected share of points ``level``.

    A blend of the widest spread (m^2, 2m(1-m), (1-m)^2) and the narrowest
    (only the two neighbouring answers), so a school's answers hang together.
    """
    m = level
    wide = (m * m, (1 - m) * (1 - m))
    narrow = (max(0.0, 2 * m - 1), max(0.0, 1 - 2 * m))
    fully = RESPONSE_BLEND * wide[0] + (1 - RESPONSE_BLEND) * narrow[0]
    not_ = RESPONSE_BLEND * wide[1] + (1 - RESPONSE_BLEND) * narrow[1]
    u = rng.random()
    if u < fully:
        return "fully"
    if u < fully + not_:
        return "not"
    return "partly"


def _make_return(
    rng: random.Random,
    school: dict,
    quality: float,
    locked: bool,
    round_name: str,
    completed: date,
    labels: dict,
    v2: random.Random | None = None,
) -> dict:
    """One return's cell values, in template order.

    With ``v2`` (a generator of its own, so version 1 answers draw exactly as
    before) the return is on the version 2 template: its new statements,
    policies and standards check are drawn from ``v2``.
    """
    responses = []
    levels: dict[str, float] = {}
    for ind in spec.indicators(1):
        area = ind["area"]
        if area not in levels:
            z = quality + AREA_OFFSET.get(area, 0.0) + rng.gauss(0, 0.4)
            levels[area] = min(0.99, max(0.05, MEAN_LEVEL + LEVEL_SPREAD * z))
        key = _response(rng, levels[area])
        if ind["indicator_id"] in ("PRO4", "OUT5") and rng.random() < 0.25:
            key = "na"
        if rng.random() < 0.015:
            responses.append((ind["indicator_id"], ind["statement"], None, None))
            continue
        evidence = rng.choice(EVIDENCE.get(key, ("",)))
        responses.append(
            (ind["indicator_id"], ind["statement"], labels["response"][key], evidence or None)
        )
    policies = []
    for policy in labels["policies"]:
        u = rng.random()
        if u < _sigmoid(0.6 * quality + 2.0):
            reviewed = completed - timedelta(days=rng.randint(10, 330))
        elif u < 0.98:
            reviewed = completed - timedelta(days=rng.randint(366, 900))
        else:
            reviewed = None
        yes = [rng.random() < _sigmoid(quality + b) for b in (1.5, -0.2, -0.6)]
        policies.append((policy, reviewed, *[labels["yes"] if y else labels["no"] for y in yes]))
    pupils = school["pupils"] or 100
    sizes = {
        "teaching": max(3, round(pupils / rng.uniform(16, 24))),
        "support": max(2, round(pupils / rng.uniform(20, 35))),
        "wider": max(2, round(pupils / rng.uniform(50, 90))),
        "governors": rng.randint(7, 14),
    }
    coverage_base = {"teaching": 0.88, "support": 0.74, "wider": 0.5, "governors": 0.5}
    training = []
    for key, label in labels["groups"]:
        head = sizes.get(key, rng.randint(3, 20))
        share = coverage_base.get(key, 0.6) + 0.08 * quality + rng.gauss(0, 0.15)
        training.append((label, head, round(head * min(1.0, max(0.0, share)))))
    scale = pupils / 400
    incidents = [(label, int(rng.expovariate(1 / max(0.3, 3 * scale)))) for label in labels["cats"]]
    monitoring = [m for m in labels["monitoring"] if rng.random() < 0.6] or labels["monitoring"][:1]
    offsite = 0
    if school["setting"] in ("Secondary", "PRU", "Special") and rng.random() < 0.5:
        offsite = rng.randint(1, 25)
    survey = rng.randint(55, 98) if rng.random() < 0.6 else None
    record = {
        "version": 1,
        "school": {
            "urn": school["urn"],
            "school_name": school["name"],
            "round": round_name,
            "completed_by": rng.choice(ROLES),
            "completed_on": completed,
            "filtering": labels["filtering"]["locked_down" if locked else "managed"],
            "monitoring": "; ".join(monitoring),
            "pupils_offsite": offsite,
            "pupil_survey_pct": survey,
        },
        "responses": responses,
        "policies": policies,
        "training": training,
        "incidents": incidents,
    }
    if v2 is not None:
        _add_version_2(record, v2, quality, completed, levels, labels)
    return record


def _add_version_2(
    record: dict,
    rng: random.Random,
    quality: float,
    completed: date,
    levels: dict[str, float],
    labels: dict,
) -> None:
    """Turn a version 1 record into a version 2 one: statements, policies, standards check."""
    record["version"] = 2
    record["school"]["return_version"] = 2

    def yes(bias: float) -> bool:
        return rng.random() < _sigmoid(0.9 * quality + bias)

    def within(days: tuple[int, int]) -> date:
        return completed - timedelta(days=rng.randint(*days))

    reviewed = yes(2.4)
    test = rng.random()
    passed = test < _sigmoid(quality + 1.4)
    checks: dict[str, tuple[object, object]] = {
        "fm_senior_leader": (
            rng.choice(ROLES) if yes(2.6) else rng.choice(("TBC", "n/a", None)),
            None,
        ),
        "fm_governor": (labels["yes"] if yes(1.8) else labels["no"], None),
        "fm_review": (
            None,
            within((20, 330)) if reviewed else within((400, 720)) if rng.random() < 0.6 else None,
        ),
        "fm_review_recorded": (
            labels["yes"] if yes(1.4 if reviewed else -0.8) else labels["no"],
            None,
        ),  # fmt: skip
        "filter_provider": (rng.choice(FILTER_PROVIDERS), None),
        "filter_all_connections": (labels["yes"] if yes(1.5) else labels["no"], None),
        "filter_illegal_blocked": (labels["yes"] if yes(2.6) else labels["no"], None),
        "filter_test": (
            (labels["pass"], within((15, 300)))
            if passed
            else (labels["fail"], within((15, 300)))
            if test > 0.97
            else (None, None)
        ),
        "monitor_provider": (rng.choice(MONITOR_PROVIDERS), None),
        "monitor_dsl_alerts": (labels["yes"] if yes(2.2) else labels["no"], None),
        "monitor_all_devices": (labels["yes"] if yes(1.5) else labels["no"], None),
    }
    record["checks"] = checks
    in_place = {
        key: (answer not in (None, labels["no"], "TBC", "n/a", labels["fail"]))
        if key != "fm_review"
        else (when is not None and (completed - when).days <= 365)
        for key, (answer, when) in checks.items()
    }
    pairs: dict[str, list[str]] = {}
    for row in spec.read_seed("fm_evidence_pairs"):
        pairs.setdefault(row["indicator_id"], []).append(row["check_key"])
    for ind in spec.indicators(2):
        if ind["version"] == "1":
            continue
        key = _response(rng, levels.get(ind["area"], MEAN_LEVEL))
        checked = pairs.get(ind["indicator_id"])
        if checked and key == "fully" and not all(in_place[c] for c in checked):
            # most schools answer their own check honestly; a few say fully in place anyway
            key = "fully" if rng.random() < 0.2 else "partly"
        if rng.random() < 0.015:
            record["responses"].append((ind["indicator_id"], ind["statement"], None, None))
            continue
        evidence = rng.choice(EVIDENCE.get(key, ("",)))
        record["responses"].append(
            (ind["indicator_id"], ind["statement"], labels["response"][key], evidence or None)
        )
    for label in labels["policies_v2"]:
        reviewed_on = within((10, 330)) if yes(0.6) else None
        record["policies"].append((label, reviewed_on, labels["yes"], labels["no"], labels["no"]))


def _display(kind: str) -> dict[str, str]:
    """Canonical value -> the first text the synonyms seed gives it (its display form)."""
    shown: dict[str, str] = {}
    for row in spec.read_seed("synonyms"):
        if row["kind"] == kind:
            shown.setdefault(row["value"], row["text"])
    return shown


def _labels() -> dict:
    yes, no = yes_no_choices()
    return {
        "response": {r["response"]: r["label"] for r in spec.read_seed("response_labels")},
        "yes": yes,
        "no": no,
        "filtering": _display("filtering"),
        "monitoring": synonym_display("monitoring"),
        "policies": [p["label"] for p in ordered(spec.policies(1))],
        "policies_v2": [p["label"] for p in ordered(spec.policies(2)) if p["version"] == "2"],
        "pass": _display("pass_fail")["pass"],
        "fail": _display("pass_fail")["fail"],
        "groups": [(g["staff_group"], g["label"]) for g in ordered(spec.staff_groups())],
        "cats": [c["label"] for c in ordered(spec.incident_categories())],
    }


def _completion(rng: random.Random, round_name: str, latest: bool) -> date:
    first = int(round_name[:4])
    start = date(first, 9, 1)
    if latest:
        end = date(first, 11, 20)
    elif rng.random() < 0.82:
        end = date(first, 12, 20)
    else:  # late: the following spring or summer term
        start, end = date(first + 1, 1, 5), date(first + 1, 7, 15)
    end = min(end, LAST_COMPLETION)
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


# ---------------------------------------------------------------- workbooks


def render_return(record: dict, style: dict | None = None) -> bytes:
    """The workbook bytes of one return in the template's layout.

    ``style`` bends the layout the way real schools do (see _MESSY) without
    changing what the reader should get out.
    """
    style = style or {}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {"created": FIXED_TIME, "author": "Sample county", "title": "School e-safety return"}
    )
    bold = book.add_format({"bold": True})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    upper = style.get("upper_sheets", False)
    titles = style.get("title_rows", 0)
    notes = style.get("notes_column", False)

    def sheet(name: str):
        return book.add_worksheet(name.upper() if upper else name)

    def header(ws, name: str, extra: tuple[str, ...] = ()) -> int:
        for r in range(titles):
            ws.write_string(r, 0, "Kent e-safety return" if r == 0 else "Please complete all rows")
        cols = HEADERS[name] + extra
        for c, text in enumerate(cols):
            ws.write_string(titles + (1 if titles else 0), c, text, bold)
        return titles + (1 if titles else 0) + 1

    def put(ws, r: int, c: int, value: object) -> None:
        if value is None:
            return
        if isinstance(value, date):
            ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value)
        else:
            ws.write_string(r, c, str(value))

    version = record.get("version", 1)
    default_order = (INSTRUCTIONS, SCHOOL, SELF_REVIEW, POLICIES, TRAINING, INCIDENTS)
    if version >= 2:
        default_order = (INSTRUCTIONS, SCHOOL, SELF_REVIEW, POLICIES, FILTERING_MONITORING,
                         TRAINING, INCIDENTS)  # fmt: skip
    order = style.get("sheet_order", default_order)
    for name in order:
        if name == INSTRUCTIONS:
            ws = sheet(INSTRUCTIONS)
            ws.write_string(0, 0, "School e-safety return: fill in the shaded cells.")
        elif name == SCHOOL:
            ws = sheet(SCHOOL)
            r = header(ws, SCHOOL)
            for k, school_field in enumerate(ordered(spec.school_fields(version))):
                put(ws, r + k, 0, school_field["label"])
                put(ws, r + k, 1, record["school"].get(school_field["field"]))
            ws.set_column(0, 0, 38)
        elif name == SELF_REVIEW:
            ws = sheet(SELF_REVIEW)
            r = header(ws, SELF_REVIEW, ("Notes",) if notes else ())
            for k, row in enumerate(record["responses"]):
                for c, value in enumerate(row):
                    put(ws, r + k, c, value)
            if notes:
                put(ws, r, 4, "Checked by the head")
            ws.set_column(1, 1, 80)
        elif name == POLICIES:
            ws = sheet(POLICIES)
            r = header(ws, POLICIES)
            for k, row in enumerate(record["policies"]):
                for c, value in enumerate(row):
                    put(ws, r + k, c, value)
            ws.set_column(0, 0, 40)
        elif name == FILTERING_MONITORING:
            ws = sheet(FILTERING_MONITORING)
            r = header(ws, FILTERING_MONITORING)
            for k, row in enumerate(_check_rows(record["checks"], style)):
                for c, value in enumerate(row):
                    put(ws, r + k, c, value)
            ws.set_column(0, 0, 62)
        elif name == TRAINING:
            ws = sheet(TRAINING)
            r = header(ws, TRAINING, ("Notes",) if notes else ())
            rows = record["training"]
            for k, row in enumerate(rows):
                for c, value in enumerate(row):
                    put(ws, r + k, c, value)
            if style.get("total_row"):
                put(ws, r + len(rows), 0, "Total")
                put(ws, r + len(rows), 1, sum(x[1] for x in rows))
                put(ws, r + len(rows), 2, sum(x[2] for x in rows))
            ws.set_column(0, 0, 42)
        elif name == INCIDENTS:
            ws = sheet(INCIDENTS)
            r = header(ws, INCIDENTS)
            rows = record["incidents"]
            for k, row in enumerate(rows):
                for c, value in enumerate(row):
                    put(ws, r + k, c, value)
            if style.get("total_row"):
                put(ws, r + len(rows), 0, "Total")
                put(ws, r + len(rows), 1, sum(x[1] for x in rows))
    book.close()
    return buffer.getvalue()


def _check_rows(checks: dict[str, tuple[object, object]], style: dict) -> list[tuple]:
    """The Filtering and monitoring rows, bent as ``style`` asks (the messy v2 return)."""
    rows = []
    for check in spec.fm_checks():
        if check["check_key"] in style.get("checks_missing", ()):
            continue
        answer, when = checks[check["check_key"]]
        if style.get("checks_y_n") and answer in ("Yes", "No"):
            answer = answer[0]
        if style.get("check_dates_as_text") and isinstance(when, date):
            when = f"{when.day} {when:%B %Y}"
        rows.append((check["label"], answer, when, None))
    if style.get("checks_reversed"):
        rows.reverse()
    return rows


def _write_one(job: tuple[str, dict]) -> None:
    path, record = job
    Path(path).write_bytes(render_return(record))


def _write_all(jobs: list[tuple[str, dict]], parallel: bool) -> None:
    if not parallel:
        for job in jobs:
            _write_one(job)
        return
    import multiprocessing

    # fork shares the already-imported modules; the records are all decided already
    context = multiprocessing.get_context("fork")
    with context.Pool(os.cpu_count() or 2) as pool:
        for _ in pool.imap_unordered(_write_one, jobs, chunksize=64):
            pass


# ---------------------------------------------------------------- messy and bad files


def _messy_and_bad(
    rng: random.Random,
    folder: Path,
    schools: dict[int, dict],
    spare: list[int],
    round_name: str,
    labels: dict,
) -> tuple[list[Path], list[Path]]:
    first = int(round_name[:4])
    completed = date(first, 10, 5)
    messy: list[Path] = []

    def record(urn: int, quality: float = 0.2) -> dict:
        return _make_return(rng, schools[urn], quality, False, round_name, completed, labels)

    # 1. upper-case sheets in another order, title rows above headers, "URN 118234", 2026-2027
    rec = record(MESSY_URN)
    rec["school"]["urn"] = f"URN {MESSY_URN}"
    rec["school"]["round"] = f"{first}-{first + 1}"
    order = (SCHOOL, POLICIES, SELF_REVIEW, INCIDENTS, TRAINING, INSTRUCTIONS)
    messy.append(
        _save(
            folder / "messy-upper-case-sheets.xlsx",
            render_return(rec, {"upper_sheets": True, "title_rows": 2, "sheet_order": order}),
        )
    )

    # 2. responses Y / Partially / n/a / Maybe, dates as text and serials, survey 0.8
    rec = record(spare[0])
    variants = ["Y", "Partially", "n/a", "Maybe", "N", "yes", "Some"]
    rec["responses"] = [
        (i, s, variants[k % len(variants)], e) for k, (i, s, _r, e) in enumerate(rec["responses"])
    ]
    serial = (date(first, 6, 30) - date(1899, 12, 30)).days  # an Excel serial without a format
    review_texts = [
        f"3 Sept {first}",
        f"Sep {first}",
        serial,
        f"15/07/{first}",
        f"{first}-05-01",
        "never",
    ]
    rec["policies"] = [
        (p[0], review_texts[k % len(review_texts)], "Y", "n", "TRUE")
        for k, p in enumerate(rec["policies"])
    ]
    rec["school"]["completed_on"] = f"5 Oct {first}"
    rec["school"]["pupil_survey_pct"] = 0.8
    messy.append(_save(folder / "messy-responses-and-dates.xlsx", render_return(rec)))

    # 3. a Notes column, Total rows, trained greater than headcount on one row
    rec = record(spare[1])
    label, head, _trained = rec["training"][2]
    rec["training"][2] = (label, head, head + 3)
    messy.append(
        _save(
            folder / "messy-notes-totals-overtrained.xlsx",
            render_return(rec, {"notes_column": True, "total_row": True}),
        )
    )

    # 4. version 2: the standards sheet with its rows reordered, dates as text, Y/N, a row missing
    def record_v2(urn: int) -> dict:
        return _make_return(rng, schools[urn], 0.4, False, round_name, completed, labels,
                            random.Random(f"messy-{urn}"))  # fmt: skip

    rec = record_v2(spare[2])
    style = {"checks_reversed": True, "check_dates_as_text": True, "checks_y_n": True,
             "checks_missing": ("fm_review_recorded",)}  # fmt: skip
    messy.append(_save(folder / "messy-v2-standards-sheet.xlsx", render_return(rec, style)))

    # 5. version 2 returns that load with an error or a warning: a check dated after
    # Date completed; a stated version contradicting the sheets (1 with the sheet, 2 without)
    rec = record_v2(spare[3])
    rec["checks"]["fm_review"] = (None, completed + timedelta(days=30))
    messy.append(_save(folder / "messy-v2-check-dated-after-completion.xlsx", render_return(rec)))
    rec = record_v2(spare[4])
    rec["school"]["return_version"] = 1
    messy.append(_save(folder / "messy-v2-version-says-1.xlsx", render_return(rec)))
    rec = record_v2(spare[5])
    sheets = (INSTRUCTIONS, SCHOOL, SELF_REVIEW, POLICIES, TRAINING, INCIDENTS)
    messy.append(
        _save(
            folder / "messy-v2-version-without-sheet.xlsx",
            render_return(rec, {"sheet_order": sheets}),
        )
    )

    bad: list[Path] = []
    bad.append(
        _save(
            folder / "bad-not-a-workbook.xlsx",
            b"This is a note, not a spreadsheet: the return is attached separately.\n",
        )
    )
    good = render_return(record(spare[2]))
    bad.append(_save(folder / "bad-corrupt.xlsx", good[: len(good) // 2]))
    rec = record(spare[2])
    bad.append(
        _save(
            folder / "bad-no-school-sheet.xlsx",
            render_return(
                rec, {"sheet_order": (INSTRUCTIONS, SELF_REVIEW, POLICIES, TRAINING, INCIDENTS)}
            ),
        )
    )
    rec = record(spare[2])
    rec["school"]["urn"] = UNKNOWN_URN
    bad.append(_save(folder / "bad-urn-not-in-register.xlsx", render_return(rec)))
    rec = record(spare[3])
    # a typing slip: the year is ten years out, so the date is in the future
    rec["school"]["completed_on"] = date(first + 10, 10, 5)
    bad.append(_save(folder / "bad-completed-in-future.xlsx", render_return(rec)))
    rec = record(spare[3])
    rec["school"]["round"] = None
    bad.append(_save(folder / "bad-no-round.xlsx", render_return(rec)))
    return messy, bad


def _save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- the county


def write_sample(
    out_dir: Path,
    schools: int = 600,
    rounds: int = 3,
    seed: int = 2026,
    latest_round: str = "2026/27",
    v2_share: float = V2_SHARE_LATEST,
) -> SampleManifest:
    """Write register.csv, districts.geojson and returns/<YYYY-YY>/*.xlsx under out_dir.

    ``v2_share`` of the latest round's returns use the version 2 template (0: all version 1).
    """
    if rounds < 1:
        raise ValueError("a sample county needs at least one round")
    if (
        not re.fullmatch(r"\d{4}/\d{2}", latest_round or "")
        or int(latest_round[:4]) > LAST_COMPLETION.year
    ):
        raise ValueError(
            f"latest round {latest_round!r}: expected YYYY/YY, no later than "
            f"{LAST_COMPLETION.year}/{(LAST_COMPLETION.year + 1) % 100:02d}"
        )
    out_dir = Path(out_dir)
    _clear_previous_sample(out_dir)
    rng = random.Random(seed)
    polygons = district_polygons()
    county = _make_schools(rng, schools, polygons)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text(
        "A synthetic county written by `python -m samplecounty` "
        f"(seed {seed}, {schools} schools, {rounds} rounds to {latest_round}).\n"
        "Not real schools; the district boundaries are ONS's, simplified (OGL v3.0). "
        "Rewriting the sample replaces returns/.\n",
        encoding="utf-8",
    )
    register = out_dir / "register.csv"
    _write_register(register, county)
    contacts.write_contacts(out_dir / "contacts.csv", county)
    boundaries = out_dir / "districts.geojson"
    _write_boundaries(boundaries, polygons)

    labels = _labels()
    names = round_names(latest_round, rounds)
    expected = [s for s in county if s["status"] != "Closed" and s["setting"] != "Independent"]
    by_urn = {s["urn"]: s for s in county}
    # persistent quality; a few schools slide round by round so some decline
    quality = {s["urn"]: rng.gauss(0.0, 1.0) for s in expected}
    sliding = {s["urn"] for s in expected if rng.random() < 0.12}
    locked = {s["urn"]: rng.random() < 0.34 for s in expected}

    returns_dir = out_dir / "returns"
    jobs: list[tuple[str, dict]] = []
    per_round: dict[str, int] = {}
    superseding = 0
    non_returners: list[int] = []
    for k, round_name in enumerate(names):
        latest = k == len(names) - 1
        folder = returns_dir / round_name.replace("/", "-")
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for s in expected:
            urn = s["urn"]
            if k:
                quality[urn] += rng.gauss(0, 0.3) - (0.6 if urn in sliding else 0.0)
                # managed -> locked 5%, locked -> managed 10%: about a third stay locked down
                if rng.random() < (0.10 if locked[urn] else 0.05):
                    locked[urn] = not locked[urn]
            returned = rng.random() < (0.9 if latest else 0.94)
            if latest and urn == MESSY_URN:
                returned = False  # its return is the messy one
            if not returned:
                if latest:
                    non_returners.append(urn)
                continue
            completed = _completion(rng, round_name, latest)
            # the template version is drawn apart, so the version 1 answers draw as before
            v2 = random.Random(f"{seed}-{urn}-{round_name}")
            use_v2 = latest and v2.random() < v2_share
            record = _make_return(rng, s, quality[urn], locked[urn], round_name, completed, labels,
                                  v2 if use_v2 else None)  # fmt: skip
            jobs.append((str(folder / f"{urn}.xlsx"), record))
            count += 1
            if rng.random() < 0.015:
                # a second, later return for the same round supersedes the first
                later = min(
                    completed + timedelta(days=rng.randint(5, 40)),
                    LAST_COMPLETION,
                    date(int(round_name[:4]) + 1, 7, 31),
                )
                if later > completed:
                    again = _make_return(
                        rng, s, quality[urn] + 0.2, locked[urn], round_name, later, labels,
                        random.Random(f"{seed}-{urn}-{round_name}-again") if latest else None,
                    )  # fmt: skip
                    jobs.append((str(folder / f"{urn} resubmitted.xlsx"), again))
                    count += 1
                    superseding += 1
        per_round[round_name] = count
    _write_all(jobs, parallel=schools > PARALLEL_ABOVE)

    latest_folder = returns_dir / names[-1].replace("/", "-")
    spare = [u for u in non_returners if u != MESSY_URN][:6]
    while len(spare) < 6:  # tiny counties: borrow schools that did return
        spare.append(expected[len(spare) + 1]["urn"])
    messy, bad = _messy_and_bad(rng, latest_folder, by_urn, spare, names[-1], labels)
    return SampleManifest(
        out_dir=out_dir,
        register=register,
        boundaries=boundaries,
        returns_dir=returns_dir,
        schools=len(county),
        districts=len(polygons),
        rounds=names,
        returns_per_round=per_round,
        superseding=superseding,
        messy=messy,
        bad=bad,
    )


def _clear_previous_sample(out_dir: Path) -> None:
    """Remove an earlier sample's returns so a smaller rerun leaves no stale workbooks.

    Only a folder this module wrote (it holds the marker file) is cleared; a
    returns folder without the marker may be real returns, so it is refused.
    """
    returns_dir = out_dir / "returns"
    if not returns_dir.exists() or not any(returns_dir.iterdir()):
        return
    if not (out_dir / MARKER).exists():
        raise ValueError(
            f"{returns_dir} already holds files that are not a sample county; choose another --out"
        )
    shutil.rmtree(returns_dir)


def _write_boundaries(path: Path, polygons: list) -> None:
    for code, _name, geometry in polygons:
        shapes = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        if any(signed_area(rings[0]) >= 0 for rings in shapes):  # rewind() made them clockwise
            raise RuntimeError(f"district {code}: outer ring is not clockwise")
    doc = {
        "type": "FeatureCollection",
        "name": "Kent districts, simplified from ONS LAD May 2020 BGC (OGL v3.0)",
        "features": [
            {
                "type": "Feature",
                "properties": {"LAD20CD": code, "LAD20NM": name},
                "geometry": geometry,
            }
            for code, name, geometry in polygons
        ],
    }
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under root (for determinism checks)."""
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
