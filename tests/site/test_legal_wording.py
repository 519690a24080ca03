"""What the pages say about a state's obligations and the Court's decisions, read against
the law: a state the Court found in non-compliance is never said to have "never failed to
arrest"; a Security Council referral binds and is said to; a decision that made no Art.
87(7) finding is not headed or labelled as one."""

import datetime
import html
import re

import pytest

from states.models import SecurityCouncilReferral, State
from tests.site.conftest import body

pytestmark = pytest.mark.django_db


def test_a_state_the_court_found_in_non_compliance_is_never_said_to_have_never_failed(
    reader, seeded
):
    html = body(reader.get("/states/SDN/"))
    no_incident = re.search(r'<p id="no-incident">(.*?)</p>', html, re.S).group(1)
    assert "never failed" not in html
    assert "none of the verified visits recorded here" in no_incident
    assert re.search(
        r"The Court itself found it failed to arrest and surrender \d+ times", no_incident
    )
    french = body(reader.get("/fr/states/SDN/"))
    assert "n’a jamais manqué" not in french and "La Cour a elle-même constaté" in french


def test_a_state_bound_by_a_security_council_referral_says_so(reader, seeded):
    html = body(reader.get("/states/SDN/"))
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S).group(1)
    assert "S/RES/1593 (2005)" in summary and "shall cooperate fully with the Court" in summary


def test_the_home_page_counts_states_bound_only_by_a_referral(reader, seeded):
    def partly_bound() -> int:
        html = body(reader.get("/"))
        return int(re.search(r"iccwatch counts (\d+) more as bound only", html).group(1))

    counted = partly_bound()
    assert "Security Council referrals" in body(reader.get("/"))
    sudan = State.objects.get(iso3="SDN")
    for referral in SecurityCouncilReferral.objects.filter(bound_states=sudan):
        referral.bound_states.remove(sudan)  # a write: the cached page is dropped
    assert partly_bound() == counted - 1


def test_a_decision_without_an_art_87_7_finding_is_not_labelled_one(reader, seeded):
    html = body(reader.get("/visits/omar-al-bashir-nga-2013-07-14/"))
    assert '<h2 id="finding-heading">ICC decisions</h2>' in html
    decisions = html.split('id="findings">')[1].split("</ul>")[0]
    # The decision found no failure to comply (kind no_failure, dataset 2026.12.06), as
    # Nigeria alone reports it (reported_by state, dataset 2026.12.06.4).
    assert (
        "According to the state concerned alone (the decision's text was not read), "
        "Pre-Trial Chamber II found on 5 September 2013 that the state had not failed to "
        "comply with its obligation to arrest and surrender; no finding of non-compliance "
        "under Art. 87(7) and no referral are recorded."
    ) in decisions.replace("&#x27;", "'")
    # Its only source is an interested one, and the page says so with the decision.
    assert "Single, interested source" in decisions
    assert "Art. 87(7) finding of non-compliance" not in decisions
    assert "decision informing the Security Council or the Assembly" not in html


def test_a_state_whose_accession_was_withdrawn_before_entry_into_force_was_never_a_party(
    reader, seeded, api_client
):
    """Malaysia deposited in March 2019 and withdrew it on 29 April 2019, before the
    Statute entered into force for it: no "former" State Party, no entry into force."""
    html = body(reader.get("/states/MYS/"))
    assert "Instrument withdrawn before entry into force: never a State Party" in html
    assert "no longer a State Party" not in html
    state = api_client.get("/api/v1/states/MYS/").json()
    assert state["entry_into_force"] is None
    assert state["treaty_status"]["entry_into_force"] is None


def test_the_apis_status_sentence_gives_a_states_name_its_article(api_client, seeded):
    explanation = api_client.get("/api/v1/states/PHL/").json()["treaty_status"]["explanation"]
    assert " the Philippines was " in explanation, explanation


