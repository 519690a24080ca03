"""/method/: how a verdict is decided, in both languages, with every verdict and basis the
code knows, linked from every page's footer, the visit pages and the lists of verdicts."""

import re

import pytest
from django.utils import translation
from django.utils.html import escape

import compliance
from dataset.models import DatasetImport
from front.views import method
from tests.site.conftest import body, outline
from visits.models import Basis, VerdictCode, VisitOutcome, VisitStatus, verdict_label

pytestmark = pytest.mark.django_db

HEADINGS = {
    "en": [
        "What a visit is",
        "When a state is bound to arrest",
        "The warrant",
        "The verdicts",
        "Dates known only in part",
        "Announced trips",
        "Visits withdrawn from the record",
        "The Court's findings of non-compliance",
        "Sources, versions and corrections",
        "Versions of the rule",
        "Cite this page",
    ],
    "fr": [
        "Ce qu’est une visite",
        "Quand un État est tenu d’arrêter",
        "Le mandat d’arrêt",
        "Les verdicts",
        "Les dates connues en partie",
        "Les voyages annoncés",
        "Les visites retirées des données",
        "Les constats de manquement de la Cour",
        "Sources, versions et corrections",
        "Versions de la règle",
        "Citer cette page",
    ],
}
TITLES = {"en": "How verdicts are decided", "fr": "Comment les verdicts sont établis"}
PREFIX = {"en": "", "fr": "/fr"}


def headings(html: str, level: str) -> list[str]:
    """The text of each <h1> or <h2> of a page's main content, markup removed."""
    main = html[html.index("<main") : html.index("</main>")]
    found = re.findall(rf"<{level}[^>]*>(.*?)</{level}>", main, flags=re.S)
    return [re.sub(r"<[^>]+>", "", h).replace("&#x27;", "'").strip() for h in found]


def table(html: str, table_id: str) -> str:
    """The markup of the table with this id."""
    start = html.index(f'<table class="list reflow" id="{table_id}">')
    return html[start : html.index("</table>", start)]


def row_headers(markup: str) -> list[str]:
    """The markup of each row header (<th scope="row">) of a table, in order."""
    return re.findall(r'<th scope="row"[^>]*>(.*?)</th>', markup, flags=re.S)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_method_page_answers_in_each_language_with_its_headings(reader, seeded, language):
    response = reader.get(PREFIX[language] + "/method/")
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = body(response)
    assert headings(html, "h1") == [TITLES[language]]
    assert f"<title>{TITLES[language]} · iccwatch</title>" in html
    h2 = headings(html, "h2")
    for heading in HEADINGS[language]:
        assert heading in h2, heading
    # Each section is labelled by its heading; each table has a caption and headed columns.
    tags = outline(html)
    ids = {attrs.get("id") for _tag, attrs in tags}
    sections = [attrs for tag, attrs in tags if tag == "section"]
    assert sections and all(s.get("aria-labelledby") in ids for s in sections)
    for table_id in ("verdict-table", "bases"):
        markup = table(html, table_id)
        assert "<caption>" in markup
        assert markup.count('<th scope="col">') == 3


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_verdict_table_names_every_verdict_code_by_the_codes_own_label(
    reader, seeded, language
):
    html = body(reader.get(PREFIX[language] + "/method/"))
    rows = table(html, "verdict-table")
    headers = row_headers(rows)
    with translation.override(language):
        labels = {code: str(VerdictCode(code).label) for code in VerdictCode.values}
        bound = verdict_label(VerdictCode.DETERRED, True)
    # Every code of the model is a row, labelled as every page labels it, in the order
    # of DOMAIN.md's verdict table (withdrawn, outside it, last).
    assert re.findall(r'<tr id="verdict-([a-z_]+)">', rows) == list(compliance.ALL_CODES)
    assert len(headers) == len(VerdictCode.values)
    for code, label in labels.items():
        assert sum(f'">{escape(label)}</span>' in h for h in headers) == 1, (code, label)
        assert f"<code>{code}</code>" in rows
    # A trip called off where the host would have been bound has a label of its own.
    assert escape(bound) in rows


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_bases_table_names_every_basis_in_the_order_the_rule_reports_them(
    reader, seeded, language
):
    rows = table(body(reader.get(PREFIX[language] + "/method/")), "bases")
    assert re.findall(r'<tr id="basis-([a-z0-9_]+)">', rows) == list(compliance.BASES)
    with translation.override(language):
        for code in Basis.values:
            label = str(Basis(code).label)
            assert label[0].upper() + label[1:] in rows, code


def test_every_verdict_basis_status_and_outcome_has_a_meaning_in_each_language():
    """A code added to the model without its line on the method page fails here."""
    for language in ("en", "fr"):
        with translation.override(language):
            terms = [
                *method.verdict_terms(),
                *method.basis_terms(),
                *method._choice_terms(VisitStatus, method.STATUS_MEANINGS),
                *method._choice_terms(VisitOutcome, method.OUTCOME_MEANINGS),
            ]
            assert all(term.meaning for term in terms), [t.code for t in terms if not t.meaning]
    assert {t.code for t in method.verdict_terms()} == set(VerdictCode.values)
    assert set(method.VERDICT_MEANINGS) == set(VerdictCode.values) == set(compliance.ALL_CODES)
    assert set(method.BASIS_MEANINGS) == set(Basis.values) == set(compliance.BASES)
    assert set(method.STATUS_MEANINGS) == set(VisitStatus.values)
    assert set(method.OUTCOME_MEANINGS) == set(VisitOutcome.values)


