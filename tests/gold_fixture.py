"""A tiny hand-made gold layer (the tables of docs/ARCHITECTURE.md) for page tests.

Twelve schools in three square districts, two rounds, a few flags. Built
without the ingest so the dashboard can be tested on its own; the sample
county built through the real commands is the other test database.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from lakehouse.contracts import contracts
from lakehouse.db import writing
from lakehouse.seeds import read_seed, read_seeds, seed_values

AREAS = ["overall", "outcomes", "provision", "leadership", "training"]
AREA_LABELS = {r["area"]: r["label"] for r in read_seed("areas")}
AREA_ORDER = {r["area"]: int(r["sort_order"]) for r in read_seed("areas")}
CAP_LABELS = {r["cap"]: r["label"] for r in read_seed("caps")}
GRADE_LABELS = {1: "Outstanding", 2: "Good", 3: "Satisfactory", 4: "Inadequate"}
ROUNDS = ["2025/26", "2026/27"]
CURRENT = "2026/27"
AS_OF = date(2027, 3, 1)
DEADLINES = {"2025/26": date(2025, 12, 15), "2026/27": date(2026, 12, 15)}

# code, name, lon0, lat0 (each a 0.2° square)
DISTRICTS = [
    ("E07000901", "Northdown", 0.0, 51.2),
    ("E07000902", "Eastvale", 0.2, 51.2),
    ("E07000903", "Southmere", 0.0, 51.0),
]

# urn, name, setting, district index, filtering, grades (current round) or None for no return
SCHOOLS = [
    (900001, "Acorn Primary School", "Primary", 0, "managed", [2, 2, 2, 2, 2]),
    (900002, "Beech Primary School", "Primary", 0, "managed", [1, 1, 1, 1, 2]),
    (900003, "Cedar Primary School", "Primary", 1, "locked_down", [2, 2, 2, 2, 3]),
    (900004, "Damson Primary School", "Primary", 1, "managed", [3, 3, 4, 3, 3]),
    (900005, "Elm Primary School", "Primary", 2, "managed", [2, 1, 2, 2, 2]),
    (900006, '=HYPERLINK("http://x") Academy', "Primary", 2, "managed", [3, 2, 3, 3, 4]),
    (900007, "Fir Secondary School", "Secondary", 0, "locked_down", [2, 2, 2, 2, 2]),
    (900008, "Grove Secondary School", "Secondary", 1, "managed", [3, 3, 3, 3, 3]),
    (900009, "Hazel High School", "Secondary", 2, "managed", None),
    (900010, "Ivy Special School", "Special", 0, "managed", [2, 2, 1, 2, 2]),
    (900011, "Juniper Pupil Referral Unit", "PRU", 1, "locked_down", [3, 3, 2, 3, 3]),
    (900012, "Kestrel Independent School", "Other", 2, None, None),
]
POLICIES = [
    ("online_safety", "Online safety policy"),
    ("aup_pupils", "Acceptable use – pupils"),
    ("aup_staff", "Acceptable use – staff and volunteers"),
    ("filtering_review", "Filtering and monitoring review"),
    ("mobile_devices", "Mobile phones and devices"),
    ("social_media", "Social media"),
]
STAFF_GROUPS = [
    ("teaching", "Teaching staff"),
    ("support", "Teaching assistants and support staff"),
    ("wider", "Site, administrative and wider workforce"),
    ("governors", "Governors"),
]
CATEGORIES = [
    ("websites", "Inappropriate websites"),
    ("social_networking", "Social networking"),
    ("chat", "Chat and instant messaging"),
    ("cyberbullying", "Cyberbullying"),
    ("other", "Other"),
]
# labels, actions, kinds, weights and order from the seeds, as the build joins them into gold
_FLAGS = {r["flag"]: r for r in read_seed("flags")}
_USED = (
    "inadequate_area",
    "training_gap",
    "policy_overdue",
    "locked_down",
    "no_return",
    "declining",
)
FLAG_TEXT = {k: (_FLAGS[k]["label"], _FLAGS[k]["suggested_action"]) for k in _USED}
FLAG_KIND = {
    k: (_FLAGS[k]["kind"], int(_FLAGS[k]["weight"]), int(_FLAGS[k]["sort_order"])) for k in _USED
}
KIND_LABELS = {r["kind"]: r["label"] for r in read_seed("flag_kinds")}
# every county-wide theme, raised or not, as gold.themes lists them
THEME_LIST = [
    {
        "flag": r["flag"],
        "flag_label": r["label"],
        "county_action": r["county_action"],
        "flag_order": int(r["sort_order"]),
    }
    for r in sorted(read_seed("flags"), key=lambda r: int(r["sort_order"]))
    if r["kind"] == "theme"
]
PRIORITY_LABELS = {
    r["priority"]: (r["label"], int(r["sort_order"])) for r in read_seed("priorities")
}
# the groups the impact of support compares, as gold.impact_groups names them
_TEXT = {r["key"]: r["text"] for r in read_seed("report_text")}
IMPACT_GROUPS = [
    {"impact_group": g, "group_label": _TEXT[f"impact_{g}"], "group_order": i}
    for i, g in enumerate(("supported", "flagged_unsupported"), start=1)
]
# gold carries the label beside each return status code (seeds/return_statuses.csv)
STATUS_LABELS = {r["status"]: r["label"] for r in read_seed("return_statuses")}
GRADE_BANDS = sorted(read_seed("grade_bands"), key=lambda r: int(r["grade"]))
FILTERING_LABELS = {r["filtering"]: r["label"] for r in read_seed("filtering_approaches")}
FRESHNESS = {r["status"]: (r["label"], int(r["sort_order"])) for r in read_seed("freshness_status")}
THEMES = ("training_gap", "policy_overdue", "locked_down")


def _square(lon0: float, lat0: float, size: float = 0.2) -> str:
    ring = [
        [lon0, lat0],
        [lon0, lat0 + size],
        [lon0 + size, lat0 + size],
        [lon0 + size, lat0],
        [lon0, lat0],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _score(grade: int | None) -> float | None:
    return None if grade is None else {1: 90.0, 2: 72.0, 3: 55.0, 4: 35.0}[grade]


def _previous_grades(grades: list[int] | None, i: int) -> list[int] | None:
    # the earlier round: most schools a grade better on training, one school absent
    if grades is None or i == 3:
        return None
    return [
        max(1, g - 1) if a in ("overall", "training") else g
        for a, g in zip(AREAS, grades, strict=False)
    ]


def _lookup(seed: str, code: str, prefix: str) -> pd.DataFrame:
    """A gold lookup of a seed: code, <prefix>_label, <prefix>_order, in the seed's order."""
    rows = sorted(read_seed(seed), key=lambda r: int(r["sort_order"]))
    return pd.DataFrame(
        [
            {code: r[code], f"{prefix}_label": r["label"], f"{prefix}_order": int(r["sort_order"])}
            for r in rows
        ]
    )