def test_a_situation_named_with_an_article_reads_with_it(reader, seeded):
    """ "the situation in the State of Palestine", as the explanations write it, not "the
    situation in State of Palestine"; in French, "la situation « État de Palestine »"."""
    html = body(reader.get("/states/PSE/"))
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S).group(1)
    assert "over the situation in the State of Palestine by an Art. 12(3) declaration" in summary
    assert "declaration accepting jurisdiction over the situation in the State of Palestine" in html
    assert "situation in State of Palestine" not in html
    french = body(reader.get("/fr/states/PSE/"))
    assert "pour la situation «\u00a0" in french


def test_titles_name_a_country_as_an_english_sentence_does(reader, seeded):
    """ "in the Democratic Republic of the Congo", not "in Democratic Republic of the Congo":
    the visit's title, the list's and the feed's (core.names.in_sentence); French unchanged."""
    bashir = "Omar Hassan Ahmad Al Bashir"
    visit = body(reader.get("/visits/omar-al-bashir-cod-2014-02-26/"))
    assert (
        f"<h1>{bashir} in the Democratic Republic of the Congo, 26–27 February 2014</h1>" in visit
    )
    listed = body(reader.get("/visits/", {"host": "COD"}))
    assert "<title>Visits to the Democratic Republic of the Congo · iccwatch</title>" in listed
    incidents = body(reader.get("/incidents/", {"host": "COD"}))
    assert (
        "<title>Incidents in the Democratic Republic of the Congo · iccwatch</title>" in incidents
    )
    feed = body(reader.get("/states/COD/feed/"))
    assert "<title>iccwatch: incidents in the Democratic Republic of the Congo</title>" in feed
    french = body(reader.get("/fr/visits/omar-al-bashir-cod-2014-02-26/"))
    assert f"<h1>{bashir}, République démocratique du Congo, 26–27 février 2014</h1>" in french


@pytest.mark.npm("world-atlas")
def test_captions_and_sentences_give_a_country_name_its_article(reader, seeded):
    """ "Visits hosted by the Central African Republic", "The United States controlled the
    place.": the template filter `in_sentence` and the charts', maps' and incident lines'
    sentences (core.names.in_sentence); French, which puts the name after a colon, unchanged."""
    page = html.unescape(body(reader.get("/states/CAF/")))
    assert 'title="Incidents in the Central African Republic"' in page
    assert "Visits hosted by the Central African Republic</caption>" in page
    assert "The Central African Republic's record over time" in page
    assert "Recorded visits to the Central African Republic (trips called off included)" in page
    assert "Map of the visits hosted by the Central African Republic" in page
    assert "by Central African Republic" not in page and "to Central African Republic" not in page
    visit = html.unescape(body(reader.get("/visits/benjamin-netanyahu-usa-2025-02-02/")))
    assert "The United States controlled the place." in visit
    french = html.unescape(body(reader.get("/fr/states/CAF/")))
    assert "Visites accueillies\u00a0: République centrafricaine</caption>" in french
    assert "Visites enregistrées dans l’État" not in french
    assert (
        "République centrafricaine\u00a0: visites enregistrées (voyages annulés compris)" in french
    )


def test_an_incident_line_starts_with_the_hosts_name_and_its_article(seeded):
    from front import summaries
    from visits.models import Visit

    visit = Visit.objects.with_verdicts().get(slug="benjamin-netanyahu-usa-2025-02-02")
    assert summaries.incident_line(visit).startswith("The United States (bound: ")


def test_french_pages_write_the_depositarys_title_one_way(reader, seeded):
    """« secrétaire général de l’ONU », lower case, as a state's timeline writes it (the
    French typographic rule for a title followed by its organisation); the method page
    wrote « Secrétaire général » in the paragraph that explains those very steps."""
    for path, words in [
        ("/fr/states/BDI/", "Retrait notifié au secrétaire général de l’ONU"),
        ("/fr/states/MYS/", "Retrait de l’instrument notifié au secrétaire général de l’ONU"),
        ("/fr/method/", "la date à laquelle le secrétaire général de l’ONU en a reçu"),
    ]:
        html = body(reader.get(path))
        assert words in html, path
        assert "Secrétaire général" not in html, path


