"""POST /api/v1/reports/{id}/resubmit/: the author answers a reviewer's request for changes
through the API, as the newsroom's edit form lets them: the same checks, the same history,
the same mail to the reviewers."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.api.conftest import member, token_client
from tests.api.test_reports import MONGOLIA, TAJIKISTAN, file
from tests.newsroom.conftest import form_data, version_now
from visits import history, review
from visits.models import Report, ReportState, Visit
from visits.reports import COMMENT_MAX_LENGTH

pytestmark = pytest.mark.django_db

COMMENT = "Which readout says Dushanbe? Cite the summit's own page."
ANSWER = "Added the summit's own page; the place is the airport, as it says."
SUMMIT_PAGE = {"url": "https://cis.example.org/summit-2025", "publisher": "CIS"}


@pytest.fixture
def sent_back(seeded, clients, reviewer):
    """Putin's trip to Tajikistan, filed through the API by the reporter and sent back by
    the reviewer (who has an address, to be mailed): its API address."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    reviewer.email = "reviewer@ngo.example"
    reviewer.save()
    url = file(clients["reporter"]).json()["url"]
    sent = clients["reviewer"].post(f"{url}request-changes/", {"comment": COMMENT}, format="json")
    assert sent.status_code == 200, sent.content
    return url


def report_of(url: str) -> Report:
    return Report.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[-1]))


def resubmit(client, url: str, body: dict, **headers):
    return client.post(f"{url}resubmit/", body, format="json", headers=headers)


def test_the_author_answers_edits_and_submits_again_through_the_api(
    sent_back, clients, django_capture_on_commit_callbacks
):
    before = report_of(sent_back)
    with django_capture_on_commit_callbacks(execute=True):
        answered = resubmit(
            clients["reporter"],
            sent_back,
            {
                "reply": f"  {ANSWER} ",
                "place": "Dushanbe airport",
                "sources": [*TAJIKISTAN["sources"], SUMMIT_PAGE],
                "seen": review.version_of(before),
            },
        )
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert (body["state"], body["reply"], body["comment"]) == ("submitted", ANSWER, COMMENT)
    assert body["place"] == "Dushanbe airport"
    # What the body left out is the report's as it was sent back.
    assert (body["start"], body["end"], body["occasion"]) == (
        "2025-10-08",
        "2025-10-10",
        "CIS summit",
    )
    assert [s["url"] for s in body["sources"]] == [
        *(s["url"] for s in TAJIKISTAN["sources"]),
        SUMMIT_PAGE["url"],
    ]
    assert body["version"] != review.version_of(before)
    # Back in the queue, and the reviewers told, as after any submission.
    queue = clients["reviewer"].get("/api/v1/reports/queue/").json()["results"]
    assert [r["url"] for r in queue] == [sent_back]
    (message,) = [m for m in mail.outbox if m.to == ["reviewer@ngo.example"]]
    assert message.subject == (
        "[iccwatch] Resubmitted after changes, awaits review: Vladimir Vladimirovich Putin "
        "in Tajikistan"
    )
    # The reviewer reads what changed since they sent it back, as for the newsroom's edit.
    since = review.since_sent_back(report_of(sent_back))
    assert [f["field"] for f in since.fields] == ["place"]
    assert since.sources_added == (SUMMIT_PAGE["url"],)


def steps(report: Report) -> list[tuple]:
    """A report's history as its page tells it, oldest first: for each event, why it
    happened, who did it and which fields changed in which way (in words)."""
    entries = history.history_of(Report, report.pk)
    return [(e.why, e.author, e.changes) for e in reversed(entries)]


