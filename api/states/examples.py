"""OpenAPI examples for the states and statements endpoints (from the seed data, sources trimmed)."""

from drf_spectacular.utils import OpenApiExample

from api.paging import FacetsExample

BASE = "https://iccwatch.example.org/api/v1"

# Hungary's row of states.csv cites it; the importer gives each of its treaty dates the same.
HUNGARY_SOURCE = {
    "url": "https://github.com/theNewDynamic/aba-icc/blob/gh-pages/_countries/hungary.md",
    "publisher": "github.com",
    "published": None,
    "excerpt": None,
    "archived_url": None,
}

STATE = OpenApiExample(
    "Hungary on the day its withdrawal took effect",
    summary="Hungary on the day its withdrawal took effect",
    description="One record, as `GET /api/v1/states/HUN/?as_of=2026-06-02` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value={
        "url": f"{BASE}/states/HUN/",
        "iso3": "HUN",
        "name": "Hungary",
        "translated_name": "Hungary",
        "territory_of": None,
        "signed": "1999-01-14",
        "deposited": "2001-11-29",
        "entry_into_force": "2002-07-01",
        "withdrawal_notified": "2025-06-02",
        "withdrawal_revoked": None,
        "withdrawal_effective": "2026-06-02",
        "treaty_status": {
            "on": "2026-06-02",
            "status": "withdrawn",
            "party": False,
            "entry_into_force": "2002-07-01",
            "withdrawal_effective": "2026-06-02",
            "obligations": [
                {
                    "basis": "art_127_2_residual",
                    "scope": "warrants issued before 2 June 2026 (iccwatch's reading of Art. 127(2))",
                    "since": "2026-06-02",
                    "situation": None,
                    "warrants_issued_before": "2026-06-02",
                    "covers_from": None,
                    "covers_to": None,
                }
            ],
            "explanation": (
                "On 2 June 2026 Hungary was no longer a State Party: its withdrawal took effect on 2 June 2026 "
                "(Art. 127(1)). iccwatch counts it as bound to arrest and surrender only on warrants issued "
                "before 2 June 2026 (its reading of Art. 127(2), which also keeps cooperation in proceedings "
                "begun before then)."
            ),
        },
        "timeline": [
            {
                "kind": kind,
                "date": date,
                "precision": "day",
                "note": None,
                "sources": [HUNGARY_SOURCE],
            }
            for kind, date in (
                ("signed", "1999-01-14"),
                ("deposited", "2001-11-29"),
                ("entry_into_force", "2002-07-01"),
                ("withdrawal_notified", "2025-06-02"),
                ("withdrawal_effective", "2026-06-02"),
            )
        ],
        "declarations": [],
        "council_referrals": [],
        "findings": [],
        "statements": [],
        # Hungary, a party that day, is not among the 65 of 93 recorded: not known.
        "statements_not_known": [
            {
                "url": f"{BASE}/statements/3/",
                "id": 3,
                "dataset_id": "2024-06-14",
                "date": "2024-06-14",
                "title": "Joint statement in support of the ICC by 93 States Parties "
                '("without intimidation")',
                "signature": "not_known",
                "signatory_count": 93,
                "listed_count": 65,
                "complete": False,
            }
        ],
        "visits_url": f"{BASE}/visits/?host=HUN",
        "page_url": "https://iccwatch.example.org/states/HUN/",
        "notes": "Announced its withdrawal in April 2025 and notified it on 2025-06-02.",
        "sources": [HUNGARY_SOURCE],
        "updated_at": "2026-11-26T21:16:01.741192Z",
    },
)

STATEMENT = OpenApiExample(
    "A joint statement of support",
    summary="A joint statement of support",
    description="One record, as `GET /api/v1/statements/1/` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value={
        "url": f"{BASE}/statements/1/",
        "id": 1,
        "dataset_id": "2020-06-23",
        "date": "2020-06-23",
        "title": "Joint statement in support of the ICC by 67 States Parties (after US executive order authorising sanctions, June 2020)",
        "signatory_count": 67,
        "listed_count": 1,
        "complete": False,
        "signatories": [
            {
                "url": f"{BASE}/states/NLD/",
                "iso3": "NLD",
                "name": "Netherlands",
                "translated_name": "Netherlands",
            }
        ],
        "sources": [
            {
                "url": "https://jurist.org/news/2020/06/icc-member-countries-issue-joint-response-to-us-sanctions",
                "publisher": "jurist.org",
                "published": None,
                "excerpt": None,
                "archived_url": None,
            }
        ],
    },
)

REFERRAL = OpenApiExample(
    "The Darfur referral, which binds Sudan",
    summary="The Darfur referral, which binds Sudan",
    description="One row of `results`, as `GET /api/v1/referrals/?state=SDN` lists it.",
    response_only=True,
    value={
        "url": f"{BASE}/referrals/1/",
        "id": 1,
        "resolution": "S/RES/1593 (2005)",
        "adopted": "2005-03-31",
        "situation": "darfur-sudan",
        "situation_name": "Darfur, Sudan",
        "bound_states": [
            {
                "url": f"{BASE}/states/SDN/",
                "iso3": "SDN",
                "name": "Sudan",
                "translated_name": "Sudan",
            }
        ],
        "notes": None,
        "sources": [
            {
                "url": "https://docs.un.org/en/S/RES/1593(2005)",
                "publisher": "United Nations",
                "published": None,
                "excerpt": "Decides that the Government of Sudan ... shall cooperate fully with ... the Court",
                "archived_url": None,
            }
        ],
    },
)


STATE_FACETS = FacetsExample(
    filters={"status": "withdrawn", "as_of": "2026-06-02"},
    counts={
        "status": {"party": 124, "non_party": 71, "territory": 49, "withdrawn": 3, "not_a_state": 2}
    },
    note="it lists the 3 states withdrawn on the day Hungary's withdrawal took effect; "
    "`status` counts every state by its standing that day.",
)
