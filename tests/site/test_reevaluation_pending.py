"""A verdict decided before a change that no worker has evaluated yet is told as such.

A verified correction records an evaluation request (the outbox) in its transaction; a
worker evaluates it after the commit. Until then (seconds, or the length of an outage)
the visit's page, the lists and the API keep the verdict decided from the old facts:
each says it awaits re-evaluation, and stops saying so once the evaluation ran, cached
pages included. A verified withdrawal withdraws the verdict in its own transaction (the
rule withdraws it whatever the other facts). The verdict's history dates a change by the
change that caused it (its verification), not by the evaluation that waited for a worker.

In these tests no worker runs: a change's request waits until the test evaluates it
(`flagging.evaluate_pending`), as it waits while the worker is stopped.
"""

import datetime
import html
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from core import roles
from core.names import format_date, format_moment
from core.pagecache import data_version
from tests.site.conftest import body
from visits import flagging, outbox, review
from visits.models import EvaluationRequest, Verdict, VerdictChange, Visit
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
PAGE = f"/visits/{MONGOLIA}/"
API = f"/api/v1/visits/{MONGOLIA}/"
NOTE = "Reported in error: the newspaper retracted its story the next day."


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def staff(db):
    return SimpleNamespace(
        author=account("rita", roles.REPORTERS), reviewer=account("victor", roles.REVIEWERS)
    )


def verify_correction(staff, **changes) -> Visit:
    """A correction of the Mongolia visit, filed and verified; nothing evaluated since."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.file_report(
        author=staff.author,
        data={**review.report_data_of(visit), **changes},
        citations=review.citations_of(visit),
        visit=visit,
        reason="The Kremlin's readout says the host arrested him after all.",
    )
    return review.verify(report, staff.reviewer)


def verify_withdrawal(staff) -> Visit:
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=staff.author, visit=visit, note=NOTE)
    return review.verify(report, staff.reviewer)


def words(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def notice(page: str) -> str | None:
    """The page's re-evaluation notice, as words (None when it has none)."""
    found = re.search(
        r'<div class="reevaluation-notice" id="reevaluation-pending".*?</div>', page, re.S
    )
    return words(found.group(0)).strip() if found else None


def verdict_badge(page: str) -> str:
    """The verdict line's badge (its class and words)."""
    line = re.search(r'<p class="verdict-line">.*?</p>', page, re.S).group(0)
    return re.search(r'<span class="verdict [^"]*">[^<]*</span>', line).group(0)


def later(monkeypatch, days: int):
    """The evaluation runs `days` later (a worker back after an outage): the time it records."""
    moment = timezone.now() + datetime.timedelta(days=days)
    monkeypatch.setattr(flagging, "timezone", SimpleNamespace(now=lambda: moment))
    return moment


def test_a_correction_not_yet_evaluated_is_told_until_its_evaluation_runs(
    reader, api_client, seeded, staff
):
    """The editor's case: the outcome corrected and verified with the worker stopped. The
    page keeps the old verdict (non-compliance) beside the new facts (arrested), and says
    that verdict awaits re-evaluation, naming the change; so do the lists, the API and the
    person's and the state's pages. Once evaluated (the page was cached meanwhile), the
    new verdict shows and nothing says it is pending."""
    verify_correction(staff, outcome="arrested")
    page = body(reader.get(PAGE))
    told = notice(page)
    assert told is not None, "the page does not say its verdict is out of date"
    assert "Re-evaluation pending:" in told
    assert "outcome not arrested → arrested" in told, told
    assert "v-stale" in verdict_badge(page) and "non-compliance" in verdict_badge(page)
    assert "v-incident" not in verdict_badge(page)  # not shown as the current verdict
    french = notice(body(reader.get(f"/fr{PAGE}")))
    assert french is not None and "Réévaluation en attente" in french, french

    verdict = api_client.get(API).json()["verdict"]
    assert (verdict["code"], verdict["reevaluation_pending"]) == ("non_compliance", True)
    listed = api_client.get("/api/v1/visits/", {"host": "MNG"}).json()["results"]
    assert {v["id"]: v["verdict"]["reevaluation_pending"] for v in listed}[MONGOLIA] is True
    for address in ("/visits/?host=MNG", "/persons/vladimir-putin/", "/states/MNG/"):
        row = re.search(rf'data-id="{MONGOLIA}".*?</(tr|li)>', body(reader.get(address)), re.S)
        assert "v-stale" in row.group(0) and "re-evaluation pending" in row.group(0), address
    # A past verdict (`as_of`) is what iccwatch said then: never pending.
    today = timezone.now().date().isoformat()
    past = api_client.get(API, {"as_of": today}).json()["verdict"]
    assert past["reevaluation_pending"] is False

    version = data_version()
    flagging.evaluate_pending()
    assert data_version() != version
    page = body(reader.get(PAGE))
    assert notice(page) is None
    assert "complied" in verdict_badge(page) and "v-stale" not in verdict_badge(page)
    verdict = api_client.get(API).json()["verdict"]
    assert (verdict["code"], verdict["reevaluation_pending"]) == ("complied", False)
    row = re.search(rf'data-id="{MONGOLIA}".*?</tr>', body(reader.get("/visits/?host=MNG")), re.S)
    assert "v-stale" not in row.group(0)


