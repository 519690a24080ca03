"""The dataset's own words (notes, occasions, roles, charges, statement titles) are in
English: on a French page they say so, for screen readers (WCAG 3.1.2)."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "element_id"),
    [("/states/MNG/", "state-notes")],
)
def test_the_datasets_english_is_marked_on_french_pages_only(seeded, client, path, element_id):
    french = client.get(f"/fr{path}").content.decode()
    english = client.get(path).content.decode()
    tag = re.search(rf'<[^>]*id="{element_id}"[^>]*>', french).group(0)
    assert 'lang="en"' in tag
    assert 'lang="en"' not in re.search(rf'<[^>]*id="{element_id}"[^>]*>', english).group(0)


def test_a_persons_role_and_a_visits_occasion_are_marked(seeded, client):
    person = client.get("/fr/persons/vladimir-putin/").content.decode()
    assert re.search(r'<dd lang="en">[^<]*President', person), "role"
    visit = client.get("/fr/visits/vladimir-putin-mng-2024-09-02/").content.decode()
    occasion = visit.split("Occasion</dt>", 1)[1] if "Occasion</dt>" in visit else ""
    assert occasion.startswith('<dd lang="en">'), occasion[:80]


def test_case_names_decision_titles_and_statement_titles_are_marked(seeded, client):
    """The warrants' case names, the Court's decision titles and the joint statements'
    titles on the timeline are the dataset's English too; on an English page nothing is."""
    bashir = client.get("/fr/persons/omar-al-bashir/").content.decode()
    assert '<span lang="en">The Prosecutor v. Omar Hassan Ahmad Al Bashir</span>' in bashir
    visit = client.get("/fr/visits/vladimir-putin-mng-2024-09-02/").content.decode()
    findings = visit[visit.index('id="findings"') :]
    assert re.search(r'<small lang="en">[^<]*(Finding|Decision)', findings), findings[:600]
    state = client.get("/fr/states/MNG/").content.decode()
    timeline = state[state.index('id="timeline"') :]
    assert re.search(r'Signée\u00a0: <span lang="en">Joint statement', timeline), "statement"
    english = client.get("/states/MNG/").content.decode()
    assert "Signed: Joint statement" in english and '<span lang="en">' not in english


def test_a_warrant_filed_under_its_situation_names_it_in_the_readers_language(seeded, client):
    """A warrant issued before any case was opened is filed under "Situation in Ukraine":
    a French page names that situation as its "Situation" line does, not in English."""
    french = "Situation «\u00a0Ukraine\u00a0»"
    visit = client.get("/fr/visits/vladimir-putin-mng-2024-09-02/").content.decode()
    warrants = visit.split("Mandats déterminants", 1)[1].split("</dd>", 1)[0]
    assert french in warrants and "Situation in Ukraine" not in warrants
    for path in ("/fr/persons/vladimir-putin/", "/fr/warrants/"):
        page = client.get(path).content.decode()
        assert french in page and "Situation in Ukraine" not in page, path
    libya = client.get("/fr/warrants/").content.decode()
    assert "Situation «\u00a0Libye\u00a0» (Osama Elmasry Njeem)" in libya
    english = client.get("/visits/vladimir-putin-mng-2024-09-02/").content.decode()
    assert "Situation in Ukraine" in english.split("Warrants that decided it", 1)[1]


def test_a_hosts_justification_is_marked_and_a_data_check_is_in_the_staff_readers_words(
    seeded, client, reviewer
):
    """The host's stated justification is the dataset's English (its dictionary's example:
    "Energy dependence on Russia (government spokesman)"): on a French page it says so
    (WCAG 3.1.2). A verdict's data check is for staff (docs/DOMAIN.md, "Self-check"), in
    their language and with verdict labels: « Contrôle des données : » followed by the rule's
    English sentence with its raw codes was the French page's. A check the page does not
    know keeps the stored English, marked as such."""
    from django.utils import translation

    from visits.models import Verdict, Visit, verdict_label

    slug = "vladimir-putin-mng-2024-09-02"
    Visit.objects.filter(slug=slug).update(
        host_justification="Energy dependence on Russia (government spokesman)"
    )
    Verdict.objects.filter(visit__slug=slug).update(
        self_check="The researcher expected the verdict no_obligation, but the rule gives "
        "non_compliance."
    )
    french = client.get(f"/fr/visits/{slug}/").content.decode()
    assert re.search(r'<blockquote class="justification" lang="en">\s*<p>Energy dependence', french)
    english = client.get(f"/visits/{slug}/").content.decode()
    assert '<blockquote class="justification">' in english
    assert 'id="data-check"' not in french and 'id="data-check"' not in english
    client.force_login(reviewer)
    english = client.get(f"/visits/{slug}/").content.decode()
    assert (
        "Data check (staff): The researcher expected the verdict “no obligation”, but the rule "
        "gives “non-compliance”."
    ) in english
    french = client.get(f"/fr/visits/{slug}/").content.decode()
    with translation.override("fr"):
        expected, given = verdict_label("no_obligation"), verdict_label("non_compliance")
    assert (
        f"Contrôle des données (équipe)\u00a0: Les chercheurs attendaient le verdict "
        f"«\u00a0{expected}\u00a0», mais la règle donne «\u00a0{given}\u00a0»."
    ) in french
    assert "no_obligation" not in french and "The researcher" not in french
    Verdict.objects.filter(visit__slug=slug).update(self_check="A check from an older rule.")
    french = client.get(f"/fr/visits/{slug}/").content.decode()
    assert '<span lang="en">A check from an older rule.</span>' in french