def test_a_resubmission_through_the_api_is_recorded_and_mailed_as_the_newsrooms(
    sent_back, clients, reporter, reviewer, client, django_capture_on_commit_callbacks
):
    """The same report, sent back twice, answered once in the newsroom's edit form and
    once through the API: the same entries in its history, the same mail to its reviewer."""
    report = report_of(sent_back)
    mailed = []
    for way in ("newsroom", "api"):
        if way == "api":
            with django_capture_on_commit_callbacks(execute=True):
                review.request_changes(report, reviewer, COMMENT)
        mail.outbox.clear()
        recorded = len(history.history_of(Report, report.pk))
        with django_capture_on_commit_callbacks(execute=True):
            if way == "newsroom":
                client.force_login(reporter)
                edit = reverse("newsroom:edit", args=[report.pk])
                # The form as the edit page shows it (the report's own sources), the place changed.
                cited = [{k: v or "" for k, v in c.items()} for c in report.citations]
                fields = {**form_data(sources=cited), "place": "Dushanbe airport"}
                page = client.post(edit, {**fields, "seen": version_now(report), "reply": ANSWER})
                assert page.status_code == 302, page.content
            else:
                answered = resubmit(
                    clients["reporter"], sent_back, {"reply": ANSWER, "place": "Dushanbe"}
                )
                assert answered.status_code == 200, answered.content
        mailed.append([(m.to, m.subject, m.body) for m in mail.outbox])
        added = steps(report)[recorded:]
        if way == "newsroom":
            by_the_newsroom = added
        else:
            by_the_api = added
    assert sorted(mailed[0]) == sorted(mailed[1])
    assert ["reviewer@ngo.example"] in [to for to, _, _ in mailed[0]]
    # The edit (what changed, the answer), then "submitted for review", by its author,
    # each naming the same fields; the edits' values as they were (the places differ,
    # and so do the times of submission).
    assert len(by_the_api) == len(by_the_newsroom) == 2
    assert [(why, who, [name for name, _, _ in changes]) for why, who, changes in by_the_api] == [
        (why, who, [name for name, _, _ in changes]) for why, who, changes in by_the_newsroom
    ]
    edited = {"Dushanbe": "Dushanbe airport", "Dushanbe airport": "Dushanbe"}
    assert by_the_api[0][2] == [
        (name, edited.get(old, old), edited.get(new, new))
        for name, old, new in by_the_newsroom[0][2]
    ]
    assert by_the_api[-1][0] == "submitted for review"


