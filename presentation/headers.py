"""Display headers of the lakehouse's frames, and the order pages and exports show them in.

The lakehouse returns snake_case columns carrying gold's labels (``priority_label``,
``grade_overall_label``); a person reads the headers below. Each map runs in the order
the table shows its columns; ``table`` picks and renames them, ``renamed`` renames and
keeps every other column (codes a page still needs: ``priority``, ``needs_support``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lakehouse.filters import Filters


def renamed(df: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    """``df`` with its mapped columns under their display headers, the rest as they are."""
    return df.rename(columns=dict(headers))


def table(df: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    """Only the mapped columns, in the map's order, under their display headers."""
    return df[list(headers)].rename(columns=dict(headers))


def filter_summary(
    f: Filters, filtering_labels: Mapping[str, str], any_filtering: str
) -> dict[str, str]:
    """The filters in plain English, for export sheets, captions and pack footers.

    ``filtering_labels`` names the approaches and ``any_filtering`` says no approach was
    chosen, as the database read was built (``lakehouse.reads.base.filtering_labels`` and
    ``blank_labels``), so the filters read in the words of the figures beside them.
    """
    return {
        "Round": f.round or "Current round",
        "Districts": ", ".join(f.districts) or "All districts",
        "Settings": ", ".join(f.settings) or "All settings",
        "Filtering approach": filtering_labels.get(f.filtering or "", any_filtering),
    }


# the support worklist (lakehouse.reads.triage.worklist, with_casework, with_top_concerns)
WORKLIST_HEADERS = {
    "urn": "URN",
    "school": "School",
    "priority_label": "Priority",
    "support_score": "Support score",
    "support_rank": "Rank",
    "within_capacity": "Within capacity",
    "in_caseload": "In caseload",
    "casework": "Casework",
    "concerns": "Concerns",
    "themes": "Themes",
    "suggested_actions": "Suggested actions",
    "grade_overall_label": "Overall grade",
    "score_overall": "Overall score",
    "setting": "Setting",
    "district": "District",
    "completed_on": "Return date",
    "caseload_reason": "Caseload reason",
    "supported_on": "Supported on",
    "next_action_due": "Next action due",
    "overdue_actions": "Overdue actions",
    "top_concern": "Top concern",
    "top_action": "Top action",
}
# the worklist's columns on screen and in the export's full detail, in order
WORKLIST_COLUMNS = [
    "URN",
    "School",
    "Priority",
    "Support score",
    "Rank",
    "Within capacity",
    "In caseload",
    "Casework",
    "Concerns",
    "Themes",
    "Suggested actions",
    "Overall grade",
    "Overall score",
    "Setting",
    "District",
    "Return date",
]

# every support record and agreed action (lakehouse.reads.casework.casework_export)
CASEWORK_EXPORT_HEADERS = {
    "urn": "URN",
    "school": "School",
    "district": "District",
    "setting": "Setting",
    "round": "Round",
    "supported_on": "Supported on",
    "type_label": "Type",
    "officer": "Officer",
    "notes": "Notes",
    "next_review": "Next review",
    "action": "Action",
    "owner": "Owner",
    "due_on": "Due",
    "action_status_label": "Action status",
}

# the chase list (lakehouse.reads.returns.chase_list with_reminders): status and reminders before
# the contact columns: wide contact cells would push them off the screen, and the officer
# reads where a school stands first
CHASE_HEADERS = {
    "urn": "URN",
    "school": "School",
    "status_label": "Status",
    "days_to_deadline": "Days to deadline",
    "last_reminded": "Last reminded",
    "reminded_how_label": "Reminded how",
    "reminders": "Reminders",
    "contact": "Contact",
    "email": "E-mail",
    "telephone": "Telephone",
    "head": "Head",
    "trust": "Trust",
    "setting": "Setting",
    "district": "District",
    "deadline": "Deadline",
    "previous_status_label": "Previous round",
    "website": "Website",
    "postcode": "Postcode",
}

# the council's contact list as loaded (lakehouse.reads.returns.contact_list)
CONTACT_HEADERS = {
    "urn": "URN",
    "school": "School",
    "district": "District",
    "role_label": "Role",
    "name": "Name",
    "email": "E-mail",
    "telephone": "Telephone",
    "is_chase_contact": "Chased",
    "source_row": "Row",
}
CONTACT_PROBLEM_HEADERS = {"location": "Where", "message": "Problem"}

# county themes (lakehouse.reads.triage.county_themes)
THEME_HEADERS = {
    "flag_label": "Theme",
    "schools": "Schools",
    "returning": "Returning schools",
    "share_pct": "Share (%)",
    "trend": "Trend",
    "county_action": "County-wide action",
}

# return rates per round (lakehouse.reads.returns.return_rates)
RETURN_RATE_HEADERS = {
    "round": "Round",
    "deadline": "Deadline",
    "expected": "Expected",
    "on_time": "On time",
    "late": "Late",
    "awaiting": "Awaiting",
    "missing": "Missing",
    "on_time_pct": "On time (%)",
    "received_pct": "Received in all (%)",
}

# the impact of support (lakehouse.reads.triage.impact)
IMPACT_HEADERS = {
    "round": "Round",
    "next_round": "Next round",
    "group_label": "Group",
    "schools": "Schools",
    "improved": "Improved",
    "same": "Same",
    "declined": "Declined",
    "improved_pct": "Improved (%)",
}

# returns that left out a whole section (lakehouse.reads.returns.incomplete_returns)
INCOMPLETE_HEADERS = {
    "urn": "URN",
    "school": "School",
    "district": "District",
    "setting": "Setting",
    "completed_on": "Completed on",
    "sections_missing": "Sections missing",
}


# the profile's reads (lakehouse.reads.schools.school_policies, school_training,
# school_incidents); the governor report reads the same frames under their gold names
POLICY_HEADERS = {
    "policy_label": "Policy",
    "last_reviewed": "Last reviewed",
    "days_since_review": "Days since review",
    "round": "Round",
}
TRAINING_HEADERS = {
    "staff_group_label": "Staff group",
    "headcount": "Headcount",
    "trained": "Trained",
    "coverage_pct": "Coverage (%)",
    "is_valid": "Valid",
    "round": "Round",
}
INCIDENT_HEADERS = {"round": "Round", "category_label": "Category", "count": "Incidents"}
# the returns page's file tables
REJECTED_HEADERS = {
    "file_name": "File",
    "school": "School",
    "urn": "URN",
    "reason": "Reason",
    "kind": "Kind",
    "ingested_at": "Received",
    "batch_id": "Batch",
}
WARNING_HEADERS = {
    "urn": "URN",
    "school": "School",
    "round": "Round",
    "file_name": "File",
    "warnings": "Warnings",
    "errors": "Errors",
}
MESSAGE_HEADERS = {
    "urn": "URN",
    "school": "School",
    "file_name": "File",
    "severity": "Severity",
    "location": "Cell",
    "message": "Message",
}
