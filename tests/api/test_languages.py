"""The answer's language: `?lang=` wins over Accept-Language; explanations come from the reasons.

The explanation in each language is the rule's renderer's (core.reasons.render) applied to
the verdict's stored reasons; a verdict without reasons keeps its stored English.
"""

import re

import pytest

from core.reasons import render
from visits.models import Verdict, VerdictChange

pytestmark = pytest.mark.django_db

MONGOLIA_SLUG = "vladimir-putin-mng-2024-09-02"
MONGOLIA = f"/api/v1/visits/{MONGOLIA_SLUG}/"


@pytest.fixture
def reasons(seeded) -> list:
    stored = Verdict.objects.get(visit__slug=MONGOLIA_SLUG).reasons
    assert stored, "the rule stores its structured reasons with every verdict"
    return stored


def explanation(client, url=MONGOLIA, **kwargs):
    params = {key: value for key, value in kwargs.items() if key == "lang"}
    headers = {key: value for key, value in kwargs.items() if key != "lang"}
    response = client.get(url, params, **headers)
    assert response.status_code == 200, response.content
    return response, response.json()["verdict"]["explanation"]


def test_lang_renders_the_reasons_in_that_language(reasons, api_client):
    response, text = explanation(api_client, lang="fr")
    assert text == render(reasons, "fr")
    assert response["Content-Language"] == "fr"
    assert response.json()["verdict"]["reasons"] == reasons
    assert explanation(api_client, lang="en")[1] == render(reasons, "en")
    assert explanation(api_client)[1] == render(reasons, "en")  # the default