@pytest.mark.parametrize("iso3", ["BDI", "PHL"])
def test_a_withdrawn_states_summary_gives_iccwatchs_reading_of_art_127_2(reader, seeded, iso3):
    """ "it stays bound for warrants issued before then (Art. 127(2))" read as the whole of
    Art. 127(2), which also keeps cooperation in investigations and proceedings begun
    before the withdrawal took effect: counting a withdrawn state as bound only for older
    warrants is iccwatch's reading, and the summary says so; its standing reads "former
    State Party (withdrew)", not "withdrawn", the verdict of a visit removed from the record."""
    page = html.unescape(body(reader.get(f"/states/{iso3}/")))
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', page, re.S).group(1)
    assert (
        "iccwatch counts it as bound only for warrants issued before then (its reading of "
        "Art. 127(2), which also keeps cooperation in proceedings begun before then)."
    ) in summary
    assert "stays bound" not in summary
    assert '<span class="standing st-withdrawn">former State Party (withdrew)</span>' in page
    french_page = html.unescape(body(reader.get(f"/fr/states/{iso3}/")))
    french = re.search(r'<p class="summary" id="summary">(.*?)</p>', french_page, re.S).group(1)
    assert (
        "iccwatch ne le compte comme lié que pour les mandats délivrés avant cette date (sa "
        "lecture de l’art. 127-2, qui maintient aussi la coopération dans les procédures "
        "engagées avant cette date)."
    ) in french
    assert "reste tenu" not in french
    assert '<span class="standing st-withdrawn">ancien État partie (retrait)</span>' in french_page


def test_the_home_page_counts_states_bound_for_older_warrants_only_as_iccwatchs_reading(
    reader, seeded
):
    """The home page's card said "5 more are bound only for some warrants or situations
    (Art. 127(2), …)", the law's last word on states that withdrew; counting them bound only
    for warrants issued before their withdrawal is iccwatch's reading of Art. 127(2)
    (docs/DOMAIN.md, "Treaty arithmetic"), as the state pages and /method/ say."""
    page = html.unescape(body(reader.get("/")))
    card = re.search(r"States Parties on [^<]*", page).group(0)
    assert re.search(
        r"; iccwatch counts \d+ more as bound only for some warrants or situations \(Art\. "
        r"12\(3\), Security Council referrals, and its reading of Art\. 127\(2\)\)\.$",
        card,
    ), card
    french_page = html.unescape(body(reader.get("/fr/")))
    french = re.search(r"États parties le [^<]*", french_page).group(0)
    assert re.search(
        r"iccwatch compte \d+ autres? États? comme tenus? seulement pour certains mandats ou "
        r"situations \(art\. 12-3, renvois du Conseil de sécurité, et sa lecture de l’art\. "
        r"127-2\)\.$",
        french,
    ), french


@pytest.mark.parametrize("iso3", ["BDI", "PHL", "HUN"])
def test_the_apis_status_of_a_withdrawn_state_gives_iccwatchs_reading_of_art_127_2(
    api_client, seeded, iso3
):
    """`treaty_status.explanation` said "It remains bound to arrest and surrender on warrants
    issued before 27 October 2017, because a withdrawal does not discharge obligations that
    arose while it was a party (Art. 127(2))", as the law's last word: Art. 127(2) also
    keeps cooperation in proceedings begun before then. The explanation and the obligation's
    scope say it is iccwatch's reading, as the state's page does; so do the API's documents."""
    status = api_client.get(f"/api/v1/states/{iso3}/").json()["treaty_status"]
    assert status["status"] == "withdrawn"
    explanation = status["explanation"]
    assert re.search(
        r"iccwatch counts it as bound to arrest and surrender only on warrants issued before "
        r"\d+ \w+ \d{4} \(its reading of Art\. 127\(2\), which also keeps cooperation in "
        r"proceedings begun before then\)\.$",
        explanation,
    ), explanation
    assert "remains bound" not in explanation and "does not discharge" not in explanation
    (residual,) = status["obligations"]
    assert residual["basis"] == "art_127_2_residual"
    assert residual["scope"].endswith(" (iccwatch's reading of Art. 127(2))"), residual
    french = api_client.get(f"/api/v1/states/{iso3}/?lang=fr").json()["treaty_status"]
    assert (
        "iccwatch ne compte l’État comme tenu d’arrêter et de remettre que pour les mandats "
        "délivrés avant le"
    ) in french["explanation"]
    assert "sa lecture de l’art. 127-2, qui maintient aussi la coopération" in french["explanation"]
    assert "reste tenu" not in french["explanation"]
    assert french["obligations"][0]["scope"].endswith("(lecture de l’art. 127-2 par iccwatch)")
    schema = api_client.get("/api/v1/schema/?format=json").json()
    as_of = next(
        p for p in schema["paths"]["/api/v1/states/"]["get"]["parameters"] if p["name"] == "as_of"
    )
    assert "still bound for warrants issued before" not in as_of["description"]
    assert "iccwatch's reading of Art. 127(2)" in as_of["description"]
    before = schema["components"]["schemas"]["Obligation"]["properties"]["warrants_issued_before"]
    assert "iccwatch's reading of Art. 127(2)" in before["description"]