def _vocabulary(*kinds: tuple[str, str, str]) -> pd.DataFrame:
    """A gold vocabulary table of seeds: (vocabulary, seed, code column) -> vocabulary, code,
    label, sort_order, each seed in its order."""
    return pd.DataFrame(
        [
            {
                "vocabulary": kind,
                "code": r[code],
                "label": r["label"],
                "sort_order": int(r["sort_order"]),
            }
            for kind, seed, code in kinds
            for r in sorted(read_seed(seed), key=lambda r: int(r["sort_order"]))
        ]
    )


def frames() -> dict[str, pd.DataFrame]:
    """Every gold table as a DataFrame (also handy for asserting against)."""
    schools, school_rounds, status_rows, flags, fresh, training, incidents = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    responses, files, messages, area_scores = [], [], [], []
    themes: list[dict] = []
    for i, (urn, name, setting, d, filtering, grades) in enumerate(SCHOOLS):
        code, district, lon0, lat0 = DISTRICTS[d]
        lat = lat0 + 0.03 + 0.014 * (i % 10)
        lon = lon0 + 0.03 + 0.012 * ((i * 7) % 12)
        expected = setting != "Other"
        prev = _previous_grades(grades, i)
        per_round = {"2025/26": prev, "2026/27": grades}
        for rnd, g in per_round.items():
            if g is None:
                if expected:
                    status_rows.append(
                        (urn, rnd, setting, district, "missing", None, DEADLINES[rnd])
                    )
                continue
            completed = date(int(rnd[:4]), 11 if i % 4 else 12, 20 if i % 5 == 0 else 10)
            return_id = f"{urn:06d}{rnd[:4]}abcdef"[:16]
            late = completed > DEADLINES[rnd]
            status_rows.append(
                (
                    urn,
                    rnd,
                    setting,
                    district,
                    "late" if late else "received",
                    completed,
                    DEADLINES[rnd],
                )
            )
            row = {
                "urn": urn,
                "round": rnd,
                "return_id": return_id,
                "completed_on": completed,
                "filtering": filtering,
                "setting": setting,
                "district": district,
            }
            for a, ga in zip(AREAS, g, strict=False):
                row[f"grade_{a}"] = ga
                row[f"score_{a}"] = _score(ga)
                capped = a == "provision" and filtering == "locked_down"
                area_scores.append(
                    {
                        "urn": urn,
                        "round": rnd,
                        "area": a,
                        "score_pct": _score(ga),
                        "grade": ga,
                        "grade_label": GRADE_LABELS[ga],
                        "capped_by": "locked_down" if capped else None,
                        "capped_by_label": CAP_LABELS["locked_down"] if capped else None,
                        "return_id": return_id,
                        "is_current_round": rnd == CURRENT,
                        "indicator_score_pct": _score(ga),
                        "grade_uncapped": ga,
                        "insufficient_evidence": False,
                        "cap_grade": 2 if capped else None,
                        "area_label": AREA_LABELS[a],
                        "area_order": AREA_ORDER[a],
                    }
                )
            school_rounds.append(row)
            files.append(
                {
                    "file_name": f"return_{urn}_{rnd[:4]}.xlsx",
                    "path": f"returns/return_{urn}_{rnd[:4]}.xlsx",
                    "sha256": f"{urn:06d}{rnd[:4]}" + "0" * 54,
                    "size_bytes": 20480,
                    "kind": "return",
                    "status": "loaded",
                    "reason": None,
                    "urn": urn,
                    "round": rnd,
                    "ingested_at": datetime(int(rnd[:4]), 12, 20, 9, 0),
                    "batch_id": f"b{rnd[:4]}",
                    "warnings": 1 if i % 3 == 0 else 0,
                    "errors": 0,
                }
            )
            if i % 3 == 0:
                messages.append(
                    {
                        "sha256": files[-1]["sha256"],
                        "file_name": files[-1]["file_name"],
                        "severity": "warning",
                        "location": "Self-review!C7",
                        "message": "Response 'maybe' is not recognised; counted as unanswered",
                        "ingested_at": files[-1]["ingested_at"],
                        "urn": urn,
                        "round": rnd,
                    }
                )
            if rnd == CURRENT:
                for j, (p, label) in enumerate(POLICIES):
                    days = None if (i + j) % 7 == 0 else 100 + 60 * ((i + j) % 6)
                    st = (
                        "missing"
                        if days is None
                        else "fresh"
                        if days <= 305
                        else "due_soon"
                        if days <= 365
                        else "overdue"
                    )
                    fresh.append(
                        {
                            "urn": urn,
                            "round": rnd,
                            "policy": p,
                            "last_reviewed": None
                            if days is None
                            else date.fromordinal(AS_OF.toordinal() - days),
                            "days_since_review": days,
                            "status": st,
                            "policy_label": label,
                            "return_id": return_id,
                            "status_label": FRESHNESS[st][0],
                            "status_order": FRESHNESS[st][1],
                        }
                    )
                for j, (sg, label) in enumerate(STAFF_GROUPS):
                    head = 10 + i + j
                    trained = head if g[4] <= 2 else head // 3 if sg == "governors" else head - 2
                    training.append(
                        {
                            "urn": urn,
                            "round": rnd,
                            "return_id": return_id,
                            "staff_group": sg,
                            "staff_group_label": label,
                            "headcount": head,
                            "trained": trained,
                            "coverage_pct": 100.0 * trained / head,
                            "is_valid": True,
                        }
                    )
                for j, (cat, label) in enumerate(CATEGORIES):
                    incidents.append(
                        {
                            "urn": urn,
                            "round": rnd,
                            "return_id": return_id,
                            "category": cat,
                            "category_label": label,
                            "count": (i + j) % 4,
                            "category_order": j + 1,
                        }
                    )
                for ind, area in (
                    ("OVR1", "overall"),
                    ("LEA4", "leadership"),
                    ("PRO4", "provision"),
                ):
                    responses.append(
                        {
                            "urn": urn,
                            "round": rnd,
                            "return_id": return_id,
                            "indicator_id": ind,
                            "area": area,
                            "statement": f"Statement {ind}",
                            "response": "fully",
                            "response_label": "Fully in place",
                        }
                    )
        # flags in the current round
        keys: list[str] = []
        if expected and grades is None:
            keys.append("no_return")
        if grades is not None:
            if 4 in grades:
                keys.append("inadequate_area")
            if grades[4] >= 3:
                keys.append("training_gap")
            if filtering == "locked_down":
                keys.append("locked_down")
            if any(f["status"] in ("overdue", "missing") for f in fresh if f["urn"] == urn):
                keys.append("policy_overdue")
            if prev is not None and grades[0] > prev[0]:
                keys.append("declining")
        keys.sort(key=lambda k: FLAG_KIND[k][2])
        concerns = sum(FLAG_KIND[k][0] == "concern" for k in keys)
        score = sum(FLAG_KIND[k][1] for k in keys)
        priority = None
        if keys:
            priority = (
                "high"
                if "inadequate_area" in keys or concerns >= 2
                else "medium"
                if concerns == 1
                else "low"
            )
        cur_id = next(
            (r["return_id"] for r in school_rounds if r["urn"] == urn and r["round"] == CURRENT),
            None,
        )
        for k in keys:
            label, action = FLAG_TEXT[k]
            kind, weight, order = FLAG_KIND[k]
            flags.append(
                {
                    "urn": urn,
                    "round": CURRENT,
                    "flag": k,
                    "kind": kind,
                    "detail": label,
                    "priority": priority,
                    "support_score": score,
                    "flag_label": label,
                    "reason": f"{label} at {name}",
                    "suggested_action": action,
                    "flag_count": len(keys),
                    "concern_count": concerns,
                    "theme_count": len(keys) - concerns,
                    "weight": weight,
                    "flag_order": order,
                    "priority_label": PRIORITY_LABELS[priority][0],
                    "priority_order": PRIORITY_LABELS[priority][1],
                    "kind_label": KIND_LABELS[kind],
                }
            )
            if k in THEMES:
                themes.append(
                    {
                        "urn": urn,
                        "round": CURRENT,
                        "flag": k,
                        "reason": f"{label} at {name}",
                        "return_id": cur_id,
                        "is_current_round": True,
                        "flag_label": label,
                        "county_action": "A county-wide offer",
                        "flag_order": order,
                    }
                )
        st_rows = [f for f in fresh if f["urn"] == urn]
        worst = None
        for s in ("missing", "overdue", "due_soon", "fresh"):
            if any(f["status"] == s for f in st_rows):
                worst = s
                break
        cur = next((r for r in school_rounds if r["urn"] == urn and r["round"] == CURRENT), None)
        status = (
            "not_expected"
            if not expected
            else next(s[4] for s in status_rows if s[0] == urn and s[1] == CURRENT)
        )
        cov = [t["coverage_pct"] for t in training if t["urn"] == urn]
        srow = {
            "urn": urn,
            "name": name,
            "setting": setting,
            "district": district,
            "district_code": code,
            "lat": lat,
            "lon": lon,
            "postcode": f"ZZ{d + 1} {i}AA",
            "pupils": 200 + 37 * i,
            "is_open": True,
            "is_independent": not expected,
            "expected_to_return": expected,
            "current_round": CURRENT,
            "return_status": status,
            "return_id": cur["return_id"] if cur else None,
            "completed_on": cur["completed_on"] if cur else None,
            "filtering": filtering if cur else None,
        }
        for a, idx in zip(AREAS, range(5), strict=False):
            srow[f"grade_{a}"] = grades[idx] if grades else None
        for a, idx in zip(AREAS, range(5), strict=False):
            srow[f"score_{a}"] = _score(grades[idx]) if grades else None
        srow.update(
            {
                "previous_grade_overall": prev[0] if prev else None,
                # as gold words it: the grade, else why there is none
                "grade_overall_label": (
                    GRADE_LABELS.get(grades[0] if grades else None, "Insufficient evidence")
                    if cur
                    else "No return"
                ),
                "flag_count": len(keys),
                "flags": ",".join(keys),
                "priority": priority,
                "priority_label": PRIORITY_LABELS[priority][0] if priority else None,
                "priority_order": PRIORITY_LABELS[priority][1] if priority else None,
                "support_score": score,
                "concern_count": concerns,
                "theme_count": len(keys) - concerns,
                "needs_support": concerns > 0,
                # contact columns of a full GIAS extract: two schools have them
                **_contact(i, name),
                "policies_overdue_or_missing": sum(
                    f["status"] in ("overdue", "missing") for f in st_rows
                ),
                "freshness_worst": worst,
                "min_staff_coverage_pct": min(cov) if cov else None,
                "return_status_label": STATUS_LABELS[status],
                "filtering_label": FILTERING_LABELS[filtering] if cur else None,
                "freshness_worst_label": FRESHNESS[worst][0] if worst else None,
            }
        )
        schools.append(srow)

    # one rejected file, one duplicate
    files.append(
        {
            "file_name": "scan.pdf",
            "path": "returns/scan.pdf",
            "sha256": "f" * 64,
            "size_bytes": 1000,
            "kind": "return",
            "status": "rejected",
            "reason": "scan.pdf is not an Excel workbook",
            "urn": None,
            "round": None,
            "ingested_at": datetime(2026, 12, 20, 9, 0),
            "batch_id": "b2026",
            "warnings": 0,
            "errors": 1,
        }
    )
    messages.append(
        {
            "sha256": "f" * 64,
            "file_name": "scan.pdf",
            "severity": "error",
            "location": None,
            "message": "scan.pdf is not an Excel workbook",
            "ingested_at": datetime(2026, 12, 20, 9, 0),
            "urn": None,
            "round": None,
        }
    )

    sr = pd.DataFrame(school_rounds)
    sr["return_version"] = 1  # the fixture county answered the old template (RETURN-v1.md)
    dist_rows = []
    for _, r in sr.iterrows():
        for a in AREAS:
            g = r[f"grade_{a}"]
            dist_rows.append(
                (
                    r["round"],
                    a,
                    AREA_LABELS[a],
                    r["setting"],
                    r["district"],
                    r["filtering"],
                    g,
                    GRADE_LABELS.get(g, "Insufficient evidence"),
                )
            )
    dist_keys = [
        "round",
        "area",
        "area_label",
        "setting",
        "district",
        "filtering",
        "grade",
        "grade_label",
    ]
    dist = (
        pd.DataFrame(dist_rows, columns=dist_keys)
        .groupby(dist_keys, dropna=False)
        .size()
        .reset_index(name="schools")
    )
    dist["area_order"] = dist["area"].map(AREA_ORDER)
    rounds = pd.DataFrame(
        [
            {
                "round": r,
                "returns": int((sr["round"] == r).sum()),
                "is_current": r == CURRENT,
                "deadline": DEADLINES[r],
                "next_round": f"{int(r[:4]) + 1}/{(int(r[:4]) + 2) % 100:02d}",
            }
            for r in ROUNDS
        ]
    )
    build_info = pd.DataFrame(
        [
            {"key": "as_of", "value": AS_OF.isoformat()},
            {"key": "current_round", "value": CURRENT},
            {"key": "previous_round", "value": ROUNDS[0]},
            {"key": "built_at", "value": "2027-03-01T08:00:00"},
            # the seeds' values, as a build records them (rules a page quotes)
            *({"key": k, "value": v} for k, v in seed_values(read_seeds()).items()),
        ]
    )
    return {
        "school_overview": pd.DataFrame(_ranked(schools)),
        "school_rounds": sr,
        "area_scores": pd.DataFrame(area_scores),
        "grade_distribution": dist,
        "policy_freshness": pd.DataFrame(fresh),
        "support_flags": pd.DataFrame(flags),
        "school_themes": pd.DataFrame(themes),
        "themes": pd.DataFrame(THEME_LIST),
        "priorities": _lookup("priorities", "priority", "priority").assign(
            priority_description=[
                r["description"]
                for r in sorted(read_seed("priorities"), key=lambda r: int(r["sort_order"]))
            ]
        ),
        "impact_groups": pd.DataFrame(IMPACT_GROUPS),
        "casework_vocabulary": _vocabulary(
            ("action_status", "action_statuses", "status"),
            ("reminder_method", "reminder_methods", "method"),
            ("support_type", "support_types", "type"),
        ),
        "settings": pd.DataFrame(
            [
                {
                    "setting": r["setting"],
                    "setting_label": r["label"],
                    "setting_order": int(r["sort_order"]),
                }
                for r in sorted(read_seed("settings"), key=lambda r: int(r["sort_order"]))
            ]
        ),  # fmt: skip
        "areas": pd.DataFrame(
            [
                {"area": a, "area_label": label, "area_order": AREA_ORDER[a]}
                for a, label in sorted(AREA_LABELS.items(), key=lambda kv: AREA_ORDER[kv[0]])
            ]
        ),
        "filtering_approaches": _lookup("filtering_approaches", "filtering", "filtering"),
        "grades": pd.DataFrame(
            [
                {
                    "grade": int(r["grade"]),
                    "grade_label": r["label"],
                    "min_score": float(r["min_score"]),
                    "upper_score": upper,
                }
                for r, upper in zip(
                    GRADE_BANDS,
                    [None, *(float(b["min_score"]) for b in GRADE_BANDS[:-1])],
                    strict=True,
                )
            ]
        ),
        "return_statuses": _lookup("return_statuses", "status", "status"),
        "freshness_statuses": _lookup("freshness_status", "status", "status").assign(
            max_days=[
                int(r["max_days"]) if r["max_days"] else None
                for r in sorted(read_seed("freshness_status"), key=lambda r: int(r["sort_order"]))
            ]
        ),
        "fm_vocabulary": _vocabulary(
            ("fm_standard", "fm_standards", "standard"), ("fm_status", "fm_statuses", "status")
        ),
        "blank_labels": pd.DataFrame(
            [{"blank": r["blank"], "label": r["label"]} for r in read_seed("blank_labels")]
        ),
        # Grove Secondary left its training section out this round
        "incomplete_returns": pd.DataFrame(
            [
                {
                    "urn": 900008,
                    "round": CURRENT,
                    "section": "training",
                    "section_label": "Training",
                    "detail": "no training rows",
                    "warning": "Incomplete return: no training rows",
                    "return_id": f"{900008:06d}{CURRENT[:4]}abcdef"[:16],
                    "completed_on": date(2026, 11, 2),
                    "section_order": 3,
                }
            ]
        ),
        "training_coverage": pd.DataFrame(training),
        "incident_counts": pd.DataFrame(incidents),
        "indicator_responses": pd.DataFrame(responses),
        "grade_explanations": pd.DataFrame(_explanations(area_scores)),
        "statements_lost": pd.DataFrame(STATEMENTS_LOST),
        "returns_status": pd.DataFrame(
            status_rows,
            columns=["urn", "round", "setting", "district", "status", "completed_on", "deadline"],
        ).assign(status_label=lambda df: df["status"].map(STATUS_LABELS)),
        "files": pd.DataFrame(files),
        # no message names an indicator code: each reads the same quoted
        "messages": pd.DataFrame(messages).assign(message_quoted=lambda df: df["message"]),
        "district_shapes": pd.DataFrame(
            [
                {"district_code": c, "district_name": n, "geometry": _square(lo, la)}
                for c, n, lo, la in DISTRICTS
            ]
        ),
        "rounds": rounds,
        "build_info": build_info,
    }