def test_only_its_author_answers_a_report_and_only_once_it_is_sent_back(
    sent_back, clients, reporter
):
    report = report_of(sent_back)
    version = review.version_of(report)
    body = {"reply": ANSWER, "place": "Dushanbe airport"}
    # Another reporter does not see it; a reviewer, or an admin, who read it, is refused.
    other = token_client(member("bruno", "reporters"))
    assert resubmit(other, sent_back, body).status_code == 404
    for who in ("admin", "reviewer"):
        refused = resubmit(clients[who], sent_back, body)
        assert refused.status_code == 403, (who, refused.content)
    assert resubmit(clients["admin"], sent_back, body).json()["error"] == {
        "code": "permission_denied",
        "message": "Only the author may edit a report.",
        "fields": {},
    }
    assert resubmit(clients["anonymous"], sent_back, body).status_code == 401
    assert review.version_of(report_of(sent_back)) == version  # nothing changed

    assert resubmit(clients["reporter"], sent_back, body).status_code == 200
    # Awaiting review again: not the author's to change any more.
    again = resubmit(clients["reporter"], sent_back, {**body, "place": "Dushanbe"})
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "conflict",
        "message": "Only a report sent back for changes can be answered and submitted again; "
        "this one's state is “awaiting review”.",
        "fields": {},
    }
    assert report_of(sent_back).data["place"] == "Dushanbe airport"
    # In French when asked, and labelled so, as the review's refusals are.
    french = resubmit(clients["reporter"], sent_back, body, **{"Accept-Language": "fr"})
    assert french.status_code == 409
    assert french["Content-Language"] == "fr"
    assert french.json()["error"]["message"] == (
        "Seul un signalement renvoyé pour modification peut recevoir une réponse et être "
        "soumis de nouveau\u202f; son état est «\u00a0en attente de vérification\u00a0»."
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        # As the newsroom's form: no answer, no resubmission.
        ({"place": "Dushanbe airport"}, "reply", "Answer the reviewer before submitting"),
        ({"reply": "   "}, "reply", "Answer the reviewer before submitting"),
        ({"reply": "x" * (COMMENT_MAX_LENGTH + 1)}, "reply", "no more than"),
        # The checks of a filing, on the report as edited.
        ({"reply": ANSWER, "start": "2025-02-30"}, "start", "February 2025 has no 30th day."),
        ({"reply": ANSWER, "host": "RUS"}, "host", "own state of nationality"),
        ({"reply": ANSWER, "outcome": "n/a"}, "outcome", "took place needs the host's outcome"),
        ({"reply": ANSWER, "sources": []}, "sources", "At least one source"),
        ({"reply": ANSWER, "sources": [{"url": "http://10.0.0.1/a"}]}, "sources.0.url", "public"),
        # What a new visit's report has no use for, and what no edit changes.
        (
            {"reply": ANSWER, "reason": "The summit's own page gives the place."},
            "reason",
            "Only a correction",
        ),
        ({"reply": ANSWER, "based_on": "2025-10-10T08:00:00Z"}, "based_on", "Only a correction"),
        ({"reply": ANSWER, "visit": MONGOLIA}, "visit", "no such field"),
        ({"reply": ANSWER, "plase": "Dushanbe airport"}, "plase", "did you mean 'place'"),
    ],
)
def test_a_refused_resubmission_is_a_400_naming_the_field_and_changes_nothing(
    sent_back, clients, body, field, message
):
    version = review.version_of(report_of(sent_back))
    refused = resubmit(clients["reporter"], sent_back, body)
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert message in " ".join(error["fields"][field]), error
    report = report_of(sent_back)
    assert (report.state, report.reply) == (ReportState.CHANGES_REQUESTED, "")
    assert review.version_of(report) == version


def test_a_resubmissions_source_is_refused_with_every_problem_at_once(sent_back, clients):
    """A source's address with a space is said in the newsroom's words, with its date in
    the future and its address cited twice naming the first by its place from 1, in one
    400 (it was DRF's "Enter a valid URL." alone)."""
    dup = "https://cis.example.org/dup"
    sources = [
        {"url": "https://example.org/a b", "published": "2999-01-01"},
        {"url": dup},
        {"url": dup},
    ]
    refused = resubmit(clients["reporter"], sent_back, {"reply": ANSWER, "sources": sources})
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert "contains a space after 'https://example.org/a'" in fields["sources.0.url"][0]
    assert "is in the future" in fields["sources.0.published"][0]
    assert fields["sources.2.url"] == [
        f"'{dup}' is already cited (source 2): give its details once."
    ]
    assert report_of(sent_back).state == ReportState.CHANGES_REQUESTED


def test_a_resubmission_refused_says_so_in_the_language_asked(sent_back, clients):
    refused = resubmit(
        clients["reporter"], sent_back, {"place": "Dushanbe airport"}, **{"Accept-Language": "fr"}
    )
    assert refused.status_code == 400
    assert refused["Content-Language"] == "fr"
    assert "Répondez au relecteur" in refused.json()["error"]["fields"]["reply"][0]


def test_a_resubmission_from_an_older_version_is_a_409_and_saves_nothing(sent_back, clients):
    seen = review.version_of(report_of(sent_back))
    saved = resubmit(clients["reporter"], sent_back, {"reply": ANSWER, "seen": "123"})
    assert saved.status_code == 409
    assert "saved again after the version you read" in saved.json()["error"]["message"]
    assert review.version_of(report_of(sent_back)) == seen
    # With the version as it stands, it goes through.
    answered = resubmit(clients["reporter"], sent_back, {"reply": ANSWER, "seen": seen})
    assert answered.status_code == 200, answered.content
    # Unchanged but answered: the reviewer's question may need no change.
    assert answered.json()["reply"] == ANSWER


