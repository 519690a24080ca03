"""The second edition on the pages: names, dates and counts in the reader's language,
Security Council obligations, findings without visits, incomplete signatory lists, host
control, early warnings and withdrawn visits (docs/DOMAIN.md)."""

import datetime
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.utils import timezone, translation

from core.names import country_name, format_date
from states.models import JointStatement, SecurityCouncilReferral, State
from tests.factories import make_situation, make_visit
from tests.site.conftest import body
from visits.models import Finding, Verdict, VerdictChange, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PUTIN_MNG = "vladimir-putin-mng-2024-09-02"


def section(html: str, element_id: str, end: str = "</section>") -> str:
    part = html[html.index(f'id="{element_id}"') :]
    return part[: part.index(end)]


def set_verdict(visit, code, *, basis="", bound=None, explanation="test verdict"):
    """A verdict the current rule may not produce yet (upcoming, no_control, withdrawn)."""
    Verdict.objects.update_or_create(
        visit=visit,
        defaults={
            "code": code,
            "basis": basis,
            "would_have_been_bound": bound,
            "explanation": explanation,
            "rule_version": "test",
            "computed_at": timezone.now(),
        },
    )


def test_mongolia_in_french_names_dates_statements_and_counts(reader, seeded):
    html = body(reader.get("/fr/states/MNG/"))
    assert "<h1>Mongolie" in html and "Mongolia est" not in html
    assert "2 septembre 2024" in html
    # Dates in prose are words; ISO stays in <time datetime> (the explanation is the
    # rule's, rendered in French once it records its reasons).
    timeline = section(html, "timeline", "</ol>")
    # (a visit's date has an id: its link's accessible name reads it)
    assert re.search(
        r'<time(?: id="[^"]+")? datetime="2024-09-02">2 septembre 2024</time>', timeline
    )
    assert ">2024-09-02<" not in timeline
    signed = section(html, "statements-signed", "</ul>")
    june = signed[signed.index("14 juin 2024") :].split("</li>")[0]
    assert "93 States Parties" in june and "signée" in june
    listed = JointStatement.objects.get(date=datetime.date(2024, 6, 14)).signatories.count()
    assert 60 <= listed < 93
    # "65 of 93 signatories recorded" as French reads it, a no-break space before the colon.
    assert f"(signataires recensés\u00a0: {listed} sur 93)" in june
    # Counts agree with their number, in both languages.
    counts = section(html, "counts", "</ul>")
    assert "<strong>1</strong> visite accueillie" in counts
    assert "<strong>2</strong> déclarations communes signées" in counts
    english = section(
        body(reader.get("/states/MNG/", HTTP_ACCEPT_LANGUAGE="en")), "counts", "</ul>"
    )
    assert "<strong>1</strong> visit hosted<" in english
    assert "<strong>2</strong> joint statements signed" in english
    assert f"{listed} of 93 signatories recorded" in body(reader.get("/states/MNG/"))


def test_an_unlisted_party_is_not_known_to_have_signed_an_incomplete_list(reader, seeded):
    june = JointStatement.objects.get(date=datetime.date(2024, 6, 14))
    assert june.signatories.count() < june.signatory_count
    listed = set(june.signatories.values_list("iso3", flat=True))
    # Germany was a party that day; whether it is among the 60 listed or not, the page
    # says "signed" or "not known" and never "did not sign".
    for iso3 in ("DEU", "FRA", "ESP", "ITA", "NLD", "JPN", "CAN", "BRA"):
        if iso3 not in listed:
            break
    html = body(reader.get(f"/states/{iso3}/"))
    unknown = section(html, "statements-unknown", "</ul>")
    assert "Joint statement in support of the ICC by 93 States Parties" in unknown
    recorded = f"{len(listed)} of {june.signatory_count} signatories recorded"
    assert "signature not known" in unknown and recorded in unknown
    assert "did not sign" not in html
    timeline = section(html, "timeline", "</ol>")
    assert "the signatory list is incomplete; whether this state signed is not known" in timeline


