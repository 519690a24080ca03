"""OpenAPI examples for the visits, incidents and findings endpoints (from the seed data, trimmed)."""

from drf_spectacular.utils import OpenApiExample

from api.paging import FacetsExample

BASE = "https://iccwatch.example.org/api/v1"
EXPLANATION = (
    "Mongolia had been bound since 1 July 2002 (State Party; ratified 11 April 2002). The warrant against "
    "Vladimir Vladimirovich Putin (situation in Ukraine), issued and public since 17 March 2023, was in force "
    "on 2 September 2024. Vladimir Vladimirovich Putin visited Ulaanbaatar, Mongolia on 2–3 September 2024 "
    "and was not arrested: a failure to arrest and surrender (Arts. 86, 89(1)). ICC Pre-Trial Chamber II "
    "found non-compliance on 24 October 2024 (Art. 87(7)) and referred it to the Assembly of States "
    "Parties. Sources: babel.ua; pravda.com.ua."
)
# The reasons the rule gives Putin's visit to Mongolia (compliance.explanation documents
# every key and parameter; core.reasons renders them), with two of its sources.
_MONGOLIA_STATE = {"iso3": "MNG", "name": "Mongolia"}
REASONS = [
    {
        "key": "bound_state_party",
        "state": _MONGOLIA_STATE,
        "day": "2024-09-02",
        "joined": "ratified",
        "deposited": "2002-04-11",
        "entry_into_force": "2002-07-01",
        "withdrawal_effective": "",
    },
    {
        "key": "warrant",
        "person": "Vladimir Vladimirovich Putin",
        "situation": "Ukraine",
        "issued": "2023-03-17",
        "made_public": "2023-03-17",
        "day": "2024-09-02",
        "start": "",
        "end": "",
        "uniform": True,
        "ended": "",
        "end_reason": "",
        "notified": None,
    },
    {
        "key": "visit",
        "person": "Vladimir Vladimirovich Putin",
        "state": _MONGOLIA_STATE,
        "places": ["Ulaanbaatar"],
        "start": "2024-09-02",
        "end": "2024-09-03",
        "status": "occurred",
        "outcome": "not_arrested",
        "conclusion": "non_compliance",
    },
    {
        "key": "finding",
        "decided": "2024-10-24",
        "kind": "art_87_7",
        "chamber": "PTC II",
        "reference": "Finding under article 87(7) of the Rome Statute on the non-compliance by "
        "Mongolia with the request by the Court to cooperate in the arrest and surrender of "
        "Vladimir Vladimirovich Putin and referral to the Assembly of States Parties",
        "referred_to_asp": True,
        "referred_to_unsc": False,
        "informed_asp": False,
        "informed_unsc": False,
    },
    {
        "key": "sources",
        "sources": [
            {
                "publisher": "babel.ua",
                "date": "",
                "url": "https://babel.ua/en/news/111999-icc-judges-mongolia-violated-the-rome-statute-when-it-did-not-arrest-putin",
            },
            {
                "publisher": "pravda.com.ua",
                "date": "",
                "url": "https://www.pravda.com.ua/eng/news/2024/09/3/7473232/",
            },
        ],
        "more": 0,
    },
]
MONGOLIA = {
    "url": f"{BASE}/visits/vladimir-putin-mng-2024-09-02/",
    "id": "vladimir-putin-mng-2024-09-02",
    "person": {
        "url": f"{BASE}/persons/vladimir-putin/",
        "slug": "vladimir-putin",
        "name": "Vladimir Vladimirovich Putin",
    },
    "situation": {"slug": "ukraine", "name": "Ukraine", "translated_name": "Ukraine"},
    "host": {
        "url": f"{BASE}/states/MNG/",
        "iso3": "MNG",
        "name": "Mongolia",
        "translated_name": "Mongolia",
    },
    "host_control": "effective",
    "controlled_by": None,
    "place": "Ulaanbaatar",
    "start": "2024-09-02",
    "start_precision": "day",
    "end": "2024-09-03",
    "end_precision": "day",
    "end_known": True,
    "occasion": "Official visit (talks with President Khurelsukh; Khalkhin Gol anniversary)",
    "status": "occurred",
    "dates_passed": False,
    "outcome": "not_arrested",
    "host_notified": False,
    "host_justification": None,
    "text_language": "en",
    "review_state": "verified",
    "withdrawal_note": None,
    "withdrawal_sources": [],
    "expected_verdict": "non_compliance",
    "verdict": {
        "code": "non_compliance",
        "label": "non-compliance",
        "basis": "state_party",
        "reasons": REASONS,
        "explanation": EXPLANATION,
        "would_have_been_bound": None,
        "warrants": [
            {
                "url": f"{BASE}/warrants/vladimir-putin-2023-03-17/",
                "ref": "vladimir-putin-2023-03-17",
                "issued": "2023-03-17",
                "made_public": "2023-03-17",
            }
        ],
        "rule_version": "2026.11.2",
        "since": "2026-11-26T21:16:03.122700Z",
        "reevaluation_pending": False,
        "as_of": None,
    },
    "findings": [
        {
            "url": f"{BASE}/findings/4/",
            "dataset_id": "mng-2024-10-24",
            "kind": "art_87_7",
            "decided": "2024-10-24",
            "decided_precision": "day",
            "referred_to_asp": True,
            "referred_to_unsc": False,
            "informed_asp": False,
            "informed_unsc": False,
        }
    ],
    "sources": [
        {
            "url": "https://sputnikglobe.com/20240902/putin-arrives-in-mongolia-on-official-visit-1119988556.html",
            "publisher": "sputnikglobe.com",
            "published": None,
            "excerpt": None,
            "archived_url": None,
        }
    ],
    "page_url": "https://iccwatch.example.org/visits/vladimir-putin-mng-2024-09-02/",
    "created_at": "2026-11-26T21:16:02.831467Z",
    "updated_at": "2026-11-26T21:16:02.831475Z",
}

