"""Made-up contacts for the sample county, so the chase list reaches a person out of the box.

Two parts, as a council has them: the register's own contact and address columns
(GIAS publishes a head's name, the school's telephone, website and postal address,
never an e-mail), and the council's contact list (``contacts.csv``, loaded with
``python -m ingest contacts``) with e-mail addresses for most, not all, open schools.
Every address is fake: e-mail under ``example.sch.uk`` (``example`` names are reserved
for examples) and telephone numbers in Ofcom's drama range 01632 960000-960999. Each
school's details come from its own ``random.Random`` seeded by its URN, so they do not
disturb the county generator's random stream.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from ingest.register import GIAS_COLUMNS
from samplecounty import kent

# the register columns these add, in GIAS's own headers (the one list in ingest.register)
REGISTER_FIELDS = (
    "head_title",
    "head_first_name",
    "head_last_name",
    "telephone",
    "website",
    "street",
    "locality",
    "town",
    "county",
)
REGISTER_HEADERS = tuple(GIAS_COLUMNS[f] for f in REGISTER_FIELDS)
CONTACT_HEADERS = ("URN", "Role", "Name", "E-mail", "Telephone")
# share of open schools with any contact on the council's list
LISTED_SHARE = 0.9

_TITLES = ("Mrs", "Mr", "Ms", "Miss", "Dr")
_FIRST = (
    "Amelia", "Ben", "Chloe", "Daniel", "Emma", "Fatima", "George", "Hannah", "Imran", "Jade",
    "Kofi", "Laura", "Mohammed", "Nadia", "Oliver", "Priya", "Rachel", "Sam", "Tom", "Zara",
)  # fmt: skip
_LAST = (
    "Adeyemi", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Mensah", "Novak", "Okafor", "Patel", "Roberts", "Smith",
    "Taylor", "Walker", "Wright",
)  # fmt: skip
_STREETS = (
    "Church Road", "School Lane", "Station Road", "High Street", "Mill Lane", "London Road",
    "The Street", "Manor Road", "Park Avenue", "Green Lane",
)  # fmt: skip


def _rng(urn: int) -> random.Random:
    return random.Random(f"sample-contacts-{urn}")


def _phone(rng: random.Random) -> str:
    return f"01632 {rng.randint(960000, 960999)}"


def _domain(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "", name.lower().replace("st ", "saint"))[:24]
    return f"{slug or 'school'}.example.sch.uk"


def register_cells(school: dict) -> list[str]:
    """The values of ``REGISTER_HEADERS`` for one school of the generator."""
    rng = _rng(school["urn"])
    towns = kent.DISTRICTS[school["district"]][5]
    return [
        rng.choice(_TITLES),
        rng.choice(_FIRST),
        rng.choice(_LAST),
        _phone(rng),
        f"www.{_domain(school['name']).replace('.example.sch.uk', '')}.example.sch.uk",
        f"{rng.randint(1, 120)} {rng.choice(_STREETS)}",
        "",
        rng.choice(towns),
        "Kent",
    ]


def contact_rows(school: dict, head: tuple[str, str, str]) -> list[list[object]]:
    """The council list's rows for one school: none for about one in ten."""
    rng = random.Random(f"sample-council-list-{school['urn']}")
    if school["status"] == "Closed" or rng.random() > LISTED_SHARE:
        return []
    domain = _domain(school["name"])
    title, first, last = head
    rows: list[list[object]] = [
        [school["urn"], "Head teacher", f"{title} {first} {last}", f"head@{domain}", _phone(rng)]
    ]
    if rng.random() < 0.7:
        first2, last2 = rng.choice(_FIRST), rng.choice(_LAST)
        rows.append(
            [
                school["urn"],
                "E-safety lead",
                f"{first2} {last2}",
                f"{first2[0].lower()}.{last2.lower()}@{domain}",
                _phone(rng),
            ]
        )
    if rng.random() < 0.5:
        rows.append(
            [school["urn"], "DSL", f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
             f"safeguarding@{domain}", ""]
        )  # fmt: skip
    return rows


def write_contacts(path: Path, schools: list[dict]) -> int:
    """Write the council's contact list for ``schools``; returns the schools listed."""
    listed = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CONTACT_HEADERS)
        for school in schools:
            head = tuple(register_cells(school)[:3])
            rows = contact_rows(school, head)  # type: ignore[arg-type]
            listed += bool(rows)
            writer.writerows(rows)
    return listed
