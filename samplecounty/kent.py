"""Data for the synthetic sample county: Kent's twelve districts, roughly.

Real district names and GSS codes; everything else (the outline, the centres,
the towns per district) is approximate and only has to look plausible on a
map. Nothing here comes from a real boundary file.
"""

from __future__ import annotations

# A hand-drawn outline of Kent (lon, lat), clockwise, not closed. Medway is not
# cut out: it falls to its neighbours, which is fine for a synthetic county.
OUTLINE: tuple[tuple[float, float], ...] = (
    (0.09, 51.45),
    (0.21, 51.47),
    (0.33, 51.46),
    (0.45, 51.47),
    (0.60, 51.45),
    (0.75, 51.44),
    (0.90, 51.42),
    (1.02, 51.37),
    (1.22, 51.38),
    (1.38, 51.39),
    (1.44, 51.37),
    (1.43, 51.32),
    (1.38, 51.24),
    (1.40, 51.16),
    (1.30, 51.12),
    (1.18, 51.07),
    (1.05, 51.06),
    (0.98, 50.98),
    (0.97, 50.91),
    (0.85, 50.94),
    (0.70, 51.03),
    (0.55, 51.06),
    (0.40, 51.09),
    (0.27, 51.11),
    (0.05, 51.14),
    (0.03, 51.30),
)

# code, name, approximate centre (lon, lat), share of the county's schools,
# postcode districts, towns and villages used for school names
District = tuple[str, str, tuple[float, float], float, tuple[str, ...], tuple[str, ...]]
DISTRICTS: tuple[District, ...] = (
    ("E07000105", "Ashford", (0.85, 51.14), 0.090, ("TN23", "TN24", "TN25", "TN26", "TN27"),
     ("Ashford", "Kennington", "Willesborough", "Tenterden", "Charing", "Wye", "Hamstreet",
      "Bethersden", "Smarden", "Great Chart", "Aldington", "Woodchurch")),
    ("E07000106", "Canterbury", (1.10, 51.30), 0.090, ("CT1", "CT2", "CT3", "CT4", "CT5", "CT6"),
     ("Canterbury", "Whitstable", "Herne Bay", "Sturry", "Bridge", "Chartham", "Blean",
      "Littlebourne", "Hersden", "Swalecliffe")),
    ("E07000107", "Dartford", (0.24, 51.42), 0.065, ("DA1", "DA2", "DA4", "DA10"),
     ("Dartford", "Swanscombe", "Greenhithe", "Stone", "Wilmington", "Sutton-at-Hone",
      "Joyden's Wood", "Darenth")),
    ("E07000108", "Dover", (1.27, 51.20), 0.080, ("CT13", "CT14", "CT15", "CT16", "CT17"),
     ("Dover", "Deal", "Sandwich", "Aylesham", "Walmer", "Eastry", "River", "Whitfield",
      "St Margaret's", "Shepherdswell")),
    ("E07000109", "Gravesham", (0.37, 51.41), 0.065, ("DA11", "DA12", "DA13"),
     ("Gravesend", "Northfleet", "Meopham", "Istead Rise", "Higham", "Cobham", "Istead")),
    ("E07000110", "Maidstone", (0.58, 51.24), 0.110, ("ME14", "ME15", "ME16", "ME17", "ME18"),
     ("Maidstone", "Bearsted", "Headcorn", "Marden", "Staplehurst", "Lenham", "Coxheath",
      "Harrietsham", "Loose", "Boughton Monchelsea", "Sutton Valence", "Yalding")),
    ("E07000111", "Sevenoaks", (0.17, 51.27), 0.080, ("TN13", "TN14", "TN15", "TN8", "BR8"),
     ("Sevenoaks", "Swanley", "Edenbridge", "Westerham", "Otford", "Kemsing", "Hextable",
      "Eynsford", "Dunton Green", "Seal", "Riverhead")),
    ("E07000112", "Folkestone and Hythe", (1.02, 51.05), 0.070,
     ("CT18", "CT19", "CT20", "CT21", "TN28", "TN29"),
     ("Folkestone", "Hythe", "New Romney", "Lydd", "Sandgate", "Cheriton", "Hawkinge",
      "Dymchurch", "Lyminge", "Sellindge")),
    ("E07000113", "Swale", (0.80, 51.35), 0.095, ("ME9", "ME10", "ME11", "ME12", "ME13"),
     ("Sittingbourne", "Faversham", "Sheerness", "Minster", "Queenborough", "Teynham",
      "Iwade", "Eastchurch", "Milton Regis", "Boughton-under-Blean")),
    ("E07000114", "Thanet", (1.36, 51.36), 0.085, ("CT7", "CT8", "CT9", "CT10", "CT11", "CT12"),
     ("Margate", "Ramsgate", "Broadstairs", "Birchington", "Westgate-on-Sea", "Minster-in-Thanet",
      "Cliftonville", "Westwood")),
    ("E07000115", "Tonbridge and Malling", (0.38, 51.27), 0.090,
     ("ME19", "ME20", "TN9", "TN10", "TN11", "TN15"),
     ("Tonbridge", "West Malling", "Snodland", "Aylesford", "Kings Hill", "Larkfield",
      "Borough Green", "Hadlow", "East Peckham", "Ditton", "Wouldham")),
    ("E07000116", "Tunbridge Wells", (0.35, 51.13), 0.080,
     ("TN1", "TN2", "TN3", "TN4", "TN12", "TN17", "TN18"),
     ("Tunbridge Wells", "Southborough", "Paddock Wood", "Cranbrook", "Hawkhurst",
      "Rusthall", "Pembury", "Goudhurst", "Horsmonden", "Lamberhurst", "Benenden")),
)

SAINTS = (
    "St Mary's", "St John's", "St Peter's", "St Michael's", "St Nicholas'", "St George's",
    "St Margaret's", "Holy Trinity", "Christ Church", "St Augustine's", "St Thomas'",
    "St Andrew's", "All Saints", "St Joseph's", "St Edmund's", "St Stephen's",
)
TREES = ("Oak", "Willow", "Beech", "Hazel", "Cedar", "Rowan", "Ash", "Elm", "Orchard", "Meadow")
