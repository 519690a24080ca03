"""A report's text refuses Unicode's bidirectional controls (core.text), where NUL is refused.

U+202A to U+202E (embeddings and overrides) and U+2066 to U+2069 (isolates) are
invisible and reorder what follows them on a reader's screen: a place typed as U+202E
then "ebahsuD" showed "Dushabe" reversed on the published visit's page, and an excerpt
could show a quotation its source never wrote. The newsroom's forms, the API's report
bodies and a withdrawal's reason refuse them, naming the field, in the reporter's
language; right-to-left text, and its marks (U+200E, U+200F), stay welcome.
"""

import html

import pytest
from django.urls import reverse

from tests.api.conftest import member, token_client
from tests.api.test_reports import TAJIKISTAN as API_REPORT
from tests.newsroom.conftest import form_data
from visits.models import Report, Visit

pytestmark = pytest.mark.django_db

CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
ENGLISH = "This text holds an invisible control character (U+202E)"
FRENCH = "Ce texte contient un caractère de contrôle invisible (U+202E)"
MONGOLIA = "vladimir-putin-mng-2024-09-02"


@pytest.fixture
def tajikistan_removed(seeded):
    """Putin's published trip to Tajikistan, removed so that it can be reported anew."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


@pytest.fixture
def reporting(tajikistan_removed):
    return token_client(member("bidi-reporter", "reporters"))


def api_report(**changes) -> dict:
    body = {**API_REPORT, **changes}
    return {k: v for k, v in body.items() if v is not None}


def source(**changes) -> list[dict]:
    return [{**API_REPORT["sources"][0], **changes}]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_bidirectional_control_is_refused(reporting, control):
    response = reporting.post(
        "/api/v1/reports/", api_report(place=f"{control}ebahsuD"), format="json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["place"]
    assert f"(U+{ord(control):04X})" in response.json()["error"]["fields"]["place"][0]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (api_report(place="Dushanbe \u202eebahsuD"), "place"),
        (api_report(occasion="CIS \u2067summit"), "occasion"),
        (api_report(notes="\u202e.detavired"), "notes"),
        (api_report(host_justification="\u202dno warrant"), "host_justification"),
        (api_report(sources=source(publisher="\u202eswen")), "sources.0.publisher"),
        (api_report(sources=source(excerpt="He \u202e.deirra")), "sources.0.excerpt"),
        (api_report(sources=source(url="https://news.example.org/\u202eputin")), "sources.0.url"),
    ],
)
def test_a_report_field_with_a_bidirectional_control_is_a_400_naming_it(reporting, body, field):
    response = reporting.post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"]
    assert any("invisible control character (U+" in m for m in error["fields"][field])
    assert not Report.objects.exists()


def test_the_refusal_speaks_the_reporters_language(reporting):
    body = api_report(place="\u202eebahsuD")
    english = reporting.post("/api/v1/reports/", body, format="json").json()["error"]
    assert english["fields"]["place"][0].startswith(ENGLISH)
    french = reporting.post(
        "/api/v1/reports/", body, format="json", headers={"Accept-Language": "fr"}
    ).json()["error"]
    assert french["fields"]["place"][0].startswith(FRENCH)
    assert "écrit\u00a0: supprimez-le." in french["fields"]["place"][0]


def test_right_to_left_text_and_its_marks_are_welcome(reporting):
    body = api_report(
        place="Dushanbe (\u062f\u0648\u0634\u0646\u0628\u0647)",
        occasion="\u200fCIS summit\u200e",
        sources=source(excerpt="\u05d4\u05d5\u05d0 \u05dc\u05d0 \u05e0\u05e2\u05e6\u05e8"),
    )
    response = reporting.post("/api/v1/reports/", body, format="json")
    assert response.status_code == 201, response.content


def test_a_reviewers_comment_through_the_api_refuses_them(reporting):
    report_id = reporting.post("/api/v1/reports/", api_report(), format="json").json()["id"]
    reviewer = token_client(member("bidi-reviewer", "reviewers"))
    response = reviewer.post(
        f"/api/v1/reports/{report_id}/request-changes/",
        {"comment": "Add the \u202ereadout"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "comment" in response.json()["error"]["fields"]
    assert Report.objects.get().state == "submitted"


# --- The newsroom ------------------------------------------------------------------------


@pytest.fixture
def newsroom(client, tajikistan_removed):
    client.force_login(member("bidi-newsroom", "reporters"))
    return client


def error_beside(response, field: str) -> str:
    """The error the form shows beside `field` (its `-error` element)."""
    page = html.unescape(response.content.decode())
    assert f'id="{field}-error"' in page, field
    return page.split(f'id="{field}-error"')[1][:400]


@pytest.mark.parametrize("action", ["submit", "draft", "preview"])
def test_the_newsroom_form_refuses_them_beside_the_field(newsroom, action):
    response = newsroom.post(
        reverse("newsroom:new"), form_data(action=action, place="Dushanbe \u202eebahsuD")
    )
    assert response.status_code == 200  # the form again, with its errors
    assert ENGLISH in error_beside(response, "id_place")
    assert not Report.objects.exists()


def test_the_newsroom_source_form_refuses_them_in_an_excerpt(newsroom):
    sources = [{"url": "https://example.org/putin-dushanbe", "excerpt": "\u2066quoted"}]
    response = newsroom.post(reverse("newsroom:new"), form_data(sources=sources))
    assert ENGLISH.replace("U+202E", "U+2066") in error_beside(response, "id_source-0-excerpt")
    assert not Report.objects.exists()


def test_a_withdrawals_reason_refuses_them_and_a_nul(seeded, client):
    client.force_login(member("bidi-withdrawer", "reporters"))
    url = reverse("newsroom:withdraw", args=[MONGOLIA])
    for note, refusal in (
        ("The trip was \u202e.desufnoc, says the source", "invisible control character (U+202E)"),
        ("The trip was\x00 confused with another one.", "Null characters are not allowed."),
    ):
        response = client.post(url, {"withdrawal_note": note})
        assert response.status_code == 400, note
        assert refusal in html.unescape(response.content.decode()), note
    assert not Report.objects.exists()
    reason = "The trip was confused with another one."
    assert client.post(url, {"withdrawal_note": reason}).status_code == 302


@pytest.mark.parametrize(
    ("character", "refusal"),
    [
        ("\u202e", "invisible control character (U+202E)"),
        ("\x00", "Null characters are not allowed."),
    ],
    ids=["U+202E", "NUL"],
)
@pytest.mark.parametrize("field", ["withdrawal_note", "reply"])
def test_a_reworded_withdrawal_refuses_them_in_its_reason_and_its_answer(
    seeded, client, field, character, refusal
):
    """The reason and the answer to the reviewer are posted without a form: a NUL in
    either was a 500 (PostgreSQL cannot store it)."""
    from visits import review

    author = member("bidi-author", "reporters")
    report = review.propose_withdrawal(
        author=author, visit=Visit.objects.get(slug=MONGOLIA), note="The first reason, given."
    )
    review.request_changes(report, member("bidi-checker", "reviewers"), "Which source?")
    report.refresh_from_db()
    client.force_login(author)
    posted = {
        "withdrawal_note": "The second reason, given.",
        "reply": "See the second source.",
        "seen": review.version_of(report),
    }
    posted[field] = f"The second{character} reason, given."
    response = client.post(reverse("newsroom:edit", args=[report.pk]), posted)
    assert response.status_code == 400
    assert refusal in html.unescape(response.content.decode())
    report.refresh_from_db()
    assert (report.withdrawal_note, report.reply) == ("The first reason, given.", "")
