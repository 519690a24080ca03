"""ISO 3166-1 entries that are territories of a State (Réunion, Greenland, Puerto Rico) are
not counted, shown or served as States that are "not a party" (states.territories)."""

import html
import io
import json
import shutil

import pytest
from django.core.management import call_command

from front import cards
from states import status, territories
from states.models import State
from tests.site.conftest import body

pytestmark = pytest.mark.django_db


@pytest.mark.npm("@rapideditor/country-coder")
def test_the_borders_dataset_of_the_installed_package_names_each_territorys_state():
    found = territories.sovereigns()  # the file named by settings: the npm package's
    assert found["REU"] == "FRA"
    assert found["GRL"] == "DNK"
    assert found["PRI"] == "USA"
    assert found["HKG"] == "CHN"
    assert found["ABW"] == "NLD"
    # States are nobody's territory, whatever their status or the claims on them; nor are
    # the States in free association with New Zealand, which the package files under it.
    for state in ("FRA", "USA", "PSE", "TWN", "ESH", "VAT", "MNG", "ATA", "NIU", "COK"):
        assert state not in found, state


def test_a_missing_or_foreign_borders_file_is_refused_by_name(tmp_path):
    missing = tmp_path / "borders.json"
    with pytest.raises(territories.TerritoriesUnavailable, match="run `npm ci`"):
        territories.sovereigns(missing)
    missing.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(territories.TerritoriesUnavailable, match="names no territory"):
        territories.sovereigns(missing)
    missing.write_text("[1, 2]")
    with pytest.raises(territories.TerritoriesUnavailable, match="not country-coder's borders"):
        territories.sovereigns(missing)


@pytest.mark.npm("@rapideditor/country-coder")
def test_the_import_marks_territories_but_never_a_state_the_dataset_lists(seeded):
    marked = dict(
        State.objects.filter(territory_of__isnull=False).values_list("iso3", "territory_of__iso3")
    )
    assert marked["REU"] == "FRA"
    assert marked["GRL"] == "DNK"
    # The Cook Islands acceded to the Statute themselves: states.csv lists them, so the
    # borders dataset's "New Zealand" does not make them a territory.
    assert State.objects.get(iso3="COK").treaty_events.exists()
    assert "COK" not in marked
    # Niue has not joined: a State that is not a party, not "a territory of New Zealand".
    assert "NIU" not in marked and marked["TKL"] == "NZL"
    assert len(marked) == len(
        {code for code in territories.sovereigns() if code != "COK"} & set(marked)
    )


@pytest.mark.npm("@rapideditor/country-coder")
def test_an_import_without_the_borders_file_keeps_the_marks_and_says_why(
    seeded, dataset_dir, settings, tmp_path
):
    settings.COUNTRY_CODER_BORDERS = tmp_path / "absent.json"
    err = io.StringIO()
    call_command("import_dataset", str(dataset_dir), stdout=io.StringIO(), stderr=err)
    assert "territories not marked" in err.getvalue()
    assert State.objects.get(iso3="REU").territory_of.iso3 == "FRA"


@pytest.mark.npm("@rapideditor/country-coder")
def test_a_state_listed_again_loses_a_territory_mark_a_later_dataset_would_contradict(seeded):
    cook = State.objects.get(iso3="COK")
    cook.territory_of = State.objects.get(iso3="NZL")
    cook.save()
    call_command("import_dataset", "data", stdout=io.StringIO(), stderr=io.StringIO())
    cook.refresh_from_db()
    assert cook.territory_of is None


@pytest.mark.npm("@rapideditor/country-coder")
def test_a_territory_page_names_its_state_and_claims_nothing_about_the_statute(seeded, reader):
    page = body(reader.get("/states/REU/"))
    assert "is not a party" not in page
    assert "Réunion is not a State but a territory of France." in page
    assert "France has been a State Party since 1 July 2002." in page
    assert "whether that State&#x27;s ratification covers this territory" in page
    assert 'class="standing st-territory"><a href="/states/FRA/">territory of France</a>' in page
    # A State that is not a party: said as such, with its article, and no claim about coverage.
    page = body(reader.get("/states/PRI/"))
    assert "Puerto Rico is not a State but a territory of the United States." in page
    assert "The United States is not a party to the Rome Statute." in page
    assert "ratification covers" not in page