VISIT = OpenApiExample(
    "Putin in Mongolia, 2024",
    summary="Putin in Mongolia, 2024",
    description="One row of `results`, as `GET /api/v1/visits/?host=MNG` lists it.",
    response_only=True,
    value=MONGOLIA,
)

VISIT_DETAIL = OpenApiExample(
    "A visit with its verdict history",
    summary="A visit with its verdict history",
    description="One record, as `GET /api/v1/visits/vladimir-putin-mng-2024-09-02/` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value={
        **MONGOLIA,
        "history": [
            {
                "changed_at": "2026-11-26T21:16:03.122700Z",
                "caused_at": "2026-11-26T21:16:03.122700Z",
                "old_code": None,
                "new_code": "non_compliance",
                "old_basis": None,
                "new_basis": "state_party",
                "reasons": REASONS,
                "explanation": EXPLANATION,
                "cause": "first evaluation (dataset import)",
                "cause_facts": {"cause": "first_evaluation", "via": "dataset import"},
                "rule_version": "2026.11.2",
            }
        ],
    },
)

_WITHDRAWAL_NOTE = "Reported in error: the newspaper retracted its story the next day."
_WITHDRAWN_REASONS = [
    {
        "key": "withdrawn",
        "why": "removed",
        "note": _WITHDRAWAL_NOTE,
        "person": "Vladimir Vladimirovich Putin",
        "state": _MONGOLIA_STATE,
        "places": ["Ulaanbaatar"],
        "start": "2024-09-02",
        "end": "2024-09-03",
    },
    REASONS[-1],
]
_WITHDRAWN_EXPLANATION = (
    "The reported visit of Vladimir Vladimirovich Putin to Ulaanbaatar, Mongolia on 2–3 "
    f"September 2024 was withdrawn from the record: {_WITHDRAWAL_NOTE} Sources cited for the "
    "visit: babel.ua; pravda.com.ua."
)
WITHDRAWN_VISIT_DETAIL = OpenApiExample(
    "A visit withdrawn from the record, with the sources of its withdrawal",
    summary="A visit withdrawn from the record, with the sources of its withdrawal",
    description=(
        "A visit a verified withdrawal took out of the record: its verdict is `withdrawn`, "
        "`withdrawal_note` says why and `withdrawal_sources` cites what shows it (none when "
        "the withdrawal gave none); `sources` stay the visit's own."
    ),
    response_only=True,
    value={
        **MONGOLIA,
        "review_state": "withdrawn",
        "withdrawal_note": _WITHDRAWAL_NOTE,
        "withdrawal_sources": [
            {
                "url": "https://news.example.org/2024/09/04/correction",
                "publisher": "Example News",
                "published": "2024-09-04",
                "excerpt": "An earlier version of this article wrongly reported the visit.",
                "archived_url": None,
            }
        ],
        "verdict": {
            **MONGOLIA["verdict"],
            "code": "withdrawn",
            "label": "withdrawn",
            "basis": None,
            "reasons": _WITHDRAWN_REASONS,
            "explanation": _WITHDRAWN_EXPLANATION,
            "warrants": [],
            "since": "2026-11-27T10:02:11.418933Z",
        },
        "history": [
            {
                "changed_at": "2026-11-27T10:02:11.418933Z",
                "caused_at": "2026-11-27T10:02:11.401215Z",
                "old_code": "non_compliance",
                "new_code": "withdrawn",
                "old_basis": "state_party",
                "new_basis": None,
                "reasons": _WITHDRAWN_REASONS,
                "explanation": _WITHDRAWN_EXPLANATION,
                "cause": f"withdrawn: {_WITHDRAWAL_NOTE.rstrip('.')}",
                "cause_facts": {
                    "first": False,
                    "causes": [
                        {
                            "key": "changed",
                            "name": "vladimir-putin-mng-2024-09-02",
                            "object": "visit",
                            "changes": [
                                {"field": "review_state", "old": "verified", "new": "withdrawn"},
                                {"field": "withdrawal_note", "old": "", "new": _WITHDRAWAL_NOTE},
                            ],
                        }
                    ],
                    "withdrawn": _WITHDRAWAL_NOTE,
                },
                "rule_version": "2026.11.2",
            }
        ],
    },
)