def test_sudan_lists_its_findings_without_visits_and_its_council_obligation(reader, seeded):
    sudan = State.objects.get(iso3="SDN")
    if not Finding.objects.filter(state=sudan, visit=None).exists():
        Finding.objects.create(
            state=sudan,
            decided=datetime.date(2010, 5, 1),
            decided_precision="month",
            kind="other",
            chamber="Pre-Trial Chamber I",
            referred_to_unsc=True,
        )
        finding = Finding.objects.create(
            state=sudan,
            decided=datetime.date(2015, 6, 9),
            kind="art_87_7",
            chamber="Pre-Trial Chamber II",
            referred_to_unsc=True,
        )
        finding.persons.add(Person.objects.get(slug="omar-al-bashir"))
    if not SecurityCouncilReferral.objects.filter(bound_states=sudan).exists():
        referral = SecurityCouncilReferral.objects.create(
            situation=make_situation("Darfur, Sudan"),
            resolution="S/RES/1593 (2005)",
            adopted=datetime.date(2005, 3, 31),
        )
        referral.bound_states.add(sudan)
    html = body(reader.get("/states/SDN/"))
    findings = section(html, "findings", "</ul>")
    assert "2010" in findings and "2015" in findings
    assert findings.index("2010") < findings.index("2015")
    assert (
        "A failure to comply with the Court's request for arrest and surrender, on its own "
        "territory, with no visit."
    ) in unescape(findings)
    referrals = section(html, "referrals", "</ul>")
    assert "S/RES/1593 (2005)" in referrals and "31 March 2005" in referrals
    assert "bound to cooperate fully with the Court for the situation in Darfur, Sudan" in referrals
    french = body(reader.get("/fr/states/SDN/"))
    assert "<h1>Soudan" in french and "Darfour (Soudan)" in section(french, "referrals", "</ul>")