def test_accept_language_is_honoured_and_lang_wins_over_it(reasons, api_client):
    response, text = explanation(api_client, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert text == render(reasons, "fr")
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    response, text = explanation(api_client, lang="en", HTTP_ACCEPT_LANGUAGE="fr")
    assert text == render(reasons, "en")
    assert response["Content-Language"] == "en"


def test_lists_feeds_and_history_are_rendered_too(reasons, api_client):
    french = render(reasons, "fr")
    listed = api_client.get("/api/v1/visits/", {"host": "MNG", "lang": "fr"}).json()["results"]
    assert {v["verdict"]["explanation"] for v in listed if v["id"] == MONGOLIA_SLUG} == {french}
    feed = api_client.get("/api/v1/incidents/", {"host": "MNG", "lang": "fr"}).json()["results"]
    assert [v["verdict"]["explanation"] for v in feed if v["id"] == MONGOLIA_SLUG] == [french]
    history = api_client.get(MONGOLIA, {"lang": "fr"}).json()["history"]
    last = VerdictChange.objects.filter(visit__slug=MONGOLIA_SLUG).latest("changed_at", "id")
    assert history[-1]["reasons"] == last.reasons
    assert history[-1]["explanation"] == render(last.reasons, "fr")
    csv = api_client.get("/api/v1/visits/", {"host": "MNG", "lang": "fr", "format": "csv"})
    assert "Mongolie" in b"".join(csv.streaming_content).decode()


def test_a_verdict_without_reasons_keeps_its_stored_english_explanation(seeded, api_client):
    stored = "Mongolia was bound (recorded before reasons were kept)."
    Verdict.objects.filter(visit__slug=MONGOLIA_SLUG).update(reasons=[], explanation=stored)
    assert explanation(api_client, lang="fr")[1] == stored


def test_mongolia_in_french_is_the_renderers_french_and_shares_no_english_sentence(
    reasons, api_client
):
    english = explanation(api_client, lang="en")[1]
    french = explanation(api_client, lang="fr")[1]
    assert french != english
    for sentence in re.split(r"(?<=[.:])\s+", english):
        if len(sentence) > 25:
            assert sentence not in french, sentence
    assert "Mongolie" in french and "2 septembre 2024" in french


def test_country_names_follow_the_language_and_name_stays_the_datasets(seeded, api_client):
    state = api_client.get("/api/v1/states/MNG/", {"lang": "fr"}).json()
    assert (state["name"], state["translated_name"]) == ("Mongolia", "Mongolie")
    host = api_client.get(MONGOLIA, HTTP_ACCEPT_LANGUAGE="fr").json()["host"]
    assert (host["name"], host["translated_name"]) == ("Mongolia", "Mongolie")
    assert api_client.get("/api/v1/states/MNG/").json()["translated_name"] == "Mongolia"


def test_situation_names_follow_the_language_as_the_site_shows_them(seeded, api_client):
    """Every answer that names a situation gives the reader's name beside the dataset's, the
    visits' list (built from rows, not the serializer) included."""
    darfur = {"slug": "darfur-sudan", "name": "Darfur, Sudan"}
    answers = {
        "visits": lambda lang: api_client.get(
            "/api/v1/visits/", {"person": "omar-al-bashir", "lang": lang}
        ).json()["results"][0]["situation"],
        "person": lambda lang: api_client.get(
            "/api/v1/persons/omar-al-bashir/", {"lang": lang}
        ).json()["situation"],
        "warrants": lambda lang: api_client.get(
            "/api/v1/warrants/", {"person": "omar-al-bashir", "lang": lang}
        ).json()["results"][0]["situation"],
    }
    for name, answer in answers.items():
        assert answer("fr") == {**darfur, "translated_name": "Darfour (Soudan)"}, name
        assert answer("en") == {**darfur, "translated_name": "Darfur, Sudan"}, name


@pytest.mark.parametrize("value", ["de", "xx", "french", "fr_FR"])
def test_an_unsupported_lang_is_a_400_naming_the_parameter(seeded, api_client, value):
    for params in ({"lang": value}, {"lang": value, "format": "csv"}):
        response = api_client.get("/api/v1/visits/", params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        error = response.json()["error"]
        assert error["code"] == "invalid_filter"
        assert list(error["fields"]) == ["lang"]
        assert "en, fr" in error["fields"]["lang"][0]


def test_an_unsupported_accept_language_falls_back_to_english(seeded, api_client):
    response = api_client.get(MONGOLIA, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_lang_is_case_insensitive(seeded, api_client):
    assert api_client.get("/api/v1/states/MNG/", {"lang": "FR"}).json()["translated_name"] == (
        "Mongolie"
    )


def _changed_fields(english, french, found: set) -> set:
    """The names of the fields whose values differ between two answers to one request."""
    if isinstance(english, dict):
        for key in english:
            if isinstance(english[key], (dict, list)):
                _changed_fields(english[key], french[key], found)
            elif english[key] != french[key]:
                found.add(key)
    elif isinstance(english, list):
        for one, other in zip(english, french, strict=True):
            _changed_fields(one, other, found)
    return found


def test_the_lang_parameter_names_every_field_the_language_changes(seeded, api_client):
    """The schema's `lang` named only `explanation` and `translated_name`: a client could
    not know that `label`, a state's obligations' `scope`, the history's `cause`, the
    `page_url` links and /search/'s `name` and `page` follow the language too."""
    changed: set = set()
    for url in (
        MONGOLIA,
        "/api/v1/states/HUN/?as_of=2026-06-02",
        "/api/v1/visits/?host=MNG,TJK",
        "/api/v1/persons/vladimir-putin/",
        "/api/v1/search/?q=putin",
    ):
        sep = "&" if "?" in url else "?"
        english = api_client.get(f"{url}{sep}lang=en").json()
        french = api_client.get(f"{url}{sep}lang=fr").json()
        _changed_fields(english, french, changed)
    assert {"explanation", "translated_name", "label", "scope", "cause", "page_url"} <= changed
    schema = api_client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/visits/", "/api/v1/states/{iso3}/", "/api/v1/search/"):
        parameters = schema["paths"][path]["get"]["parameters"]
        described = next(p for p in parameters if p["name"] == "lang")["description"]
        named = set(re.findall(r"`([a-z_.]+)`", described))
        assert changed <= {n.rsplit(".", 1)[-1] for n in named}, path
    assert changed <= set(re.findall(r"`([a-z_]+)`", schema["info"]["description"]))