def test_a_warrant_that_may_not_yet_have_been_in_force_is_said_to_have_possibly_been(
    reader, seeded
):
    """Kushayb's surrender on 9 June 2020: his second warrant, issue date unknown, was made
    public some day in June 2020, so it may not yet have been in force that day (alone, it
    leaves the verdict pending). The page said it "was in force on 9 June 2020"."""
    page = html.unescape(body(reader.get("/visits/ali-kushayb-caf-2020-06-09/")))
    assert (
        "made public in June 2020 (issue date unknown), may have been in force on 9 June 2020"
    ) in page
    assert "public since June 2020 (issue date unknown), was in force" not in page
    french = html.unescape(body(reader.get("/fr/visits/ali-kushayb-caf-2020-06-09/")))
    assert (
        "rendu public en juin 2020 (date de délivrance inconnue), était peut-être en vigueur"
        in (french)
    )


# The dataset's visits whose person gave himself up (data/visits.csv, `self_surrendered`),
# with their host's name in English and in French.
GAVE_THEMSELVES_UP = [
    ("bosco-ntaganda-rwa-2013-03-18", "Rwanda", "Rwanda"),
    ("dominic-ongwen-caf-2015-01-16", "the Central African Republic", "République centrafricaine"),
    ("ali-kushayb-caf-2020-06-09", "the Central African Republic", "République centrafricaine"),
    ("paul-gicheru-nld-2020-11-02", "the Netherlands", "Pays-Bas"),
]


@pytest.mark.parametrize(("slug", "english", "french"), GAVE_THEMSELVES_UP)
def test_a_person_who_gave_himself_up_is_never_said_to_have_been_arrested_by_the_host(
    reader, seeded, slug, english, french
):
    """/visits/bosco-ntaganda-rwa-2013-03-18/ said "complied (arrested)" and "Bosco Ntaganda
    visited Kigali, Rwanda on 18–22 March 2013 and was arrested under the warrant", while
    its own occasion reads "Fled DRC; surrendered at the US Embassy": he gave himself up,
    and Rwanda, not a party, arrested nobody. A journalist quoting the page would have
    written "Rwanda arrested Ntaganda". Each such visit of the dataset says the person
    surrendered voluntarily, its label and its host's page say no arrest, in both
    languages."""
    page = html.unescape(body(reader.get(f"/visits/{slug}/")))
    assert (
        "surrendered voluntarily and was transferred to the Court: iccwatch counts neither an "
        f"arrest by {english} nor a failure to arrest."
    ) in page
    assert "was arrested" not in page and "(arrested)" not in page
    assert "complied (taken into custody)" in page
    fr = html.unescape(body(reader.get(f"/fr/visits/{slug}/")))
    assert (
        "reddition volontaire, puis transfert à la Cour\u00a0: iccwatch ne retient ni arrestation "
        f"par l’État hôte ({french}) ni défaut d’arrestation."
    ) in fr
    assert "arrestation en exécution du mandat" not in fr and "(arrestation)" not in fr


