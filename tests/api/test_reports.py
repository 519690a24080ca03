"""/api/v1/reports/: filing, duplicates, the review queue and actions, four eyes, corrections."""

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection
from django.utils import translation
from rest_framework.test import APIClient

from core.models import Source
from newsroom.forms import ReportForm
from tests.api.conftest import token_client
from tests.newsroom.conftest import TAJIKISTAN as NEWSROOM_FORM
from visits import flagging, review
from visits.models import Citation, Report, ReportState, Visit, VisitStatus

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
TAJIKISTAN = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "place": "Dushanbe",
    "occasion": "CIS summit",
    "status": "occurred",
    "outcome": "not_arrested",
    "sources": [
        {
            "url": "https://news.example.org/putin-dushanbe",
            "publisher": "Example News",
            "published": "2025-10-09",
            "archived_url": "https://web.archive.org/web/2025/https://news.example.org/putin-dushanbe",
        },
        {"url": "https://wire.example.org/cis-summit", "publisher": "Example Wire"},
    ],
}
DATABASE_WORDS = ("duplicate key", "violates", "constraint", "visits_visit_slug_key", "DETAIL")


@pytest.fixture
def tajikistan_removed(seeded):
    """Putin's published trip to Tajikistan, removed so that it can be reported anew."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


def file(client, body=TAJIKISTAN, **headers):
    return client.post("/api/v1/reports/", body, format="json", headers=headers)


def verify_as(client, url: str, **body):
    """POST {url}verify/ as a client does: with the version it read (`seen`) and `body`."""
    seen = review.version_of(Report.objects.get(pk=int(url.rstrip("/").split("/")[-1])))
    return client.post(f"{url}verify/", {"seen": seen, **body}, format="json")


def test_a_report_waits_for_review_and_another_reviewer_publishes_it(
    tajikistan_removed, clients, django_capture_on_commit_callbacks
):
    response = file(clients["reporter"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"] == f"http://testserver/api/v1/reports/{body['id']}/"
    assert (body["state"], body["is_correction"], body["visit"], body["author"]) == (
        "submitted",
        False,
        None,
        "reporter",
    )
    assert [s["publisher"] for s in body["sources"]] == ["Example News", "Example Wire"]
    assert body["preview"]["code"] == "non_compliance"
    assert "Tajikistan" in body["preview"]["explanation"]
    # Not public anywhere in the API.
    assert not Visit.objects.filter(person__slug="vladimir-putin", host__iso3="TJK").exists()
    assert [r["id"] for r in clients["reporter"].get("/api/v1/reports/").json()["results"]] == [
        body["id"]
    ]
    assert clients["reviewer"].get("/api/v1/reports/").json()["results"] == []  # own only
    queue = clients["reviewer"].get("/api/v1/reports/queue/").json()["results"]
    assert [r["id"] for r in queue] == [body["id"]]

    with django_capture_on_commit_callbacks(execute=True):
        verified = verify_as(clients["reviewer"], body["url"])
    assert verified.status_code == 200, verified.content
    shown = verified.json()
    assert (shown["state"], shown["reviewer"]) == ("verified", "reviewer")
    # Verified, it previews nothing: its verdict is the published visit's (as the newsroom
    # shows), which later facts, an ICC finding say, may change.
    assert shown["preview"] is None
    visit = clients["anonymous"].get(shown["visit"]["url"]).json()
    assert visit["verdict"]["code"] == "non_compliance"
    assert visit["place"] == "Dushanbe"
    assert clients["reviewer"].get("/api/v1/reports/queue/").json()["results"] == []
    again = verify_as(clients["admin"], body["url"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert "awaiting review" in again.json()["error"]["message"]


def test_a_rejection_without_a_real_reason_is_a_400_naming_it(tajikistan_removed, clients):
    """A rejection is final: "no" was accepted as the reason mailed to its author."""
    url = file(clients["reporter"]).json()["url"]
    short = clients["reviewer"].post(f"{url}reject/", {"reason": "no"}, format="json")
    assert short.status_code == 400, short.content
    said = " ".join(short.json()["error"]["fields"]["reason"])
    assert "at least 20 characters" in said
    assert Report.objects.get().state == ReportState.SUBMITTED


def test_nobody_reviews_their_own_report_whatever_their_roles(tajikistan_removed, clients):
    url = file(clients["both"]).json()["url"]
    assert clients["both"].get("/api/v1/reports/queue/").json()["results"] == []
    for action, body in (
        ("verify", {"seen": "0"}),
        ("reject", {"reason": "mine, and mine alone"}),
        ("request-changes", {"comment": "mine"}),
    ):
        refused = clients["both"].post(f"{url}{action}/", body, format="json")
        assert refused.status_code == 403
        assert refused.json()["error"] == {
            "code": "four_eyes",
            "message": "Nobody may review their own report: another reviewer must do it.",
            "fields": {},
        }
    assert Report.objects.get().state == ReportState.SUBMITTED
    # A reporter is not a reviewer: refused at the door, with the reason.
    reporter = verify_as(clients["reporter"], url)
    assert reporter.status_code == 403
    assert "reviewers group" in reporter.json()["error"]["message"]
    # ... and does not see another reporter's report at all.
    assert clients["reporter"].get(url).status_code == 404
    assert clients["reviewer"].get(url).status_code == 200


def test_changes_requested_and_rejection_need_a_reason_and_are_kept(tajikistan_removed, clients):
    url = file(clients["reporter"]).json()["url"]
    missing = clients["reviewer"].post(f"{url}request-changes/", {}, format="json")
    assert missing.status_code == 400
    assert "comment" in missing.json()["error"]["fields"]
    blank = clients["reviewer"].post(f"{url}request-changes/", {"comment": "  "}, format="json")
    assert blank.status_code == 400
    sent_back = clients["reviewer"].post(
        f"{url}request-changes/", {"comment": "Cite the summit's own page."}, format="json"
    )
    assert sent_back.status_code == 200
    assert (sent_back.json()["state"], sent_back.json()["comment"]) == (
        "changes_requested",
        "Cite the summit's own page.",
    )
    mine = clients["reporter"].get(url).json()
    assert (mine["state"], mine["comment"]) == ("changes_requested", "Cite the summit's own page.")
    late = clients["reviewer"].post(
        f"{url}reject/", {"reason": "No outlet reports this trip."}, format="json"
    )
    assert late.status_code == 409

    # Another report of the trip the first describes (still open): confirmed as another visit.
    other = file(
        clients["reporter"], {**TAJIKISTAN, "place": "Dushanbe airport", "another_visit": True}
    ).json()["url"]
    rejected = clients["reviewer"].post(
        f"{other}reject/", {"reason": "Not so: no outlet reports the trip."}, format="json"
    )
    assert (rejected.status_code, rejected.json()["state"]) == (200, "rejected")
    states = {r["state"] for r in clients["reporter"].get("/api/v1/reports/").json()["results"]}
    assert states == {"changes_requested", "rejected"}
    only = clients["reporter"].get("/api/v1/reports/", {"state": "rejected"}).json()
    assert [r["url"] for r in only["results"]] == [other]
    bad = clients["reporter"].get("/api/v1/reports/", {"state": "lost"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_filter")


def test_the_same_idempotency_key_or_an_identical_report_is_a_409_naming_the_first(
    tajikistan_removed, clients
):
    first = file(clients["reporter"], **{"Idempotency-Key": "3f0c-retry"})
    assert first.status_code == 201
    url = first.json()["url"]
    for response in (
        # A retry with the same key, even with another body, files nothing more.
        file(
            clients["reporter"], {**TAJIKISTAN, "place": "x"}, **{"Idempotency-Key": "3f0c-retry"}
        ),
        # The same report again, without a key (or from someone else).
        file(clients["reporter"]),
        file(clients["admin"], **{"Idempotency-Key": "another"}),
        # The old address is an alias: the same answer.
        clients["reporter"].post("/api/v1/visits/", TAJIKISTAN, format="json"),
    ):
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["error"]["code"] == "duplicate_report"
        assert body["existing"] == url == response["Location"]
        assert url in body["error"]["message"]
    assert Report.objects.count() == 1
    too_long = file(clients["reporter"], **{"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 400
    assert "Idempotency-Key" in too_long.json()["error"]["fields"]


def test_an_identical_report_by_someone_else_is_a_409_that_names_no_report_it_cannot_read(
    tajikistan_removed, clients, reporter
):
    """Reporter B filing what reporter A's open report says learns that one is open, not
    its number or address (GET of it answers B 404), as the newsroom tells how many, not
    whose; a reviewer, who may read it, is told which."""
    from django.contrib.auth.models import Group, User

    from core import roles

    first = file(clients["reporter"])
    assert first.status_code == 201
    url = first.json()["url"]
    other = User.objects.create_user("bruno", password="a-long-test-password")
    other.groups.add(Group.objects.get_or_create(name=roles.REPORTERS)[0])
    bruno = token_client(other)
    assert bruno.get(url).status_code == 404
    answer = file(bruno)
    assert answer.status_code == 409, answer.content
    body = answer.json()
    number = url.rstrip("/").rsplit("/", 1)[1]
    assert body["error"]["code"] == "duplicate_report"
    assert body["error"]["message"] == (
        "An identical report by another person is already open. Nothing more was filed."
    )
    assert "existing" not in body and "Location" not in answer
    assert url not in answer.content.decode() and f"report {number}" not in answer.content.decode()
    seen = file(clients["both"])
    assert seen.status_code == 409 and seen.json()["existing"] == url
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_identical_posts_at_once_make_one_201_and_three_409s(tajikistan_removed, reporter):
    """As the issue measured it: never a 400 or 500 with the database's words."""
    token = token_client(reporter)._credentials["HTTP_AUTHORIZATION"]

    def race(body, headers) -> list:
        answers: list = []
        barrier = threading.Barrier(4)

        def post():
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=token)
            try:
                barrier.wait()
                answers.append(
                    client.post("/api/v1/reports/", body, format="json", headers=headers)
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    for body, headers in (
        (TAJIKISTAN, {}),
        # Another report of the trip the first round filed: confirmed as another visit.
        (
            {**TAJIKISTAN, "place": "Dushanbe, again", "another_visit": True},
            {"Idempotency-Key": "same-key"},
        ),
    ):
        answers = race(body, headers)
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
        created = next(a for a in answers if a.status_code == 201).json()["url"]
        for answer in answers:
            text = answer.content.decode()
            assert not any(word in text for word in DATABASE_WORDS), text
            if answer.status_code == 409:
                assert answer.json()["existing"] == created
    assert Report.objects.count() == 2


def test_no_database_error_text_ever_reaches_a_client(
    tajikistan_removed, clients, reporter, monkeypatch
):
    text = (
        'duplicate key value violates unique constraint "visits_visit_slug_key"\n'
        "DETAIL:  Key (slug)=(vladimir-putin-tjk-2025-10-08) already exists."
    )

    def integrity(**kwargs):
        raise IntegrityError(text)

    monkeypatch.setattr(review, "file_report", integrity)
    conflict = file(clients["reporter"])
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"

    def busy(**kwargs):
        raise OperationalError("could not serialize access due to concurrent update")

    monkeypatch.setattr(review, "file_report", busy)
    unavailable = file(clients["reporter"])
    assert (unavailable.status_code, unavailable["Retry-After"]) == (503, "5")

    # The one write path turns a database refusal into a ValidationError quoting it.
    monkeypatch.undo()
    report = review.file_report(
        author=reporter,
        data={k: v for k, v in TAJIKISTAN.items() if k != "sources"},
        citations=TAJIKISTAN["sources"],
    )

    def verify(report, reviewer, **options):
        try:
            raise IntegrityError(text)
        except IntegrityError as exc:
            raise ValidationError(str(exc).splitlines()[0]) from exc

    monkeypatch.setattr(review, "verify", verify)
    refused = verify_as(clients["reviewer"], f"/api/v1/reports/{report.pk}/")
    assert refused.status_code == 409
    for answer in (conflict, unavailable, refused):
        body = answer.content.decode()
        assert not any(word in body for word in DATABASE_WORDS), body
        assert "serialize" not in body


def test_a_correction_changes_the_published_visit_only_when_verified(seeded, clients):
    response = file(clients["reporter"], {"visit": MONGOLIA, "end": "2024-09-04"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["is_correction"], body["visit"]["id"], body["end"]) == (
        True,
        MONGOLIA,
        "2024-09-04",
    )
    assert body["place"] == "Ulaanbaatar"  # the fields left out keep the visit's values
    assert body["sources"]  # and its citations
    public = f"/api/v1/visits/{MONGOLIA}/"
    assert clients["anonymous"].get(public).json()["end"] == "2024-09-03"
    verified = verify_as(clients["reviewer"], body["url"]).json()
    assert verified["changes"] == [{"field": "end", "old": "2024-09-03", "new": "2024-09-04"}]
    assert clients["anonymous"].get(public).json()["end"] == "2024-09-04"

    assert verified["reason"] == ""  # none given: the API does not ask for one

    unknown = file(clients["reporter"], {"visit": "no-such-visit", "end": "2024-09-04"})
    assert unknown.status_code == 400
    assert "No published visit" in unknown.json()["error"]["fields"]["visit"][0]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**TAJIKISTAN, "host": "RUS"}, "host", "own state of nationality"),
        (
            {**TAJIKISTAN, "person": "nobody"},
            "person",
            "No person wanted by the ICC is called nobody.",
        ),
        ({**TAJIKISTAN, "start": "2025-02-30"}, "start", "February 2025 has no 30th day."),
        ({**TAJIKISTAN, "sources": [{"url": "not a url"}]}, "sources.0.url", "valid URL"),
        ({**TAJIKISTAN, "sources": [{"url": "ftp://x.org/a"}]}, "sources.0.url", "URL"),
        (
            {**TAJIKISTAN, "sources": [{"url": "https://u:p@x.org/a"}]},
            "sources.0.url",
            "carries a user name or password",
        ),
        (
            {
                **TAJIKISTAN,
                "sources": [{"url": "https://x.org/a", "archived_url": "http://192.168.1.4/a"}],
            },
            "sources.0.archived_url",
            "is not a public address",
        ),
        ({k: v for k, v in TAJIKISTAN.items() if k != "sources"}, "sources", "required"),
        ({**TAJIKISTAN, "status": "cancelled"}, "outcome", "did not take place"),
        (
            {**TAJIKISTAN, "status": "announced", "outcome": "arrested"},
            "outcome",
            "“not applicable”",
        ),
        ({**TAJIKISTAN, "outcome": "n/a"}, "outcome", "took place needs the host's outcome"),
        (
            {**TAJIKISTAN, "host_control": "none", "controlled_by": "TJK"},
            "controlled_by",
            "cannot be the host itself",
        ),
        ({**TAJIKISTAN, "controlled_by": "RUS"}, "controlled_by", "only when the host did not"),
        ({**TAJIKISTAN, "end": "2025-09"}, "end", "The end (2025-09) is before the start"),
        (
            {
                **TAJIKISTAN,
                "sources": [*TAJIKISTAN["sources"], {"url": TAJIKISTAN["sources"][0]["url"]}],
            },
            f"sources.{len(TAJIKISTAN['sources'])}.url",
            "is already cited (source 1)",
        ),
    ],
)
def test_an_invalid_report_is_a_400_naming_the_field(
    tajikistan_removed, clients, body, field, message
):
    response = file(clients["reporter"], body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in " ".join(error["fields"][field]), error
    assert Report.objects.count() == 0


ANNOUNCED = {
    **{k: v for k, v in TAJIKISTAN.items() if k != "outcome"},
    "start": "2030-10-08",
    "end": "2030-10-10",
    "status": "announced",
}


def test_an_announced_trip_is_filed_without_an_outcome(tajikistan_removed, clients):
    """A trip announced, not yet taken, has no outcome yet (docs/DOMAIN.md: `n/a` for a
    trip that did not happen): left out, it is `n/a`, as on the newsroom's form; any other
    is refused, naming `outcome`."""
    filed = file(clients["reporter"], ANNOUNCED)
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["status"], body["outcome"]) == ("announced", "n/a")
    assert body["preview"]["code"] == "upcoming"
    assert Report.objects.get().data["outcome"] == "n/a"
    refused = file(clients["reporter"], {**ANNOUNCED, "place": "Khujand", "outcome": "arrested"})
    assert refused.status_code == 400
    assert "“not applicable”" in refused.json()["error"]["fields"]["outcome"][0]


