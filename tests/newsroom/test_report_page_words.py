"""What a report's page says of it, in English and French: a one-day visit's end, the
outcome's agreement in French, and what the rule would say of a report that is saved (not
the form's unsaved preview)."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.newsroom.conftest import SOURCES, form_data
from visits import flagging, review
from visits.models import Visit

pytestmark = pytest.mark.django_db

# A visit of one day: the form's empty end date (its help: "An empty end date without it
# means a visit of one day"); its outcome not known.
ONE_DAY = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "",
    "place": "Dushanbe",
    "status": "occurred",
    "outcome": "unknown",
}
CITATIONS = [{"url": s["url"], "publisher": s["publisher"]} for s in SOURCES]
MONGOLIA = "vladimir-putin-mng-2024-09-02"
# The page's words, by language.
WORDS = {
    "en": {
        "end": "End date",
        "end changed": "The end date",
        "same day": "same day",
        "outcome": "Outcome",
        "unknown": "unknown",
        "heading": "What the rule would say of this report",
        "saved": "Read from the report as it is saved: nothing is published until a reviewer "
        "verifies it.",
        "corrected": "Read from the visit as this correction would leave it: the visit keeps "
        "its published verdict until a reviewer verifies the correction.",
        "preview": "Preview: what the rule would say",
        "nothing saved": "Nothing is saved or published by a preview.",
    },
    "fr": {
        "end": "Date de fin",
        "end changed": "La date de fin",
        "same day": "le même jour",
        "outcome": "Issue",
        "unknown": "inconnue",
        "heading": "Ce que dirait la règle de ce signalement",
        "saved": "Lu dans le signalement tel qu’il est enregistré\u00a0: rien n’est publié "
        "avant qu’un relecteur ne l’ait vérifié.",
        "corrected": "Lu dans la visite telle que cette correction la laisserait\u00a0: la "
        "visite garde son verdict publié tant qu’un relecteur n’a pas vérifié la correction.",
        "preview": "Aperçu\u00a0: ce que dirait la règle",
        "nothing saved": "Un aperçu n’enregistre ni ne publie rien.",
    },
}


def page_in(client, language: str, report) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("newsroom:report", args=[report.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def facts(page: str) -> dict[str, str]:
    """The page's list of what the report says: {label: value}."""
    listed = page.split('id="report-facts"')[1].split("</dl>")[0]
    return dict(re.findall(r"<dt>([^<]*)</dt><dd[^>]*>([^<]*)</dd>", listed))


def rows(page: str, table: str) -> dict[str, tuple[str, str]]:
    """A table of changes on the page: {field: (before, after)}."""
    section = page.split(f'id="{table}"')[1].split("</table>")[0]
    found = re.findall(
        r'<th scope="row">(.*?)</th><td><del>(.*?)</del></td><td><ins>(.*?)</ins>', section
    )
    return {field: (old, new) for field, old, new in found}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("end", ["", "2025-10-08"])
def test_a_one_day_visits_end_is_the_same_day_and_its_unknown_outcome_agrees(
    tajikistan_removed, reporter, client, language, end
):
    """A report filed with an empty end date (a visit of one day, as the form says), or
    one repeating its start, showed « Date de fin : néant » ("End date: none") under a
    title saying "8 October 2025"; and « Issue : inconnu », where « issue » is feminine."""
    words = WORDS[language]
    report = review.file_report(author=reporter, data={**ONE_DAY, "end": end}, citations=CITATIONS)
    client.force_login(reporter)
    said = facts(page_in(client, language, report))
    assert said[words["end"]] == words["same day"], said
    assert said[words["outcome"]] == words["unknown"], said