def test_the_state_of_a_person_who_gave_himself_up_is_credited_with_no_arrest(reader, seeded):
    """/states/RWA/ counted Ntaganda's surrender at the US Embassy in Kigali as Rwanda's
    arrest: "complied (arrested)" in its chart, its table, its timeline and its map."""
    page = html.unescape(body(reader.get("/states/RWA/")))
    assert "Bosco Ntaganda visited Kigali, Rwanda on 18–22 March 2013, surrendered voluntarily" in (
        page
    )
    assert "(arrested)" not in page and "then an arrest" not in page
    assert "Complied (taken into custody)" in page
    fr = html.unescape(body(reader.get("/fr/states/RWA/")))
    assert "(arrestation)" not in fr and "puis une arrestation" not in fr
    assert "coopération (placement en détention)" in fr


def test_the_method_page_says_which_article_covers_which_state_and_the_mongolia_finding(
    reader, seeded
):
    """Art. 87(7) concerns States Parties; for a state not party bound by an Art. 12(3)
    declaration or an ad hoc arrangement, the Court may inform the Assembly or the Council
    (Art. 87(5)(b)). Where the Jordan judgment's reach is "still debated", the page adds the
    Court's own finding on Mongolia of 24 October 2024 (data/findings.csv). Al-Bashir, too,
    was the head of a state not party: what was new is that no Security Council resolution
    binds Russia, as resolution 1593 binds Sudan, and the page says that, not that the Court
    applied the Jordan reasoning "to the head of state of a state not party". In French, a
    finding is made by « une chambre préliminaire », not « la Chambre préliminaire »."""
    page = html.unescape(body(reader.get("/method/")))
    assert "When a state bound to cooperate fails" not in page
    assert "When a State Party fails to comply with the Court's request" in page
    assert (
        "the Court may inform the Assembly or, where the Security Council referred the "
        "situation, the Council (Art. 87(5)(b))"
    ) in page
    assert (
        "whether it extends to the head of a state "
        "that, unlike Sudan, no Security Council resolution binds is still debated (Art. 98(1)). "
        "In its finding on Mongolia of 24 October 2024, about Vladimir Putin's visit, a "
        "Pre-Trial Chamber held that the immunity of the head of state of Russia, a state not "
        "party that no such resolution binds, is not opposable before the Court and did not "
        "relieve Mongolia, a State Party, of its duty to arrest and surrender him (Art. 27(2))."
    ) in " ".join(page.split())
    assert "applied the same reasoning to the head of state of a state not party" not in page
    french = html.unescape(body(reader.get("/fr/method/")))
    assert "Lorsqu’un État partie n’accède pas" in french and "(art. 87-5-b)" in french
    assert "le plus souvent une chambre préliminaire, parfois une chambre de" in french
    assert "la Chambre préliminaire" not in french
    assert "Dans son constat du 24 octobre 2024 sur la Mongolie" in french
    assert (
        "sa portée à l’égard du chef d’un État qu’aucune résolution du Conseil de sécurité ne "
        "lie, à la différence du Soudan, reste discutée (art. 98-1)"
    ) in " ".join(french.split())
    assert "au chef d’État d’un État non partie au Statut dans son constat" not in french


@pytest.mark.parametrize(
    ("prefix", "said", "not_said"),
    [
        (
            "",
            "A failure to comply with the Court's request for arrest and surrender, on its own "
            "territory, with no visit.",
            "failure to arrest on its own territory",
        ),
        (
            "/fr",
            "Un manquement à la demande d’arrestation et de remise de la Cour, sur son propre "
            "territoire, sans visite.",
            "défaut d’arrestation sur son propre territoire",
        ),
    ],
)
def test_a_finding_with_no_visit_is_a_failure_to_comply_not_a_failure_to_arrest(
    reader, seeded, prefix, said, not_said
):
    """Libya, 10 December 2014: Pre-Trial Chamber I found that Libya had failed to surrender
    Saif al-Islam Gaddafi, already held in Zintan (and to return documents seized there), not
    that it had failed to arrest him; Sudan's of 2010 and 2015 found it had failed to arrest
    and surrender. The line a country's page gives an Art. 87(7) finding with no visit holds
    for both: a failure to comply with the Court's request for arrest and surrender. A
    decision of kind `other` with no visit makes no finding and is given no such line."""
    from visits.models import Finding

    Finding.objects.create(
        state=State.objects.get(iso3="LBY"),
        decided=datetime.date(2015, 1, 15),
        kind="other",
        chamber="Pre-Trial Chamber I",
        referred_to_unsc=True,
    )
    for iso3, count in (("LBY", 1), ("SDN", 3)):
        page = html.unescape(body(reader.get(f"{prefix}/states/{iso3}/")))
        findings = re.search(r'<ul class="findings" id="findings">(.*?)</ul>', page, re.S).group(1)
        assert not_said not in page, iso3
        assert findings.count(said) == count, iso3


