"""OpenAPI examples for the persons and warrants endpoints (from the seed data, sources trimmed)."""

from drf_spectacular.utils import OpenApiExample

from api.paging import FacetsExample

BASE = "https://iccwatch.example.org/api/v1"
SOURCE = {
    "url": "https://en.wikipedia.org/wiki/International_Criminal_Court_arrest_warrants_for_Russian_leaders",
    "publisher": "en.wikipedia.org",
    "published": None,
    "excerpt": None,
    "archived_url": None,
}
WARRANT_REF = {
    "url": f"{BASE}/warrants/vladimir-putin-2023-03-17/",
    "ref": "vladimir-putin-2023-03-17",
    "issued": "2023-03-17",
    "made_public": "2023-03-17",
}

PERSON = OpenApiExample(
    "A person named in a warrant",
    summary="A person named in a warrant",
    description="One record, as `GET /api/v1/persons/vladimir-putin/` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value={
        "url": f"{BASE}/persons/vladimir-putin/",
        "slug": "vladimir-putin",
        "name": "Vladimir Vladimirovich Putin",
        "other_names": [],
        "nationality": {"url": f"{BASE}/states/RUS/", "iso3": "RUS", "name": "Russian Federation"},
        "born": None,
        "born_precision": "day",
        "role": "President of Russia",
        "situation": {"slug": "ukraine", "name": "Ukraine", "translated_name": "Ukraine"},
        "status": "at_large",
        "status_date": None,
        "warrants": [WARRANT_REF],
        "visits_url": f"{BASE}/visits/?person=vladimir-putin",
        "page_url": "https://iccwatch.example.org/persons/vladimir-putin/",
        "notes": None,
        "sources": [SOURCE],
        "updated_at": "2026-11-26T21:16:02.266032Z",
    },
)

WARRANT = OpenApiExample(
    "A warrant",
    summary="A warrant",
    description="One record, as `GET /api/v1/warrants/vladimir-putin-2023-03-17/` returns it; a list's `results` hold records of this shape.",
    response_only=True,
    value={
        "url": f"{BASE}/warrants/vladimir-putin-2023-03-17/",
        "ref": "vladimir-putin-2023-03-17",
        "person": {
            "url": f"{BASE}/persons/vladimir-putin/",
            "slug": "vladimir-putin",
            "name": "Vladimir Vladimirovich Putin",
        },
        "situation": {"slug": "ukraine", "name": "Ukraine", "translated_name": "Ukraine"},
        "case": {"name": "Situation in Ukraine", "number": None},
        "issued": "2023-03-17",
        "issued_precision": "day",
        "made_public": "2023-03-17",
        "made_public_precision": "day",
        "issued_under_seal": False,
        "in_force": True,
        "charges": "War crimes of unlawful deportation and unlawful transfer of children from occupied areas of Ukraine to Russia",
        "ended": None,
        "end_reason": None,
        "notes": "Issued by Pre-Trial Chamber II on 17 Mar 2023 and announced the same day.",
        "sources": [SOURCE],
        "updated_at": "2026-11-26T21:16:02.460008Z",
    },
)


PERSON_FACETS = FacetsExample(
    filters={"nationality": "RUS", "situation": "ukraine"},
    counts={
        "situation": {"ukraine": 6, "georgia": 2},
        "status": {"at_large": 6},
        "nationality": {"RUS": 6},
    },
    note="it lists 6 persons; `situation` counts the Russian nationals of every situation.",
)
WARRANT_FACETS = FacetsExample(
    filters={"person": "vladimir-putin", "situation": "ukraine"},
    counts={
        "person": {
            "maria-lvova-belova": 1,
            "sergei-kobylash": 1,
            "sergei-shoigu": 1,
            "valery-gerasimov": 1,
            "viktor-sokolov": 1,
            "vladimir-putin": 1,
        },
        "situation": {"ukraine": 1},
    },
    note="it lists 1 warrant; `person` counts the warrants of every person of the situation.",
)
