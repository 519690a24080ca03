"""POST /api/v1/reports/ takes a report's person as the newsroom's form does
(front.search.report_person): a slug, or a name in any spelling that names one wanted
person ("Vladimir Poutine"), recorded as the slug; a name several persons may have, or
only close to one, is a 400 naming whom it may mean, in the client's language."""

import pytest

from tests.api.test_reports import TAJIKISTAN, file
from visits.models import Report, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tajikistan_removed(seeded):
    """Putin's published trip to Tajikistan, removed so that it can be reported anew."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


GADDAFIS = "Muammar Mohammed Abu Minyar Gaddafi or Saif Al-Islam Gaddafi"


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Vladimir Poutine", "vladimir-putin"),
        ("Omar el-Béchir", "omar-al-bashir"),
        ("Benyamin Netanyahou", "benjamin-netanyahu"),
        ("vladimir-putin", "vladimir-putin"),
    ],
)
def test_a_report_names_its_person_as_the_french_press_writes_the_name(
    tajikistan_removed, clients, typed, slug
):
    filed = file(clients["reporter"], {**TAJIKISTAN, "person": typed})
    assert filed.status_code == 201, filed.content
    assert filed.json()["person"] == slug
    assert Report.objects.get().data["person"] == slug


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        (
            "en",
            "Kadafi",
            "Several persons wanted by the ICC may be called Kadafi: did you mean "
            f"{GADDAFIS}? Type the name of one as it is listed.",
        ),
        (
            "fr",
            "Kadafi",
            "Plusieurs personnes recherchées par la CPI peuvent s’appeler Kadafi\u00a0: "
            "vouliez-vous dire Muammar Mohammed Abu Minyar Gaddafi ou Saif Al-Islam "
            "Gaddafi\u202f? Saisissez le nom de l’une d’elles tel qu’il figure dans la liste.",
        ),
        (
            "en",
            "Bashar al-Assad",
            "No person wanted by the ICC is called Bashar al-Assad. Did you mean Omar Hassan "
            "Ahmad Al Bashir? Type the name as it is listed.",
        ),
        (
            "fr",
            "Bashar al-Assad",
            "Aucune personne recherchée par la CPI ne s’appelle Bashar al-Assad. Vouliez-vous "
            "dire Omar Hassan Ahmad Al Bashir\u202f? Saisissez le nom tel qu’il figure dans la "
            "liste.",
        ),
        ("en", "nobody", "No person wanted by the ICC is called nobody."),
        ("fr", "nobody", "Aucune personne recherchée par la CPI ne s’appelle nobody."),
    ],
)
def test_a_name_that_names_several_persons_or_none_is_a_400_naming_whom_it_may_mean(
    tajikistan_removed, clients, language, typed, said
):
    """Alone, and beside the body's other errors: no other refusal is said of the person
    (nor of the host, which is checked against the person's nationality)."""
    body = {**TAJIKISTAN, "person": typed}
    refused = file(clients["reporter"], body, **{"Accept-Language": language})
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["fields"] == {"person": [said]}
    with_others = file(
        clients["reporter"], {**body, "start": "2026-13-45"}, **{"Accept-Language": language}
    )
    fields = with_others.json()["error"]["fields"]
    assert fields["person"] == [said] and set(fields) == {"person", "start"}, fields
    assert not Report.objects.exists()


def test_a_name_given_beside_another_error_is_read_as_the_person(tajikistan_removed, clients):
    """A body refused for another field is checked whole (api.reports.views
    .refuse_with_every_error): the name is read as the person there too, not refused as
    "no such slug"."""
    refused = file(clients["reporter"], {**TAJIKISTAN, "person": "Vladimir Poutine", "host": "RUS"})
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert set(fields) == {"host"} and "own state of nationality" in fields["host"][0], fields


def test_the_schema_says_a_person_may_be_named(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    for body in ("ReportInputRequest", "ResubmissionRequest"):
        person = schema[body]["properties"]["person"]
        assert "`vladimir-putin`" in person["description"], body
        assert "`Vladimir Poutine`" in person["description"], body
        assert person["maxLength"] == 200, body