@pytest.mark.parametrize(
    ("prefix", "said", "visit"),
    [
        (
            "",
            "ICC Pre-Trial Chamber I informed the UN Security Council on 15 January 2015 about "
            "the state's cooperation with the Court; it made no finding of non-compliance "
            "under Art. 87(7).",
            "of the visit",
        ),
        (
            "/fr",
            "La Chambre préliminaire I de la CPI a informé le Conseil de sécurité de l’ONU le "
            "15 janvier 2015 au sujet de la coopération de l’État avec la Cour, sans constat "
            "de manquement au titre de l’art. 87-7.",
            "de la visite",
        ),
    ],
)
def test_a_decision_that_informed_with_no_visit_speaks_of_no_visit(
    reader, seeded, prefix, said, visit
):
    """A decision of kind `other` about no visit (none in the data: built here) informed the
    Security Council about the state's cooperation, not "of the visit" there was none of;
    and it asserts no failure to cooperate, having made no Art. 87(7) finding."""
    from visits.models import Finding

    Finding.objects.create(
        state=State.objects.get(iso3="LBY"),
        decided=datetime.date(2015, 1, 15),
        kind="other",
        chamber="Pre-Trial Chamber I",
        referred_to_unsc=True,
    )
    page = html.unescape(body(reader.get(f"{prefix}/states/LBY/")))
    findings = re.search(r'<ul class="findings" id="findings">(.*?)</ul>', page, re.S).group(1)
    assert said in findings
    assert visit not in findings


@pytest.mark.parametrize(
    ("prefix", "holding", "general", "method"),
    [
        (
            "",
            "iccwatch records a stated justification but does not treat it as an exemption: "
            "the Court has held that official capacity does not bar arrest and surrender by a "
            "State Party (Art. 27; Appeals Chamber, Jordan judgment, 6 May 2019).",
            "official capacity is no bar to arrest",
            "iccwatch applies that holding to every host, and a verdict's explanation states "
            "it as the Court's holding, not as a settled rule of law: whether it extends",
        ),
        (
            "/fr",
            "iccwatch consigne la justification invoquée mais ne la tient pas pour une "
            "exonération : la Cour a jugé que la qualité officielle ne fait pas obstacle à "
            "l’arrestation et à la remise par un État partie (art. 27 ; Chambre d’appel, "
            "arrêt Jordanie du 6 mai 2019).",
            "ne fait pas obstacle à l’arrestation (art. 27",
            "iccwatch applique cette solution à tout État hôte, et l’explication d’un verdict "
            "l’énonce comme la solution retenue par la Cour, non comme une règle de droit "
            "établie : sa portée",
        ),
    ],
)
def test_a_stated_justification_is_answered_with_the_courts_holding_not_a_rule_of_law(
    reader, seeded, prefix, holding, general, method
):
    """Hungary, 2025, and Uganda, 2016 and 2017: after the host's stated justification, the
    explanation said "official capacity is no bar to arrest (Art. 27; …)", a rule of law in
    general words. Art. 27 governs the Court's own jurisdiction and a state's arrest of a
    foreign official is also an Art. 98(1) question: that official capacity does not bar a
    State Party's arrest and surrender is the Court's holding (Jordan, 6 May 2019), and the
    explanation says so; /method/, where the holding's reach is "still debated", says the
    explanations give it as the Court's holding."""

    def words(path):
        page = html.unescape(re.sub(r"<[^>]+>", " ", body(reader.get(path))))
        # One space for every run of spaces, French's no-break ones included.
        return re.sub(r"[\s\u00a0\u202f]+", " ", page)

    for slug in (
        "benjamin-netanyahu-hun-2025-04-03",
        "omar-al-bashir-uga-2016-05-12",
        "omar-al-bashir-uga-2017-11-13",
    ):
        explanation = words(f"{prefix}/visits/{slug}/")
        assert holding in explanation, slug
        assert general not in explanation, slug
    assert method in words(f"{prefix}/method/")


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (
            "/states/NGA/",
            "according to this state alone (the decision's text was not read), a decision of "
            "the Court of 5 September 2013 found that it had not failed to comply, and "
            "iccwatch's reading of the facts stands against it.",
        ),
        (
            "/fr/states/NGA/",
            "selon cet État seul (le texte de la décision n’a pas été lu), une décision de la "
            "Cour rendue le 5 septembre 2013 a conclu qu’il n’avait pas manqué à ses "
            "obligations",
        ),
        (
            "/incidents/?host=NGA",
            "No Art. 87(7) finding; according to the host state alone (the decision's text was "
            "not read), an ICC decision of 5 September 2013 found no failure to comply: "
            "iccwatch's reading stands against it",
        ),
        (
            "/fr/incidents/?host=NGA",
            "selon l’État hôte seul (le texte de la décision n’a pas été lu), une décision de "
            "la CPI du 5 septembre 2013 n’a constaté aucun manquement",
        ),
    ],
)
def test_nigerias_summary_and_incidents_say_the_recorded_decision_went_its_way(
    reader, seeded, path, said
):
    """Nigeria, 5 September 2013: the recorded decision found no failure to comply; the
    state's summary and the incident list say so, and that iccwatch's incident stands
    against it, never only that no Art. 87(7) finding is recorded."""
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(reader.get(path)))))
    assert said in words
    assert "an ICC decision on cooperation: 5 September 2013" not in words