def test_a_visit_to_a_place_the_host_did_not_control_says_who_did(reader, seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    ukraine, russia = State.objects.get(iso3="UKR"), State.objects.get(iso3="RUS")
    visit = make_visit(putin, ukraine, start=datetime.date(2024, 3, 1), place="Sevastopol")
    Visit.objects.filter(pk=visit.pk).update(host_control="none", controlled_by=russia)
    set_verdict(visit, "no_control", basis="art_12_3_declaration", bound=True)
    html = body(reader.get(visit.get_absolute_url()))
    control = section(html, "host-control", "</dd>")
    # "the Russian Federation": the name with its article, mid-sentence (in_sentence).
    assert f"Ukraine did not control the place; it was controlled by the {russia.name}." in control
    french = section(body(reader.get(f"/fr/visits/{visit.slug}/")), "host-control", "</dd>")
    with translation.override("fr"):
        assert country_name("RUS", russia.name) in french and "Ukraine" in french


@pytest.mark.parametrize(
    ("days", "control", "controle"),
    [
        pytest.param(
            60,
            "Ukraine does not control the place; it is controlled by the {russia}.",
            "L’État hôte (Ukraine) ne contrôle pas le lieu\u202f; État qui le contrôle\u00a0:",
            id="ahead",
        ),
        pytest.param(
            -60,
            "Ukraine did not control the place; it was controlled by the {russia}.",
            "L’État hôte (Ukraine) ne contrôlait pas le lieu\u202f; État qui le contrôlait\u00a0:",
            id="dates-passed",
        ),
    ],
)
def test_an_announced_trips_control_of_the_place_follows_whether_its_dates_passed(
    reader, seeded, days, control, controle
):
    """An announced trip to occupied Mariupol was said to be to a place the host "did not
    control", as if it had been made: in the present while its dates are ahead, in the
    past once they have passed (visits.models.announced_dates_passed)."""
    putin = Person.objects.get(slug="vladimir-putin")
    ukraine, russia = State.objects.get(iso3="UKR"), State.objects.get(iso3="RUS")
    start = timezone.localdate() + datetime.timedelta(days=days)
    visit = make_visit(
        putin, ukraine, start=start, status="announced", outcome="n/a", place="Mariupol"
    )
    Visit.objects.filter(pk=visit.pk).update(host_control="none", controlled_by=russia)
    set_verdict(visit, "upcoming", basis="art_12_3_declaration", bound=True)
    html = body(reader.get(visit.get_absolute_url()))
    assert control.format(russia=russia.name) in section(html, "host-control", "</dd>")
    french = body(reader.get(f"/fr/visits/{visit.slug}/"))
    assert controle in section(french, "host-control", "</dd>")
    if days > 0:
        assert "An announced trip that has not happened yet, to a place Ukraine does not " in (
            section(html, "upcoming", "</p>")
        )
        assert "did not control" not in html
        assert "ne contrôlait pas" not in french


def test_an_announced_trip_to_a_place_its_host_controls_is_told_in_the_present(reader, seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    start = timezone.localdate() + datetime.timedelta(days=60)
    visit = make_visit(
        putin, State.objects.get(iso3="FRA"), start=start, status="announced", outcome="n/a"
    )
    html = body(reader.get(visit.get_absolute_url()))
    assert "France controls the place." in section(html, "host-control", "</dd>")
    french = body(reader.get(f"/fr/visits/{visit.slug}/"))
    assert "L’État hôte (France) contrôle le lieu." in section(french, "host-control", "</dd>")


def test_an_announced_trip_to_a_bound_state_is_an_early_warning(reader, seeded):
    assert "no-early-warnings" in body(reader.get("/"))
    putin = Person.objects.get(slug="vladimir-putin")
    start = timezone.localdate() + datetime.timedelta(days=60)
    visit = make_visit(
        putin, State.objects.get(iso3="FRA"), start=start, status="announced", outcome="n/a"
    )
    set_verdict(visit, "upcoming", basis="state_party", bound=True)
    for url in ("/", "/persons/vladimir-putin/"):
        warnings = section(body(reader.get(url)), "early-warnings", "</ol>")
        assert visit.get_absolute_url() in warnings and "France" in warnings, url
        assert "(State Party)" in warnings
    html = body(reader.get(visit.get_absolute_url()))
    assert "This is an early warning, not an incident." in section(html, "upcoming", "</p>")
    # A trip to a host that will not be bound is no warning.
    set_verdict(visit, "upcoming", bound=False)
    assert visit.get_absolute_url() not in body(reader.get("/"))


@pytest.mark.parametrize(
    ("bound", "basis", "said", "not_said"),
    [
        (
            True,
            "state_party",
            "France will be bound to arrest and surrender on those days (State Party).",
            "will not be bound",
        ),
        (
            False,
            "",
            "France will not be bound to arrest on those days, as far as the record shows.",
            "will be bound",
        ),
        (
            None,
            "",
            "whether France will be bound to arrest depends on its exact dates, which are not "
            "known (see the explanation).",
            "will not be bound",
        ),
    ],
)
def test_an_announced_trips_banner_says_what_the_verdict_records(
    reader, seeded, bound, basis, said, not_said
):
    """The banner read an unknown answer (`would_have_been_bound` null: a trip dated only
    "2027" to a state bound from 1 March 2027) as "will not be bound … as far as the record
    shows", while the explanation below said it depends on the dates."""
    putin = Person.objects.get(slug="vladimir-putin")
    start = timezone.localdate() + datetime.timedelta(days=60)
    visit = make_visit(
        putin, State.objects.get(iso3="FRA"), start=start, status="announced", outcome="n/a"
    )
    set_verdict(visit, "upcoming", basis=basis, bound=bound)
    banner = section(body(reader.get(visit.get_absolute_url())), "upcoming", "</p>")
    assert said in banner and not_said not in banner
    french = section(body(reader.get(f"/fr/visits/{visit.slug}/")), "upcoming", "</p>")
    if bound is None:
        assert "dépend de ses dates exactes" in french and "ne sera pas tenu" not in french


def test_a_data_check_is_shown_to_staff_only_and_never_to_the_public_from_the_cache(
    reader, seeded, reviewer
):
    """A withdrawn visit's page showed "Data check: The researcher expected the verdict
    non_compliance, but the rule gives withdrawn." to everyone. The self-check is for the
    import warnings and the staff view (docs/DOMAIN.md); a page staff read is never stored
    in the public page cache."""
    visit = Visit.objects.get(slug=PUTIN_MNG)
    Verdict.objects.filter(visit=visit).update(
        self_check="The ICC found non-compliance for this visit, but the verdict is pending."
    )
    url = visit.get_absolute_url()
    assert 'id="data-check"' not in body(reader.get(url))  # now in the public cache
    reader.force_login(reviewer)
    staff = section(body(reader.get(url)), "data-check", "</p>")
    assert (
        "The ICC found non-compliance on this visit (Art. 87(7)), but the verdict is "
        "“pending”." in staff
    )
    reader.logout()
    for path in (url, f"/fr{url}"):
        public = body(reader.get(path))
        assert 'id="data-check"' not in public and "Data check" not in public, path
        assert "Contrôle des données" not in public, path


def test_a_withdrawn_visit_is_withdrawn_in_the_incident_feed_and_on_its_page(reader, seeded):
    visit = Visit.objects.get(slug=PUTIN_MNG)
    note = "removed from dataset version 2026.12.01"
    Visit.objects.filter(pk=visit.pk).update(review_state="withdrawn", withdrawal_note=note)
    set_verdict(visit, "withdrawn")
    VerdictChange.objects.create(
        visit=visit,
        changed_at=timezone.now(),
        old_code="non_compliance",
        new_code="withdrawn",
        old_basis="state_party",
        explanation="",
        cause=f"withdrawn: {note}",
        rule_version="test",
    )
    root = ET.fromstring(reader.get("/incidents/feed/").content)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith("Incident withdrawn: Vladimir")
    assert entry.find(f"{ATOM}summary").text == f"withdrawn: {note}"
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/visits/{PUTIN_MNG}/")
    assert len(ET.fromstring(reader.get("/states/MNG/feed/").content).findall(f"{ATOM}entry")) == 1
    # The page still answers and says what became of it; the lists no longer show it.
    html = body(reader.get(f"/visits/{PUTIN_MNG}/"))
    today = format_date(timezone.localdate())
    assert f"This visit was withdrawn from the record on {today}." in html and note in html
    # Its title, quoted alone (a tab, a search result, a link preview), says so too.
    assert "<title>Withdrawn: Vladimir" in html
    # Its facts are what was reported, not what decided a verdict it no longer has.
    assert "The facts as they were reported, before it was withdrawn" in html
    assert "The facts that decided it" not in html
    assert "The facts that decided it" in body(reader.get("/visits/vladimir-putin-tjk-2025-10-08/"))
    assert PUTIN_MNG not in body(reader.get("/incidents/"))
    # The feed in French, by ?lang= for readers that send no Accept-Language.
    french = ET.fromstring(reader.get("/incidents/feed/?lang=fr").content)
    assert french.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert french.find(f"{ATOM}entry/{ATOM}title").text.startswith(
        "Incident retiré\u00a0: Vladimir"
    )


def test_a_state_pages_finding_marks_its_withdrawn_visit_as_withdrawn(reader, seeded):
    """Mongolia's visit withdrawn through the newsroom, /states/MNG/ said no visit was
    recorded, but its finding still linked "Visit: Vladimir Vladimirovich Putin, 2–3
    September 2024" as if it stood: the link stays (the visit's page says what became of
    it), marked withdrawn in words."""
    from django.contrib.auth.models import Group, User

    from core import roles
    from visits import review

    rita = User.objects.create_user("rita", password="a-long-test-password")
    rita.groups.add(Group.objects.get_or_create(name=roles.REPORTERS)[0])
    victor = User.objects.create_user("victor", password="a-long-test-password")
    victor.groups.add(Group.objects.get_or_create(name=roles.REVIEWERS)[0])
    visit = Visit.objects.get(slug=PUTIN_MNG)
    findings = section(body(reader.get("/states/MNG/")), "findings", "</ul>")
    assert f'href="/visits/{PUTIN_MNG}/"' in findings and "withdrawn" not in findings
    withdrawal = review.propose_withdrawal(
        author=rita, visit=visit, note="The trip never took place as reported."
    )
    review.verify(withdrawal, victor)
    findings = section(body(reader.get("/states/MNG/")), "findings", "</ul>")
    link = f'href="/visits/{PUTIN_MNG}/">Vladimir Vladimirovich Putin, 2–3 September 2024</a>'
    assert f'{link} <span class="withdrawn">(withdrawn from the record)</span>' in findings
    french = section(body(reader.get("/fr/states/MNG/")), "findings", "</ul>")
    assert '2–3 septembre 2024</a> <span class="withdrawn">(retirée des données)</span>' in french
    # A finding of a visit that stands is not marked.
    chad = section(body(reader.get("/states/TCD/")), "findings", "</ul>")
    assert "Visit:" in chad and "withdrawn" not in chad


def test_a_decision_that_found_no_failure_is_a_data_check_for_staff(reader, seeded, reviewer):
    """Nigeria, 5 September 2013: the Court found no failure to comply, the rule reads the
    visit as a failure to arrest; staff see the disagreement in their words, readers do not."""
    visit = Visit.objects.get(slug=PUTIN_MNG)
    Verdict.objects.filter(visit=visit).update(
        self_check="The ICC found no failure to comply for this visit, but the verdict is "
        "non_compliance (iccwatch's reading against the Court's decision)."
    )
    reader.force_login(reviewer)
    staff = unescape(section(body(reader.get(visit.get_absolute_url())), "data-check", "</p>"))
    assert (
        "The ICC found no failure to comply on this visit, but the verdict is “non-compliance”: "
        "iccwatch's reading against the Court's decision." in staff
    )
    french = section(body(reader.get(f"/fr{visit.get_absolute_url()}")), "data-check", "</p>")
    assert "La CPI" in french and "“" not in french


def test_an_announced_trip_whose_dates_passed_is_no_longer_an_early_warning(
    reader, seeded, monkeypatch
):
    """An announced trip stays `upcoming` (the verdict does not depend on the day the rule
    ran), but once its last possible day has passed the site no longer announces it as
    ahead: no early warning on the home page or the person's page, and its page and the
    lists say its dates passed and it is not confirmed as taken. The home page's summary is
    the day's: it does not keep yesterday's warnings after midnight."""
    putin = Person.objects.get(slug="vladimir-putin")
    today = timezone.localdate()
    visit = make_visit(
        putin,
        State.objects.get(iso3="FRA"),
        start=today,
        end=today + datetime.timedelta(days=1),
        status="announced",
        outcome="n/a",
    )
    set_verdict(visit, "upcoming", basis="state_party", bound=True)
    url = visit.get_absolute_url()
    assert url in section(body(reader.get("/")), "early-warnings", "</ol>")
    assert "dates passed" not in body(reader.get(url))

    # Two days later, with no write in between: the trip's dates have passed.
    later = today + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    home = body(reader.get("/"))
    assert url not in home and "no-early-warnings" in home
    person = body(reader.get("/persons/vladimir-putin/"))
    assert "no-early-warnings" in person and url in person  # listed as a trip, not a warning
    page = body(reader.get(url))
    banner = section(page, "upcoming", "</p>")
    assert "dates passed; not confirmed as taken" in banner
    assert "This is an early warning" not in banner
    listed = body(reader.get("/visits/?status=announced"))
    assert url in listed and "dates passed; not confirmed as taken" in listed
    french = body(reader.get(f"/fr{url}"))
    assert "dates sont passées" in section(french, "upcoming", "</p>")


def test_an_announced_trip_to_a_place_the_host_did_not_control_is_no_early_warning(reader, seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    ukraine, russia = State.objects.get(iso3="UKR"), State.objects.get(iso3="RUS")
    start = timezone.localdate() + datetime.timedelta(days=30)
    visit = make_visit(
        putin, ukraine, start=start, status="announced", outcome="n/a", place="Sevastopol"
    )
    Visit.objects.filter(pk=visit.pk).update(host_control="none", controlled_by=russia)
    set_verdict(visit, "upcoming", basis="art_12_3_declaration", bound=True)
    home = body(reader.get("/"))
    assert visit.get_absolute_url() not in home
    banner = section(body(reader.get(visit.get_absolute_url())), "upcoming", "</p>")
    assert "to a place Ukraine does not control" in banner and "early warning, not" not in banner