def test_the_notice_goes_with_its_request_when_the_evaluation_changes_no_verdict(
    reader, api_client, seeded
):
    """A change that leaves the verdict as it was (a warrant saved again) is evaluated
    without writing a verdict: clearing its request moves the data version all the same,
    so the cached page that said "re-evaluation pending" is not served again."""
    Warrant.objects.get(ref="vladimir-putin-2023-03-17").save()
    assert notice(body(reader.get(PAGE))) is not None  # cached now, with its notice
    verdict = Verdict.objects.get(visit__slug=MONGOLIA)

    flagging.evaluate_pending()
    assert Verdict.objects.get(visit__slug=MONGOLIA).computed_at == verdict.computed_at
    assert not EvaluationRequest.objects.exists()
    assert notice(body(reader.get(PAGE))) is None
    assert api_client.get(API).json()["verdict"]["reevaluation_pending"] is False


def test_a_request_recorded_without_any_other_write_moves_the_cached_pages(reader, seeded):
    """The beat sweeper asks for the verdicts of an older rule to be evaluated again with no
    other write (visits.outbox.request_outdated_rule_version): the page cached before it
    is not served again, and the new one says its verdict awaits the new rule."""
    Verdict.objects.filter(visit__slug=MONGOLIA).update(rule_version="2000.01.01")
    assert notice(body(reader.get(PAGE))) is None  # cached now, without a notice
    outbox.request_outdated_rule_version()
    told = notice(body(reader.get(PAGE)))
    assert told is not None and "the compliance rule changed" in told, told


def test_an_edit_the_verdict_does_not_read_is_not_told_as_pending(reader, api_client, seeded):
    """The researchers' notes, saved while no worker runs, move the visit's updated_at and
    record a request (evaluated like any), but cannot change the verdict: nothing says it
    is out of date."""
    visit = Visit.objects.get(slug=MONGOLIA)
    visit.notes = "Checked against the Kremlin's readout."
    visit.save()
    assert EvaluationRequest.objects.filter(visit=visit).exists()
    assert notice(body(reader.get(PAGE))) is None
    assert api_client.get(API).json()["verdict"]["reevaluation_pending"] is False


def test_a_verified_withdrawal_withdraws_the_verdict_in_its_own_transaction(
    reader, api_client, seeded, staff
):
    """With no worker, a withdrawn visit never shows its old non-compliance as current:
    its verdict is `withdrawn` once the withdrawal is verified, its history says so, dated
    by the verification, and nothing is left for a worker to do."""
    before = timezone.now()
    verify_withdrawal(staff)
    assert not EvaluationRequest.objects.exists()
    page = body(reader.get(PAGE))
    assert notice(page) is None
    assert "v-incident" not in verdict_badge(page) and "withdrawn" in verdict_badge(page)
    assert "failure to arrest" not in words(page[page.index('id="explanation"') :])[:400]
    answer = api_client.get(API).json()
    assert (answer["review_state"], answer["verdict"]["code"]) == ("withdrawn", "withdrawn")
    assert answer["verdict"]["reevaluation_pending"] is False
    last = answer["history"][-1]
    assert (last["old_code"], last["new_code"]) == ("non_compliance", "withdrawn")
    assert last["caused_at"] >= before.isoformat().replace("+00:00", "Z")[:19]