def test_the_page_states_the_articles_the_versions_the_licence_and_where_to_find_more(
    reader, seeded
):
    html = body(reader.get("/method/")).replace("&#x27;", "'")  # Django escapes ' in text
    for article in (
        "Art. 126",
        "Arts. 86, 89(1)",
        "Art. 127(1)",
        "Art. 127(2)",
        "Art. 12(3)",
        "Art. 13(b)",
        "Art. 27",
        "Art. 87(7)",
        "6 May 2019",
        "Art. 98(1)",
    ):
        assert article in html, article
    # What the law says is told apart from what iccwatch applies: Art. 127(2) reaches
    # proceedings begun before a withdrawal took effect, the site counts warrants issued
    # before; Art. 27 is about the Court's jurisdiction, the Jordan judgment's reach debated
    # where no Security Council resolution binds the person's state.
    assert "iccwatch applies a narrower rule" in html
    assert "exempts no one from arrest" not in html
    assert "no Security Council resolution binds is still debated" in html
    assert "explanation states it as the Court's holding, not as a settled rule of law" in html
    assert compliance.RULE_VERSION in html
    version = DatasetImport.latest_version()
    assert version and f"dataset, version {version}," in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    assert '<a href="/data/">Download it whole</a>' in html
    assert '<a href="/changes/">changes page</a>' in html
    # The page cites itself like any other: the rule and the dataset versions.
    assert 'id="citation"' in html and "No verdict on this page" in html
    french = body(reader.get("/fr/method/"))
    for term in (
        "État partie",
        "mandat d’arrêt",
        "constat de manquement est rendu par une chambre",
        "Un renvoi ne lie que les États que la résolution désigne",
        "Déclarations (art. 12-3)",
        "art. 127-2",
    ):
        assert term in french, term


@pytest.mark.parametrize(
    "path",
    ["/", "/states/MNG/", "/visits/vladimir-putin-mng-2024-09-02/", "/data/", "/fr/changes/"],
)
def test_every_page_links_the_method_from_its_footer(reader, seeded, path):
    html = body(reader.get(path))
    footer = html[html.index('<footer class="site-footer">') :]
    method_url = "/fr/method/" if path.startswith("/fr/") else "/method/"
    assert f'<a href="{method_url}" id="footer-method">' in footer


def test_a_visit_page_links_its_verdict_to_the_methods_row_for_it(reader, seeded):
    html = body(reader.get("/visits/vladimir-putin-mng-2024-09-02/"))
    line = html[html.index('<p class="verdict-line">') :]
    line = line[: line.index("</p>")]
    assert (
        '<a class="method-link" id="verdict-method" href="/method/#verdict-non_compliance">' in line
    )
    assert "How verdicts are decided</a>" in line
    french = body(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    assert (
        'href="/fr/method/#verdict-non_compliance">Comment les verdicts sont établis</a>' in french
    )
    # The row it points to exists.
    assert 'id="verdict-non_compliance"' in body(reader.get("/method/"))


@pytest.mark.parametrize("path", ["/incidents/", "/visits/", "/fr/incidents/"])
def test_the_lists_of_verdicts_link_the_method_from_their_introduction(reader, seeded, path):
    html = body(reader.get(path))
    intro = html[html.index('<p class="intro">') :]
    intro = intro[: intro.index("</p>")]
    method_url = "/fr/method/" if path.startswith("/fr/") else "/method/"
    assert f'<a href="{method_url}" id="intro-method">' in intro


def test_the_method_page_is_in_the_sitemap_in_both_languages(reader, seeded):
    text = body(reader.get("/sitemap-pages.xml"))
    assert "<loc>http://testserver/method/</loc>" in text
    assert "<loc>http://testserver/fr/method/</loc>" in text
    robots = body(reader.get("/robots.txt"))
    assert not any(
        "/method/".startswith(line.removeprefix("Disallow: "))
        for line in robots.splitlines()
        if line.startswith("Disallow: ")
    )


@pytest.mark.parametrize(
    ("language", "only_cancelled", "wrong"),
    [
        (
            "en",
            "A trip that was called off may have no date at all",
            "(called off, attended by video, or announced) may have no date at all",
        ),
        (
            "fr",
            "Un voyage annulé peut n’avoir aucune date",
            "(annulé, suivi par vidéo ou annoncé) peut n’avoir aucune date",
        ),
    ],
)
def test_the_method_page_says_only_a_trip_called_off_may_be_undated(
    reader, seeded, language, only_cancelled, wrong
):
    """The page said "A trip that did not happen (called off, attended by video, or
    announced) may have no date at all": only a cancelled trip may (docs/DOMAIN.md, "Dates";
    every other report is refused without a start date, and the database holds to it)."""
    html = body(reader.get(PREFIX[language] + "/method/"))
    dates = html[html.index('id="dates"') :].split("</section>")[0]
    text = re.sub(r"\s+", " ", dates).replace("&#x27;", "'")
    assert only_cancelled in text and wrong not in text
    # Where the answer depends on the day, what the day changes is said.
    assert ("under seal" if language == "en" else "sous scellés") in text


@pytest.mark.parametrize(
    ("language", "said", "wrong"),
    [
        ("en", "iccwatch's staff are warned", "the visit's page shows a data check"),
        ("fr", "l’équipe d’iccwatch en est avertie", "la page de la visite affiche un contrôle"),
    ],
)
def test_the_method_page_says_a_data_check_is_for_staff(reader, seeded, language, said, wrong):
    """The page said "the visit's page shows a data check", as if the public read it: the
    self-check is for the import warnings and the staff view only (docs/DOMAIN.md,
    "Self-check")."""
    html = body(reader.get(PREFIX[language] + "/method/"))
    findings = html[html.index('id="findings"') :].split("</section>")[0]
    text = re.sub(r"\s+", " ", findings).replace("&#x27;", "'")
    assert said in text and wrong not in text