def test_a_correction_sent_back_is_answered_and_a_withdrawal_is_not_here(seeded, clients):
    filed = file(
        clients["reporter"],
        {
            "visit": MONGOLIA,
            "end": "2024-09-04",
            "reason": "The summit's own page ends on the 4th.",
        },
    )
    url = filed.json()["url"]
    clients["reviewer"].post(f"{url}request-changes/", {"comment": COMMENT}, format="json")
    nothing = resubmit(
        clients["reporter"], url, {"reply": ANSWER, "end": "2024-09-03", "sources": None}
    )
    assert nothing.status_code == 400  # `sources` is a list, not null
    unchanged = resubmit(clients["reporter"], url, {"reply": ANSWER, "end": "2024-09-03"})
    assert unchanged.status_code == 409
    assert "changes nothing" in unchanged.json()["error"]["message"]
    answered = resubmit(
        clients["reporter"],
        url,
        {"reply": ANSWER, "end": "2024-09-05", "reason": "The summit's page says the 5th."},
    )
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert (body["state"], body["end"], body["reason"], body["is_correction"]) == (
        "submitted",
        "2024-09-05",
        "The summit's page says the 5th.",
        True,
    )

    withdrawal = clients["reporter"].post(
        "/api/v1/reports/withdrawals/",
        {"visit": MONGOLIA, "withdrawal_note": "Reported in error: the story was retracted."},
        format="json",
    )
    url = withdrawal.json()["url"]
    clients["reviewer"].post(f"{url}request-changes/", {"comment": COMMENT}, format="json")
    refused = resubmit(clients["reporter"], url, {"reply": ANSWER})
    assert refused.status_code == 409
    assert "reword its reason on its page" in refused.json()["error"]["message"]
    assert report_of(url).state == ReportState.CHANGES_REQUESTED