INCIDENT = OpenApiExample(
    "An incident in the feed",
    summary="An incident in the feed",
    description="One row of `results`, as `GET /api/v1/incidents/?cursor=42` lists it.",
    response_only=True,
    value={"flag_id": 57, "flagged_at": "2026-11-26T21:16:03.122700Z", **MONGOLIA},
)

FINDING = OpenApiExample(
    "The ICC's finding on Mongolia",
    summary="The ICC's finding on Mongolia",
    description="One record, as `GET /api/v1/findings/4/` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value={
        "url": f"{BASE}/findings/4/",
        "id": 4,
        "dataset_id": "mng-2024-10-24",
        "state": {
            "url": f"{BASE}/states/MNG/",
            "iso3": "MNG",
            "name": "Mongolia",
            "translated_name": "Mongolia",
        },
        "kind": "art_87_7",
        "visit": {
            "url": f"{BASE}/visits/vladimir-putin-mng-2024-09-02/",
            "id": "vladimir-putin-mng-2024-09-02",
        },
        "persons": [
            {
                "url": f"{BASE}/persons/vladimir-putin/",
                "slug": "vladimir-putin",
                "name": "Vladimir Vladimirovich Putin",
            }
        ],
        "decided": "2024-10-24",
        "decided_precision": "day",
        "chamber": "Pre-Trial Chamber II",
        "decision_reference": "ICC-01/22-90",
        "referred_to_asp": True,
        "referred_to_unsc": False,
        "referral_stands": True,
        "informed_asp": False,
        "informed_unsc": False,
        "counts_as_finding": True,
        "notes": None,
        "sources": [],
    },
)

FINDING_WITHOUT_VISIT = OpenApiExample(
    "A failure to arrest with no visit, known to the month",
    summary="A failure to arrest with no visit, known to the month",
    description="One row of `results`, as `GET /api/v1/findings/?state=SDN&has_visit=false` lists it.",
    response_only=True,
    value={
        "url": f"{BASE}/findings/1/",
        "id": 1,
        "dataset_id": "sdn-2010-05-25",
        "state": {
            "url": f"{BASE}/states/SDN/",
            "iso3": "SDN",
            "name": "Sudan",
            "translated_name": "Sudan",
        },
        "kind": "art_87_7",
        "visit": None,
        "persons": [
            {
                "url": f"{BASE}/persons/ahmad-harun/",
                "slug": "ahmad-harun",
                "name": "Ahmad Muhammad Harun",
            }
        ],
        "decided": "2010-05-01",
        "decided_precision": "month",
        "chamber": "Pre-Trial Chamber I",
        "decision_reference": "ICC-02/05-01/07-57",
        "referred_to_asp": False,
        "referred_to_unsc": True,
        "referral_stands": True,
        "informed_asp": False,
        "informed_unsc": False,
        "counts_as_finding": True,
        "notes": None,
        "sources": [],
    },
)


# What `/api/v1/visits/` counts of Putin's visits flagged as incidents: `verdict`, its own
# filter set aside, counts all his visits, `person` the incidents of every person.
VISIT_FACETS = FacetsExample(
    filters={"person": "vladimir-putin", "verdict": "non_compliance"},
    counts={
        "person": {
            "omar-al-bashir": 15,
            "vladimir-putin": 2,
            "benjamin-netanyahu": 1,
            "osama-elmasry-njeem": 1,
        },
        "host": {"MNG": 1, "TJK": 1},
        "situation": {"ukraine": 2},
        "verdict": {"no_obligation": 21, "deterred": 5, "non_compliance": 2},
        "basis": {"state_party": 2},
        "status": {"occurred": 2},
        "host_control": {"effective": 2},
        "year": {"2024": 1, "2025": 1},
    },
    note="it lists 2 visits; `verdict` counts all of that person's visits by verdict, "
    "`person` the visits of every person with that verdict, the other facets the 2.",
)
INCIDENT_FACETS = FacetsExample(
    filters={"person": "vladimir-putin"},
    counts={
        "person": {
            "omar-al-bashir": 15,
            "vladimir-putin": 2,
            "benjamin-netanyahu": 1,
            "osama-elmasry-njeem": 1,
        },
        "host": {"MNG": 1, "TJK": 1},
        "situation": {"ukraine": 2},
        "verdict": {"non_compliance": 2},
        "basis": {"state_party": 2},
        "status": {"occurred": 2},
        "host_control": {"effective": 2},
        "year": {"2024": 1, "2025": 1},
    },
    note="it lists 2 incidents; `person` counts the incidents of every person.",
)