@pytest.mark.parametrize(
    "iso3", [pytest.param("REU", marks=pytest.mark.npm("@rapideditor/country-coder")), "ATA"]
)
def test_a_territory_page_calls_it_a_territory_not_this_state(seeded, reader, iso3):
    """A territory of a State and an entry that is not a State are "this territory" in the
    page's own sentences (its empty sections, its links to incidents), never "this state"."""
    page = body(reader.get(f"/states/{iso3}/"))
    assert "Atom feed of incidents in this territory" in page
    assert "this state" not in page
    page = body(reader.get(f"/fr/states/{iso3}/"))
    assert "Flux Atom des incidents sur ce territoire" in page
    assert "incidents dans cet État" not in page and "pour cet État" not in page
    # A State's page keeps its wording.
    assert "Atom feed of incidents in this state" in body(reader.get("/states/MNG/"))


@pytest.mark.npm("@rapideditor/country-coder")
def test_a_territory_page_in_french(seeded, reader):
    page = body(reader.get("/fr/states/GRL/"))
    assert "Groenland\u00a0: pas un État, mais un territoire relevant d’un État (Danemark)." in page
    assert "Danemark\u00a0: État partie depuis le 1er juillet 2002." in page
    assert "territoire (Danemark)" in page


@pytest.mark.npm("@rapideditor/country-coder")
def test_the_states_list_counts_territories_apart_from_states_not_party(seeded, reader):
    marked = State.objects.filter(territory_of__isnull=False).count()
    states = State.objects.count()
    page = body(reader.get("/states/"))
    assert f"territory of a State ({marked})" in page
    listed = body(reader.get("/states/?status=territory"))
    assert f"{marked} results" in listed
    assert "territory of the United States" in listed  # Puerto Rico's row
    for name, found in (("union", 0), ("greenland", 0), ("saudi", 1), ("mongolia", 0)):
        page = body(reader.get(f"/states/?status=non_party&name={name}"))
        assert f"{found} result" in page, name
    counts = {
        s: int(body(reader.get(f"/states/?status={s}")).split(" results")[0].split()[-1])
        for s in status.STATUSES
    }
    assert sum(counts.values()) == states
    assert counts[status.TERRITORY] == marked


@pytest.mark.npm("@rapideditor/country-coder")
def test_the_states_download_gives_each_territorys_state(seeded, reader):
    lines = body(reader.get("/states.csv?status=territory")).removeprefix("\ufeff").splitlines()
    assert lines[0].split(",")[4:6] == ["status_today", "territory_of"]
    reunion = next(line for line in lines if line.startswith("REU,"))
    assert ",territory,FRA," in reunion


@pytest.mark.npm("@rapideditor/country-coder")
def test_the_api_gives_a_territory_its_state_and_the_territory_status(seeded, api_client):
    reunion = api_client.get("/api/v1/states/REU/").json()
    assert reunion["territory_of"]["iso3"] == "FRA"
    assert reunion["territory_of"]["url"].endswith("/api/v1/states/FRA/")
    assert reunion["treaty_status"]["status"] == "territory"
    assert reunion["treaty_status"]["party"] is False
    assert reunion["treaty_status"]["explanation"].startswith(
        "Réunion is not a State but, today, a territory of France: only States join"
    )
    # In the present tense on any day asked: the borders dataset knows no past.
    then = api_client.get("/api/v1/states/HKG/?as_of=1990-01-01").json()["treaty_status"]
    assert then["status"] == "territory"
    assert "Hong Kong is not a State but, today, a territory of China" in then["explanation"]
    assert api_client.get("/api/v1/states/FRA/").json()["territory_of"] is None
    listed = api_client.get("/api/v1/states/?status=territory&page_size=100").json()
    assert listed["count"] == State.objects.filter(territory_of__isnull=False).count()
    assert "REU" in {s["iso3"] for s in listed["results"]}
    not_party = api_client.get("/api/v1/states/?status=non_party&page_size=300").json()
    assert "REU" not in {s["iso3"] for s in not_party["results"]}