def test_the_schema_documents_a_resubmission_as_the_server_answers_it(sent_back, clients, client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reports/{id}/resubmit/"]["post"]
    body = schema["components"]["schemas"]["ResubmissionRequest"]
    assert body["required"] == ["reply"] and body["additionalProperties"] is False
    assert "visit" not in body["properties"] and "seen" in body["properties"]
    assert "left out, the report's" in body["properties"]["person"]["description"]
    assert {"400", "403", "404", "409"} <= set(operation["responses"])

    def documented(status: str) -> dict:
        examples = operation["responses"][status]["content"]["application/json"]["examples"]
        (example,) = examples.values()
        return example["value"]

    # Each refusal's example is what the server says.
    refused = resubmit(clients["reporter"], sent_back, {"place": "Dushanbe airport"})
    assert (refused.status_code, refused.json()) == (400, documented("400"))
    someone_else = resubmit(clients["admin"], sent_back, {"reply": ANSWER})
    assert (someone_else.status_code, someone_else.json()) == (403, documented("403"))
    assert resubmit(clients["reporter"], sent_back, {"reply": ANSWER}).status_code == 200
    not_sent_back = resubmit(clients["reporter"], sent_back, {"reply": ANSWER})
    assert (not_sent_back.status_code, not_sent_back.json()) == (409, documented("409"))
    # The success's example has every field the answer has.
    answered = documented("200")
    assert set(answered) == set(clients["reporter"].get(sent_back).json())
    assert answered["state"] == "submitted" and answered["reply"]


def test_a_resubmission_keeps_an_edit_saved_after_it_read_the_report(
    sent_back, clients, reporter, monkeypatch
):
    """The author's newsroom tab saves the report (the occasion reworded) after the API's
    request read it and before the service locks it: the fields the body leaves out are
    the report's as it stands then, not as the request first read it."""
    resubmit_now = review.resubmit

    def edited_in_the_newsroom_meanwhile(report, user, **kwargs):
        current = Report.objects.get(pk=report.pk)
        review.update_report(
            current,
            user,
            data={**current.data, "occasion": "CIS heads of state summit"},
            citations=current.citations,
            seen=review.version_of(current),
        )
        return resubmit_now(report, user, **kwargs)

    monkeypatch.setattr(review, "resubmit", edited_in_the_newsroom_meanwhile)
    answered = resubmit(
        clients["reporter"], sent_back, {"reply": ANSWER, "place": "Dushanbe airport"}
    )
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert (body["state"], body["place"], body["occasion"]) == (
        "submitted",
        "Dushanbe airport",
        "CIS heads of state summit",
    )
    report = report_of(sent_back)
    assert (report.data["place"], report.data["occasion"]) == (
        "Dushanbe airport",
        "CIS heads of state summit",
    )


@pytest.mark.parametrize("status", ["announced", "cancelled", "virtual"])
def test_a_resubmission_to_a_trip_not_taken_without_an_outcome_has_none_as_a_filing(
    sent_back, clients, status
):
    """The report said the trip took place (`not_arrested`); the author answers that it
    did not: the outcome left out is `n/a`, as when such a trip is filed, not the
    report's outcome, which a trip not taken cannot have."""
    body = {"status": status, "reply": ANSWER}
    if status == "announced":  # still to come
        body |= {"start": "2030-06-01", "end": "2030-06-02"}
    answered = resubmit(clients["reporter"], sent_back, body)
    assert answered.status_code == 200, answered.content
    assert (answered.json()["status"], answered.json()["outcome"]) == (status, "n/a")
    assert report_of(sent_back).data["outcome"] == "n/a"


def test_a_resubmission_with_errors_of_every_kind_gets_them_all_in_one_answer(sent_back, clients):
    """A body with a field of the wrong type, or one it does not have, and values the
    filing's checks refuse was refused for the first kind alone; fixed, the second came in
    another round trip. One 400 says all of them now, and nothing changes."""
    version = review.version_of(report_of(sent_back))
    body = {
        "reply": ANSWER,
        "notes": 5,
        "plase": "Dushanbe airport",
        "host": "RUS",
        "sources": [{"url": "http://10.0.0.1/putin"}],
        "reason": "The summit's own page gives the place.",
    }
    refused = resubmit(clients["reporter"], sent_back, body)
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"notes", "plase", "host", "sources.0.url", "reason"}, error
    assert "own state of nationality" in error["fields"]["host"][0]
    assert "Only a correction" in error["fields"]["reason"][0]
    # In French too, each in the reporter's language.
    french = resubmit(clients["reporter"], sent_back, body, **{"Accept-Language": "fr"})
    assert french["Content-Language"] == "fr"
    assert set(french.json()["error"]["fields"]) == set(error["fields"])
    assert "Seule une correction" in french.json()["error"]["fields"]["reason"][0]
    # A missing answer with a date that is not one and a type refused.
    lacking = resubmit(
        clients["reporter"], sent_back, {"start": "2025-02-30", "host_notified": "yes"}
    )
    assert {"reply", "start", "host_notified"} <= set(lacking.json()["error"]["fields"])
    # A check that reads a field refused already is left out: the outcome's reads the status.
    status = resubmit(
        clients["reporter"], sent_back, {"reply": ANSWER, "status": 5, "outcome": "n/a"}
    )
    assert set(status.json()["error"]["fields"]) == {"status"}, status.content
    report = report_of(sent_back)
    assert (report.state, report.reply, report.data["host"]) == (
        ReportState.CHANGES_REQUESTED,
        "",
        "TJK",
    )
    assert review.version_of(report) == version


