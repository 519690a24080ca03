"""/method/'s "Versions of the rule": every version of the rule, its date and what it
changed, in both languages; every mention of a rule version on a page links there."""

import re

import pytest
from django.utils import translation

from compliance import RULE_VERSION
from front import rule_versions
from tests.site.conftest import body
from tests.site.test_cards import in_language
from tests.visits.test_rule_version import RULE_CODE
from visits.models import Verdict

pytestmark = pytest.mark.django_db

PUTIN_MNG = "/visits/vladimir-putin-mng-2024-09-02/"


def test_every_version_of_the_rule_has_an_entry():
    """A new RULE_VERSION (recorded in RULE_CODE with its code's digest) fails here until
    front/rule_versions.py says what it changed."""
    listed = [entry.version for entry in rule_versions.VERSIONS]
    missing = sorted((set(RULE_CODE) | {RULE_VERSION}) - set(listed))
    assert not missing, f"no entry in front/rule_versions.py for rule version(s) {missing}"
    assert len(listed) == len(set(listed))
    # Newest first, the current version at the top.
    assert listed[0] == RULE_VERSION
    dates = [entry.date for entry in rule_versions.VERSIONS]
    assert dates == sorted(dates, reverse=True)


def test_every_entry_says_what_changed_in_each_language():
    for entry in rule_versions.VERSIONS:
        english = str(entry.summary)
        with translation.override("fr"):
            french = str(entry.summary)
        assert len(english) > 40 and french != english, entry.version


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Versions of the rule"), ("fr", "Versions de la règle")]
)
def test_the_method_page_lists_the_versions_of_the_rule(reader, seeded, language, heading):
    response, _ = in_language(reader, "/method/", language)
    html = body(response)
    section = html[html.index('<section aria-labelledby="rule-versions">') :]
    section = section[: section.index("</section>")]
    assert f'<h2 id="rule-versions">{heading}</h2>' in section
    prefix = "/fr" if language == "fr" else ""
    assert f'<a href="#rule-versions">{heading}</a>' in html  # in "On this page"
    with translation.override(language):
        for entry in rule_versions.VERSIONS:
            assert f'<dt id="rule-{entry.version}">{entry.version} · <time datetime="' in section
            summary = str(entry.summary).replace("'", "&#x27;")
            assert f"<dd>{summary}</dd>" in section, entry.version
    # The sentence that names the current version links to the list.
    assert f"{RULE_VERSION}" in html and 'href="#rule-versions"' in html
    # The page's own citation box links its rule version to its entry.
    cite = html[html.index('id="cite-verdicts"') :]
    assert f'<a href="{prefix}/method/#rule-{RULE_VERSION}">{RULE_VERSION}</a>' in cite


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_rule_version_on_a_page_links_to_its_entry(reader, seeded, language):
    prefix = "/fr" if language == "fr" else ""
    html = body(in_language(reader, PUTIN_MNG, language)[0])
    verdict = Verdict.objects.get(visit__slug=PUTIN_MNG.split("/")[2])
    link = f'<a href="{prefix}/method/#rule-{verdict.rule_version}">{verdict.rule_version}</a>'
    # The verdict's line and the citation box.
    meta = re.search(r'<p class="meta"><small>[^\n]*</small></p>', html).group(0)
    assert link in meta
    assert link in html[html.index('id="cite-verdicts"') :]
    html = body(in_language(reader, "/states/MNG/", language)[0])
    assert f'<a href="{prefix}/method/#rule-{RULE_VERSION}">' in html
