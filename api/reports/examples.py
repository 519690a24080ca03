"""OpenAPI examples for /api/v1/reports/ (trimmed).

The new visit they file, Putin in Tajikistan on 14-15 April 2026, is an illustration, not a
recorded trip: it is no possible duplicate of a visit of the dataset (visits.review's
possible_duplicates: same person and host, days that may overlap), so that "Try it out"
files it as it is (tests/api/test_report_examples.py files every filing example on the
shipped data). Its `preview` is the rule's answer to it."""

from drf_spectacular.utils import OpenApiExample

from api.visits.examples import BASE

SOURCES = [
    {
        "url": "https://news.example.org/putin-dushanbe-2026",
        "publisher": "Example News",
        "published": "2026-04-14",
        "excerpt": "Putin arrived in Dushanbe for talks with President Rahmon.",
        "archived_url": "https://web.archive.org/web/2026/https://news.example.org/putin-dushanbe-2026",
    },
    {
        "url": "https://wire.example.org/putin-tajikistan",
        "publisher": "Example Wire",
        "published": None,
        "excerpt": None,
        "archived_url": None,
    },
]
TAJIKISTAN = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2026-04-14",
    "end": "2026-04-15",
    "place": "Dushanbe",
    "occasion": "Official visit",
    "status": "occurred",
    "outcome": "not_arrested",
    "host_notified": False,
    "host_justification": None,
    "host_control": "effective",
    "controlled_by": None,
    "notes": None,
    "text_language": "en",
}
REPORT = {
    "url": f"{BASE}/reports/12/",
    "id": 12,
    "state": "submitted",
    "is_correction": False,
    "withdrawal_note": "",
    "withdrawal_sources": [],
    "restoration_note": "",
    "visit": None,
    **TAJIKISTAN,
    "sources": SOURCES,
    "author": "rita",
    "reviewer": None,
    "created_at": "2026-04-15T08:15:00Z",
    "submitted_at": "2026-04-15T08:15:00Z",
    "reviewed_at": None,
    "comment": "",
    "reply": "",
    "reason": "",
    "changes": [],
    "version": "1776240900412306",
}
_TAJIKISTAN_STATE = {"iso3": "TJK", "name": "Tajikistan"}
PREVIEW = {
    "code": "non_compliance",
    "basis": "state_party",
    "reasons": [
        {
            "key": "bound_state_party",
            "state": _TAJIKISTAN_STATE,
            "entry_into_force": "2002-07-01",
            "deposited": "2000-05-05",
            "joined": "ratified",
            "withdrawal_effective": "",
            "day": "2026-04-14",
        },
        {
            "key": "warrant",
            "person": "Vladimir Vladimirovich Putin",
            "situation": "Ukraine",
            "issued": "2023-03-17",
            "made_public": "2023-03-17",
            "day": "2026-04-14",
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
            "state": _TAJIKISTAN_STATE,
            "places": ["Dushanbe"],
            "start": "2026-04-14",
            "end": "2026-04-15",
            "status": "occurred",
            "outcome": "not_arrested",
            "conclusion": "non_compliance",
        },
        {"key": "no_court_finding", "other_decision": False},
    ],
    "explanation": (
        "Tajikistan had been bound since 1 July 2002 (State Party; ratified 5 May 2000). The "
        "warrant against Vladimir Vladimirovich Putin (situation in Ukraine), issued and public "
        "since 17 March 2023, was in force on 14 April 2026. Vladimir Vladimirovich Putin "
        "visited Dushanbe, Tajikistan on 14–15 April 2026 and was not arrested: a failure to "
        "arrest and surrender (Arts. 86, 89(1)). This verdict is iccwatch's reading of the "
        "facts: no ICC finding of non-compliance (Art. 87(7)) on this visit is recorded."
    ),
}
DETAIL = {**REPORT, "preview": PREVIEW, "possible_duplicates": []}
MONGOLIA = {
    "url": f"{BASE}/visits/vladimir-putin-mng-2024-09-02/",
    "id": "vladimir-putin-mng-2024-09-02",
}