@pytest.mark.parametrize(
    ("path", "said", "not_said"),
    [
        (
            "/incidents/?host=NGA",
            "No Art. 87(7) finding; an ICC decision of 5 September 2013 found no failure to "
            "comply: iccwatch's reading stands against it",
            "according to the host state alone",
        ),
        (
            "/fr/incidents/?host=NGA",
            # (\s+ above made the no-break spaces before ";" and ":" plain ones)
            "Aucun constat au titre de l’art. 87-7 ; une décision de la CPI du 5 septembre "
            "2013 n’a constaté aucun manquement : la lecture d’iccwatch va à son encontre",
            "selon l’État hôte seul",
        ),
    ],
)
def test_an_incident_row_states_a_no_failure_decision_read_from_the_court_as_the_courts(
    reader, seeded, path, said, not_said
):
    """The incident list said "an ICC decision of …, as reported, found no failure" of every
    such decision: one read from the Court's own publication (`reported_by` empty) is the
    Court's, attributed to no one, as the country summary and the explanation say it."""
    from visits.models import Finding, FindingKind

    assert Finding.objects.filter(state__iso3="NGA", kind=FindingKind.NO_FAILURE).update(
        reported_by=""
    )
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(reader.get(path)))))
    assert said in words, words
    assert not_said not in words


NO_FAILURE_DAY = datetime.date(2013, 9, 5)


@pytest.mark.parametrize(
    ("language", "reported_by", "said", "not_said"),
    [
        (
            "en",
            "",
            "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: a decision "
            "of the Court of 5 September 2013 found that it had not failed to comply, and "
            "iccwatch's reading of the facts stands against it.",
            "reported",
        ),
        (
            "en",
            "state",
            "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: according "
            "to this state alone (the decision's text was not read), a decision of the Court "
            "of 5 September 2013 found that it had not failed to comply, and iccwatch's "
            "reading of the facts stands against it.",
            "as reported",
        ),
        (
            "fr",
            "",
            "Aucune décision de la CPI constatant un manquement de sa part à l’obligation de "
            "coopérer (art. 87-7) n’est enregistrée\u00a0: une décision de la Cour rendue le "
            "5 septembre 2013 a conclu qu’il n’avait pas manqué à ses obligations, et la "
            "lecture des faits par iccwatch va à son encontre.",
            "selon",
        ),
        (
            "fr",
            "state",
            "Aucune décision de la CPI constatant un manquement de sa part à l’obligation de "
            "coopérer (art. 87-7) n’est enregistrée\u00a0: selon cet État seul (le texte de la "
            "décision n’a pas été lu), une décision de la Cour rendue le 5 septembre 2013 a "
            "conclu qu’il n’avait pas manqué à ses obligations, et la lecture des faits par "
            "iccwatch va à son encontre.",
            "selon les informations disponibles",
        ),
    ],
)
def test_a_states_summary_attributes_a_no_failure_decision_as_its_explanation_does(
    language, reported_by, said, not_said
):
    """The summary said "a decision of the Court ..., as reported, found ..." of every
    decision that found no failure, even one read from the Court's own publication: it
    follows `reported_by` as the verdict's explanation does (core.reasons), stating the
    Court's decision as the Court's, and attributing to the state alone one known only
    from its own report."""
    from django.utils import translation

    from front.summaries import state_summary

    with translation.override(language):
        summary = state_summary(
            "Nigeria",
            None,
            datetime.date(2026, 1, 1),
            visits=2,
            incidents=1,
            called_off=0,
            findings=[],
            declarations=[],
            no_failure=[(NO_FAILURE_DAY, "day", reported_by)],
        )
    assert said in summary
    assert not_said not in summary


