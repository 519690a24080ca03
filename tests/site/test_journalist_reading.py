"""What a journalist quoting the site from a phone reported: words that would be misquoted
(an ICC decision that made no finding called a finding), a search that lists a state
containing the name before the state of that name, a count that reads as more trips than
were recorded, and a title whose bare comma joins alternatives as it introduces a year."""

import html
import re

import pytest
from django.utils import translation

from front import search, summaries
from tests.site.conftest import body
from visits.models import Finding, Visit

KENYA = "omar-al-bashir-ken-2010-08-27"
# The decisions that informed the Security Council or the Assembly and made no Art. 87(7)
# finding (kind `other`), by the visit they are about.
NO_FINDING = [
    KENYA,
    "omar-al-bashir-dji-2011-05-07",
    "omar-al-bashir-tcd-2010-07-21",
]


def text(response) -> str:
    """The page's words, tags left out."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(response))))


def history(page: str, heading: str) -> str:
    return page[page.index(heading) :]


def facts_of(slug: str) -> list[dict]:
    """The causes of a visit's verdict changes, as stored."""
    from visits.models import VerdictChange

    return [
        cause
        for facts in VerdictChange.objects.filter(visit__slug=slug).values_list(
            "cause_facts", flat=True
        )
        for cause in (facts or {}).get("causes", [])
    ]


def drop_kinds(slug: str) -> None:
    """Store a visit's causes as they were before a cause gave an ICC decision's kind."""
    from core.pagecache import bump_data_version
    from visits.models import VerdictChange

    for change in VerdictChange.objects.filter(visit__slug=slug):
        for cause in change.cause_facts.get("causes", []):
            cause.pop("kind", None)
        change.save(update_fields=["cause_facts"])
    bump_data_version()


# --- 1. A decision that made no finding is never called a finding -----------------------


def test_a_verdict_history_names_a_decision_without_a_finding_as_the_decisions_block_does(
    reader, seeded
):
    """Kenya, 27 August 2010: the Chamber informed the Council and the Assembly "without a
    finding of non-compliance under Art. 87(7)", and the history below said « ajout :
    constat (Kenya, 27 août 2010) » ("finding (Kenya, 27 August 2010) was added")."""
    assert Finding.objects.get(visit__slug=KENYA).kind == "other"
    french = text(reader.get(f"/fr/visits/{KENYA}/"))
    assert "sans constat de manquement au titre de l’art. 87-7" in french
    told = history(french, "Historique du verdict")
    assert "ajout\u00a0: décision de la CPI sur la coopération (Kenya, 27 août 2010)" in told, told
    assert "constat (Kenya" not in told and "constat de manquement" not in told
    english = text(reader.get(f"/visits/{KENYA}/"))
    told = history(english, "History of the verdict")
    assert "ICC decision on cooperation (Kenya, 27 August 2010) was added" in told, told
    assert "finding (Kenya" not in told and "finding of non-compliance" not in told
    # Recorded before a cause gave the decision's kind, as the published history was: the
    # page reads it from the decision.
    drop_kinds(KENYA)
    told = history(text(reader.get(f"/fr/visits/{KENYA}/")), "Historique du verdict")
    assert "ajout\u00a0: décision de la CPI sur la coopération (Kenya, 27 août 2010)" in told, told
    for slug in NO_FINDING[1:]:
        drop_kinds(slug)
        assert Finding.objects.get(visit__slug=slug).kind == "other"
        told = history(text(reader.get(f"/fr/visits/{slug}/")), "Historique du verdict")
        assert "ajout\u00a0: décision de la CPI sur la coopération (" in told, (slug, told)
        assert "ajout\u00a0: constat" not in told, (slug, told)
    # Nigeria, 5 September 2013: a decision that found no failure (kind no_failure), named
    # as such, never as a finding.
    nigeria = "omar-al-bashir-nga-2013-07-14"
    drop_kinds(nigeria)
    assert Finding.objects.get(visit__slug=nigeria).kind == "no_failure"
    told = history(text(reader.get(f"/visits/{nigeria}/")), "History of the verdict")
    assert "ICC decision finding no failure to comply (Nigeria, 5 September 2013)" in told, told
    assert "finding of non-compliance" not in told