def test_a_withdrawal_the_worker_evaluates_days_later_is_dated_by_its_verification(
    reader, api_client, seeded, staff, monkeypatch
):
    """Should the withdrawal's own evaluation fail, its request waits for the worker (the
    verification goes through: nothing accepted is lost) and the page tells the old verdict
    as out of date, never as current. The worker back three days later records the change
    then; the page and the API date the withdrawal by its verification all the same."""

    def broken(*args, **kwargs):
        raise RuntimeError("the rule failed")

    monkeypatch.setattr(flagging, "evaluate_visits", broken)
    visit = verify_withdrawal(staff)
    monkeypatch.undo()
    assert visit.review_state == "withdrawn"
    request = EvaluationRequest.objects.get(visit=visit)
    page = body(reader.get(PAGE))
    assert "Re-evaluation pending:" in (notice(page) or "")
    assert "v-incident" not in verdict_badge(page) and "v-stale" in verdict_badge(page)
    assert api_client.get(API).json()["verdict"]["reevaluation_pending"] is True

    evaluated = later(monkeypatch, days=3)
    flagging.evaluate_pending()
    change = VerdictChange.objects.filter(visit=visit).latest("id")
    assert (change.old_code, change.new_code) == ("non_compliance", "withdrawn")
    assert change.changed_at == evaluated and change.caused_at == request.change_recorded_at
    verified_on = format_date(timezone.localtime(request.change_recorded_at).date())
    page = body(reader.get(PAGE))
    assert f"This visit was withdrawn from the record on {verified_on}." in words(page)
    row = words(re.search(rf'<tr id="change-{change.pk}">.*?</tr>', page, re.S).group(0))
    assert row.strip().startswith(f"{verified_on},"), row
    assert f"verdict updated on {format_date(evaluated.date())}" in row, row
    assert "non-compliance → withdrawn" in row, row
    last = api_client.get(API).json()["history"][-1]
    assert last["caused_at"] < last["changed_at"]
    assert last["caused_at"].startswith(
        timezone.localtime(request.change_recorded_at).date().isoformat()
    )


def test_a_correction_evaluated_after_an_outage_is_dated_by_its_verification(
    reader, seeded, staff, monkeypatch
):
    verify_correction(staff, outcome="arrested")
    requested = EvaluationRequest.objects.get(visit__slug=MONGOLIA).change_recorded_at
    later(monkeypatch, days=2)
    flagging.evaluate_pending()
    change = VerdictChange.objects.filter(visit__slug=MONGOLIA).latest("id")
    assert change.new_code == "complied" and change.happened_at == requested
    assert (change.changed_at - change.caused_at).days == 2


def test_a_bare_edit_does_not_re_date_the_change_it_joins(reader, seeded, staff):
    """A correction verified at 10:00 while no worker runs, the researchers' notes edited at
    15:00 (a bare edit, which cannot change the verdict), the worker back at 16:00: the
    history dates the verdict's change at 10:00, and the notice meanwhile tells the change
    recorded at 10:00, not the edit's time."""
    verify_correction(staff, outcome="arrested")
    verified = timezone.now() - datetime.timedelta(hours=5)
    EvaluationRequest.objects.filter(visit__slug=MONGOLIA).update(
        requested_at=verified, change_recorded_at=verified
    )
    visit = Visit.objects.get(slug=MONGOLIA)
    visit.notes = "Checked against the Kremlin's readout."
    visit.save()
    request = EvaluationRequest.objects.get(visit=visit)
    assert request.requested_at > verified  # the edit is evaluated all the same
    told = notice(body(reader.get(PAGE)))
    assert told is not None and format_moment(verified) in told, told
    flagging.evaluate_pending()
    change = VerdictChange.objects.filter(visit=visit).latest("id")
    assert (change.old_code, change.new_code) == ("non_compliance", "complied")
    assert change.caused_at == verified and change.happened_at == verified


def test_the_state_timeline_and_the_search_results_tell_a_pending_verdict(
    reader, api_client, seeded, staff
):
    """The state page's timeline, the site's search results and the API's search show a
    visit's verdict too: each says it awaits re-evaluation (read with the rows, no query
    more), and stops once it is evaluated."""

    def api_result() -> dict:
        answer = api_client.get("/api/v1/search/", {"q": "Putin Mongolia"}).json()
        return {r["id"]: r for r in answer["results"]}[MONGOLIA]

    def timeline_entry() -> str:
        page = body(reader.get("/states/MNG/"))
        timeline = re.search(r'<ol class="timeline" id="timeline">.*?</ol>', page, re.S).group(0)
        return re.search(
            rf"<li [^>]*>(?:(?!</li>).)*?/visits/{MONGOLIA}/.*?</li>", timeline, re.S
        ).group(0)

    def search_result() -> str:
        page = body(reader.get("/search/", {"q": "Putin Mongolia"}))
        found = re.search(r'<ul class="results" id="results-visits">.*?</ul>', page, re.S)
        return re.search(rf'<li><a href="/visits/{MONGOLIA}/".*?</li>', found.group(0), re.S).group(
            0
        )

    verify_correction(staff, outcome="arrested")
    for entry in (timeline_entry(), search_result()):
        assert "v-stale" in entry and "re-evaluation pending" in entry, entry
        assert "v-incident" not in entry, entry
    found = api_result()
    assert (found["verdict"], found["reevaluation_pending"]) == ("non_compliance", True)
    flagging.evaluate_pending()
    found = api_result()
    assert (found["verdict"], found["reevaluation_pending"]) == ("complied", False)
    for entry in (timeline_entry(), search_result()):
        assert "v-stale" not in entry and "re-evaluation pending" not in entry, entry