BANDS = {1: "85% or more", 2: "65% to under 85%", 3: "45% to under 65%", 4: "0% to under 45%"}
CAP_LABELS = {"locked_down": "Locked-down filtering"}
# Damson Primary's current return: the provision statement it answered Not in place
STATEMENTS_LOST = [
    {
        "urn": 900004,
        "round": CURRENT,
        "return_id": f"{900004:06d}{CURRENT[:4]}abcdef"[:16],
        "area": "provision",
        "area_label": AREA_LABELS["provision"],
        "area_order": 3,
        "indicator_id": "PRO4",
        "statement": "Statement PRO4",
        "response": "not",
        "response_label": "Not in place",
        "response_order": 3,
        "points": 0.0,
        "weight": 1.0,
        "points_lost": 2.0,
    }
]


def _explanations(area_scores: list[dict]) -> list[dict]:
    """gold.grade_explanations for the fixture's area scores, in the seeds' words."""
    rows = []
    for a in area_scores:
        score = f"{int(a['score_pct'] + 0.5)}%"
        band = GRADE_LABELS[a["grade_uncapped"]]
        cap = CAP_LABELS.get(a["capped_by"] or "")
        if cap:
            sentence = (
                f"{score} would be {band}; graded {a['grade_label']} because of {cap}: "
                "provision is held at best at Good when filtering is Locked down."
            )
        else:
            sentence = f"{score} is in the {band} band ({BANDS[a['grade_uncapped']]})."
        lost = [
            s
            for s in STATEMENTS_LOST
            if (s["urn"], s["round"], s["area"]) == (a["urn"], a["round"], a["area"])
        ]
        rows.append(
            {
                **{k: a[k] for k in ("urn", "round", "return_id", "is_current_round", "area")},
                "area_label": AREA_LABELS[a["area"]],
                "area_order": AREAS.index(a["area"]) + 1,
                "score_pct": a["score_pct"],
                "score_text": score,
                "band_grade": a["grade_uncapped"],
                "band_label": band,
                "band_range": BANDS[a["grade_uncapped"]],
                "grade": a["grade"],
                "grade_label": a["grade_label"],
                "capped_by": a["capped_by"],
                "cap_label": cap,
                "cap_meaning": None,
                "cap_fact": None,
                "statements_lost": len(lost),
                "points_lost": sum(s["points_lost"] for s in lost),
                "explanation": sentence,
            }
        )
    return rows