def test_a_resubmission_the_service_refuses_names_every_field_at_once(seeded, clients):
    """A body of the right shape was refused one step of the service at a time: the
    `based_on` of a new visit's report, then its reason, then its host; a correction's
    short reason, then its date. Each answer says all now; nothing changes."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    new = file(clients["reporter"]).json()["url"]
    correction = file(
        clients["reporter"],
        {
            "visit": MONGOLIA,
            "end": "2024-09-04",
            "reason": "The summit's own page ends on the 4th.",
        },
    ).json()["url"]
    for url in (new, correction):
        sent = clients["reviewer"].post(
            f"{url}request-changes/", {"comment": COMMENT}, format="json"
        )
        assert sent.status_code == 200, sent.content
    versions = {url: review.version_of(report_of(url)) for url in (new, correction)}
    refused = resubmit(
        clients["reporter"],
        new,
        {
            "reply": ANSWER,
            "based_on": "2025-10-10T08:00:00Z",
            "reason": "The summit's own page gives the place.",
            "host": "RUS",
        },
    )
    assert refused.status_code == 400, refused.content
    assert set(refused.json()["error"]["fields"]) == {"based_on", "reason", "host"}
    refused = resubmit(
        clients["reporter"],
        correction,
        {"reply": ANSWER, "reason": "Too short.", "end": "2024-13-45"},
    )
    assert refused.status_code == 400, refused.content
    assert set(refused.json()["error"]["fields"]) == {"reason", "end"}
    # With a type refused besides, the same answer names it too.
    both = resubmit(
        clients["reporter"],
        correction,
        {"reply": ANSWER, "reason": "Too short.", "end": "2024-13-45", "notes": 5},
    )
    assert set(both.json()["error"]["fields"]) == {"reason", "end", "notes"}
    for url, version in versions.items():
        report = report_of(url)
        assert (report.state, report.reply) == (ReportState.CHANGES_REQUESTED, "")
        assert review.version_of(report) == version


UZBEKISTAN = "vladimir-putin-uzb-2024-05-26"  # published: Tashkent, 26-28 May 2024


def test_a_resubmission_that_may_repeat_a_visit_recorded_asks_as_a_filing_does(sent_back, clients):
    """A report sent back and answered with the days and host of a published visit is not
    submitted unasked: a 400 naming `another_visit`, as a filing of it is, nothing changed;
    with `another_visit`: true, it is."""
    assert Visit.objects.filter(slug=UZBEKISTAN, review_state="verified").exists()
    moved = {"host": "UZB", "start": "2024-05-26", "end": "2024-05-27", "place": "Tashkent"}
    filed = file(clients["reporter"], {**TAJIKISTAN, **moved})
    assert filed.status_code == 400 and "another_visit" in filed.json()["error"]["fields"]
    before = report_of(sent_back)
    refused = resubmit(clients["reporter"], sent_back, {"reply": ANSWER, **moved})
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert list(error["fields"]) == ["another_visit"]
    assert UZBEKISTAN in error["fields"]["another_visit"][0]
    after = report_of(sent_back)
    assert (after.state, after.data, review.version_of(after)) == (
        ReportState.CHANGES_REQUESTED,
        before.data,
        review.version_of(before),
    )
    confirmed = resubmit(
        clients["reporter"], sent_back, {"reply": ANSWER, "another_visit": True, **moved}
    )
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["state"], confirmed.json()["host"]) == ("submitted", "UZB")
    assert [v["id"] for v in confirmed.json()["possible_duplicates"]] == [UZBEKISTAN]


def test_a_resubmission_that_leaves_the_trip_alone_needs_no_confirmation(sent_back, clients):
    answered = resubmit(clients["reporter"], sent_back, {"reply": ANSWER, "another_visit": False})
    assert answered.status_code == 200, answered.content


def test_the_schema_documents_another_visit_on_a_resubmission(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    body = schema["components"]["schemas"]["ResubmissionRequest"]
    assert body["properties"]["another_visit"]["type"] == "boolean"
    assert "another_visit" not in body.get("required", [])
