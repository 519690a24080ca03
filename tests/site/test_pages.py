"""The public pages show what a journalist needs, from the seeded dataset."""

import datetime
import html
import re

import pytest
from django.utils import timezone, translation

from compliance import RULE_VERSION
from core.names import format_date
from dataset.models import DatasetImport
from tests.factories import make_person, make_state, make_visit, make_warrant
from tests.site.conftest import body
from tests.site.test_citations import data_words
from visits import flagging
from visits.models import Verdict, Visit

pytestmark = pytest.mark.django_db

PUTIN_MNG = "/visits/vladimir-putin-mng-2024-09-02/"


@pytest.mark.npm("world-atlas")
def test_home_shows_counts_latest_incidents_and_the_map(reader, seeded):
    html = body(reader.get("/"))
    counts = {
        text: n for n, text in re.findall(r"<strong>(\d+)</strong> ([A-Za-z ()']+)</a>", html)
    }
    assert (
        counts["states bound today"] == "124"
    )  # 125 in mid-2025; Hungary's withdrawal took effect 2026-06-02
    assert int(counts["people at large (not in the Court's custody)"]) == 32
    assert int(counts["incidents"]) == Visit.objects.published().flagged().count() == 19
    assert (
        int(counts["trips called off or attended by video"])
        == Visit.objects.published().filter(verdict__code="deterred").count()
    )
    # Latest incidents: one line each, newest first, linking to the visit.
    latest = html[html.index("Latest incidents") :]
    latest = latest[: latest.index("</ol>")]
    assert latest.count("<li>") == 8
    assert (
        latest.index("/visits/vladimir-putin-tjk-2025-10-08/")
        < latest.index(PUTIN_MNG)
        < latest.index("/visits/omar-al-bashir-uga-2017-11-13/")
    )
    assert (
        "Tajikistan (bound: State Party) hosted Vladimir Vladimirovich Putin in Dushanbe, "
        "8–10 October 2025: not arrested." in latest
    )
    assert (
        "Mongolia (bound: State Party) hosted Vladimir Vladimirovich Putin in Ulaanbaatar, "
        "2–3 September 2024: not arrested." in html
    )
    # The map, coloured by standing, with incident hosts marked, and its table.
    assert '<svg class="worldmap"' in html and 'role="group"' in html
    assert (
        '<a href="/states/MNG/" tabindex="-1" aria-label="Mongolia: State Party — 1 incident'
        in html
    )
    assert re.search(
        r'<path class="st-withdrawn"[^>]*><title>Hungary: former State Party \(withdrew\)', html
    )
    assert re.search(r'<path class="st-party"[^>]*><title>Mongolia: State Party — 1 incident', html)
    assert re.search(r'<path class="st-non_party"[^>]*><title>United States', html)
    assert '<circle class="marker m-incident"' in html
    table = html[html.index('id="map-table"') :]
    assert '<a href="/states/MNG/">Mongolia</a> (1)' in table
    for link in (
        "/incidents/",
        "/visits/",
        "/states/",
        "/persons/",
        "/warrants/",
        "/incidents/feed/",
    ):
        assert f'href="{link}' in html


def test_every_page_says_a_trip_missing_from_the_record_may_still_have_happened(reader, seeded):
    """The record is what public reports describe: a journalist must not read Putin's
    empty 2026 as no trip in 2026."""
    assert "a trip missing here may still have happened" in body(
        reader.get("/persons/vladimir-putin/")
    )
    assert "un voyage absent d’ici a pu avoir lieu" in body(reader.get("/fr/states/MNG/"))


@pytest.mark.npm("world-atlas")
def test_withdrawing_state_is_shown_as_withdrawing_until_its_withdrawal_takes_effect(
    reader, seeded
):
    from states.models import State, TreatyEvent

    today = timezone.localdate()
    state = State.objects.get(iso3="FRA")
    TreatyEvent.objects.create(
        state=state, kind="withdrawal_notified", date=today - datetime.timedelta(days=10)
    )
    html = body(reader.get("/"))
    assert re.search(r'<path class="st-withdrawing"[^>]*><title>France: withdrawing', html)
    page = body(reader.get("/states/FRA/"))
    assert "It notified its withdrawal on" in page and "it remains fully bound" in page