def test_a_person_who_gave_himself_up_is_filed_and_never_previewed_as_an_arrest(
    tajikistan_removed, clients
):
    """`self_surrendered` (the person gave himself up and was transferred to the Court) is
    an outcome a report may send for a trip that took place: its preview is `complied`,
    saying that he surrendered voluntarily, never that the host arrested him; a trip
    announced cannot have it. The schema lists it among the outcomes a report takes."""
    filed = file(clients["reporter"], {**TAJIKISTAN, "outcome": "self_surrendered"})
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["outcome"], body["preview"]["code"]) == ("self_surrendered", "complied")
    assert (
        "surrendered voluntarily and was transferred to the Court"
        in (body["preview"]["explanation"])
    )
    assert "arrested" not in body["preview"]["explanation"]
    assert Report.objects.get().data["outcome"] == "self_surrendered"
    refused = file(clients["reporter"], {**ANNOUNCED, "outcome": "self_surrendered"})
    assert refused.status_code == 400
    assert "“not applicable”" in refused.json()["error"]["fields"]["outcome"][0]
    schema = clients["reporter"].get("/api/v1/schema/", {"format": "json"}).json()
    enums = [
        s["enum"]
        for s in schema["components"]["schemas"].values()
        if "self_surrendered" in s.get("enum", [])
    ]
    assert enums and all("arrested" in e and "released" in e for e in enums), enums


def test_a_trip_that_took_place_without_an_outcome_is_asked_it_in_the_forms_words(
    tajikistan_removed, clients
):
    body = {k: v for k, v in TAJIKISTAN.items() if k != "outcome"}
    refused = file(clients["reporter"], body)
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "outcome": [
            "A trip that took place needs the host's outcome: say what the host did (or "
            "“unknown” if it is not known)."
        ]
    }
    french = file(clients["reporter"], body, **{"Accept-Language": "fr"})
    assert "«\u00a0inconnue\u00a0»" in french.json()["error"]["fields"]["outcome"][0]
    assert Report.objects.count() == 0


@pytest.mark.parametrize("status", [s for s, _ in VisitStatus.choices])
def test_an_outcome_left_out_is_what_the_newsrooms_form_makes_of_it(
    tajikistan_removed, clients, status
):
    """For each status, a new report without an outcome is filed with the outcome the
    newsroom's form gives it when left blank, or refused by its field as the form refuses
    it."""
    later = status == "announced"
    dates = {"start": "2030-10-08", "end": "2030-10-10"} if later else {}
    form = ReportForm(data={**NEWSROOM_FORM, **dates, "status": status, "outcome": ""})
    form.is_valid()
    api = file(
        clients["reporter"],
        {k: v for k, v in {**TAJIKISTAN, **dates, "status": status}.items() if k != "outcome"},
    )
    if "outcome" in form.errors:
        assert api.status_code == 400
        assert api.json()["error"]["fields"]["outcome"] == form.errors["outcome"]
    else:
        assert form.is_valid(), form.errors
        assert api.status_code == 201, api.content
        assert api.json()["outcome"] == form.cleaned_data["outcome"] == "n/a"