def test_an_end_that_is_not_known_or_a_trip_with_no_date_is_not_the_same_day(
    tajikistan_removed, reporter, client
):
    """ "Same day" is said only beside a start: an end the sources do not give is "not
    known", and a trip called off with no date at all has no end ("none")."""
    client.force_login(reporter)
    unknown = review.file_report(author=reporter, data={**ONE_DAY, "end": "?"}, citations=CITATIONS)
    assert facts(page_in(client, "en", unknown))["End date"] == "not known"
    undated = review.file_report(
        author=reporter,
        data={**ONE_DAY, "start": "", "status": "cancelled", "outcome": "n/a"},
        citations=CITATIONS,
    )
    assert facts(page_in(client, "fr", undated))["Date de fin"] == "néant"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_what_changed_since_it_was_sent_back_says_a_one_day_end_was_the_same_day(
    tajikistan_removed, reporter, reviewer, client, language
):
    """Sent back, the report's end set to the next day: the table of what changed gave
    its end before as "none"."""
    report = review.file_report(author=reporter, data=ONE_DAY, citations=CITATIONS)
    review.request_changes(report, reviewer, "How long did he stay? The sources say two days.")
    report.refresh_from_db()
    review.update_report(
        report,
        reporter,
        data={**report.data, "end": "2025-10-09"},
        citations=report.citations,
        reply="Two days: fixed.",
    )
    client.force_login(reviewer)
    changed = rows(page_in(client, language, report), "since-fields")
    day = {"en": "9 October 2025", "fr": "9 octobre 2025"}[language]
    assert changed[WORDS[language]["end changed"]] == (WORDS[language]["same day"], day), changed


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_correction_to_a_one_day_visit_says_its_end_was_the_same_day(
    seeded, reporter, reviewer, client, language
):
    """A correction making Mongolia's two-day visit one of one day: the published end,
    and the proposed one, "same day", never "none"."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "end": ""},
        citations=review.citations_of(visit),
        visit=visit,
    )
    client.force_login(reviewer)
    changed = rows(page_in(client, language, report), "differences")
    day = {"en": "3 September 2024", "fr": "3 septembre 2024"}[language]
    assert changed[WORDS[language]["end changed"]] == (day, WORDS[language]["same day"]), changed


def preview_section(page: str) -> str:
    return page.split('id="preview"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested"])
def test_a_saved_reports_page_does_not_say_a_preview_saves_nothing(
    tajikistan_removed, reporter, reviewer, client, language, state
):
    """A saved report's page said, under "Preview: what the rule would say", "Nothing is
    saved or published by a preview.": of a report that is saved. It says what the rule
    would say of this report, read from it as saved, published once a reviewer verifies
    it; the form's preview, of what was typed, still says it saves nothing."""
    words = WORDS[language]
    report = review.file_report(
        author=reporter,
        data={**ONE_DAY, "outcome": "not_arrested"},
        citations=CITATIONS,
        submit=state != "draft",
    )
    if state == "changes_requested":
        review.request_changes(report, reviewer, "Add a second source, please: one is thin.")
    client.force_login(reporter)
    page = page_in(client, language, report)
    preview = preview_section(page)
    assert f">{words['heading']}</h2>" in preview, preview
    assert words["saved"] in preview
    assert 'id="preview-explanation"' in preview
    assert words["nothing saved"] not in page
    assert words["preview"] not in page
    # The form's preview, of what is typed and not saved, says so.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    typed = html.unescape(
        client.post(
            reverse("newsroom:new"),
            form_data(action="preview", start="2025-10-20", end="2025-10-21"),
        ).content.decode()
    )
    assert f">{words['preview']}</h2>" in preview_section(typed)
    assert words["nothing saved"] in preview_section(typed)
    assert words["saved"] not in typed


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_corrections_page_says_the_visit_keeps_its_verdict_until_it_is_verified(
    seeded, reporter, client, language
):
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "place": "Ulaanbaatar; Khalkhin Gol"},
        citations=review.citations_of(visit),
        visit=visit,
    )
    client.force_login(reporter)
    page = page_in(client, language, report)
    preview = preview_section(page)
    assert f">{WORDS[language]['heading']}</h2>" in preview
    assert WORDS[language]["corrected"] in preview
    assert WORDS[language]["nothing saved"] not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_verified_reports_page_gives_the_published_verdict_and_links_its_visit(
    tajikistan_removed, reporter, reviewer, client, language
):
    report = review.file_report(
        author=reporter, data={**ONE_DAY, "outcome": "not_arrested"}, citations=CITATIONS
    )
    review.verify(report, reviewer)
    flagging.evaluate_pending()
    report.refresh_from_db()
    client.force_login(reporter)
    page = page_in(client, language, report)
    assert 'id="preview"' not in page
    for words in WORDS.values():
        assert words["nothing saved"] not in page and words["heading"] not in page
    published = page.split('id="published"')[1].split("</section>")[0]
    assert f'href="{report.visit.get_absolute_url()}" id="published-link"' in published
