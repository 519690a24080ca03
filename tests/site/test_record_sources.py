"""A state's records cite their sources where the page tells them: its treaty dates (the
state's own `source_urls`, cited once for them all, and a date's own when it has others),
its Art. 12(3) declarations, Security Council referrals and joint statements, on the
state's page; the host's treaty dates and declarations on a visit's page; and the same
sources in the API's state record."""

import html as html_module
import re
from pathlib import Path

import pytest
from django.utils import translation

from core.models import Source
from core.pagecache import bump_data_version
from states.models import State, TreatyEvent
from tests.site.conftest import body
from tests.site.test_cards import in_language

pytestmark = pytest.mark.django_db

MONGOLIA_VISIT = "/visits/vladimir-putin-mng-2024-09-02/"


def block(html: str, element_id: str, end: str) -> str:
    """The page's text from the element `element_id` up to the first `end` after it."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index(end, start)]


def linked(html: str, source) -> bool:
    """Whether `html` links `source` (its address, escaped as the template writes it)."""
    return f'href="{html_module.escape(source.url)}"' in html


def test_the_state_page_cites_the_sources_of_its_treaty_dates_once(reader, seeded):
    mongolia = State.objects.get(iso3="MNG")
    own = list(mongolia.sources.all())
    assert own and mongolia.notes
    events = list(mongolia.treaty_events.all())
    # As the importer gave them: each treaty date its state's sources.
    assert all({s.url for s in e.sources.all()} == {s.url for s in own} for e in events)

    html = body(reader.get("/states/MNG/"))
    line = block(html, "state-sources", "</p>")
    assert "Sources of the treaty dates and research notes:" in line
    assert all(linked(line, s) for s in own)
    # Cited once, not again by each of the three dates.
    timeline = block(html, "timeline", "</ol>")
    assert not any(linked(timeline, s) for s in own)


def test_a_treaty_date_with_sources_of_its_own_cites_them(reader, seeded):
    mongolia = State.objects.get(iso3="MNG")
    event = mongolia.treaty_events.get(kind="deposited")
    extra = Source.objects.create(url="https://treaties.un.org/mongolia-deposit")
    event.sources.add(extra)
    bump_data_version()

    html = body(reader.get("/states/MNG/"))
    timeline = block(html, "timeline", "</ol>")
    item = timeline[: timeline.index("</li>", timeline.index("treaties.un.org"))]
    item = item[item.rindex("<li") :]
    assert "Instrument of ratification deposited" in item
    # The date's own sources, all of them: the state's too, since it cites more.
    assert all(linked(item, s) for s in event.sources.all())
    assert timeline.count("treaties.un.org/mongolia-deposit") == 1


def test_the_state_page_cites_each_joint_statement_declaration_and_referral(reader, seeded):
    mongolia = State.objects.get(iso3="MNG")
    statements = list(mongolia.joint_statements.all())
    assert len(statements) == 2
    signed = block(body(reader.get("/states/MNG/")), "statements-signed", "</ul>")
    for statement, item in zip(statements, signed.split("</li>"), strict=False):
        sources = list(statement.sources.all())
        assert sources and all(linked(item, s) for s in sources), statement

    ukraine = State.objects.get(iso3="UKR")
    declarations = list(ukraine.declarations.order_by("lodged"))
    assert len(declarations) == 2
    listed = block(body(reader.get("/states/UKR/")), "declarations", "</ul>")
    for declaration, item in zip(declarations, listed.split("</li>"), strict=False):
        sources = list(declaration.sources.all())
        assert sources and all(linked(item, s) for s in sources), declaration

    sudan = State.objects.get(iso3="SDN")
    [referral] = sudan.council_referrals.all()
    listed = block(body(reader.get("/states/SDN/")), "referrals", "</ul>")
    assert "S/RES/1593 (2005)" in listed
    assert all(linked(listed, s) for s in referral.sources.all())


def test_the_sources_are_labelled_in_french(reader, seeded):
    html = body(in_language(reader, "/states/MNG/", "fr")[0])
    with translation.override("fr"):
        assert "Sources des étapes conventionnelles et des notes de recherche\u00a0:" in block(
            html, "state-sources", "</p>"
        )
    assert "Sources\u00a0:" in block(html, "statements-signed", "</ul>")


def test_the_visit_page_cites_the_hosts_treaty_dates_and_declarations(reader, seeded):
    mongolia = State.objects.get(iso3="MNG")
    html = body(reader.get(MONGOLIA_VISIT))
    dates = block(html, "treaty-dates", "</dd>")
    line = block(dates, "host-sources", "</small>")
    assert "Sources of the host’s treaty dates:" in line
    assert all(linked(line, s) for s in mongolia.sources.all())
    # Once, not by each date.
    assert all(
        dates.count(f'href="{html_module.escape(s.url)}"') == 1 for s in mongolia.sources.all()
    )

    libya = State.objects.get(iso3="LBY")
    declarations = list(libya.declarations.all())
    assert declarations
    dates = block(
        body(reader.get("/visits/omar-al-bashir-lby-2009-03-26/")), "treaty-dates", "</dd>"
    )
    for declaration in declarations:
        sources = list(declaration.sources.all())
        assert sources and all(linked(dates, s) for s in sources), declaration


def test_the_api_state_carries_the_sources_of_its_dates_and_declarations(reader, seeded):
    ukraine = State.objects.get(iso3="UKR")
    record = reader.get("/api/v1/states/UKR/").json()
    events = {e.kind: e for e in TreatyEvent.objects.filter(state=ukraine)}
    assert record["timeline"]
    for entry in record["timeline"]:
        expected = sorted(s.url for s in events[entry["kind"]].sources.all())
        assert expected and [s["url"] for s in entry["sources"]] == expected
    declarations = {d.lodged.isoformat(): d for d in ukraine.declarations.all()}
    assert len(record["declarations"]) == 2
    for entry in record["declarations"]:
        expected = sorted(s.url for s in declarations[entry["lodged"]].sources.all())
        assert expected and [s["url"] for s in entry["sources"]] == expected
        assert set(entry["sources"][0]) == {
            "url",
            "publisher",
            "published",
            "excerpt",
            "archived_url",
        }


@pytest.mark.parametrize(
    "url", [MONGOLIA_VISIT, "/visits/omar-al-bashir-dji-2016-05-08/"], ids=["MNG", "DJI"]
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_findings_sources_are_not_labelled_as_the_hosts_treaty_dates(
    reader, seeded, url, language
):
    """The host's treaty dates name their sources "Sources of the host’s treaty dates:";
    an ICC decision's own sources, further down the page, are plain "Sources:"."""
    html = body(in_language(reader, url, language)[0])
    findings = block(html, "findings", "</ul>")
    with translation.override(language):
        host_label = translation.gettext("Sources of the host’s treaty dates:")
        plain_label = translation.gettext("Sources:")
    assert host_label in block(html, "host-sources", "</small>")
    assert findings.count("source-links") >= 1
    assert host_label not in findings
    assert findings.count(plain_label) == findings.count("source-links")


def test_every_list_of_sources_is_given_its_label_and_nothing_else():
    """`{% translate … as label %}` sets the label for the rest of the block it is in: each
    include of the sources' line is `only`, so that no other record's sources take it."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    includes = [
        (path.relative_to(templates), tag)
        for path in sorted(templates.rglob("*.html"))
        for tag in re.findall(
            r"\{%\s*include\s+\"includes/source_links\.html\"[^%]*%\}", path.read_text()
        )
    ]
    assert len(includes) >= 10
    leaky = [(str(path), tag) for path, tag in includes if not re.search(r"\bonly\s*%\}$", tag)]
    assert not leaky, leaky