def test_an_end_known_to_the_month_may_be_any_day_of_it(tajikistan_removed, clients):
    """Start 8 October, end "October": the end may be the 31st, so the report is filed and
    published (the database's own check reads the end's precision too)."""
    response = file(clients["reporter"], {**TAJIKISTAN, "end": "2025-10"})
    assert response.status_code == 201, response.content
    assert response.json()["end"] == "2025-10"
    verified = verify_as(clients["reviewer"], response.json()["url"])
    assert verified.status_code == 200, verified.content
    slug = verified.json()["visit"]["id"]
    visit = Visit.objects.get(slug=slug)
    assert (visit.end, visit.end_precision) == (datetime.date(2025, 10, 1), "month")


def test_the_review_services_refusals_speak_the_clients_language(tajikistan_removed, clients):
    response = file(
        clients["reporter"], {**TAJIKISTAN, "person": "nobody"}, **{"Accept-Language": "fr"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["person"] == [
        "Aucune personne recherchée par la CPI ne s’appelle nobody."
    ]
    assert Report.objects.count() == 0


def test_a_visit_shows_what_its_own_citation_says_not_the_shared_source(seeded, api_client):
    citation = Citation.objects.filter(visit__slug=MONGOLIA).select_related("source").first()
    Citation.objects.filter(pk=citation.pk).update(
        publisher="As this visit cites it", excerpt="Its own excerpt", archived_url=""
    )
    Source.objects.filter(pk=citation.source_id).update(publisher="The shared source's")
    for url in (f"/api/v1/visits/{MONGOLIA}/", "/api/v1/visits/?host=MNG"):
        body = api_client.get(url).json()
        visit = body if "sources" in body else body["results"][0]
        shown = {s["url"]: s for s in visit["sources"]}[citation.source.url]
        assert (shown["publisher"], shown["excerpt"]) == (
            "As this visit cites it",
            "Its own excerpt",
        )


def test_a_reviewer_publishes_only_the_version_read_and_confirms_each_duplicate_compared(
    tajikistan_removed, clients
):
    """`version` read, given back as `seen`: a report saved since is a 409. `different_from`
    names the possible duplicates compared; one published after is a 409 naming it."""
    listed = verify_as(clients["reviewer"], file(clients["reporter"]).json()["url"])
    listed = listed.json()["visit"]["id"]
    url = file(
        clients["both"], {**TAJIKISTAN, "place": "Dushanbe, the palace", "another_visit": True}
    ).json()["url"]
    read = clients["reviewer"].get(url).json()
    assert [v["id"] for v in read["possible_duplicates"]] == [listed]
    report = Report.objects.get(pk=read["id"])
    review.take_back(report, report.author)
    report.refresh_from_db()
    report.data = {**report.data, "outcome": "arrested"}
    report.save()
    review.submit(report, report.author)

    def verify(**body):
        return clients["reviewer"].post(f"{url}verify/", body, format="json")

    stale = verify(seen=read["version"], different_from=[listed])
    assert (
        stale.status_code == 409
        and "changed after you opened it" in stale.json()["error"]["message"]
    )
    read = clients["reviewer"].get(url).json()
    assert read["outcome"] == "arrested"
    old_flag = verify(seen=read["version"], different_visit=True)
    assert old_flag.status_code == 400
    assert "different_from" in old_flag.json()["error"]["fields"]["different_visit"][0]
    unconfirmed = verify(seen=read["version"])
    assert unconfirmed.status_code == 409 and listed in unconfirmed.json()["error"]["message"]
    meanwhile = verify_as(
        clients["admin"],
        file(
            clients["reporter"], {**TAJIKISTAN, "place": "Dushanbe, Navruz", "another_visit": True}
        ).json()["url"],
        different_from=[listed],
    )
    meanwhile = meanwhile.json()["visit"]["id"]
    refused = verify(seen=read["version"], different_from=[listed])
    named = re.search(r"\(([^)]*)\)", refused.json()["error"]["message"]).group(1)
    assert refused.status_code == 409 and named.split(", ") == [meanwhile]
    assert Report.objects.get(pk=read["id"]).state == ReportState.SUBMITTED
    published = verify(seen=read["version"], different_from=[listed, meanwhile])
    assert published.status_code == 200 and published.json()["state"] == "verified"


def test_verify_wants_the_version_the_reviewer_read(tajikistan_removed, clients):
    url = file(clients["reporter"]).json()["url"]
    missing = clients["reviewer"].post(f"{url}verify/", {}, format="json")
    assert missing.status_code == 400 and "seen" in missing.json()["error"]["fields"]
    version = clients["reviewer"].get(url).json()["version"]
    assert version.isdigit()  # an opaque token, given back as it came
    assert verify_as(clients["reviewer"], url).status_code == 200
    assert Report.objects.get(pk=int(url.rstrip("/").split("/")[-1])).state == "verified"


def test_the_duplicates_listed_are_those_verify_compares_published_or_not(
    tajikistan_removed, clients
):
    """A visit recorded but not published (here: rejected in an earlier review) still blocks
    a new report of the same trip until compared; the API lists it, so that a client can
    name it in `different_from`."""
    first = verify_as(clients["reviewer"], file(clients["reporter"]).json()["url"]).json()
    Visit.objects.filter(slug=first["visit"]["id"]).update(review_state="rejected")
    url = file(
        clients["both"], {**TAJIKISTAN, "place": "Dushanbe, the palace", "another_visit": True}
    ).json()["url"]
    listed = [v["id"] for v in clients["reviewer"].get(url).json()["possible_duplicates"]]
    assert listed == [first["visit"]["id"]]
    assert verify_as(clients["reviewer"], url).status_code == 409
    assert verify_as(clients["reviewer"], url, different_from=listed).status_code == 200


def test_a_trip_withdrawn_from_the_record_is_filed_and_verified_only_once_confirmed(
    tajikistan_removed, clients
):
    """Measured defect: a trip whose visit was withdrawn was filed again (201) and could be
    verified with no word of the withdrawal. The filing is now a 400 naming
    `another_visit`, saying when the visit was withdrawn and why, and the visit is among
    the report's `possible_duplicates`, which `different_from` must name to publish it."""
    first = verify_as(clients["reviewer"], file(clients["reporter"]).json()["url"]).json()
    withdrawn = Visit.objects.get(slug=first["visit"]["id"])
    why = "The summit took place by video: Putin stayed in Moscow."
    proposed = review.propose_withdrawal(
        author=Report.objects.get(pk=first["id"]).author, visit=withdrawn, note=why
    )
    verify_as(clients["reviewer"], f"/api/v1/reports/{proposed.pk}/")
    withdrawn.refresh_from_db()
    assert withdrawn.review_state == "withdrawn"
    filed = Report.objects.count()
    refused = file(clients["reporter"])
    assert refused.status_code == 400, refused.content
    [message] = refused.json()["error"]["fields"]["another_visit"]
    on = withdrawn.updated_at.date()
    assert f"A visit of this trip was withdrawn on {on.day} {on:%B %Y}: {why[:-1]} (" in message
    assert withdrawn.slug in message and Report.objects.count() == filed
    url = file(clients["reporter"], {**TAJIKISTAN, "another_visit": True}).json()["url"]
    listed = [v["id"] for v in clients["reviewer"].get(url).json()["possible_duplicates"]]
    assert listed == [withdrawn.slug]
    unnamed = verify_as(clients["reviewer"], url)
    assert unnamed.status_code == 409 and withdrawn.slug in unnamed.json()["error"]["message"]
    assert verify_as(clients["reviewer"], url, different_from=listed).status_code == 200


def test_a_correction_filed_through_the_api_may_say_why_and_a_new_report_may_not(seeded, clients):
    reason = "The Kremlin's readout has him leave on 4 September."
    filed = file(clients["reporter"], {"visit": MONGOLIA, "end": "2024-09-04", "reason": reason})
    assert filed.status_code == 201, filed.content
    assert filed.json()["reason"] == reason
    verify_as(clients["reviewer"], filed.json()["url"])
    page = clients["anonymous"].get(f"/visits/{MONGOLIA}/").content.decode()
    assert "The Kremlin&#x27;s readout has him leave on 4 September." in page
    new = file(
        clients["reporter"], {**TAJIKISTAN, "reason": "Not a correction.", "another_visit": True}
    )
    assert new.status_code == 400
    assert "Only a correction" in new.json()["error"]["fields"]["reason"][0]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Say why in at least 20 characters: the visit's page shows it to every reader."),
        (
            "fr",
            "Dites pourquoi en 20 caractères au moins\u00a0: la page de la visite le montre "
            "à tous ses lecteurs.",
        ),
    ],
)
def test_a_corrections_reason_shorter_than_a_withdrawals_minimum_is_a_400_unfiled(
    seeded, clients, language, said
):
    """A correction's reason is shown on the visit's page: given, it has a withdrawal's
    minimum (20 characters, the spaces around it not counted), else a 400 naming `reason`
    in the request's language, nothing filed; left out, or empty, it is still taken (the
    correction has none)."""
    body = {"visit": MONGOLIA, "end": "2024-09-04"}
    for reason in ("Typo.", "   " + "x" * 19 + "   "):
        refused = file(
            clients["reporter"], {**body, "reason": reason}, **{"Accept-Language": language}
        )
        assert refused.status_code == 400, refused.content
        error = refused.json()["error"]
        assert (error["code"], error["fields"]) == ("invalid", {"reason": [said]})
    assert not Report.objects.exists()
    for given in ({"reason": ""}, {}):
        filed = file(clients["reporter"], {**body, **given})
        assert filed.status_code == 201, filed.content
        assert filed.json()["reason"] == ""
        Report.objects.all().delete()