NEW_VISIT = OpenApiExample(
    "A new visit",
    summary="Putin in Tajikistan (an illustration, not a recorded trip), with two sources",
    request_only=True,
    value={
        **{k: v for k, v in TAJIKISTAN.items() if v not in (None, "", False)},
        "sources": SOURCES,
    },
)
CORRECTION = OpenApiExample(
    "A correction",
    summary="The end date of a published visit (the other fields keep their values)",
    request_only=True,
    value={"visit": MONGOLIA["id"], "end": "2024-09-04"},
)
# The withdrawal of Putin's visit to Mongolia, with the source that shows why.
WITHDRAWAL_NOTE = "Reported in error: the newspaper retracted its story the next day."
WITHDRAWAL_SOURCES = [
    {
        "url": "https://news.example.org/2024/09/04/correction",
        "publisher": "Example News",
        "published": "2024-09-04",
        "excerpt": "An earlier version of this article wrongly reported the visit.",
        "archived_url": None,
    }
]
WITHDRAWAL = OpenApiExample(
    "A withdrawal",
    summary="Withdraw a published visit, with the source that shows why",
    request_only=True,
    value={
        "visit": MONGOLIA["id"],
        "withdrawal_note": WITHDRAWAL_NOTE,
        "withdrawal_sources": [
            {k: v for k, v in s.items() if v not in (None, "")} for s in WITHDRAWAL_SOURCES
        ],
    },
)
WITHDRAWAL_FILED = OpenApiExample(
    "201 Created",
    summary="Filed and awaiting review (the visit stays published until then)",
    response_only=True,
    status_codes=["201"],
    value={
        **REPORT,
        "url": f"{BASE}/reports/13/",
        "id": 13,
        "is_correction": True,
        "withdrawal_note": WITHDRAWAL_NOTE,
        "withdrawal_sources": WITHDRAWAL_SOURCES,
        "visit": MONGOLIA,
        "person": "vladimir-putin",
        "host": "MNG",
        "start": "2024-09-02",
        "end": "2024-09-03",
        "place": "Ulaanbaatar",
        "occasion": "Official visit (talks with President Khurelsukh; Khalkhin Gol anniversary)",
        "sources": [
            {
                "url": "https://babel.ua/en/news/110433",
                "publisher": "babel.ua",
                "published": "2024-09-03",
                "excerpt": None,
                "archived_url": None,
            }
        ],
        "created_at": "2026-11-27T09:30:00Z",
        "submitted_at": "2026-11-27T09:30:00Z",
        "version": "1764235800000000",
        "preview": None,
        "possible_duplicates": [],
    },
)
# The restoration of Putin's visit to Mongolia, withdrawn by mistake.
RESTORATION_NOTE = "Withdrawn by mistake: the Kremlin's readout and three agencies report the trip."
RESTORATION = OpenApiExample(
    "A restoration",
    summary="Restore a visit withdrawn by mistake to the record, under its own id",
    request_only=True,
    value={"visit": MONGOLIA["id"], "restoration_note": RESTORATION_NOTE},
)
RESTORATION_FILED = OpenApiExample(
    "201 Created",
    summary="Filed and awaiting review (the visit stays withdrawn until then)",
    response_only=True,
    status_codes=["201"],
    value={
        **WITHDRAWAL_FILED.value,
        "url": f"{BASE}/reports/14/",
        "id": 14,
        "withdrawal_note": "",
        "withdrawal_sources": [],
        "restoration_note": RESTORATION_NOTE,
        "created_at": "2026-12-01T10:00:00Z",
        "submitted_at": "2026-12-01T10:00:00Z",
        "version": "1764583200000000",
    },
)
REPORT_FILED = OpenApiExample(
    "201 Created",
    summary="Filed and awaiting review (not public)",
    response_only=True,
    status_codes=["201"],
    value=DETAIL,
)
DUPLICATE = OpenApiExample(
    "409 Conflict",
    summary="Already filed (same Idempotency-Key, or an identical open report)",
    response_only=True,
    status_codes=["409"],
    value={
        "error": {
            "code": "duplicate_report",
            "message": f"You already filed report 12 with this Idempotency-Key: {BASE}/reports/12/ "
            "(nothing more was filed).",
            "fields": {},
        },
        "existing": f"{BASE}/reports/12/",
    },
)
DUPLICATE_BY_ANOTHER = OpenApiExample(
    "409 Conflict, another person's report",
    summary="Identical to another person's open report, which you may not read: not named",
    response_only=True,
    status_codes=["409"],
    value={
        "error": {
            "code": "duplicate_report",
            "message": "An identical report by another person is already open. Nothing more "
            "was filed.",
            "fields": {},
        },
    },
)
STALE_CORRECTION = OpenApiExample(
    "409 Conflict, the visit changed",
    summary="A correction based on an older version of its visit (`based_on`): read it again",
    response_only=True,
    status_codes=["409"],
    value={
        "error": {
            "code": "conflict",
            "message": "The visit changed at 2026-11-27T10:02:11.418933+00:00, after the "
            "version you read (2026-11-20T08:15:00+00:00): read it again and base the "
            "correction on what it says now.",
            "fields": {},
        },
    },
)
REPORT_LISTED = OpenApiExample(
    "One of my reports",
    summary="One of my reports",
    description="One row of `results`, as `GET /api/v1/reports/` lists it.",
    response_only=True,
    value=REPORT,
)
REPORT_QUEUED = OpenApiExample(
    "A report awaiting review",
    summary="A report awaiting review",
    description="One row of `results`, as `GET /api/v1/reports/queue/` lists it.",
    response_only=True,
    value=REPORT,
)
REPORT_DETAIL = OpenApiExample(
    "A report with the rule's preview",
    summary="A report with the rule's preview",
    description="One record, as `GET /api/v1/reports/12/` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value=DETAIL,
)
VERIFIED = OpenApiExample(
    "Verified",
    summary="Published: `visit` is the new visit",
    response_only=True,
    status_codes=["200"],
    value={
        **DETAIL,
        "state": "verified",
        "visit": {
            "url": f"{BASE}/visits/vladimir-putin-tjk-2026-04-14/",
            "id": "vladimir-putin-tjk-2026-04-14",
        },
        "reviewer": "victor",
        "reviewed_at": "2026-04-15T09:40:00Z",
        "possible_duplicates": [],
    },
)
FOUR_EYES = OpenApiExample(
    "403 Forbidden",
    summary="The author may not review their own report",
    response_only=True,
    status_codes=["403"],
    value={
        "error": {
            "code": "four_eyes",
            "message": "Nobody may review their own report: another reviewer must do it.",
            "fields": {},
        }
    },
)
VERIFY_BODY = OpenApiExample(
    "Verify",
    summary="The version read, and the possible duplicates compared (none for this report)",
    description="`different_from` lists the ids of the report's `possible_duplicates` the "
    'reviewer compared it with, e.g. `["vladimir-putin-tjk-2025-10-08"]` for a report '
    "of a trip that may be that visit.",
    request_only=True,
    value={"seen": "1776240900412306", "different_from": []},
)
CHANGES_REQUESTED_BODY = OpenApiExample(
    "Request changes",
    request_only=True,
    value={"comment": "The second source is about 2025: please cite one about this trip."},
)
CHANGES_REQUESTED = OpenApiExample(
    "Sent back",
    summary="Back to its author with the comment",
    response_only=True,
    status_codes=["200"],
    value={
        **DETAIL,
        "state": "changes_requested",
        "reviewer": "victor",
        "reviewed_at": "2026-04-15T09:40:00Z",
        "comment": "The second source is about 2025: please cite one about this trip.",
    },
)
REJECTION_BODY = OpenApiExample(
    "Reject",
    request_only=True,
    value={"reason": "The sources contradict each other on whether he went."},
)
REJECTED = OpenApiExample(
    "Rejected",
    summary="Kept, never public",
    response_only=True,
    status_codes=["200"],
    value={
        **DETAIL,
        "state": "rejected",
        "reviewer": "victor",
        "reviewed_at": "2026-04-15T09:40:00Z",
        "comment": "The sources contradict each other on whether he went.",
    },
)
# The author's answer to CHANGES_REQUESTED: the second source replaced, and why.
RESUBMISSION_BODY = OpenApiExample(
    "Answer and submit again",
    summary="The sources replaced, with the answer to the reviewer (other fields kept)",
    request_only=True,
    value={
        "reply": "Replaced the 2025 article with the government's own page.",
        "sources": [
            SOURCES[0],
            {
                "url": "https://government.example.org/putin-visit-2026",
                "publisher": "Government of Tajikistan",
            },
        ],
        "seen": "1776246000731452",
    },
)
RESUBMITTED = OpenApiExample(
    "Submitted again",
    summary="Back in the review queue, with the answer",
    response_only=True,
    status_codes=["200"],
    value={
        **DETAIL,
        "state": "submitted",
        "sources": [
            SOURCES[0],
            {
                "url": "https://government.example.org/putin-visit-2026",
                "publisher": "Government of Tajikistan",
                "published": None,
                "excerpt": None,
                "archived_url": None,
            },
        ],
        "reviewer": "victor",
        "submitted_at": "2026-04-15T10:05:00Z",
        "reviewed_at": "2026-04-15T09:40:00Z",
        "comment": "The second source is about 2025: please cite one about this trip.",
        "reply": "Replaced the 2025 article with the government's own page.",
        "version": "1776247500125093",
    },
)
NO_ANSWER = OpenApiExample(
    "400 Bad Request, no answer",
    summary="Submitted again without an answer to the reviewer: nothing changes",
    response_only=True,
    status_codes=["400"],
    value={
        "error": {
            "code": "invalid",
            "message": "Some values are invalid: reply: Answer the reviewer before submitting "
            "it again: say what you changed, or why you changed nothing.",
            "fields": {
                "reply": [
                    "Answer the reviewer before submitting it again: say what you changed, "
                    "or why you changed nothing."
                ]
            },
        }
    },
)
NOT_SENT_BACK = OpenApiExample(
    "409 Conflict, not sent back",
    summary="Awaiting review already (or verified, rejected): nothing changes",
    response_only=True,
    status_codes=["409"],
    value={
        "error": {
            "code": "conflict",
            "message": "Only a report sent back for changes can be answered and submitted "
            "again; this one's state is “awaiting review”.",
            "fields": {},
        }
    },
)
NOT_THE_AUTHOR = OpenApiExample(
    "403 Forbidden, not the author",
    summary="Only its author answers a report sent back",
    response_only=True,
    status_codes=["403"],
    value={
        "error": {
            "code": "permission_denied",
            "message": "Only the author may edit a report.",
            "fields": {},
        }
    },
)
# A trip announced, not yet taken: no outcome (it is `n/a`).
ANNOUNCED = OpenApiExample(
    "An announced trip",
    summary="A trip announced for later dates: no outcome yet (it is `n/a`)",
    request_only=True,
    value={
        "person": "vladimir-putin",
        "host": "TJK",
        "start": "2030-10-08",
        "place": "Dushanbe",
        "occasion": "CIS summit",
        "status": "announced",
        "sources": [
            {
                "url": "https://news.example.org/cis-summit-2030",
                "publisher": "Example News",
                "published": "2026-11-20",
            }
        ],
    },
)