def _contact(i: int, name: str) -> dict[str, object]:
    full = i < 2
    return {
        "head_title": "Mrs" if full else None,
        "head_first_name": f"Head{i}" if full else None,
        "head_last_name": "Example" if full else None,
        "head_name": f"Mrs Head{i} Example" if full else None,
        "telephone": f"0160000000{i}" if full else None,
        "website": None,
        "trust": "Orchard Trust" if full else None,
        "ofsted_rating": None,
        "ofsted_last_inspection": None,
    }


def _ranked(schools: list[dict]) -> list[dict]:
    """support_rank and within_capacity as gold.school_overview has them (capacity 30)."""
    flagged = sorted(
        (s for s in schools if s["flag_count"]),
        key=lambda s: (
            s["priority_order"],
            -s["support_score"],
            -1 if s["score_overall"] is None else s["score_overall"],
            s["urn"],
        ),
    )
    rank = {s["urn"]: i for i, s in enumerate(flagged, start=1)}
    for s in schools:
        s["support_rank"] = rank.get(s["urn"])
        s["within_capacity"] = rank.get(s["urn"], 10**6) <= 30
    return schools


# column types DuckDB cannot infer from all-null pandas columns
_CASTS = {
    "school_overview": {
        "grade_overall": "INTEGER",
        "previous_grade_overall": "INTEGER",
        "priority": "VARCHAR",
        "priority_label": "VARCHAR",
        "priority_order": "INTEGER",
        "support_rank": "INTEGER",
        **{
            c: "VARCHAR"
            for c in (
                "head_title",
                "head_first_name",
                "head_last_name",
                "head_name",
                "telephone",
                "website",
                "trust",
                "ofsted_rating",
            )
        },
        "ofsted_last_inspection": "DATE",
        "filtering": "VARCHAR",
        "return_id": "VARCHAR",
        "completed_on": "DATE",
        "freshness_worst": "VARCHAR",
    },
    "files": {"reason": "VARCHAR", "urn": "INTEGER", "round": "VARCHAR"},
    "messages": {"location": "VARCHAR", "urn": "INTEGER", "round": "VARCHAR"},
    "area_scores": {"capped_by": "VARCHAR"},
    "grade_explanations": {
        "capped_by": "VARCHAR",
        "cap_label": "VARCHAR",
        "cap_meaning": "VARCHAR",
        "cap_fact": "VARCHAR",
    },
    "policy_freshness": {"last_reviewed": "DATE", "days_since_review": "INTEGER"},
    "returns_status": {"completed_on": "DATE", "deadline": "DATE"},
    "freshness_statuses": {"max_days": "INTEGER"},
}


