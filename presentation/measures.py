"""What a person reads for the lakehouse's measures and groupings: column -> caption.

The lakehouse names the columns (``reads.schools.district_summary``, ``school_points``)
and allows the groupings; the words shown for them live here.
"""

from __future__ import annotations

from collections.abc import Mapping

from lakehouse import reads

# grouping column -> its heading (setting comparison, returns by group)
COMPARE_BY: dict[str, str] = {
    "setting": "Setting",
    "district": "District",
    "filtering": "Filtering",
}
RETURNS_BY: dict[str, str] = {"district": "District", "setting": "Setting"}


def point_measures(labels: Mapping[str, str]) -> dict[str, str]:
    """What a school's point on the map can be coloured by: column -> caption, the areas
    named by ``labels`` (:func:`lakehouse.reads.base.area_labels`)."""
    return {
        **{f"grade_{a}": f"{labels[a]} grade" for a in reads.base.AREAS},
        "priority": "Support priority",
        "freshness_worst": "Policy freshness (worst policy)",
        "filtering": "Filtering approach",
        "return_status": "Return status",
    }


def district_measures(labels: Mapping[str, str]) -> dict[str, str]:
    """What a district can be shaded by: column of ``district_summary`` -> caption, the
    areas named by ``labels`` (:func:`lakehouse.reads.base.area_labels`)."""
    return {
        "received_pct": "Returns received (%)",
        "need_support_pct": "Schools needing support (%)",
        **{f"mean_score_{a}": f"Mean {labels[a].lower()} score" for a in reads.base.AREAS},
        "schools": "Schools",
    }