def test_a_correction_filed_before_its_reasons_minimum_is_a_400_naming_it_unpublished(
    seeded, clients, reporter
):
    """Verified through the API, a correction whose reason the newsroom would refuse now
    (an old row's) is a 400 naming `reason`, with the newsroom's message in the reviewer's
    language, as a withdrawal's; the visit stays as it was."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "end": "2024-09-04"},
        citations=review.citations_of(visit),
        visit=visit,
        reason="The Kremlin's readout has him leave on 4 September.",
    )
    Report.objects.filter(pk=report.pk).update(reason="Typo.")  # an old row
    refused = clients["reviewer"].post(
        f"/api/v1/reports/{report.pk}/verify/",
        {"seen": review.version_of(Report.objects.get(pk=report.pk))},
        format="json",
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["fields"] == {
        "reason": [
            "Dites pourquoi en 20 caractères au moins\u00a0: la page de la visite le montre "
            "à tous ses lecteurs."
        ]
    }
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-03"
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_correction_based_on_an_older_version_of_the_visit_is_refused_unfiled(seeded, clients):
    """A client sends the visit's `updated_at` as it read it: once a colleague's correction
    changed the visit, a correction based on what it read before is a 409, nothing filed;
    the version read now is accepted."""
    public = f"/api/v1/visits/{MONGOLIA}/"
    read = clients["anonymous"].get(public).json()["updated_at"]
    first = file(clients["both"], {"visit": MONGOLIA, "end": "2024-09-04", "based_on": read})
    assert first.status_code == 201, first.content
    assert verify_as(clients["reviewer"], first.json()["url"]).status_code == 200
    filed = Report.objects.count()

    stale = file(clients["reporter"], {"visit": MONGOLIA, "place": "Ulan Bator", "based_on": read})
    assert stale.status_code == 409
    assert "The visit changed at" in stale.json()["error"]["message"]
    assert Report.objects.count() == filed

    now = clients["anonymous"].get(public).json()["updated_at"]
    assert now != read
    again = file(clients["reporter"], {"visit": MONGOLIA, "place": "Ulan Bator", "based_on": now})
    assert again.status_code == 201, again.content


def test_a_based_on_later_than_the_visit_does_not_outlive_a_change_verified_after_it(
    seeded, clients
):
    """The version stored is the visit's as it stood when filed, whatever later time the
    client sends: a correction verified after it still makes it stale."""
    future = "2099-01-01T00:00:00Z"
    late = file(clients["reporter"], {"visit": MONGOLIA, "place": "Ulan Bator", "based_on": future})
    assert late.status_code == 201, late.content
    other = file(clients["both"], {"visit": MONGOLIA, "end": "2024-09-04"})
    assert verify_as(clients["reviewer"], other.json()["url"]).status_code == 200
    refused = verify_as(clients["reviewer"], late.json()["url"])
    assert refused.status_code == 409, refused.content
    report = Report.objects.get(pk=late.json()["id"])
    assert report.state == ReportState.SUBMITTED


def test_a_new_visit_is_based_on_no_version(tajikistan_removed, clients):
    response = file(clients["reporter"], {**TAJIKISTAN, "based_on": "2025-10-10T00:00:00Z"})
    assert response.status_code == 400
    assert "based_on" in response.json()["error"]["fields"]
    assert not Report.objects.exists()


def test_a_retried_correction_answers_as_the_first_even_after_the_visit_changed(seeded, clients):
    """The same Idempotency-Key again, after a colleague's correction changed the visit: the
    answer names the correction already filed (409 duplicate_report), not a conflict that
    would have the client file a second one."""
    read = clients["anonymous"].get(f"/api/v1/visits/{MONGOLIA}/").json()["updated_at"]
    body = {"visit": MONGOLIA, "place": "Ulan Bator", "based_on": read}
    first = file(clients["reporter"], body, **{"Idempotency-Key": "retry-after-change"})
    assert first.status_code == 201, first.content
    other = file(clients["both"], {"visit": MONGOLIA, "end": "2024-09-04"})
    assert verify_as(clients["reviewer"], other.json()["url"]).status_code == 200
    again = file(clients["reporter"], body, **{"Idempotency-Key": "retry-after-change"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_report"
    assert again["Location"].endswith(f"/api/v1/reports/{first.json()['id']}/")


@pytest.mark.parametrize(
    ("action", "field"), [("request-changes", "comment"), ("reject", "reason")]
)
def test_a_report_changed_since_the_version_read_is_neither_sent_back_nor_rejected(
    tajikistan_removed, clients, action, field
):
    """As verify's `seen`: a reviewer's client that read one version does not close or send
    back the version its author submitted since, unread (409); without `seen` it may."""
    url = file(clients["reporter"]).json()["url"]
    read = clients["reviewer"].get(url).json()["version"]
    report = Report.objects.get()
    review.take_back(report, report.author)
    report.refresh_from_db()
    report.data = {**report.data, "place": "Dushanbe; Khujand"}
    report.save()
    review.submit(report, report.author)
    stale = clients["reviewer"].post(
        f"{url}{action}/",
        {field: "Not so: no outlet reports the trip.", "seen": read},
        format="json",
    )
    assert stale.status_code == 409, stale.content
    assert stale.json()["error"]["code"] == "conflict"
    assert "changed after you opened it" in stale.json()["error"]["message"]
    report.refresh_from_db()
    assert (report.state, report.comment) == (ReportState.SUBMITTED, "")
    current = clients["reviewer"].get(url).json()["version"]
    closed = clients["reviewer"].post(
        f"{url}{action}/",
        {field: "Not so: no outlet reports the trip.", "seen": current},
        format="json",
    )
    assert closed.status_code == 200, closed.content


@pytest.mark.parametrize(
    ("action", "field"), [("verify", None), ("request-changes", "comment"), ("reject", "reason")]
)
def test_a_seen_that_was_never_the_reports_version_blames_no_author(
    tajikistan_removed, clients, action, field
):
    """A `seen` the report never had (a client's mistake) on a report submitted once was
    answered "its author took it back and submitted it again", which its author never did."""
    url = file(clients["reporter"]).json()["url"]
    body = {"seen": "1"} | ({field: "Not so: no outlet reports the trip."} if field else {})
    wrong = clients["reviewer"].post(f"{url}{action}/", body, format="json")
    assert wrong.status_code == 409, wrong.content
    message = wrong.json()["error"]["message"]
    assert "not the report's version as it stands (seen)" in message
    assert "took it back" not in message
    assert Report.objects.get().state == ReportState.SUBMITTED


def test_no_cache_keeps_a_report_its_list_or_the_queue(tajikistan_removed, clients):
    """A report is its author's and the reviewers' until verified: every answer of
    /reports/ tells browsers and proxies to keep no copy (as the newsroom's pages do), the
    filing's 201, a read, the lists and a review action alike."""
    filed = file(clients["reporter"])
    url = filed.json()["url"]
    answers = {
        "filed": filed,
        "read": clients["reviewer"].get(url),
        "own list": clients["reporter"].get("/api/v1/reports/"),
        "queue": clients["reviewer"].get("/api/v1/reports/queue/"),
        "unknown": clients["reviewer"].get("/api/v1/reports/999999/"),
        "sent back": clients["reviewer"].post(
            f"{url}request-changes/", {"comment": "Add the readout."}, format="json"
        ),
        # The older address, an alias of POST /reports/ (here a 409: already filed).
        "alias": clients["reporter"].post("/api/v1/visits/", TAJIKISTAN, format="json"),
    }
    for name, answer in answers.items():
        directives = {d.strip() for d in answer.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (name, answer.get("Cache-Control"))


def test_every_reports_address_refuses_a_parameter_it_does_not_read(tajikistan_removed, clients):
    """`?stat=verified` (for `state`) listed every report, as did `?states=`, `?facets=`,
    `?ordering=` or `?bogus=1`, on the list, the queue and a record: /reports/ checked
    only empty and repeated parameters, where every other address refuses an unknown one
    with a 400 `invalid_filter` naming it (README). So do its POSTs, and the alias POST
    /visits/, before anything is filed or changed (their bodies are checked apart)."""
    reporter, reviewer = clients["reporter"], clients["reviewer"]
    filed = file(reporter)
    url = filed.json()["url"]
    # What each address reads, and its refusal's own words.
    reads = {
        "/api/v1/reports/": ("list", "format, lang, page, page_size, state"),
        "/api/v1/reports/queue/": ("list", "format, lang, page, page_size"),
        url: ("record", "format, lang"),
    }
    assert reporter.get("/api/v1/reports/", {"state": "verified"}).json()["count"] == 0
    for address, (what, known) in reads.items():
        caller = reporter if address != "/api/v1/reports/queue/" else reviewer
        assert caller.get(address, {"page_size": 5} if what == "list" else {}).status_code == 200
        for wrong in ("stat", "states", "facets", "ordering", "bogus"):
            answer = caller.get(address, {wrong: "verified"})
            assert answer.status_code == 400, (address, wrong, answer.content[:200])
            error = answer.json()["error"]
            assert error["code"] == "invalid_filter"
            assert error["fields"] == {
                wrong: [f"This {what} has no such parameter. Its parameters are: {known}."]
            }
    # The queue has no `state`: it lists those awaiting review.
    assert reviewer.get("/api/v1/reports/queue/", {"state": "submitted"}).status_code == 400
    posts = {
        "/api/v1/reports/": (reporter, TAJIKISTAN),
        "/api/v1/visits/": (reporter, TAJIKISTAN),
        "/api/v1/reports/withdrawals/": (reporter, {"visit": MONGOLIA}),
        f"{url}verify/": (reviewer, {"seen": filed.json()["version"]}),
        f"{url}request-changes/": (reviewer, {"comment": "Add the readout."}),
        f"{url}reject/": (reviewer, {"reason": "Not a visit: it was cancelled."}),
        f"{url}resubmit/": (reporter, {"reply": "Done."}),
    }
    before = review.version_of(Report.objects.get(pk=filed.json()["id"]))
    for address, (caller, body) in posts.items():
        answer = caller.post(f"{address}?bogus=1", body, format="json")
        assert answer.status_code == 400, (address, answer.content[:200])
        assert answer.json()["error"]["fields"] == {
            "bogus": ["This address has no such parameter. Its parameters are: format, lang."]
        }
    assert Report.objects.count() == 1
    assert review.version_of(Report.objects.get()) == before
    assert reporter.options("/api/v1/reports/?bogus=1").status_code == 400


def _renamed(body: dict, old: str, new: str) -> dict:
    return {(new if name == old else name): value for name, value in body.items()}


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/visits/"])
@pytest.mark.parametrize(
    ("body", "field", "meant"),
    [
        ({**TAJIKISTAN, "end_dat": "2025-10-11"}, "end_dat", "end"),
        (_renamed(TAJIKISTAN, "sources", "soruces"), "soruces", "sources"),
        (
            {
                **TAJIKISTAN,
                "sources": [
                    TAJIKISTAN["sources"][0],
                    {"url": "https://a.example.org/", "exerpt": "x"},
                ],
            },
            "sources.1.exerpt",
            "excerpt",
        ),
    ],
)
def test_a_misspelt_field_is_a_400_naming_it_and_files_nothing(
    tajikistan_removed, clients, path, body, field, meant
):
    """A field the body does not have is never dropped unseen (the client would get a 201
    and lose its value): a 400 naming it, with the field it resembles, nothing filed."""
    visits = Visit.objects.count()
    response = clients["reporter"].post(path, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][field] == [f"This request has no such field: did you mean {meant!r}?"]
    assert field in error["message"]
    assert (Report.objects.count(), Visit.objects.count()) == (0, visits)


def test_an_unknown_field_is_named_with_the_others_errors_and_in_french(
    tajikistan_removed, clients
):
    body = {**_renamed(TAJIKISTAN, "sources", "soruces"), "start": "08/10/2025", "zzz": 1}
    response = file(clients["reporter"], body, **{"Accept-Language": "fr"})
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert fields["soruces"] == [
        "Cette requête n’a pas ce champ\u00a0: vouliez-vous dire «\u00a0sources\u00a0»\u202f?"
    ]
    (listed,) = fields["zzz"]
    assert listed.startswith("Cette requête n’a pas ce champ. Ses champs sont\u00a0: visit, ")
    # The errors of the fields the body does have, in the same answer.
    assert set(fields) == {"soruces", "zzz", "start"}
    assert Report.objects.count() == 0


def test_a_french_refusals_sentence_is_french_throughout(tajikistan_removed, clients):
    """A report refused in French said "Some values are invalid: start: Saisissez…": the
    sentence around the fields' messages is in the reporter's language too, with its
    punctuation."""
    body = {**TAJIKISTAN, "start": "08/10/2025"}
    french = file(clients["reporter"], body, **{"Accept-Language": "fr"})
    assert french.status_code == 400, french.content
    assert french["Content-Language"] == "fr"
    message = french.json()["error"]["message"]
    assert message.startswith("Certaines valeurs ne sont pas valables\u00a0: start\u00a0: "), (
        message
    )
    english = file(clients["reporter"], body)
    assert english.json()["error"]["message"].startswith("Some values are invalid: start: ")
    assert Report.objects.count() == 0


def test_a_body_of_made_up_fields_names_the_first_twenty_and_counts_them_all(
    tajikistan_removed, clients
):
    body = {**TAJIKISTAN, **{f"extra_{n:03}": n for n in range(500)}}
    response = file(clients["reporter"], body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert sorted(error["fields"]) == [f"extra_{n:03}" for n in range(20)]
    assert error["message"] == (
        "This request has 500 fields it does not know; the first 20 are named."
    )
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("verify", {"different_form": []}, "different_form"),
        ("request-changes", {"comment": "Cite the summit's page.", "commment": "x"}, "commment"),
        ("reject", {"reason": "Not so: no outlet reports the trip.", "seeen": "1"}, "seeen"),
    ],
)
def test_a_review_action_with_an_unknown_field_is_a_400_that_changes_nothing(
    tajikistan_removed, clients, action, body, field
):
    url = file(clients["reporter"]).json()["url"]
    report = Report.objects.get()
    seen = review.version_of(report)
    response = clients["reviewer"].post(f"{url}{action}/", {"seen": seen, **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    after = Report.objects.get()
    assert (after.state, after.comment, review.version_of(after)) == (
        ReportState.SUBMITTED,
        "",
        seen,
    )
    assert Visit.objects.filter(person__slug="vladimir-putin", host__iso3="TJK").count() == 0


def test_a_read_only_field_sent_back_is_accepted_and_ignored():
    """What a client read may go back as it came: a field the serializer declares read-only
    is known (accepted, ignored); any other is refused."""
    from rest_framework import serializers

    from api.base import KnownFieldsOnly

    class Renamed(KnownFieldsOnly, serializers.Serializer):
        id = serializers.IntegerField(read_only=True)
        name = serializers.CharField()

    sent_back = Renamed(data={"id": 7, "name": "Dushanbe"})
    assert sent_back.is_valid(), sent_back.errors
    assert sent_back.validated_data == {"name": "Dushanbe"}
    misspelt = Renamed(data={"id": 7, "nmae": "Dushanbe"})
    assert not misspelt.is_valid()
    assert misspelt.errors == {
        "name": ["This field is required."],
        "nmae": ["This request has no such field: did you mean 'name'?"],
    }


def test_a_withdrawal_filed_before_its_reasons_minimum_is_a_400_naming_it_unpublished(
    seeded, clients, reporter
):
    """Verified through the API, a withdrawal whose reason the newsroom would refuse now
    (an old row's) is a 400 naming `withdrawal_note`, with the newsroom's message in the
    reviewer's language; the visit stays published."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="It never took place.")
    Report.objects.filter(pk=report.pk).update(withdrawal_note="Duplicate.")  # an old row
    refused = clients["reviewer"].post(
        f"/api/v1/reports/{report.pk}/verify/",
        {"seen": review.version_of(Report.objects.get(pk=report.pk))},
        format="json",
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["fields"] == {
        "withdrawal_note": [
            "Dites pourquoi en 20 caractères au moins\u00a0: la page de la visite le montre "
            "à tous ses lecteurs."
        ]
    }
    visit.refresh_from_db()
    assert (visit.review_state, Report.objects.get(pk=report.pk).state) == (
        "verified",
        ReportState.SUBMITTED,
    )


# --- Withdrawals, with their sources ---------------------------------------------------

RETRACTION = {
    "url": "https://news.example.org/2024/09/04/correction",
    "publisher": "Example News",
    "published": "2024-09-04",
    "excerpt": "An earlier version of this article wrongly reported the visit.",
    "archived_url": "https://web.archive.org/web/2024/https://news.example.org/2024/09/04/correction",
}
IN_ERROR = "Reported in error: the newspaper retracted its story the next day."


def withdraw(client, body=None, **headers):
    body = body or {"visit": MONGOLIA, "withdrawal_note": IN_ERROR}
    return client.post("/api/v1/reports/withdrawals/", body, format="json", headers=headers)


def test_a_withdrawal_with_a_misspelt_field_is_a_400_naming_it_and_files_nothing(seeded, clients):
    """A withdrawal's body refuses a field it does not have, its sources' too, as a
    report's does (api.base.KnownFieldsOnly): a misspelt `withdrawal_sources` would file
    a withdrawal without the sources its reporter meant to give."""
    before = Report.objects.count()
    for body, field in (
        (
            {"visit": MONGOLIA, "withdrawal_note": IN_ERROR, "withdrawal_source": [RETRACTION]},
            "withdrawal_source",
        ),
        (
            {
                "visit": MONGOLIA,
                "withdrawal_note": IN_ERROR,
                "withdrawal_sources": [{**RETRACTION, "exerpt": "x"}],
            },
            "withdrawal_sources.0.exerpt",
        ),
    ):
        response = withdraw(clients["reporter"], body)
        assert response.status_code == 400, response.content
        assert field in response.json()["error"]["fields"], response.json()
    assert Report.objects.count() == before


def test_a_withdrawal_filed_through_the_api_cites_its_sources_once_verified(seeded, clients):
    """A reporter files the withdrawal with the source that shows why; nothing public moves
    until another person verifies it; then the visit's record, read one by one or in the
    list of withdrawn visits, gives the reason with its source. A retry with the same
    Idempotency-Key files nothing more."""
    public = f"/api/v1/visits/{MONGOLIA}/"
    key = {"Idempotency-Key": "2f0c6f3e-withdrawal"}
    body = {"visit": MONGOLIA, "withdrawal_note": IN_ERROR, "withdrawal_sources": [RETRACTION]}
    filed = withdraw(clients["reporter"], body, **key)
    assert filed.status_code == 201, filed.content
    shown = filed.json()
    assert filed["Location"] == shown["url"]
    assert (shown["state"], shown["is_correction"], shown["visit"]["id"]) == (
        "submitted",
        True,
        MONGOLIA,
    )
    assert (shown["withdrawal_note"], shown["withdrawal_sources"]) == (IN_ERROR, [RETRACTION])
    assert shown["preview"] is None and shown["possible_duplicates"] == []
    again = withdraw(clients["reporter"], body, **key)
    assert again.status_code == 409 and again.json()["existing"] == shown["url"]
    assert Report.objects.count() == 1
    assert clients["anonymous"].get(public).json()["withdrawal_sources"] == []
    assert verify_as(clients["reviewer"], shown["url"]).status_code == 200
    record = clients["anonymous"].get(public).json()
    assert (record["review_state"], record["withdrawal_note"]) == ("withdrawn", IN_ERROR)
    assert record["withdrawal_sources"] == [RETRACTION]
    flagging.evaluate_pending()  # its verdict becomes `withdrawn`: listed as such
    listed = clients["anonymous"].get("/api/v1/visits/", {"verdict": "withdrawn"}).json()
    row = next(v for v in listed["results"] if v["id"] == MONGOLIA)
    assert row["withdrawal_sources"] == [RETRACTION]


@pytest.mark.parametrize(
    ("url", "language"),
    [
        ("http://192.168.1.10/retraction", "en"),
        ("https://intranet.internal/retraction", "en"),
        ("http://192.168.1.10/retraction", "fr"),
        ('https://example.org/retraction"><script>alert(3)</script>', "en"),
        ("https://example.org/retraction<b>", "fr"),
    ],
)
def test_a_withdrawal_source_the_record_could_not_cite_is_a_400_and_nothing_is_filed(
    seeded, clients, url, language
):
    """Each source of a withdrawal is checked as a visit's is: an address inside a network
    is a 400 naming `withdrawal_sources.<n>.url`, in the words (and the language) a
    visit's source gets, and nothing is filed."""
    body = {
        "visit": MONGOLIA,
        "withdrawal_note": IN_ERROR,
        "withdrawal_sources": [RETRACTION, {"url": url}],
    }
    response = withdraw(clients["reporter"], body, **{"Accept-Language": language})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    with translation.override(language):
        said = review.address_refusal(url)
    assert error["code"] == "invalid"
    assert error["fields"] == {"withdrawal_sources.1.url": [said]}
    # A visit's source at that address is refused in the same words.
    report = file(
        clients["reporter"],
        {**TAJIKISTAN, "sources": [{"url": url}], "another_visit": True},
        **{"Accept-Language": language},
    )
    assert report.json()["error"]["fields"]["sources.0.url"] == [said]
    assert Report.objects.count() == 0


def test_a_withdrawal_is_filed_by_a_reporter_of_a_published_visit_with_a_reason(seeded, clients):
    """Reporters only; a published visit by its id; a reason the visit's page can show
    (20 to 1,000 characters); none of these refusals files anything. Without sources it
    is filed, and one withdrawal of a visit is open at a time."""
    assert withdraw(clients["anonymous"]).status_code == 401
    assert withdraw(clients["reviewer"]).status_code == 403
    unknown = withdraw(
        clients["reporter"], {"visit": "nobody-xyz-2024", "withdrawal_note": IN_ERROR}
    )
    assert unknown.status_code == 400
    assert "No published visit" in unknown.json()["error"]["fields"]["visit"][0]
    short = withdraw(clients["reporter"], {"visit": MONGOLIA, "withdrawal_note": "Duplicate."})
    assert short.status_code == 400 and "withdrawal_note" in short.json()["error"]["fields"]
    assert Report.objects.count() == 0
    # Without sources: filed, and its report says it gives none.
    filed = withdraw(clients["reporter"])
    assert filed.status_code == 201 and filed.json()["withdrawal_sources"] == []
    twice = withdraw(clients["reporter"])
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "duplicate_report"


def test_the_newsrooms_refusals_of_a_report_are_labelled_with_their_language(
    tajikistan_removed, clients
):
    """A four-eyes refusal, a report not awaiting review and a correction that changes
    nothing are worded by the newsroom's rules in the language asked, as a filing's
    validation errors are: they came in French labelled `Content-Language: en`. The
    answers built in English (a duplicate, a refusal to authenticate) still say "en"."""
    french = {"Accept-Language": "fr"}
    url = file(clients["both"]).json()["url"]
    own = verify_as(clients["both"], url)
    assert own.status_code == 403 and own.json()["error"]["code"] == "four_eyes"
    assert verify_as(clients["reviewer"], url).status_code == 200
    seen = review.version_of(Report.objects.get(pk=int(url.rstrip("/").split("/")[-1])))
    unchanged = file(clients["reporter"], {"visit": MONGOLIA}, **french)
    answers = {
        "four_eyes": clients["both"].post(
            f"{url}verify/", {"seen": seen}, format="json", headers=french
        ),
        "not_awaiting_review": clients["admin"].post(
            f"{url}verify/", {"seen": seen}, format="json", headers=french
        ),
        "changes_nothing": unchanged,
    }
    said = {
        "four_eyes": (403, "four_eyes", "Personne ne peut relire son propre signalement"),
        "not_awaiting_review": (409, "conflict", "Seul un signalement en attente de relecture"),
        "changes_nothing": (409, "conflict", "Cette correction ne change rien"),
    }
    for name, answer in answers.items():
        error = answer.json()["error"]
        status, code, words = said[name]
        assert (answer.status_code, error["code"]) == (status, code), (name, error)
        assert error["message"].startswith(words), (name, error)
        assert answer["Content-Language"] == "fr", (name, error)
    # Asked in English, the same refusals are English and say so.
    english = file(clients["reporter"], {"visit": MONGOLIA})
    assert english.status_code == 409 and english["Content-Language"] == "en"
    assert english.json()["error"]["message"].startswith("This correction changes nothing")
    # A duplicate's answer is built in English whatever the language: labelled so.
    key = {"Idempotency-Key": "a-key-of-the-reporters"}
    body = {**TAJIKISTAN, "place": "Khujand", "another_visit": True}
    assert file(clients["reporter"], body, **key).status_code == 201
    again = file(clients["reporter"], body, **key, **french)
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_report"
    assert again["Content-Language"] == "en"


def test_the_api_description_says_a_filings_refusal_is_in_the_language_asked(clients):
    """The description said every error was English whatever the language asked for; a
    filing's refused values are in the reporter's (the tests above and below)."""
    openapi = clients["anonymous"].get("/api/v1/schema/", {"format": "json"}).json()
    errors = openapi["info"]["description"].split("**Errors**", 1)[1].split("\n\n", 1)[0]
    assert "a filing's refused values" in errors
    assert "`Accept-Language: fr` gives French, `Content-Language: fr`" in errors


@pytest.mark.parametrize(
    ("change", "headers", "field", "french"),
    [
        (
            {"person": None},
            {},
            "person",
            "Ce champ est obligatoire.",
        ),
        (
            {"based_on": "2025-01-01T00:00:00Z"},
            {},
            "based_on",
            "Seule une correction (avec `visit`) part d’une version d’une visite.",
        ),
        ({"place": 5}, {}, "place", "Attendu\u00a0: une chaîne, pas int."),
        (
            {"sources": [{"url": "https://a.example.org/", "excerpt": False}]},
            {},
            "sources.0.excerpt",
            "Attendu\u00a0: une chaîne, pas bool.",
        ),
        (
            {"visit": "nobody-xyz-2025-01-01"},
            {},
            "visit",
            "Aucune visite publiée n’a l’identifiant «\u00a0nobody-xyz-2025-01-01\u00a0».",
        ),
        (
            {},
            {"Idempotency-Key": "not a key"},
            "Idempotency-Key",
            "Donnez au plus 200 caractères ASCII imprimables, sans espace, par exemple un UUID.",
        ),
    ],
    ids=["required", "based-on", "type", "source-type", "visit", "idempotency-key"],
)
def test_each_refusal_of_a_report_in_french_is_french(
    tajikistan_removed, clients, change, headers, field, french
):
    """The sentence and every field's message: none is left in English inside a French
    answer (a missing field, a field of the wrong JSON type, a visit that does not exist,
    a malformed Idempotency-Key)."""
    body = {k: v for k, v in {**TAJIKISTAN, **change}.items() if v is not None}
    response = file(clients["reporter"], body, **{"Accept-Language": "fr", **headers})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["fields"] == {field: [french]}
    assert (
        error["message"] == f"Certaines valeurs ne sont pas valables\u00a0: {field}\u00a0: {french}"
    )
    assert response["Content-Language"] == "fr"
    assert Report.objects.count() == 0


def _timeless(answer: dict) -> dict:
    """An error answer with the times in its message written <time>."""
    message = re.sub(
        r"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)", "<time>", answer["error"]["message"]
    )
    return {**answer, "error": {**answer["error"], "message": message}}


def test_the_409s_that_name_no_report_are_what_the_schema_says(tajikistan_removed, clients):
    """The schema's 409 (DuplicateReport) said every answer carried `existing`; two never
    do: a duplicate of another person's report, which is not shown to the caller, and a
    correction based on an older version of its visit (`conflict`). The component does not
    require it, says when it is absent and why, and each answer is one of the documented
    examples and validates against the component."""
    from django.contrib.auth.models import Group, User
    from jsonschema import Draft4Validator

    from core import roles

    openapi = clients["anonymous"].get("/api/v1/schema/", {"format": "json"}).json()
    component = openapi["components"]["schemas"]["DuplicateReport"]
    assert component["required"] == ["error"]
    said = component["properties"]["existing"]["description"]
    assert "another person's that you may not read" in said and "404" in said
    assert "Absent too for a `conflict`" in said
    # Strict: an answer with a property the component does not list fails too.
    validator = Draft4Validator(
        {**component, "additionalProperties": False, "components": openapi["components"]}
    )

    other = User.objects.create_user("bruno", password="a-long-test-password")
    other.groups.add(Group.objects.get_or_create(name=roles.REPORTERS)[0])
    bruno = token_client(other)
    # A correction based on what the client read before a colleague's was verified.
    read = clients["anonymous"].get(f"/api/v1/visits/{MONGOLIA}/").json()["updated_at"]
    first = file(clients["both"], {"visit": MONGOLIA, "end": "2024-09-04", "based_on": read})
    assert verify_as(clients["reviewer"], first.json()["url"]).status_code == 200
    withdrawal = {"visit": MONGOLIA, "withdrawal_note": "Reported in error: it was retracted."}
    assert file(clients["reporter"]).status_code == 201
    assert (
        clients["reporter"]
        .post("/api/v1/reports/withdrawals/", withdrawal, format="json")
        .status_code
        == 201
    )
    answers = {
        ("/api/v1/reports/", "another person's"): file(bruno),
        ("/api/v1/visits/", "another person's"): bruno.post(
            "/api/v1/visits/", TAJIKISTAN, format="json"
        ),
        ("/api/v1/reports/withdrawals/", "another person's"): bruno.post(
            "/api/v1/reports/withdrawals/", withdrawal, format="json"
        ),
        ("/api/v1/reports/", "stale"): file(
            clients["reporter"], {"visit": MONGOLIA, "place": "Ulan Bator", "based_on": read}
        ),
        ("/api/v1/visits/", "stale"): clients["reporter"].post(
            "/api/v1/visits/",
            {"visit": MONGOLIA, "place": "Ulan Bator", "based_on": read},
            format="json",
        ),
    }
    for (path, case), answer in answers.items():
        assert answer.status_code == 409, (path, case, answer.content)
        body = answer.json()
        assert "existing" not in body and "Location" not in answer, (path, case)
        assert not [e.message for e in validator.iter_errors(body)], (path, case, body)
        documented = openapi["paths"][path]["post"]["responses"]["409"]["content"]
        examples = [e["value"] for e in documented["application/json"]["examples"].values()]
        if case == "stale":  # word for word but the times
            assert _timeless(body) in [_timeless(e) for e in examples], path
        else:
            assert body in examples, path  # word for word
    # A duplicate the caller may read still names it, as documented.
    named = file(clients["reporter"])
    assert named.status_code == 409 and named.json()["existing"] == named["Location"]
    assert not list(validator.iter_errors(named.json()))


def test_the_schema_files_an_announced_trip_without_an_outcome(client, db):
    """The request schema says what the server takes: a new visit names its outcome unless
    the trip did not take place, and one announced is an example."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    body = schema["components"]["schemas"]["ReportInputRequest"]
    without = [
        branch
        for branch in body["anyOf"]
        if "person" in branch.get("required", ()) and "outcome" not in branch["required"]
    ]
    assert [branch["properties"]["status"]["enum"] for branch in without] == [
        ["cancelled", "virtual", "announced"]
    ]
    examples = schema["paths"]["/api/v1/reports/"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]
    announced = [e["value"] for e in examples.values() if e["value"].get("status") == "announced"]
    assert announced and "outcome" not in announced[0]
    assert "`n/a`" in body["properties"]["outcome"]["description"]


def test_a_retry_after_the_first_report_was_verified_answers_as_the_first(
    tajikistan_removed, clients
):
    """The report filed, then verified (its visit now recorded): a retry with the same
    Idempotency-Key was answered 400 `another_visit` about the visit the first report
    made. The key is looked up first: the answer names the first report, nothing more
    is filed."""
    key = {"Idempotency-Key": "retry-after-verified"}
    first = file(clients["reporter"], **key)
    assert first.status_code == 201, first.content
    url = first.json()["url"]
    assert verify_as(clients["reviewer"], url).status_code == 200
    again = file(clients["reporter"], **key)
    assert again.status_code == 409, again.content
    assert again.json()["error"]["code"] == "duplicate_report"
    assert again.json()["existing"] == url
    assert Report.objects.count() == 1


def test_a_report_of_a_recorded_visit_is_filed_only_once_confirmed_as_another_visit(
    seeded, clients
):
    """The API filed a report of a trip already published (201, a hint in
    `possible_duplicates`) where the newsroom's form holds it until "This is another visit"
    is ticked: now it is a 400 naming `another_visit` and the visit, nothing filed, until
    the client sends `"another_visit": true`."""
    recorded = Visit.objects.get(slug__startswith="vladimir-putin-tjk-2025-10")
    refused = file(clients["reporter"])
    assert refused.status_code == 400, refused.content
    [message] = refused.json()["error"]["fields"]["another_visit"]
    assert recorded.slug in message and "Tajikistan" in message and "`visit`" in message
    assert not Report.objects.exists()
    french = clients["reporter"].post(
        "/api/v1/reports/", TAJIKISTAN, format="json", headers={"Accept-Language": "fr"}
    )
    [message] = french.json()["error"]["fields"]["another_visit"]
    assert recorded.slug in message and "Tadjikistan" in message and "déjà" in message
    confirmed = file(clients["reporter"], {**TAJIKISTAN, "another_visit": True})
    assert confirmed.status_code == 201, confirmed.content
    assert [v["id"] for v in confirmed.json()["possible_duplicates"]] == [recorded.slug]
    # The schema documents the field.
    schema = clients["reporter"].get("/api/v1/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["ReportInputRequest"]["properties"]["another_visit"]
    assert field["type"] == "boolean" and "another visit" in field["description"]


def test_a_trip_with_no_known_day_asks_for_another_visit_whichever_is_dated(seeded, clients):
    """Measured defect: a report dated to May 2012 of al-Bashir's trip to Türkiye was filed
    without a word of his undated called-off trip there, and an undated report of Putin's
    called-off trip to Hungary without one of October 2025's: a trip with no known day may
    be any trip of the person to that host (docs/DOMAIN.md, "Dates"), as the form says."""
    called_off = {
        "occasion": "Planned visit",
        "status": "cancelled",
        "outcome": "n/a",
        "sources": TAJIKISTAN["sources"],
    }
    cases = [
        (
            {"person": "omar-al-bashir", "host": "TUR", "start": "2012-05"},
            "omar-al-bashir-tur-undated",
        ),
        ({"person": "vladimir-putin", "host": "HUN"}, "vladimir-putin-hun-2025-10"),
    ]
    for fields, recorded in cases:
        refused = file(clients["reporter"], {**called_off, **fields})
        assert refused.status_code == 400, refused.content
        [message] = refused.json()["error"]["fields"]["another_visit"]
        assert recorded in message
        confirmed = file(clients["reporter"], {**called_off, **fields, "another_visit": True})
        assert confirmed.status_code == 201, confirmed.content
        assert [v["id"] for v in confirmed.json()["possible_duplicates"]] == [recorded]
    # A dated report of the trip to Hungary may repeat the undated one just filed.
    again = file(clients["both"], {**called_off, **cases[1][0], "start": "2025-10-20"})
    said = again.json()["error"]["fields"]["another_visit"]
    assert "vladimir-putin-hun-2025-10" in said[0]
    assert "was already filed and awaits review" in said[1]


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", "At least one source (a public URL) is required."),
        ("fr", "Au moins une source (une URL publique) est requise."),
    ],
)
def test_a_report_without_a_source_is_refused_in_the_newsrooms_words(
    tajikistan_removed, clients, language, words
):
    """DRF's "Ensure this field has at least 1 elements." ("au moins 1 éléments") became
    the newsroom form's sentence, in the language asked for."""
    answer = clients["reporter"].post(
        "/api/v1/reports/",
        {**TAJIKISTAN, "sources": []},
        format="json",
        headers={"Accept-Language": language},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["sources"] == [words]


def test_a_duplicate_trip_with_a_bad_source_gets_every_error_at_once(seeded, clients):
    """The `another_visit` refusal came alone, and the source that filing refuses only
    once the client had sent `another_visit`: now both are in one 400."""
    body = {**TAJIKISTAN, "sources": [{"url": "http://10.0.0.1/putin"}]}
    refused = file(clients["reporter"], body)
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert "another_visit" in fields
    assert any(name.startswith("sources") for name in fields), fields
    assert not Report.objects.exists()


def test_a_trip_already_filed_and_awaiting_review_asks_for_another_visit(
    tajikistan_removed, clients, reporter, both
):
    """The newsroom's form asked "another visit?" when a report of the trip was already
    filed and awaited review; the API filed it again without a word. A colleague's report
    is counted, never named; one's own is named with its address."""
    first = file(clients["both"])
    assert first.status_code == 201, first.content
    theirs = first.json()["id"]
    again = {**TAJIKISTAN, "place": "Dushanbe, the palace"}
    refused = file(clients["reporter"], again)
    assert refused.status_code == 400, refused.content
    [message] = refused.json()["error"]["fields"]["another_visit"]
    assert "was already filed and awaits review" in message
    assert f"report {theirs}" not in message and both.username not in message
    assert Report.objects.count() == 1
    french = file(clients["reporter"], again, **{"Accept-Language": "fr"})
    [message] = french.json()["error"]["fields"]["another_visit"]
    assert "déjà" in message and "`another_visit`" in message
    # The filer's own report is named, with its address.
    own = file(clients["both"], again)
    [message] = own.json()["error"]["fields"]["another_visit"]
    assert f"report {theirs} (http" in message and "yours" in message
    # Confirmed, it is filed.
    assert file(clients["reporter"], {**again, "another_visit": True}).status_code == 201
    # A colleague's draft is neither counted nor named.
    Report.objects.all().delete()
    data = {k: v for k, v in TAJIKISTAN.items() if k != "sources"}
    review.file_report(author=both, data=data, citations=[], submit=False)
    assert file(clients["reporter"], again).status_code == 201
    # The schema says so.
    schema = clients["reporter"].get("/api/v1/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["ReportInputRequest"]["properties"]["another_visit"]
    assert "awaiting review" in field["description"]


def test_a_body_with_errors_at_every_stage_is_refused_with_all_of_them_at_once(
    tajikistan_removed, clients
):
    """A bad source address was named alone; fixed, the person, the host and the start
    came in a second round trip (the serializer's checks, then filing's): one 400 says all."""
    body = {
        **TAJIKISTAN,
        "person": "nobody",
        "host": "XXX",
        "start": "2026-13-45",
        "sources": [{"url": "not a url"}, {"url": "http://10.0.0.1/putin"}],
    }
    refused = file(clients["reporter"], body)
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert {"sources.0.url", "sources.1.url", "person", "host", "start"} <= set(fields), fields
    assert "No person wanted by the ICC is called nobody." in fields["person"]
    assert "XXX" in fields["host"][0]
    assert not Report.objects.exists()
    # In French too, each in the reporter's language.
    french = file(clients["reporter"], body, **{"Accept-Language": "fr"})
    assert {"sources.0.url", "person", "host", "start"} <= set(french.json()["error"]["fields"])
    # A type refused stops nothing either; a new visit's missing fields are named with them
    # (and a check that reads a field missing is left out: the start's reads the status).
    lacking = {k: v for k, v in body.items() if k not in ("status", "outcome")}
    error = file(clients["reporter"], {**lacking, "host_notified": "yes"}).json()["error"]
    assert {"host_notified", "sources.0.url", "person", "host", "status"} <= set(error["fields"]), (
        error
    )
    assert "start" not in error["fields"]


def test_a_corrections_errors_of_every_stage_are_refused_at_once(seeded, clients):
    refused = file(
        clients["reporter"],
        {"visit": MONGOLIA, "end": "2024-13-45", "controlled_by": "XXX", "notes": 5},
    )
    assert refused.status_code == 400, refused.content
    assert {"notes", "end", "controlled_by"} <= set(refused.json()["error"]["fields"])
    unknown = file(clients["reporter"], {"visit": "no-such-visit", "notes": 5})
    assert {"notes", "visit"} <= set(unknown.json()["error"]["fields"])


def test_a_filings_reason_is_refused_with_the_bodys_other_errors(tajikistan_removed, clients):
    """A reason filing refuses (a new visit's, which has none to give; a correction's
    shorter than a sentence) came alone, or only once the body's own errors were fixed:
    one 400 names it with the others now."""
    reason = "The summit's own page gives the place."
    for body, expected in (
        ({**TAJIKISTAN, "reason": reason, "host": "RUS"}, {"reason", "host"}),
        ({**TAJIKISTAN, "reason": reason, "host": "RUS", "notes": 5}, {"reason", "host", "notes"}),
        ({"visit": MONGOLIA, "reason": "Too short.", "end": "2024-13-45"}, {"reason", "end"}),
        (
            {"visit": MONGOLIA, "reason": "Too short.", "end": "2024-13-45", "notes": 5},
            {"reason", "end", "notes"},
        ),
    ):
        refused = file(clients["reporter"], body)
        assert refused.status_code == 400, refused.content
        assert set(refused.json()["error"]["fields"]) == expected, refused.content
    assert not Report.objects.exists()


def test_a_trip_not_taken_refused_for_another_field_is_not_refused_its_outcome(
    tajikistan_removed, clients
):
    """A cancelled trip filed without an outcome has `n/a`; refused for another field, the
    answer also refused its outcome as '' (what filing read without the default)."""
    body = {k: v for k, v in TAJIKISTAN.items() if k != "outcome"}
    refused = file(clients["reporter"], {**body, "status": "cancelled", "notes": 5})
    assert refused.status_code == 400, refused.content
    assert set(refused.json()["error"]["fields"]) == {"notes"}
    assert not Report.objects.exists()


def test_a_withdrawal_with_errors_of_every_kind_gets_them_all_in_one_answer(seeded, clients):
    """A withdrawal's body with a field it does not have, or of the wrong type, and
    values filing it refuses (a visit nobody published, a source inside a network or
    published in the future) was refused for the first kind alone; fixed, the second
    came in another round trip. One 400 says all now, and nothing is filed."""
    sources = [
        {"url": "http://10.0.0.1/retraction"},
        {**RETRACTION, "exerpt": "x"},
        {"url": "https://news.example.org/later", "published": "2999-01-01"},
        {"url": "https://news.example.org/typed", "published": 5},
    ]
    refused = withdraw(
        clients["reporter"],
        {"visit": MONGOLIA, "withdrawal_note": "Retracted.", "withdrawal_sources": sources},
    )
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {
        "withdrawal_note",
        "withdrawal_sources.0.url",
        "withdrawal_sources.1.exerpt",
        "withdrawal_sources.2.published",
        "withdrawal_sources.3.published",
    }, error
    # A visit nobody published, with a source refused, and a field the body does not have.
    unknown = {
        "visit": "no-such-visit",
        "withdrawal_note": IN_ERROR,
        "withdrawal_sources": sources[:1],
    }
    for body in (unknown, {**unknown, "reson": "x"}):
        refused = withdraw(clients["reporter"], body, **{"Accept-Language": "fr"})
        assert refused.status_code == 400, refused.content
        fields = refused.json()["error"]["fields"]
        assert set(fields) == {"visit", "withdrawal_sources.0.url", *body.keys() - unknown.keys()}
        assert fields["visit"] == [
            "Aucune visite publiée n’a l’identifiant «\u00a0no-such-visit\u00a0»."
        ]
    assert not Report.objects.exists()


def test_an_address_cited_twice_names_the_first_by_its_place_in_the_list(seeded, clients):
    """The refusal of an address cited twice names the first citation by its place in the
    request's list counted from 1 (`sources.0` is source 1, as the schema says), whatever
    was refused before it: a report's sources, a resubmission's and a withdrawal's."""
    dup = "https://news.example.org/dup"
    sources = [{"url": "https://example.org/a b"}, {"url": dup}, {"url": dup}]
    refused = file(clients["reporter"], {**TAJIKISTAN, "sources": sources})
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert fields["sources.2.url"] == [
        f"'{dup}' is already cited (source 2): give its details once."
    ]
    assert "sources.1.url" not in fields and "contains a space" in fields["sources.0.url"][0]
    refused = withdraw(
        clients["reporter"],
        {"visit": MONGOLIA, "withdrawal_note": IN_ERROR, "withdrawal_sources": sources},
    )
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert fields["withdrawal_sources.2.url"] == [
        f"'{dup}' is already cited (source 2): give its details once."
    ]
    schema = clients["reporter"].get("/api/v1/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["ReportInputRequest"]["properties"]["sources"]
    assert "`sources.0` is source 1" in field["description"]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "https://example.org/a b",
            "'https://example.org/a b' contains a space after 'https://example.org/a', which "
            "no web address may hold: write each space percent-encoded (%20).",
        ),
        (
            "http://intranet/x",
            "'http://intranet/x' is not a public address: 'intranet', a name without a dot, "
            "is known only inside a network; a source must be a public web address, one "
            "anyone can read.",
        ),
    ],
)
def test_a_source_address_that_is_no_url_says_why_with_the_sources_other_problems(
    tajikistan_removed, clients, url, said
):
    """Measured defect: an address with a space or a host without a dot was DRF's "Enter a
    valid URL." alone, and the same source's publication date in the future or archived
    copy inside a network came only once it was fixed. One 400 says all, in the
    newsroom's words; a report's, a withdrawal's and a resubmission's sources alike."""
    source = {"url": url, "published": "2999-01-01", "archived_url": "http://10.0.0.7/copy"}
    refused = file(clients["reporter"], {**TAJIKISTAN, "sources": [source]})
    assert refused.status_code == 400, refused.content
    fields = refused.json()["error"]["fields"]
    assert fields["sources.0.url"] == [said]
    assert "is in the future" in fields["sources.0.published"][0]
    assert "is not a public address" in fields["sources.0.archived_url"][0]
    refused = file(
        clients["reporter"], {**TAJIKISTAN, "sources": [{"url": "x", "archived_url": url}]}
    )
    assert refused.json()["error"]["fields"]["sources.0.archived_url"] == [said]
    refused = withdraw(
        clients["reporter"],
        {"visit": MONGOLIA, "withdrawal_note": IN_ERROR, "withdrawal_sources": [source]},
    )
    fields = refused.json()["error"]["fields"]
    assert fields["withdrawal_sources.0.url"] == [said]
    assert "is in the future" in fields["withdrawal_sources.0.published"][0]
    # An address that is no URL at all keeps DRF's words.
    refused = file(clients["reporter"], {**TAJIKISTAN, "sources": [{"url": "not a url"}]})
    assert refused.json()["error"]["fields"]["sources.0.url"] == ["Enter a valid URL."]
    assert not Report.objects.exists()