def _as_contracted(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns in its contract's order; a column the contract lacks is a mistake."""
    contract = contracts().get(table)
    if table == "gold.build_info":  # written by the build itself, not a model
        return df
    if contract is None:
        raise ValueError(f"gold_fixture writes {table}, which has no contract")
    unknown = [c for c in df.columns if c not in contract.columns]
    if unknown:
        raise ValueError(f"gold_fixture: {table} has columns its contract lacks: {unknown}")
    return df[[c for c in contract.columns if c in df.columns]]


def build_gold_db(path: str | Path) -> Path:
    """Write the fixture's gold tables to a DuckDB file through the real writer."""
    path = Path(path)
    with writing(path) as con:
        for name, frame in frames().items():
            df = _as_contracted(f"gold.{name}", frame)
            con.register("_frame", df)
            casts = dict(_CASTS.get(name, {}))
            # grades are integers 1-4; pandas turns a column with nulls into floats
            casts.update(
                {
                    c: "INTEGER"
                    for c in df.columns
                    if (c == "grade" or c.startswith("grade_")) and not c.endswith("label")
                }
            )
            cols = ", ".join(
                f'CAST("{c}" AS {casts[c]}) AS "{c}"' if c in casts else f'"{c}"'
                for c in df.columns
            )
            con.execute(f"CREATE OR REPLACE TABLE gold.{name} AS SELECT {cols} FROM _frame")
            con.unregister("_frame")
        # no council contact list in this county: every school without an e-mail contact
        con.execute(_NO_CONTACTS)
        con.execute(_VERSION_1_STANDARDS)
    return path


# every return is version 1: each standard unknown (RETURN-v2.md), no disagreement possible
_VERSION_1_STANDARDS = """
CREATE OR REPLACE TABLE gold.fm_standards AS
SELECT sr.urn, sr.round, s.standard, 'unknown' AS status,
       'Not asked: a version 1 return has no filtering and monitoring check' AS detail,
       sr.return_id, sr.return_version, sr.completed_on,
       ['Roles and responsibilities', 'Annual review', 'Filtering', 'Monitoring'][s.standard]
           AS standard_label,
       'Unknown' AS status_label, 4 AS status_order, NULL::DATE AS reviewed_on,
       NULL::DATE AS next_review_due, sr.round = '2026/27' AS is_current_round,
       sr.setting, sr.district, sr.filtering
FROM gold.school_rounds AS sr
CROSS JOIN (SELECT unnest([1, 2, 3, 4]) AS standard) AS s;
CREATE OR REPLACE TABLE gold.fm_evidence_mismatches AS
SELECT NULL::INTEGER AS urn, NULL::VARCHAR AS round, NULL::VARCHAR AS indicator_id,
       NULL::VARCHAR AS statement, NULL::VARCHAR AS shortfalls, NULL::VARCHAR AS check_keys,
       NULL::VARCHAR AS location, NULL::VARCHAR AS return_id, NULL::VARCHAR AS label
WHERE false;
"""

_NO_CONTACTS = """
CREATE OR REPLACE TABLE gold.school_contacts AS
SELECT urn, name AS school, district, setting, is_open, expected_to_return,
       NULL::VARCHAR AS contact_name, NULL::VARCHAR AS contact_role,
       NULL::VARCHAR AS contact_role_label, NULL::VARCHAR AS email, telephone,
       0 AS contacts, head_name, 'Dear Head Teacher' AS salutation,
       NULL::VARCHAR AS street, NULL::VARCHAR AS locality, NULL::VARCHAR AS address3,
       NULL::VARCHAR AS town, NULL::VARCHAR AS county, postcode, website,
       false AS has_email, telephone IS NOT NULL AS has_contact
FROM gold.school_overview;
CREATE OR REPLACE TABLE gold.contact_list AS
SELECT urn, school, district, contact_role AS role, contact_role_label AS role_label,
       contact_name AS name, email, telephone, true AS in_register, is_open,
       true AS is_chase_contact, 'none.csv' AS source_file, 0 AS source_row
FROM gold.school_contacts WHERE false;
"""