def test_a_verdict_history_names_an_art_87_7_finding_as_one(reader, seeded):
    french = history(
        text(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/")), "Historique du verdict"
    )
    assert (
        "ajout\u00a0: constat de manquement de la CPI au titre de l’art. 87-7 "
        "(Mongolie, 24 octobre 2024)"
    ) in french, french
    drop_kinds("vladimir-putin-mng-2024-09-02")  # read from the decision
    english = history(
        text(reader.get("/visits/vladimir-putin-mng-2024-09-02/")), "History of the verdict"
    )
    assert (
        "ICC finding of non-compliance under Art. 87(7) (Mongolia, 24 October 2024) was added"
    ) in english, english


def test_a_visit_page_reads_a_decisions_kind_without_another_query(reader, seeded):
    """The decisions a visit's history names are the visit's own, which its page reads
    anyway: their kinds cost no query, whether the causes give them or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.pagecache import bump_data_version

    address = "/visits/vladimir-putin-mng-2024-09-02/"
    reader.get(address)
    bump_data_version()
    with CaptureQueriesContext(connection) as given:
        reader.get(address)
    drop_kinds("vladimir-putin-mng-2024-09-02")
    with CaptureQueriesContext(connection) as read:
        page = text(reader.get(address))
    assert "ICC finding of non-compliance under Art. 87(7) (Mongolia" in page
    assert len(read) == len(given), [q["sql"] for q in read]


def test_the_feeds_and_the_api_never_call_a_decision_without_a_finding_a_finding(
    reader, seeded, api_client
):
    """The API and the state's feed name the decision by its kind, as the visit's page does,
    for a cause recorded before causes gave the kind too (the feed reads it from the
    decision; the API, which reads no other record for it, calls it an ICC decision, which
    both kinds are)."""
    assert [c.get("kind") for c in facts_of(KENYA) if c.get("object") == "finding"] == ["other"]
    answer = api_client.get(f"/api/v1/visits/{KENYA}/").json()
    causes = " ".join(change["cause"] for change in answer["history"])
    assert "ICC decision on cooperation (Kenya, 27 August 2010) was added" in causes, causes
    assert "finding (Kenya" not in causes
    drop_kinds(KENYA)
    feed = html.unescape(reader.get("/states/KEN/feed/").content.decode())
    assert "ICC decision on cooperation (Kenya, 27 August 2010) was added" in feed
    assert "finding (Kenya" not in feed
    french = html.unescape(reader.get("/fr/states/KEN/feed/").content.decode())
    assert "décision de la CPI sur la coopération (Kenya, 27 août 2010)" in french
    assert "constat (Kenya" not in french
    answer = api_client.get(f"/api/v1/visits/{KENYA}/").json()
    causes = " ".join(change["cause"] for change in answer["history"])
    assert "ICC decision (Kenya, 27 August 2010) was added" in causes, causes


def test_a_change_to_a_decision_without_a_finding_is_not_listed_as_a_finding(reader, seeded):
    """/changes/ headed the Kenya decision « Constat Kenya, autre décision sur la coopération
    (sans constat …) »: its kind of record is an ICC decision."""
    from core.history import WritePath, recording

    decision = Finding.objects.get(visit__slug=KENYA)
    with recording(WritePath.ADMIN):
        decision.notes = "Checked against the decision."
        decision.save()

    def entry(path: str) -> str:
        page = html.unescape(reader.get(path).content.decode())
        start = page.index('<li class="change" id="visits.finding-')
        return re.sub(r"<[^>]+>", "", page[start : page.index("</p>", start)])

    french = entry("/fr/changes/")
    assert french.strip().startswith("Décision de la CPI Kenya, autre décision"), french
    assert "Constat" not in french
    english = entry("/changes/")
    assert english.strip().startswith("ICC decision Kenya, other decision"), english
    assert "Finding" not in english


# --- 2. A state's own name first ---------------------------------------------------------


def states_found(reader, address: str) -> list[str]:
    page = body(reader.get(address))
    found = page[page.index('id="results-states"') :]
    found = found[: found.index("</ul>")]
    return re.findall(r'href="(?:/fr)?/states/([A-Z]{3})/"', found)


def test_search_lists_the_state_of_the_name_before_those_whose_names_contain_it(reader, seeded):
    assert states_found(reader, "/fr/search/?q=Soudan")[:2] == ["SDN", "SSD"]
    assert states_found(reader, "/fr/search/?q=Congo")[:2] == ["COG", "COD"]
    assert states_found(reader, "/fr/search/?q=Guin%C3%A9e")[0] == "GIN"
    assert states_found(reader, "/fr/search/?q=guinee")[0] == "GIN"
    assert states_found(reader, "/search/?q=Sudan")[:2] == ["SDN", "SSD"]
    assert states_found(reader, "/search/?q=Guinea")[0] == "GIN"
    # A French name typed on an English page is a name too.
    assert states_found(reader, "/search/?q=Soudan")[:2] == ["SDN", "SSD"]


def test_states_found_alike_are_in_the_order_of_the_names_the_page_shows(reader, seeded):
    """« Sud » is a word of four French names and none of them is the query: they are in
    the order of the names a French page shows (« Corée du Sud » before « Géorgie du Sud »),
    not of their English names ("South Georgia" before "South Korea"), which an English
    page follows."""
    assert states_found(reader, "/fr/search/?q=Sud") == ["ZAF", "KOR", "SGS", "SSD"]
    assert states_found(reader, "/search/?q=Sud") == ["ZAF", "SGS", "KOR", "SSD"]
    # Guinea itself, then the others by their names.
    assert states_found(reader, "/fr/search/?q=Guin%C3%A9e") == ["GIN", "GNQ", "GNB", "PNG"]


def test_search_lists_the_person_of_the_name_before_those_whose_names_contain_it(seeded):
    """A person whose whole name (or one of their other names) is the query comes before a
    person whose names merely hold its words, whatever the alphabet says."""
    from tests.factories import make_person

    make_person("zainab-ali", "Zainab Ali")
    make_person("ali-zainab-hamid", "Ali Zainab Hamid")
    other = make_person("hamid-zainab", "Hamid Zainab Ali")
    assert [p["slug"] for p in search.search("zainab ali").persons][:2] == [
        "zainab-ali",
        "ali-zainab-hamid",
    ]
    other.other_names = ["Zainab-Ali Hamid"]
    other.save()
    assert search.search("Zaïnab Ali Hamid").persons[0]["slug"] == "hamid-zainab"


# --- 3. The trips called off are among the trips recorded --------------------------------


def test_a_persons_record_says_the_trips_called_off_are_among_those_recorded(reader, seeded):
    trips = Visit.objects.published().filter(person__slug="vladimir-putin")
    total = trips.count()
    called_off = trips.filter(status__in=["cancelled", "virtual"]).count()
    incidents = trips.filter(verdict__code="non_compliance").count()
    assert called_off > 1 and incidents > 1
    french = text(reader.get("/fr/persons/vladimir-putin/"))
    assert (
        f"{total} voyages enregistrés, dont {called_off} annulés ou remplacés par une "
        f"vidéo\u202f; {incidents} incidents"
    ) in french, french
    english = text(reader.get("/persons/vladimir-putin/"))
    assert (
        f"{total} recorded trips, of which {called_off} called off or attended by video; "
        f"{incidents} incidents"
    ) in english, english


@pytest.mark.parametrize(
    ("total", "called_off", "incidents", "english", "french"),
    [
        (0, 0, 0, "0 recorded trips; 0 incidents", "0 voyage enregistré\u202f; 0 incident"),
        (
            1,
            1,
            0,
            "1 recorded trip, of which 1 called off or attended by video; 0 incidents",
            "1 voyage enregistré, dont 1 annulé ou remplacé par une vidéo\u202f; 0 incident",
        ),
        (
            28,
            5,
            2,
            "28 recorded trips, of which 5 called off or attended by video; 2 incidents",
            "28 voyages enregistrés, dont 5 annulés ou remplacés par une vidéo\u202f; 2 incidents",
        ),
        (3, 0, 1, "3 recorded trips; 1 incident", "3 voyages enregistrés\u202f; 1 incident"),
    ],
)
def test_a_persons_record_is_counted_in_words_for_any_number(
    total, called_off, incidents, english, french
):
    tally = summaries.VisitTally(
        total=total,
        hosted=total - called_off,
        called_off_status=called_off,
        by_verdict={"non_compliance": incidents} if incidents else {},
    )
    with translation.override("en"):
        assert summaries.person_record_words(tally) == english
    with translation.override("fr"):
        assert summaries.person_record_words(tally) == french


# --- 4. A filter's several values are alternatives ----------------------------------------


def title(reader, address: str) -> str:
    page = html.unescape(body(reader.get(address)))
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def test_a_titles_several_values_of_a_filter_read_as_alternatives(reader, seeded):
    """« Visites de Vladimir Vladimirovich Putin, Omar Hassan Ahmad Al Bashir »: the list
    holds the visits of either (core.filters.AnyOfFilter), and the comma also introduces
    the title's years. The title is what a citation quotes."""
    putin, bashir = "Vladimir Vladimirovich Putin", "Omar Hassan Ahmad Al Bashir"
    both = "person=vladimir-putin,omar-al-bashir"
    french = title(reader, f"/fr/visits/?{both}&verdict=non_compliance")
    assert french.startswith(f"Visites de {putin} ou {bashir}"), french
    assert f"{putin}, {bashir}" not in french
    english = title(reader, f"/visits/?{both}&verdict=non_compliance")
    assert english.startswith(f"Visits by {putin} or {bashir}"), english
    french = title(reader, f"/fr/incidents/?{both}&start_after=2024-01-01&start_before=2024-12-31")
    assert french == f"Incidents impliquant {putin} ou {bashir}, 2024", french
    assert (
        title(reader, "/fr/visits/?host=TCD,UGA") == "Visites — État hôte\u00a0: Tchad ou Ouganda"
    )
    assert title(reader, "/visits/?host=TCD,UGA,KEN&year=2010,2011") == (
        "Visits to Chad, Uganda or Kenya — Year: 2010 or 2011"
    )
    three = title(reader, "/fr/visits/?verdict=non_compliance,deterred,complied")
    assert three == (
        "Visites — Verdict\u00a0: non-coopération, pas de déplacement ou coopération "
        "(placement en détention)"
    ), three