@pytest.mark.npm("world-atlas", "@rapideditor/country-coder")
def test_the_world_map_shows_greenland_as_denmarks_territory(seeded, reader):
    page = body(reader.get("/"))
    assert 'class="swatch st-territory"' in page
    assert "Greenland: territory of Denmark" in page


@pytest.mark.npm("@rapideditor/country-coder")
def test_an_import_warns_of_a_visit_hosted_by_a_territory(dataset_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    visits = copy / "visits.csv"
    text = visits.read_text(encoding="utf-8")
    old = "vladimir-putin-chn-2023-10-17,vladimir-putin,CHN,Beijing,"
    assert old in text
    visits.write_text(
        text.replace(old, "vladimir-putin-chn-2023-10-17,vladimir-putin,HKG,Hong Kong,", 1),
        encoding="utf-8",
    )
    err = io.StringIO()
    call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    line = next(w for w in err.getvalue().splitlines() if "host_iso3" in w)
    assert line.startswith("visits.csv:") or "visits.csv:" in line
    assert "HKG is a territory of CHN, not a State" in line
    assert "record CHN as the host" in line
    # Only that visit: none of the seed's hosts is a territory.
    assert sum("is a territory of" in w for w in err.getvalue().splitlines()) == 1


@pytest.mark.parametrize(
    ("iso3", "name", "why"),
    [
        ("ATA", "Antarctica", "The Antarctic Treaty of 1959 freezes the territorial claims"),
        ("ESH", "Western Sahara", "The United Nations lists it as a Non-Self-Governing Territory"),
    ],
)
def test_antarctica_and_western_sahara_are_not_states_that_are_not_parties(
    seeded, reader, api_client, iso3, name, why
):
    """Neither a State nor a State's territory (states.territories.NOT_STATES): never "not a
    party", on the page, the list, the download, the card or the API."""
    page = html.unescape(body(reader.get(f"/states/{iso3}/")))
    assert "not a party" not in page
    assert f"{name} is not a State: only States join the Rome Statute. {why}" in page
    assert '<span class="standing st-not_a_state">not a State</span>' in page
    assert iso3 in body(reader.get("/states/?status=not_a_state"))
    assert iso3 not in body(reader.get("/states/?status=non_party&name=" + name[:6]))
    lines = body(reader.get("/states.csv?status=not_a_state")).splitlines()
    assert ",not_a_state," in next(line for line in lines if line.startswith(f"{iso3},"))
    status = api_client.get(f"/api/v1/states/{iso3}/").json()["treaty_status"]
    assert status["status"] == "not_a_state" and status["party"] is False
    assert status["explanation"].startswith(f"{name} is not a State: only States join")
    assert cards.state_card(iso3, "en").status == "not a State"


@pytest.mark.npm("world-atlas")
def test_the_entries_that_are_not_states_are_counted_apart(seeded, reader):
    page = body(reader.get("/states/"))
    assert "not a State (2)" in page
    assert "2 results" in body(reader.get("/states/?status=not_a_state"))
    home = body(reader.get("/"))
    assert "Western Sahara: not a State" in home and 'class="swatch st-not_a_state"' in home


def test_an_entry_that_is_not_a_state_in_french(seeded, reader):
    page = html.unescape(body(reader.get("/fr/states/ESH/")))
    assert "pas partie" not in page
    assert (
        "Sahara occidental\u00a0: pas un État\u202f; seuls les États adhèrent au Statut de Rome."
        in page
    )
