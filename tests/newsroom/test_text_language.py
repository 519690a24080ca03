"""The language a report's own words are typed in (Visit.text_language): asked by the
newsroom's form, kept by the visit, and marked on every page that shows those words in
another language (WCAG 2.2 SC 3.1.2, language of parts), the public pages and the
newsroom's review pages alike."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.newsroom.conftest import form_data
from visits import flagging, review
from visits.models import Report, Visit

pytestmark = pytest.mark.django_db

OCCASION = "Visite d’État et sommet de l’Organisation du traité de sécurité collective"
JUSTIFICATION = "Le Kazakhstan n’est pas partie au Statut de Rome."
KAZAKHSTAN = {
    "person": "Putin",
    "host": "KAZ",
    "place": "Astana",
    "start": "2025-11-27",
    "end": "2025-11-28",
    "status": "occurred",
    "outcome": "not_arrested",
    "occasion": OCCASION,
    "host_justification": JUSTIFICATION,
    # His visit of November 2023, its end not known, may be this trip: it is another.
    "not_duplicate": "on",
}
# That visit: a reviewer compares it and confirms the report is another (`different_from`).
ASTANA_2023 = "vladimir-putin-kaz-2023-11-09"
ASTANA = [{"url": "https://example.org/putin-astana-2025", "publisher": "Example News"}]
SLUG = "vladimir-putin-kaz-2025-11-27"
MONGOLIA = "vladimir-putin-mng-2024-09-02"


def text(response) -> str:
    return response.content.decode()


def in_french(client):
    """`client` working in the newsroom in French (the language switch's cookie)."""
    client.cookies["django_language"] = "fr"
    return client


def filed_in_french(client, reporter, **fields) -> Report:
    """The Kazakhstan report as a reporter working in French files it from the form."""
    client.force_login(reporter)
    response = in_french(client).post(
        reverse("newsroom:new"), form_data(sources=ASTANA, **{**KAZAKHSTAN, **fields})
    )
    assert response.status_code == 302, text(response)[:2000]
    return Report.objects.get(author=reporter, data__host="KAZ")


def element(page: str, element_id: str) -> str:
    """The opening tag of the element with `element_id` and what follows it."""
    return page[page.index(f'id="{element_id}"') :]


def test_the_form_asks_the_language_of_the_text_in_the_forms_own(seeded, reporter, client):
    """ "Language of the text you type": English and French, the form's language chosen."""
    client.force_login(reporter)
    english = text(client.get(reverse("newsroom:new")))
    menu = element(english, "id_text_language").split("</select>")[0]
    assert re.findall(r'<option value="(\w+)"', menu) == ["en", "fr"]
    assert '<option value="en" selected>' in menu
    assert 'for="id_text_language">Language of the text you type' in english
    french = text(in_french(client).get(reverse("newsroom:new")))
    assert '<option value="fr" selected>' in element(french, "id_text_language")
    assert "Langue du texte que vous saisissez" in french


def test_a_form_sent_without_the_language_is_in_the_forms(seeded, reporter, client):
    """A form opened before it asked (no `text_language` in the POST) is read as written in
    the form's language; a value the menu does not offer is refused beside it."""
    report = filed_in_french(client, reporter)
    assert report.data["text_language"] == "fr"
    refused = client.post(
        reverse("newsroom:new"),
        form_data(sources=ASTANA, **{**KAZAKHSTAN, "start": "2025-11-20", "text_language": "de"}),
    )
    assert 'id="id_text_language-error"' in text(refused)
    assert Report.objects.filter(author=reporter).count() == 1


def test_words_typed_in_french_are_marked_french_and_never_english(
    seeded, reporter, reviewer, client
):
    """The audit's report: Putin in Astana, 27-28 November 2025, filed from the French
    newsroom with its occasion and the host's justification in French, verified. The French
    pages used to mark those words `lang="en"`, the English pages not at all, and the
    English explanation quoted the French justification unmarked."""
    report = filed_in_french(client, reporter, text_language="fr")
    assert report.data["text_language"] == "fr"
    # The reviewer, working in English, reads the French words marked as French.
    client.cookies.clear()
    client.force_login(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    facts = element(page, "report-facts").split("</dl>")[0]
    assert f'<dd lang="fr">{OCCASION}</dd>' in facts
    assert f'<dd lang="fr">{JUSTIFICATION}</dd>' in facts
    assert "<dd>French</dd>" in facts  # the language itself, in the page's words
    preview = element(page, "preview-explanation").split("</p>")[0]
    assert '“<span lang="fr">Le Kazakhstan n’est pas partie au Statut de Rome</span>”' in preview
    visit = review.verify(
        report, reviewer, seen=review.version_of(report), different_from=[ASTANA_2023]
    )
    flagging.evaluate_pending()
    assert (visit.slug, visit.text_language) == (SLUG, "fr")
    client.logout()

    french = text(client.get(f"/fr/visits/{SLUG}/"))
    assert f"<dd>{OCCASION}</dd>" in french
    assert '<blockquote class="justification">' in french
    assert 'lang="en">Visite' not in french and 'lang="en">\n' not in french
    explanation = element(french, "explanation").split("</p>")[0]
    assert "Le Kazakhstan n’est pas partie au Statut de Rome" in explanation
    assert "<span" not in explanation

    english = text(client.get(f"/visits/{SLUG}/"))
    assert f'<dd lang="fr">{OCCASION}</dd>' in english
    assert '<blockquote class="justification" lang="fr">' in english
    explanation = element(english, "explanation").split("</p>")[0]
    assert (
        'stated justification: “<span lang="fr">Le Kazakhstan n’est pas partie au Statut de '
        "Rome</span>”."
    ) in explanation

    french_search = text(client.get("/fr/search/", {"q": "Astana"}))
    assert f"<small>{OCCASION}</small>" in french_search
    # The dataset's own occasions stay English, marked as such on a French page.
    assert '<small lang="en">State visit and CSTO summit</small>' in french_search
    english_search = text(client.get("/search/", {"q": "Astana"}))
    assert f'<small lang="fr">{OCCASION}</small>' in english_search
    assert "<small>State visit and CSTO summit</small>" in english_search

    french_person = text(client.get("/fr/persons/vladimir-putin/"))
    assert f"<small>{OCCASION}</small>" in french_person
    assert '<small lang="en">State visit and CSTO summit</small>' in french_person
    english_person = text(client.get("/persons/vladimir-putin/"))
    assert f'<small lang="fr">{OCCASION}</small>' in english_person


def notes_corrected(reporter, **changes) -> Report:
    """A correction of Mongolia's visit by `reporter` changing its notes (and `changes`)."""
    visit = Visit.objects.get(slug=MONGOLIA)
    return review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "notes": "Corrected notes.", **changes},
        citations=review.citations_of(visit),
        visit=visit,
    )