def test_mongolia_page_puts_the_june_statement_and_the_september_visit_on_one_timeline(
    reader, seeded
):
    from states.models import JointStatement

    # Every statement of the dataset has a signatory list; one without a list shows
    # on the timeline of every state that was a party that day, as unknown.
    JointStatement.objects.create(
        date=datetime.date(2024, 12, 2), title="A statement whose signatories were not found"
    )
    html = body(reader.get("/states/MNG/"))
    assert "<h1>Mongolia" in html
    assert "Mongolia has been a State Party since 1 July 2002." in html
    timeline = html[html.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    order = [
        "1 July 2002</time>",  # entry into force
        "14 June 2024</time>",  # the 93-state statement Mongolia signed (the list is partial)
        "2 September 2024</time>",  # Putin's visit
        "24 October 2024</time>",  # the ICC finding
        "2 December 2024</time>",  # the statement whose signatories are not recorded
        "7 February 2025</time>",  # the 79-state statement Mongolia signed
    ]
    positions = [timeline.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Entry into force: a State Party from this day" in timeline
    june = timeline[
        timeline.index("14 June 2024</time>") : timeline.index("2 September 2024</time>")
    ]
    assert "Signed: Joint statement in support of the ICC by 93 States Parties" in june
    unknown = timeline[
        timeline.index("2 December 2024</time>") : timeline.index("7 February 2025</time>")
    ]
    assert "the signatory list is not recorded; whether this state signed is not known" in unknown
    assert "did not sign" not in html
    visit_entry = timeline[timeline.index("2 September 2024</time>") :][:600]
    assert PUTIN_MNG in visit_entry and "non-compliance" in visit_entry
    assert "Signed: Joint statement of 79 States Parties" in timeline
    # The visit with its verdict and explanation; the finding and its referral.
    assert "a failure to arrest and surrender (Arts. 86, 89(1))" in html
    findings = html[html.index('id="findings"') :]
    assert (
        "24 October 2024" in findings
        and "found non-compliance on 24 October 2024 (Art. 87(7)) and referred it to the "
        "Assembly of States Parties."
        in findings
    )
    assert (
        "The ICC found this state in non-compliance (Art. 87(7)) in a decision of 24 October 2024."
        in html
    )
    assert "It has hosted 1 recorded visit by a person wanted by the ICC." in html


def test_state_address_is_case_insensitive_and_unknown_states_are_404(reader, seeded):
    response = reader.get("/states/mng/")
    assert response.status_code == 301 and response["Location"] == "/states/MNG/"
    assert reader.get("/states/XXX/").status_code == 404
    # The query goes along: a citation format or a campaign tag asked of a lower-case
    # address is still asked of the page it redirects to, in either language.
    cited = reader.get("/states/mng/?cite=bibtex")
    assert cited.status_code == 301 and cited["Location"] == "/states/MNG/?cite=bibtex"
    french = reader.get("/fr/states/Mng/?utm_source=newsletter&cite=ris")
    assert french["Location"] == "/fr/states/MNG/?utm_source=newsletter&cite=ris"


def test_withdrawn_and_never_party_states_are_described_as_such(reader, seeded):
    hungary = body(reader.get("/states/HUN/"))
    assert (
        "Hungary was a State Party from 1 July 2002 until its withdrawal took effect on 2 June 2026"
        in hungary
    )
    malaysia = body(reader.get("/states/MYS/"))
    assert "Malaysia is not a party to the Rome Statute." in malaysia
    libya = body(reader.get("/states/LBY/"))
    assert "by an Art. 12(3) declaration" in libya and "12 May 2025" in libya


def _timeline_texts(html: str) -> list[str]:
    """The state page's timeline entries, as text, in order."""
    found = re.findall(r'<span class="t-text">(.*?)</span>\s*</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", t).split()) for t in found]


def test_a_timeline_tells_malaysia_s_withdrawn_instrument_in_the_order_it_happened(reader, seeded):
    """Notified, then effective (both on 29 April 2019), and named as the withdrawal of an
    instrument before entry into force, not as an Art. 127 withdrawal of a State Party."""
    texts = _timeline_texts(body(reader.get("/states/MYS/")))
    treaty = [t for t in texts if "instrument" in t.lower() or "withdraw" in t.lower()]
    assert treaty[-2:] == [
        "Withdrawal of the instrument notified to the UN Secretary-General, before entry into "
        "force",
        "Instrument withdrawn before entry into force: never a State Party",
    ]
    assert "Withdrawal notified to the UN Secretary-General" not in texts
    # The chart's numbered markers list them in the same order.
    markers = re.search(r'<ol class="chart-markers">(.*?)</ol>', body(reader.get("/states/MYS/")))
    items = [" ".join(re.sub(r"<[^>]+>", " ", m).split()) for m in markers.group(1).split("</li>")]
    assert [i for i in items if "instrument" in i.lower()][-2:] == [
        "29 April 2019 : Withdrawal of the instrument notified to the UN Secretary-General, "
        "before entry into force",
        "29 April 2019 : Instrument withdrawn before entry into force: never a State Party",
    ]


def test_a_state_s_standing_is_told_as_of_today_not_as_the_day_it_withdrew(reader, seeded):
    """'retiré le 3 décembre 2026' read as the day Hungary withdrew: the line says it is the
    standing on today's date (the withdrawal's own date is in the summary below)."""
    today = timezone.localdate()
    english = body(reader.get("/states/HUN/"))
    assert f"Standing on {format_date(today)}:" in re.sub(r"<[^>]+>", "", english)
    french = re.sub(r"<[^>]+>", "", body(reader.get("/fr/states/HUN/")))
    with translation.override("fr"):
        assert f"Situation au {format_date(today)}\u00a0:" in french


def test_a_signature_recorded_after_signature_closed_is_not_shown_as_one(reader, seeded):
    """A signature recorded after 31 December 2000 cannot be one (Art. 125: open until
    then); the page says so rather than "Signed the Rome Statute". El Salvador's row had
    one (2015-11-26, the Legislative Assembly's vote for its accession), which dataset
    2026.12.06.2 removed: its page shows no signature; the same date put back is labelled."""
    from states.models import State, TreatyEvent, TreatyEventKind

    texts = _timeline_texts(body(reader.get("/states/SLV/")))
    assert not any("Signed the Rome Statute" in t or "Signature recorded" in t for t in texts)
    TreatyEvent.objects.create(
        state=State.objects.get(iso3="SLV"),
        kind=TreatyEventKind.SIGNED,
        date=datetime.date(2015, 11, 26),
    )
    texts = _timeline_texts(body(reader.get("/states/SLV/")))
    assert "Signed the Rome Statute" not in texts
    assert any(t.startswith("Signature recorded after the Statute closed") for t in texts)
    assert "Signed the Rome Statute" in _timeline_texts(body(reader.get("/states/MNG/")))


def test_a_declaration_s_covered_period_reads_well_in_french_for_any_precision(reader, seeded):
    """'depuis le 19 septembre 2002' for a day, 'entre 2011 et le 31 décembre 2027' for a
    year: never 'du 2011' or 'à partir du mars 2004'."""
    ivory_coast = body(reader.get("/fr/states/CIV/"))
    assert "pour les crimes commis depuis le 19 septembre 2002" in ivory_coast
    libya = body(reader.get("/fr/states/LBY/"))
    assert "pour les crimes commis entre 2011 et le 31 décembre 2027" in libya
    assert "du 2011" not in libya
    assert "for crimes from 2011 to 31 December 2027" in body(reader.get("/states/LBY/"))


def test_visit_page_explains_the_verdict_and_cites_its_sources(reader, seeded):
    html = body(reader.get(PUTIN_MNG))
    assert "<h1>Vladimir Vladimirovich Putin in Mongolia, 2–3 September 2024</h1>" in html
    assert 'class="verdict v-incident">non-compliance</span>' in html
    assert "Basis: State Party" in html
    assert (
        "Mongolia had been bound since 1 July 2002 (State Party; ratified 11 April 2002)." in html
    )
    # The treaty dates and the warrant that decided it.
    assert '<time datetime="2002-07-01">1 July 2002</time>: Entry into force' in html
    assert "issued 17 March 2023, made public 17 March 2023" in html
    # Sources: publisher, link, archived copy or its absence.
    sources = html[html.index('id="sources"') :]
    assert (
        'href="https://sputnikglobe.com/20240902/putin-arrives-in-mongolia-on-official-visit-1119988556.html"'
        in sources
    )
    assert ">sputnikglobe.com</a>" in sources and "no archived copy recorded" in sources
    # The Court's decision, told once: its sentence names the Chamber, the date and the
    # referral, under no heading that says it again.
    decisions = html[html.index('id="findings"') :].split("</ul>")[0]
    assert (
        "ICC Pre-Trial Chamber II found non-compliance on 24 October 2024 (Art. 87(7)) and "
        "referred it to the Assembly of States Parties." in decisions
    )
    assert decisions.count("24 October 2024") == 1 and decisions.count("Chamber II") == 1
    # History and citation.
    history = html[html.index('id="history"') :]
    assert (
        "first verdict: non-compliance (State Party)" in history and "first evaluation" in history
    )
    today = timezone.localdate().isoformat()
    assert f'id="permalink">http://testserver{PUTIN_MNG}</a>' in html
    assert f'Accessed: <time datetime="{today}">' in html
    verdict = Verdict.objects.get(visit__slug=PUTIN_MNG.split("/")[2])
    as_of = format_date(timezone.localdate(verdict.computed_at))
    assert (
        f"Verdict: non-compliance, as of {as_of}, rule version {RULE_VERSION}, "
        f"{data_words(DatasetImport.latest_version())}. "
        f"http://testserver{PUTIN_MNG} (accessed {format_date(timezone.localdate())})."
    ) in html


def test_a_history_row_that_keeps_the_verdict_says_its_explanation_changed(reader, seeded):
    """A new source or finding rewrites a verdict's reasons, not its code: the row read
    "non-compliance → non-compliance (State Party)", a change that was none."""
    from visits.models import VerdictChange

    visit = Visit.objects.get(slug=PUTIN_MNG.split("/")[2])
    VerdictChange.objects.create(
        visit=visit,
        changed_at=timezone.now(),
        old_code="non_compliance",
        new_code="non_compliance",
        old_basis="state_party",
        new_basis="state_party",
        explanation="",
        cause="a change to its facts",
        rule_version=RULE_VERSION,
    )
    history = re.sub(r"\s+", " ", body(reader.get(PUTIN_MNG)).split('id="history"')[1])
    assert "non-compliance → non-compliance" not in history
    assert "non-compliance (State Party) — unchanged: its explanation was updated" in history
    assert "first verdict: non-compliance (State Party)" in history


def test_visit_page_shows_archived_copies_and_the_hosts_justification(reader, seeded):
    from core.models import Source

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    Source.objects.filter(visits=visit, url__contains="sputnikglobe").update(
        archived_url="https://archive.example.org/sputnik", published=datetime.date(2024, 9, 2)
    )
    Visit.objects.filter(pk=visit.pk).update(
        host_justification="Mongolia cited its energy dependence."
    )
    html = body(reader.get(PUTIN_MNG))
    assert 'href="https://archive.example.org/sputnik"' in html and "archived copy" in html
    assert "Mongolia cited its energy dependence." in html
    # Recorded as the host's position, not as an exemption; Art. 27 concerns the Court's
    # jurisdiction, and the note claims no more than the Jordan judgment held. It gives that
    # holding as the Court's, in the words of the explanation's answer to a justification
    # (core.reasons._justification), not as a bare citation that reads as a rule of law.
    note = (
        "Recorded as the host's position, not as an exemption: the Court has held that "
        "official capacity does not bar arrest and surrender by a State Party (Art. 27; "
        "Appeals Chamber, Jordan judgment, 6 May 2019)."
    )
    assert note in html
    assert "exempts no one from arrest" not in html
    french = body(reader.get("/fr" + PUTIN_MNG))
    assert (
        "Enregistrée comme position de l’État hôte, non comme une exonération\u00a0: la Cour a "
        "jugé que la qualité officielle ne fait pas obstacle à l’arrestation et à la remise par "
        "un État partie (art. 27\u202f; Chambre d’appel, arrêt Jordanie du 6 mai 2019)."
    ) in french


def test_an_unknown_outcome_beside_a_visits_status_says_it_is_the_outcome(reader, seeded):
    """A list's row and a person's page give a visit's status and outcome together, with no
    label: an unknown outcome reads "occurred, outcome unknown" (« a eu lieu, issue
    inconnue »), not "occurred, unknown", which reads as if the trip were in doubt. The
    other outcomes read as they did: "occurred, not arrested"."""
    person = make_person("someone-unaccounted", "Someone Unaccounted")
    make_warrant(person)
    visit = make_visit(person, make_state("MNG"), outcome="unknown", place="Darkhan")
    flagging.evaluate_visits([visit.pk])

    for prefix, said, unsaid, known in (
        ("", "occurred, outcome unknown", "occurred, unknown", "occurred, not arrested"),
        ("/fr", "a eu lieu, issue inconnue", "a eu lieu, inconnue", "a eu lieu, pas arrêté"),
    ):
        listed = body(reader.get(f"{prefix}/visits/", {"person": person.slug}))
        cells = listed[listed.index(f'data-id="{visit.slug}"') :].split("</tr>")[0]
        assert said in cells and unsaid not in cells, prefix
        page = body(reader.get(f"{prefix}/persons/{person.slug}/"))
        item = page[page.index(f'data-id="{visit.slug}"') :].split("</li>")[0]
        assert said in item and unsaid not in item, prefix
        putin = body(reader.get(f"{prefix}/visits/", {"person": "vladimir-putin", "host": "MNG"}))
        putin = putin[putin.index('data-id="vladimir-putin-mng-2024-09-02"') :].split("</tr>")[0]
        assert known in putin, prefix


def test_unverified_visits_are_not_published(reader, seeded):
    person = make_person("someone-wanted", "Someone Wanted")
    make_warrant(person)
    visit = make_visit(person, make_state("MNG"), review_state="reported", place="Darkhan")
    flagging.evaluate_visits([visit.pk])
    assert reader.get(f"/visits/{visit.slug}/").status_code == 404
    assert visit.slug not in body(reader.get("/visits/?host=MNG"))
    assert visit.slug not in body(reader.get("/states/MNG/"))
    assert visit.slug not in body(reader.get("/persons/someone-wanted/"))
    assert visit.slug not in body(reader.get("/search/?q=Darkhan"))


@pytest.mark.npm("world-atlas")
def test_person_page_lists_warrants_and_a_travel_timeline_with_a_map(reader, seeded):
    html = body(reader.get("/persons/vladimir-putin/"))
    assert "<h1>Vladimir Vladimirovich Putin</h1>" in html
    warrants = html[html.index('id="warrants"') :]
    assert "2023-03-17" in warrants and "in force" in warrants
    timeline = html[html.index('id="travel-timeline"') :]
    slugs = re.findall(r'data-id="([^"]+)"', timeline)
    assert slugs == list(
        Visit.objects.published()
        .filter(person__slug="vladimir-putin")
        .order_by("start", "pk")
        .values_list("slug", flat=True)
    )
    assert "vladimir-putin-mng-2024-09-02" in slugs
    mng = timeline[timeline.index('data-id="vladimir-putin-mng-2024-09-02"') :][:900]
    assert "non-compliance" in mng and "Mongolia (Ulaanbaatar)" in mng
    # Trips called off are on the timeline too, claiming no cause.
    assert "did not travel (host would have been bound)" in timeline
    # The map: hosts shaded by verdict, a dot per trip at its city (Ulaanbaatar from GeoNames).
    assert '<svg class="worldmap"' in html
    assert re.search(r'<path class="vh-incident"[^>]*><title>Mongolia', html)
    assert re.search(
        r'<circle class="marker m-incident" cx="[\d.]+" cy="[\d.]+" r="5"><title>Ulaanbaatar, Mongolia, 2–3 September 2024',
        html,
    )


def test_al_bashir_has_two_warrants(reader, seeded):
    html = body(reader.get("/persons/omar-al-bashir/"))
    warrants = html[
        html.index('id="warrants"') : html.index("</table>", html.index('id="warrants"'))
    ]
    assert warrants.count("<tr><td") == 2
    assert "2009-03-04" in warrants and "2010-07-12" in warrants
    assert "Omer al-Bashir" in html  # other names


def test_unknown_person_and_visit_are_404(reader, seeded):
    assert reader.get("/persons/nobody/").status_code == 404
    assert reader.get("/visits/nobody-mng-2024-01-01/").status_code == 404


def test_search_page_without_a_query_shows_the_form(reader, seeded):
    html = body(reader.get("/search/"))
    assert '<input id="q" type="search" name="q"' in html and "result" not in html


def test_every_state_person_and_visit_page_of_the_seed_answers(reader, seeded):
    """Each page the sitemap lists for a state, a person or a visit renders: Turkey, whose
    only visit is an undated trip called off, has a chart with no year in it (its
    description once took the most of no years and failed)."""
    from states.models import State
    from warrants.models import Person

    addresses = [s.get_absolute_url() for s in State.objects.all()]
    addresses += [p.get_absolute_url() for p in Person.objects.all()]
    addresses += [v.get_absolute_url() for v in Visit.objects.published()]
    failed = [(a, r.status_code) for a in addresses if (r := reader.get(a)).status_code != 200]
    assert not failed
    assert len(addresses) > 250
    # Its chart has no year to draw: its table gives the undated trip.
    assert 'data-year=""' in body(reader.get("/states/TUR/"))


def test_a_chart_names_every_year_tied_for_the_most(reader, seeded):
    """The home page's chart of incidents: several years with the most incidents are all
    named, not the latest of them alone."""
    from front import charts

    chart = charts._build(
        "c",
        "t",
        "d",
        {2011: {"incident": 3}, 2016: {"incident": 3}, 2020: {"incident": 1}},
        charts._series({2011: {"incident": 3}}),
    )
    assert charts._sentence_of_counts(chart) == "7 in total; the most in 2011 and 2016 (3 each)."
    chart = charts._build(
        "c",
        "t",
        "d",
        {2011: {"incident": 2}, 2016: {"incident": 1}},
        charts._series({2011: {"incident": 2}}),
    )
    assert charts._sentence_of_counts(chart) == "3 in total; the most in 2011 (2)."
    undated = {None: {"incident": 1}}
    chart = charts._build("c", "t", "d", undated, charts._series(undated))
    assert charts._sentence_of_counts(chart) == "1 in total, without a known date."


def test_findings_and_warrants_cite_their_sources_where_they_are_shown(reader, seeded):
    """A journalist sees the sources of an ICC finding on the country page and on the visit
    page, and the sources of each warrant on the person page; the visit page also gives the
    finding's notes (what the Chamber said of Nigeria)."""
    from django.utils.html import escape

    from visits.models import Finding
    from warrants.models import Person

    findings = Finding.objects.filter(sources__isnull=False).select_related("state", "visit")
    assert findings.exists()
    for finding in findings.distinct():
        page = body(reader.get(f"/states/{finding.state.iso3}/"))
        for source in finding.sources.all():
            assert f'href="{escape(source.url)}"' in page, (finding, source.url)
        if finding.visit is not None and finding.visit.review_state == "verified":
            page = body(reader.get(finding.visit.get_absolute_url()))
            for source in finding.sources.all():
                assert f'href="{escape(source.url)}"' in page, (finding.visit, source.url)
            if finding.notes:
                assert escape(finding.notes) in page
    putin = Person.objects.get(slug="vladimir-putin")
    page = body(reader.get(putin.get_absolute_url()))
    cited = [s.url for w in putin.warrants.all() for s in w.sources.all()]
    assert cited
    for url in cited:
        assert f'href="{escape(url)}"' in page


def test_no_two_sources_of_a_person_read_the_same(reader, seeded):
    from warrants.models import Person

    for person in Person.objects.filter(sources__isnull=False).distinct():
        page = body(reader.get(person.get_absolute_url()))
        listed = page.split('<ul class="sources">', 1)[1].split("</ul>", 1)[0]
        labels = re.findall(r'rel="external noopener">([^<]+)</a>', listed)
        assert len(labels) == len(set(labels)) == person.sources.count(), (person.slug, labels)


def test_the_home_pages_states_are_in_the_readers_alphabetical_order(reader, seeded):
    """In the map's table, Côte d'Ivoire before Croatie and Czechia, Bénin before Burkina
    Faso (French), Åland first: names sorted with their accents folded, not by code point."""
    from core.names import collation_key

    for path in ("/fr/", "/"):
        table = body(reader.get(path)).split('id="map-table"', 1)[1].split("</table>", 1)[0]
        for row in re.findall(r"<td>(.*?)</td></tr>", table, re.S):
            names = [html.unescape(n) for n in re.findall(r'<a href="[^"]+">([^<]+)</a>', row)]
            assert names == sorted(names, key=collation_key), (path, names)
    french = html.unescape(body(reader.get("/fr/")).split('id="map-table"', 1)[1])
    assert french.index("Côte d’Ivoire") < french.index("Croatie")


@pytest.mark.parametrize("prefix", ["/fr", ""])
def test_the_list_of_states_is_in_the_alphabetical_order_of_the_names_it_shows(
    reader, seeded, prefix
):
    """/fr/states/ shows French names (Allemagne for Germany) and sorts by them, not by
    the dataset's English names; each page and the order across pages."""
    from core.names import collation_key

    shown, previous = [], None
    for page in range(1, 20):
        response = reader.get(f"{prefix}/states/?page={page}")
        rows = re.findall(
            r'<tr data-id="[A-Z]{3}">\s*<th[^>]*><a href="[^"]+">([^<]+)</a>', body(response)
        )
        if response.status_code != 200 or not rows or rows == previous:
            break  # past the last page (served again, or refused)
        shown += [html.unescape(name) for name in rows]
        previous = rows
    assert len(shown) > 200
    assert shown == sorted(shown, key=collation_key)
    if prefix == "/fr":
        assert shown.index("Allemagne") < shown.index("Belgique") < shown.index("Chine")


def test_a_country_page_counts_failures_found_and_words_each_decision_as_the_visit_does(
    reader, seeded
):
    """An appeal that upheld a finding (Jordan, 2019) or a later referral of it (Italy, 2026)
    is the same failure, and a decision that only informed the Security Council and the
    Assembly (Kenya, 2010) is no finding: the count, the summary and each decision's words
    agree with the visit page's explanation."""

    def words(path):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body(reader.get(path))))

    jordan = words("/states/JOR/")
    assert "1 ICC finding of non-compliance" in jordan
    assert "in a decision of 11 December 2017." in jordan
    assert (
        "The ICC Appeals Chamber upheld the finding of non-compliance on 6 May 2019 and reversed "
        "the decision to refer it to the Assembly of States Parties and the UN Security Council."
    ) in jordan
    italy = words("/states/ITA/")
    assert "1 ICC finding of non-compliance" in italy
    assert "in a decision of 17 October 2025." in italy
    kenya = words("/states/KEN/")
    assert "0 ICC findings of non-compliance" in kenya
    assert "Referred to the Assembly" not in kenya
    assert (
        "informed the Assembly of States Parties and the UN Security Council of the visit on "
        "27 August 2010; it made no finding of non-compliance under Art. 87(7)."
    ) in kenya
    visit = words("/visits/omar-al-bashir-ken-2010-08-27/")
    assert "Referred to the Assembly" not in visit and "it made no finding" in visit


def test_a_later_decision_on_a_finding_is_headed_as_what_it_is(reader, seeded):
    """Jordan's appeal judgment of 2019 and Italy's referral of 2026 decide on a finding
    already made: on the state's timeline, headed as such by their date, never as a new
    "Art. 87(7) finding of non-compliance" (front.summaries.finding_heading); in the list
    of decisions, on the state's page and the visit's, each is told once, by its sentence
    (the date and the Chamber not said twice)."""

    def entries(path, list_id):
        listed = body(reader.get(path)).split(f'id="{list_id}"')[1].split("</ul>")[0]
        items = listed.split("</ol>")[0].split("<li")[1:]
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", f"<li{li}")).strip() for li in items]

    def decisions(entries):
        return [e for e in entries if "Chamber" in e or "Chambre" in e]

    jordan = decisions(entries("/states/JOR/", "timeline"))
    assert (
        "11 December 2017 Art. 87(7) finding of non-compliance — Pre-Trial Chamber II"
        in (jordan[0])
    )
    assert "6 May 2019 Appeal judgment on the Art. 87(7) finding — Appeals Chamber" in jordan[1]
    assert "finding of non-compliance —" not in jordan[1] and "on 6 May 2019" not in jordan[1]
    italy = decisions(entries("/states/ITA/", "timeline"))
    assert "17 October 2025 Art. 87(7) finding of non-compliance — Pre-Trial Chamber I" in italy[0]
    assert "26 January 2026 Referral of the Art. 87(7) finding — Pre-Trial Chamber I" in italy[1]
    french = decisions(entries("/fr/states/JOR/", "timeline"))
    assert "Arrêt d’appel sur le constat de manquement (art. 87-7) — Chambre d’appel" in french[1]
    for path in ("/states/JOR/", "/visits/omar-al-bashir-jor-2017-03-28/"):
        appeal = entries(path, "findings")[1]
        assert appeal.startswith(
            "The ICC Appeals Chamber upheld the finding of non-compliance on 6 May 2019"
        )
        assert appeal.count("6 May 2019") == 1 and appeal.count("Appeals Chamber") == 1
        assert "Appeal judgment" not in appeal


def test_a_country_with_one_visit_reads_as_one(reader, seeded):
    text = html.unescape(re.sub(r"\s+", " ", body(reader.get("/states/MNG/"))))
    assert (
        "It has hosted 1 recorded visit by a person wanted by the ICC. By iccwatch's reading of "
        "the facts, that visit was a failure to arrest and surrender (non-compliance). The ICC "
        "found this state in non-compliance (Art. 87(7)) in a decision of 24 October 2024."
    ) in text
    # "This state", in French too (after a sentence about trips, "it" read as a trip), and
    # the name is not said again as a label: « Mongolie : … Mongolie : manquement … ».
    french = html.unescape(body(reader.get("/fr/states/MNG/")))
    assert (
        "La CPI a constaté un manquement de cet État à son obligation de coopérer (art. 87-7) "
        "dans une décision rendue le 24 octobre 2024."
    ) in french
    assert "Mongolie\u00a0: manquement" not in french
    assert "1 of them" not in text


def test_a_country_page_tells_its_failures_from_the_courts_findings(reader, seeded):
    """Tajikistan's incident of 2025 is iccwatch's reading; the Court has decided nothing."""
    text = html.unescape(re.sub(r"\s+", " ", body(reader.get("/states/TJK/"))))
    assert "By iccwatch's reading of the facts, that visit was a failure" in text
    assert "No ICC finding of non-compliance (Art. 87(7)) against it is recorded." in text
    mongolia = re.sub(r"\s+", " ", body(reader.get("/states/MNG/")))
    assert "has made no finding" not in mongolia
    # In French too: the Court has decided nothing, which is not "found no failure".
    french = html.unescape(re.sub(r"\s+", " ", body(reader.get("/fr/states/TJK/"))))
    assert "Aucune décision de la CPI constatant un manquement de sa part" in french
    assert "n’a constaté aucun manquement" not in french
    visit = html.unescape(
        re.sub(r"\s+", " ", body(reader.get("/fr/visits/vladimir-putin-tjk-2025-10-08/")))
    )
    assert "aucune décision de la CPI constatant un manquement (art. 87-7)" in visit
    assert "n’a constaté aucun manquement" not in visit


def test_the_home_page_defines_an_incident_as_the_incidents_page_does(reader, seeded):
    # Italy arrested Njeem, then released him: an incident, which "did not arrest" denied.
    released = Visit.objects.published().flagged().filter(outcome="released")
    assert released.exists()
    home = re.sub(r"\s+", " ", body(reader.get("/")))
    assert "visits where a bound host did not arrest and surrender" in home
    french = re.sub(r"\s+", " ", body(reader.get("/fr/")))
    assert "tenu d’arrêter et de remettre ne l’a pas fait" in french


def test_a_visits_breadcrumb_reads_who_where_and_when_not_its_id(reader, seeded):
    page = body(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert '<a href="/fr/persons/vladimir-putin/">Vladimir Vladimirovich Putin</a>' in crumbs
    assert '<span aria-current="page">Mongolie, 2–3 septembre 2024</span>' in crumbs
    assert "vladimir-putin-mng-2024-09-02" not in crumbs


def test_a_filtered_lists_heading_says_what_it_is_filtered_on(reader, seeded):
    # On a phone the filters start closed: "Visites" over Hungary's two rows hid the filter.
    page = body(reader.get("/fr/visits/?host=HUN"))
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert "Hongrie" in heading
    assert heading == re.search(r"<title>(.*?) · iccwatch</title>", page).group(1)
    assert re.search(r"<h1>(.*?)</h1>", body(reader.get("/fr/visits/"))).group(1) == "Visites"


def test_a_trip_known_to_the_month_is_machine_dated_to_the_month(reader, seeded):
    # datetime="2025-10-01" told machines a day that no source gives.
    page = body(reader.get("/persons/vladimir-putin/"))
    assert re.search(r'<time [^>]*datetime="2025-10"[^>]*>October 2025</time>', page)
    assert '<time datetime="2025-10-01">' not in page


def test_an_empty_incidents_list_tells_of_the_visits_its_filters_match(reader, seeded):
    # "No incident" for 2026 read the same whether 2026 had no recorded visit or visits
    # with other verdicts: a journalist could not tell a quiet year from an unresearched one.
    visits_2026 = Visit.objects.published().filter(start__year=2026)
    assert visits_2026.exists() and not visits_2026.flagged().exists()
    page = re.sub(r"\s+", " ", body(reader.get("/incidents/?year=2026")))
    assert "No incident matches these filters." in page
    n = visits_2026.count()
    link = re.search(r'<a href="([^"]+)" id="other-verdicts">([^<]+)</a>', page)
    assert link.group(1) == "/visits/?year=2026"
    assert link.group(2).startswith(f"{n} recorded visit")
    french = body(reader.get("/fr/incidents/?year=2026"))
    assert "avec un autre verdict" in french or "avec d’autres verdicts" in french
    # Without a visit either, nothing more is said.
    empty = body(reader.get("/incidents/?year=1999"))
    assert "No incident matches these filters." in empty and "other-verdicts" not in empty
    # A list with incidents does not count the other visits (no query for it).
    assert "other-verdicts" not in body(reader.get("/incidents/"))


def _chart_legend(page: str, chart_id: str) -> str:
    chart = page[page.index(f'id="{chart_id}"') :]
    return re.search(r'<ul class="legend">(.*?)</ul>', chart, re.S).group(1)


def test_a_chart_legend_names_only_what_the_chart_draws(reader, seeded):
    """Ukraine hosted no visit: its record's chart draws its treaty steps and its years as a
    State Party, and its legend named "non-compliance" beside them, which nothing on the
    chart is. A country with no visit and no year as a party (Israel) has no legend at all."""
    ukraine = _chart_legend(body(reader.get("/states/UKR/")), "chart-record")
    assert "chart-swatch" not in ukraine and "non-compliance" not in ukraine
    assert "State Party" in ukraine
    french = _chart_legend(body(reader.get("/fr/states/UKR/")), "chart-record")
    assert "non-coopération" not in french and "État partie" in french
    israel = body(reader.get("/states/ISR/"))
    assert 'id="chart-record"' in israel and '<ul class="legend">' not in israel
    mongolia = _chart_legend(body(reader.get("/states/MNG/")), "chart-record")
    assert "chart-swatch-incident" in mongolia and "non-compliance" in mongolia


def test_a_visits_host_timeline_lists_treaty_steps_and_declarations_in_date_order(reader, seeded):
    """Ukraine's Art. 12(3) declarations (2014, 2015) come before its ratification (2024)
    on a visit's page, as they happened: not after every treaty step."""
    from states.models import State
    from warrants.models import Person

    visit = make_visit(
        Person.objects.get(slug="vladimir-putin"),
        State.objects.get(iso3="UKR"),
        start=datetime.date(2025, 6, 1),
    )
    html = body(reader.get(f"/visits/{visit.slug}/"))
    listed = html[html.index('id="treaty-dates"') :]
    listed = listed[: listed.index("</ul>")]
    days = re.findall(r'<time datetime="([0-9-]+)"', listed)
    assert len(days) >= 4 and "2014-04-17" in days, days
    assert days == sorted(days), days
