"""The rows of /api/v1/warrants/ and /api/v1/persons/ (their JSON pages and their CSV)
built from plain column reads (api.rows), as WarrantSerializer and PersonSerializer give
them: `tests/api/test_warrant_rows.py` compares the two answers byte for byte.

They read what the site's downloads of the same lists read (front.views.warrants:
`WARRANT_VALUES`, `PERSON_FIELDS`), and what only the API shows (a record's `notes`, its
`sources`, `updated_at`, a person's birth date and warrants), and work out once per
answer what every row shares, as those downloads do: today's date (UTC, for
`in_force`, warrants.models.in_force_on), each distinct situation's and country's name
in the answer's language, the addresses (core.links.link_builder). The columns and
values are the API's own, not the site's download's: nested objects (`person.slug`,
`situation.translated_name`), the API's addresses for `url`, null where the site's
download has an empty text.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from urllib.parse import urlencode

from django.urls import reverse

from api.rows import (
    Rows,
    date_text,
    datetime_writer,
    optional_text,
    precision_text,
    sources_of,
)
from core.links import link_builder
from core.names import country_name, situation_name
from front.views.warrants import PERSON_FIELDS, WARRANT_VALUES
from warrants.models import Person, Warrant, in_force_on


def _situation(slug: str, name: str, words) -> dict:
    """SituationSerializer's dict, `words` translating the name (once per answer)."""
    return {"slug": slug, "name": name, "translated_name": words(name)}


class WarrantRows(Rows):
    """Warrants as WarrantSerializer gives them (its fields in its order)."""

    VALUES = (*WARRANT_VALUES, "id", "notes", "updated_at")

    def __init__(self, request):
        super().__init__(request)
        self.warrant_link = link_builder(request, "api-warrant-detail", "ref")
        self.person_link = link_builder(request, "api-person-detail", "slug")
        self.situation_words = cache(situation_name)
        self.datetime = datetime_writer()
        # "In force today (UTC)", the same day for every row of the answer.
        self.today = datetime.datetime.now(datetime.UTC).date()

    def build(self, values: Sequence[dict]) -> list[dict]:
        sources = sources_of(Warrant.sources.through, "warrant_id", [w["id"] for w in values])
        return [self.row(warrant, sources.get(warrant["id"], [])) for warrant in values]

    def row(self, warrant: dict, sources: list[dict]) -> dict:
        ref, slug = warrant["ref"], warrant["person__slug"]
        issued, made_public, ended = warrant["issued"], warrant["made_public"], warrant["ended"]
        case = warrant["case__name"]
        return {
            "url": self.warrant_link(ref),
            "ref": ref,
            "person": {
                "url": self.person_link(slug),
                "slug": slug,
                "name": warrant["person__name"],
            },
            "situation": _situation(
                warrant["person__situation__slug"],
                warrant["person__situation__name"],
                self.situation_words,
            ),
            # None: no case (a case's name is never null).
            "case": None
            if case is None
            else {"name": case, "number": optional_text(warrant["case__number"])},
            "issued": date_text(issued),
            "issued_precision": precision_text(issued, warrant["issued_precision"]),
            "made_public": date_text(made_public),
            "made_public_precision": precision_text(made_public, warrant["made_public_precision"]),
            # As WarrantSerializer.get_issued_under_seal.
            "issued_under_seal": made_public is None
            or (issued is not None and made_public > issued),
            "in_force": in_force_on(issued, made_public, ended, self.today),
            "charges": optional_text(warrant["charges"]),
            "ended": date_text(ended),
            "end_reason": optional_text(warrant["end_reason"]),
            "notes": optional_text(warrant["notes"]),
            "sources": sources,
            "updated_at": self.datetime(warrant["updated_at"]),
        }


class PersonRows(Rows):
    """Persons as PersonSerializer gives them (its fields in its order)."""

    VALUES = (*PERSON_FIELDS, "id", "born", "born_precision", "notes", "updated_at")

    def __init__(self, request):
        super().__init__(request)
        self.person_link = link_builder(request, "api-person-detail", "slug")
        self.state_link = link_builder(request, "api-state-detail", "iso3")
        self.warrant_link = link_builder(request, "api-warrant-detail", "ref")
        # The person's page on the site, in the answer's language (api.base.page_url).
        self.page_link = link_builder(request, "person", "slug")
        # api.base.list_url's address of the visits, before its query.
        self.visits_list = request.build_absolute_uri(reverse("api-visit-list"))
        self.situation_words = cache(situation_name)
        self.country_words = cache(country_name)
        self.datetime = datetime_writer()

    def build(self, values: Sequence[dict]) -> list[dict]:
        ids = [p["id"] for p in values]
        sources = sources_of(Person.sources.through, "person_id", ids)
        # Each person's warrants in Warrant's order (the person's, then issued, then id),
        # as WarrantRefSerializer gives them.
        warrants = defaultdict(list)
        if ids:
            read = (
                Warrant.objects.filter(person_id__in=ids)
                .order_by("issued", "id")
                .values_list("person_id", "ref", "issued", "made_public")
            )
            for person_id, ref, issued, made_public in read:
                warrants[person_id].append(
                    {
                        "url": self.warrant_link(ref),
                        "ref": ref,
                        "issued": date_text(issued),
                        "made_public": date_text(made_public),
                    }
                )
        return [
            self.row(person, warrants.get(person["id"], []), sources.get(person["id"], []))
            for person in values
        ]

    def _nationality(self, iso3: str | None, name: str | None) -> dict | None:
        """StateRefSerializer's dict; None: no nationality (a state's ISO3 is never null)."""
        if iso3 is None:
            return None
        return {
            "url": self.state_link(iso3),
            "iso3": iso3,
            "name": name,
            "translated_name": self.country_words(iso3, name),
        }

    def row(self, person: dict, warrants: list[dict], sources: list[dict]) -> dict:
        slug, born = person["slug"], person["born"]
        return {
            "url": self.person_link(slug),
            "slug": slug,
            "name": person["name"],
            "other_names": list(person["other_names"]),
            "nationality": self._nationality(
                person["nationality__iso3"], person["nationality__name"]
            ),
            "born": date_text(born),
            "born_precision": precision_text(born, person["born_precision"]),
            "role": optional_text(person["role"]),
            "situation": _situation(
                person["situation__slug"], person["situation__name"], self.situation_words
            ),
            "status": person["status"],
            "status_date": date_text(person["status_date"]),
            "warrants": warrants,
            # As api.base.list_url: the visits filtered by this person.
            "visits_url": f"{self.visits_list}?{urlencode({'person': slug})}",
            "page_url": self.page_link(slug),
            "notes": optional_text(person["notes"]),
            "sources": sources,
            "updated_at": self.datetime(person["updated_at"]),
        }