def test_the_review_pages_mark_the_visits_english_on_a_french_page(
    seeded, reporter, reviewer, client
):
    """The audit's second finding: a reviewer working in French read a correction's English
    words (the facts, the old and new notes) inside <html lang="fr"> unmarked."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = notes_corrected(reporter)
    client.force_login(reviewer)
    page = text(in_french(client).get(reverse("newsroom:report", args=[report.pk])))
    facts = element(page, "report-facts").split("</dl>")[0]
    assert f'<dd lang="en">{visit.occasion}</dd>' in facts
    assert '<dd lang="en">Corrected notes.</dd>' in facts
    assert "<dd>anglais</dd>" in facts
    differences = element(page, "differences").split("</table>")[0]
    first_words = visit.notes.split(" ")[0]
    assert re.search(rf'<del lang="en">{first_words}', differences), differences
    assert '<ins lang="en">Corrected notes.</ins>' in differences
    # In English, nothing to mark.
    client.cookies["django_language"] = "en"
    english = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert 'lang="en"' not in element(english, "report-facts").split("</dl>")[0]
    assert 'lang="en"' not in element(english, "differences").split("</table>")[0]


def test_a_correction_into_french_marks_the_old_words_english_and_the_new_french(
    seeded, reporter, reviewer, client
):
    """The old words in the visit's language, the new in the correction's: on the review
    page, on the visit's page once verified (its corrections), in the record's history,
    and in the downloads."""
    report = notes_corrected(reporter, occasion=OCCASION, text_language="fr")
    old_occasion = Visit.objects.get(slug=MONGOLIA).occasion
    client.force_login(reviewer)
    french = text(in_french(client).get(reverse("newsroom:report", args=[report.pk])))
    differences = element(french, "differences").split("</table>")[0]
    assert f'<del lang="en">{old_occasion}</del>' in differences
    assert f"<ins>{OCCASION}</ins>" in differences
    assert "<del>anglais</del></td><td><ins>français</ins>" in differences
    client.cookies["django_language"] = "en"
    english = text(client.get(reverse("newsroom:report", args=[report.pk])))
    differences = element(english, "differences").split("</table>")[0]
    assert f"<del>{old_occasion}</del>" in differences
    assert f'<ins lang="fr">{OCCASION}</ins>' in differences

    review.verify(report, reviewer, seen=review.version_of(report), different_from=[ASTANA_2023])
    flagging.evaluate_pending()
    visit = Visit.objects.get(slug=MONGOLIA)
    assert visit.text_language == "fr"
    client.logout()
    english = text(client.get(f"/visits/{MONGOLIA}/"))
    corrections = element(english, "corrections").split("</ul>")[0]
    assert (
        f'the occasion changed from {old_occasion} to <span lang="fr">{OCCASION}</span>'
    ) in corrections
    assert "the language of the text changed from English to French" in corrections
    french = text(client.get(f"/fr/visits/{MONGOLIA}/"))
    corrections = element(french, "corrections").split("</ul>")[0]
    assert f'«\xa0<span lang="en">{old_occasion}</span>\xa0» à «\xa0{OCCASION}\xa0»' in corrections

    # The record's history: each version's words in its own language.
    client.force_login(reviewer)
    history = text(client.get(reverse("record-history", args=["visits.visit", visit.pk])))
    assert f"<td>{old_occasion}</td>" in history
    assert f'<td lang="fr">{OCCASION}</td>' in history
    french_history = text(
        in_french(client).get(reverse("record-history", args=["visits.visit", visit.pk]))
    )
    assert f'<td lang="en">{old_occasion}</td>' in french_history
    assert f"<td>{OCCASION}</td>" in french_history

    # The downloads and the API say it.
    client.cookies.clear()
    download = client.get("/visits.csv", {"host": "MNG"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
    )
    # A column added later goes after it (end_known, reevaluation_pending), never before.
    assert list(rows[0])[-4:] == [
        "text_language",
        "end_known",
        "dates_passed",
        "reevaluation_pending",
    ]
    assert {r["id"]: r["text_language"] for r in rows}[MONGOLIA] == "fr"


def test_a_visits_words_since_it_was_sent_back_are_each_in_their_language(
    seeded, reporter, reviewer, client
):
    """What changed since a report was sent back: its old words in the language the report
    said then, its new words in the one it says now."""
    report = filed_in_french(client, reporter, text_language="fr")
    review.request_changes(report, reviewer, "Write it in English, please.")
    report.refresh_from_db()
    review.update_report(
        report,
        reporter,
        data={**report.data, "occasion": "State visit and CSTO summit", "text_language": "en"},
        citations=report.citations,
        reply="Done.",
    )
    review.submit(report, reporter)
    client.cookies.clear()
    client.force_login(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    since = element(page, "since-fields").split("</table>")[0]
    assert f'<del lang="fr">{OCCASION}</del>' in since
    assert "<ins>State visit and CSTO summit</ins>" in since
    french = text(in_french(client).get(reverse("newsroom:report", args=[report.pk])))
    since = element(french, "since-fields").split("</table>")[0]
    assert f"<del>{OCCASION}</del>" in since
    assert '<ins lang="en">State visit and CSTO summit</ins>' in since
