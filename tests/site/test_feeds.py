"""Atom 1.0 feeds of new and changed incidents, built from the verdict history."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from states.models import State
from visits import flagging
from visits.models import VerdictChange, Visit

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_valid_atom(root):
    """RFC 4287: a feed has exactly one id, title and updated, an author (on the feed or every
    entry) and a self link; so has every entry its id, title and updated; ids are absolute
    IRIs and unique; dates are RFC 3339."""
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}id").text.startswith("http://testserver/")
    rfc3339(root.find(f"{ATOM}updated").text)
    assert root.find(f"{ATOM}author/{ATOM}name").text == "iccwatch"
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")].count("self") == 1
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        ids.append(entry.find(f"{ATOM}id").text)
        assert ids[-1].startswith("http://testserver/visits/")
        rfc3339(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/visits/")
        assert entry.find(f"{ATOM}summary") is not None
    assert len(ids) == len(set(ids))
    return root.findall(f"{ATOM}entry")


def test_site_feed_lists_every_new_incident(reader, seeded):
    entries = assert_valid_atom(parse(reader.get("/incidents/feed/")))
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(entries) == Visit.objects.published().flagged().count()
    assert (
        "Incident recorded: Vladimir Vladimirovich Putin — Mongolia, 2–3 September 2024" in titles
    )
    putin = next(e for e in entries if "Mongolia" in e.find(f"{ATOM}title").text)
    assert putin.find(f"{ATOM}id").text.startswith(
        "http://testserver/visits/vladimir-putin-mng-2024-09-02/#change-"
    )
    assert "failure to arrest and surrender" in putin.find(f"{ATOM}summary").text


def test_country_and_person_feeds_hold_only_their_incidents(reader, seeded):
    mongolia = assert_valid_atom(parse(reader.get("/states/MNG/feed/")))
    assert len(mongolia) == 1
    chad = assert_valid_atom(parse(reader.get("/states/TCD/feed/")))
    assert len(chad) == Visit.objects.published().flagged().filter(host__iso3="TCD").count() > 1
    putin = assert_valid_atom(parse(reader.get("/persons/vladimir-putin/feed/")))
    # His two incidents (Mongolia 2024, Tajikistan 2025), none of his other visits.
    assert sorted(e.find(f"{ATOM}link").get("href") for e in putin) == [
        "http://testserver/visits/vladimir-putin-mng-2024-09-02/",
        "http://testserver/visits/vladimir-putin-tjk-2025-10-08/",
    ]
    assert_valid_atom(parse(reader.get("/states/USA/feed/")))  # an empty feed is still valid
    assert reader.get("/states/XXX/feed/").status_code == 404
    assert reader.get("/persons/nobody/feed/").status_code == 404


def test_a_withdrawn_flag_appears_in_the_feed(reader, seeded):
    from core.models import Source

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    Visit.objects.filter(pk=visit.pk).update(outcome="arrested")
    flagging.evaluate_visits([visit.pk], cause="correction: the sources now report an arrest")
    entries = assert_valid_atom(parse(reader.get("/states/MNG/feed/")))
    assert len(entries) == 2
    newest = entries[0]
    assert newest.find(f"{ATOM}title").text.startswith(
        "Incident withdrawn (now complied (taken into custody))"
    )
    assert "correction: the sources now report an arrest" in newest.find(f"{ATOM}summary").text
    change = VerdictChange.objects.filter(visit=visit).latest("changed_at")
    assert rfc3339(newest.find(f"{ATOM}updated").text) == change.changed_at
    assert Source.objects.exists()


def test_feed_updated_is_the_newest_change(reader, seeded):
    root = parse(reader.get("/incidents/feed/"))
    newest = VerdictChange.objects.filter(new_code="non_compliance").latest("changed_at").changed_at
    assert rfc3339(root.find(f"{ATOM}updated").text) == newest
    assert newest <= timezone.now()


def test_a_new_flag_on_an_old_visit_is_dated_when_it_was_recorded(reader, seeded):
    """A feed reader sorts by `updated`: a flag raised today on a visit of years ago comes
    first, dated today; the visit's own first day is the entry's `published`."""
    visit = (
        Visit.objects.published()
        .filter(person__slug="omar-al-bashir", verdict__code="no_obligation")
        .filter(start__range=(datetime.date(2010, 1, 1), datetime.date(2019, 1, 1)))
        .filter(start_precision="day", status="occurred", outcome="not_arrested")
        .first()
    )
    assert visit is not None, "the seed has an old visit of al-Bashir to a state not bound"
    before = timezone.now()
    Visit.objects.filter(pk=visit.pk).update(host=State.objects.get(iso3="MNG"))
    flagging.evaluate_visits([visit.pk], cause="correction: the host was Mongolia")
    assert Visit.objects.get(pk=visit.pk).verdict.code == "non_compliance"
    entries = assert_valid_atom(parse(reader.get("/incidents/feed/")))
    newest = entries[0]
    assert visit.slug in newest.find(f"{ATOM}id").text
    assert newest.find(f"{ATOM}title").text.startswith("Incident recorded:")
    assert rfc3339(newest.find(f"{ATOM}updated").text) >= before
    assert rfc3339(newest.find(f"{ATOM}published").text).date() == visit.start


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("host=tjk", "The feed you may want: /states/TJK/feed/."),
        (
            "person=vladimir-putin&lang=fr",
            "The feed you may want: /persons/vladimir-putin/feed/?lang=fr.",
        ),
        ("verdict=complied", "One country's incidents: /states/<ISO3>/feed/"),
        ("lang=de", "lang: use one of en, fr; not 'de'"),
        # In the language of the address: a French reader's error in French.
        ("fr/host=tjk", "Le flux qui convient\u00a0: /fr/states/TJK/feed/."),
        ("fr/verdict=complied", "Les incidents d’un pays\u00a0: /fr/states/<ISO3>/feed/"),
        ("fr/host=tjk", "Ce flux ne prend aucun paramètre sauf lang, pas host."),
        ("fr/lang=de", "lang\u00a0: choisir parmi en, fr, pas 'de'."),
    ],
)
def test_a_feed_refuses_a_filter_it_cannot_apply(reader, seeded, query, says):
    """Never the whole feed as if it were Mongolia's: a 400 saying where that feed is, in the
    language of the feed asked for (/fr/incidents/feed/?host=TJK: the French feed of TJK)."""
    prefix, _, query = query.rpartition("/")
    response = reader.get(f"{'/' + prefix if prefix else ''}/incidents/feed/?{query}")
    assert response.status_code == 400
    assert says in response.content.decode()
    assert reader.get("/incidents/feed/?lang=fr&utm_source=reader").status_code == 200
    french = reader.get("/incidents/feed/?lang=FR")
    assert french.status_code == 200 and french["Content-Language"] == "fr"


def test_incidents_recorded_at_one_moment_come_latest_visit_first(reader, seeded):
    # The import records every incident at once: their entries share one `updated`, and a
    # feed reader shows them in the feed's order, which began with Chad 2017 before
    # Mongolia 2024.
    entries = assert_valid_atom(parse(reader.get("/incidents/feed/")))
    rows = [
        (rfc3339(e.find(f"{ATOM}updated").text), rfc3339(e.find(f"{ATOM}published").text))
        for e in entries
    ]
    assert len({updated for updated, _ in rows}) < len(rows)  # some share one moment
    assert rows == sorted(rows, reverse=True)
    latest = max(Visit.objects.published().flagged().values_list("start", flat=True))
    assert rows[0][1].date() == latest