def test_a_states_summary_tells_a_published_and_a_reported_no_failure_decision_apart():
    from django.utils import translation

    from front.summaries import state_summary

    decisions = [(NO_FAILURE_DAY, "day", ""), (datetime.date(2014, 3, 1), "month", "state")]
    with translation.override("en"):
        summary = state_summary(
            "Nigeria",
            None,
            datetime.date(2026, 1, 1),
            visits=2,
            incidents=1,
            called_off=0,
            findings=[],
            declarations=[],
            no_failure=decisions,
        )
    assert summary.endswith(
        "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: a decision of "
        "the Court of 5 September 2013 found that it had not failed to comply, and iccwatch's "
        "reading of the facts stands against it. According to this state alone (the "
        "decision's text was not read), a decision of the Court of March 2014 also found that "
        "it had not failed to comply."
    )


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("", "The Court (the Chamber is not recorded) informed"),
        ("/fr", "(la chambre n’est pas connue)"),
    ],
)
def test_djiboutis_2011_decision_names_no_chamber_the_sources_do_not_name(
    reader, seeded, prefix, said
):
    """The excerpts read of the 12 May 2011 decision name no chamber; Pre-Trial Chamber I is
    only inferred (findings.csv notes), so no page names it as fact."""
    page = body(reader.get(f"{prefix}/visits/omar-al-bashir-dji-2011-05-07/"))
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert said in words
    assert "Pre-Trial Chamber I informed" not in words
    assert "Chambre préliminaire I a informé" not in words


@pytest.mark.parametrize(
    ("path", "attributed", "as_fact"),
    [
        (
            "/visits/omar-al-bashir-nga-2013-07-14/",
            "It differs from the Court's decision that follows, which, according to the state "
            "concerned's report alone, found no failure to comply. "
            "According to the state concerned alone (the decision's text was not read), "
            "Pre-Trial Chamber II found on 5 September 2013",
            "against the Court's: a decision of the Court of 5 September 2013 found",
        ),
        (
            "/fr/visits/omar-al-bashir-nga-2013-07-14/",
            "Il s’écarte de la décision de la Cour qui suit, laquelle, d’après le seul compte "
            "rendu qu’en donne l’État concerné, a conclu à l’absence de manquement. "
            "Selon l’État concerné seul (le texte de la décision n’a pas été lu)",
            "contraire à celle de la Cour : une décision de la Cour du 5 septembre 2013 a conclu",
        ),
        (
            "/states/NGA/",
            "Decision reported by the state concerned to find no failure to comply",
            "Decision finding no failure to comply",
        ),
    ],
)
def test_nigerias_2013_decision_is_attributed_to_nigerias_own_report(
    reader, seeded, path, attributed, as_fact
):
    """The only source of the decision of 5 September 2013 is Nigeria's Ministry of Foreign
    Affairs and its text was not read (findings.csv `reported_by` state): no page states its
    holding as established."""
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(reader.get(path)))))
    assert attributed in words
    assert as_fact not in words.replace("\u00a0", " ")
