"""The newsroom's pages through the test client: who may open what, the report form, preview,
duplicates, review and its four-eyes rule, corrections on the public page, French."""

import datetime
import html
import re
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core import reasons, roles
from core.names import format_date
from newsroom import views
from tests.newsroom.conftest import SOURCES, account, form_data, sources_data, version_now
from visits import flagging, review
from visits.models import Report, ReportState, ReviewState, Visit
from visits.reports import SOURCES_MAX

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
# The queries of a report's page for a reviewer (the session, the user, the language the
# account last used the newsroom in, the report, the possible duplicates, the rule's
# preview and whether its host is a territory) before what changed since it was sent back.
QUERIES_OF_A_REPORT_PAGE = 16
# A verified report's page for a reviewer: no duplicates nor review to show, no preview
# (its published visit's verdict instead, one query), and one query for when it was
# first submitted, which an open report's page reads with what changed since it was sent
# back.
QUERIES_OF_A_REVIEWED_REPORT_PAGE = 12
REPORT_DATA = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "place": "Dushanbe",
    "status": "occurred",
    "outcome": "not_arrested",
}
CITATIONS = [{"url": s["url"], "publisher": s["publisher"]} for s in SOURCES]
# A withdrawal's reason that may be filed (visits.review.WITHDRAWAL_NOTE_MIN and _MAX), for
# the tests of what happens once one is open.
ANOTHER_REASON = "Another reason, for the same visit."


def text(response) -> str:
    return response.content.decode()


def based_on_of(page: str) -> str:
    """The signed version a correction form carries (its hidden `based_on` field)."""
    return re.search(r'name="based_on" value="([^"]+)"', page).group(1)


def khalkhin_gol(visit: Visit) -> dict:
    """The correction form's POST for Mongolia's visit, adding Khalkhin Gol to its place."""
    sources = [{k: v or "" for k, v in c.items()} for c in review.citations_of(visit)]
    return form_data(
        action="submit",
        sources=sources,
        person="vladimir-putin",
        host="MNG",
        start="2024-09-02",
        end="2024-09-03",
        place="Ulaanbaatar; Khalkhin Gol",
        occasion=visit.occasion,
        status=visit.status,
        outcome=visit.outcome,
        notes=visit.notes,
        reason="Khalkhin Gol was on his programme.",
    )


def correction_of(visit: Visit, author, submit: bool = True, **changes) -> Report:
    """A correction of published `visit` by `author`, its fields changed by `changes`."""
    return review.file_report(
        author=author,
        data={**review.report_data_of(visit), **changes},
        citations=review.citations_of(visit),
        visit=visit,
        submit=submit,
    )


def changed_rows(section: str) -> list[tuple[str, str, str]]:
    """(field, before, after) for each row of a page's table of changes."""
    return re.findall(
        r'<th scope="row">(.*?)</th><td><del>(.*?)</del></td><td><ins>(.*?)</ins>', section
    )


def file(author, **data) -> Report:
    return review.file_report(author=author, data={**REPORT_DATA, **data}, citations=CITATIONS)


def answered(report: Report, author, reply: str = "Done, see the sources.") -> Report:
    """`report`, sent back for changes, answered by its author and otherwise unchanged:
    what it needs to be submitted again (visits.review.needs_an_answer)."""
    report.refresh_from_db()
    return review.update_report(
        report, author, data=report.data, citations=report.citations, reply=reply
    )


# --- Who may open what ---------------------------------------------------------------

PAGES = ["dashboard", "new", "queue", "report", "edit", "correct"]
# Expected status per role: 200 open, 403 refused, 404 for the report the user may not read
# (the reporter's own draft, which only its author and the admins read).
MATRIX = {
    "reporter": {
        "dashboard": 200,
        "new": 200,
        "queue": 403,
        "report": 200,
        "edit": 200,
        "correct": 200,
    },
    "reviewer": {
        "dashboard": 200,
        "new": 403,
        "queue": 200,
        "report": 404,
        "edit": 403,
        "correct": 403,
    },
    "admin": {
        "dashboard": 200,
        "new": 200,
        "queue": 200,
        "report": 200,
        "edit": 403,
        "correct": 200,
    },
    "nobody": dict.fromkeys(PAGES, 403),
}


def url_of(page: str, report: Report) -> str:
    if page in ("report", "edit"):
        return reverse(f"newsroom:{page}", args=[report.pk])
    if page == "correct":
        return reverse("newsroom:correct", args=[MONGOLIA])
    return reverse(f"newsroom:{page}")


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_readers_are_sent_to_sign_in(tajikistan_removed, reporter, client, page):
    draft = review.file_report(author=reporter, data=REPORT_DATA, citations=CITATIONS, submit=False)
    response = client.get(url_of(page, draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("newsroom:sign-in") + "?next=")


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_opens_its_pages_and_no_other(
    tajikistan_removed, reporter, reviewer, admin, django_user_model, signed_in, role
):
    users = {
        "reporter": reporter,
        "reviewer": reviewer,
        "admin": admin,
        "nobody": django_user_model.objects.create_user("nobody", password="x-long-password"),
    }
    draft = review.file_report(author=reporter, data=REPORT_DATA, citations=CITATIONS, submit=False)
    client = signed_in(users[role])
    for page in PAGES:
        response = client.get(url_of(page, draft))
        assert response.status_code == MATRIX[role][page], (role, page)
        assert "no-cache" in response.get("Cache-Control", "") or response.status_code == 403


def test_sign_in_and_out(seeded, reporter, client):
    page = client.get(reverse("newsroom:sign-in"))
    assert '<label for="id_username">' in text(page)
    wrong = client.post(reverse("newsroom:sign-in"), {"username": "reporter", "password": "wrong"})
    assert wrong.status_code == 200 and 'id="form-errors"' in text(wrong)
    right = client.post(
        reverse("newsroom:sign-in"),
        {"username": "reporter", "password": "a-long-test-password"},
    )
    assert right.status_code == 302 and right["Location"] == reverse("newsroom:dashboard")
    assert client.get(reverse("newsroom:dashboard")).status_code == 200
    out = client.post(reverse("newsroom:sign-out"))
    assert out.status_code == 302
    assert client.get(reverse("newsroom:dashboard")).status_code == 302


def test_password_resets_cannot_flood_an_inbox(
    db, client, django_user_model, django_capture_on_commit_callbacks
):
    """One mail to an address per 15 minutes, 10 requests an hour from one client address;
    past either the answer is the same and nothing is sent."""
    import uuid

    from django.test import Client

    from newsroom.forms import RESET_REQUESTS_PER_CLIENT

    email = f"flood-{uuid.uuid4().hex}@example.org"
    django_user_model.objects.create_user(f"u-{email}", email=email, password="x-long-pass")
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    client = Client(REMOTE_ADDR=address)
    url = reverse("newsroom:password-reset")

    def ask(client, email):
        # The mail is sent after the request's commit, as in production.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"email": email})

    for _ in range(3):
        response = ask(client, email)
        assert response["Location"] == reverse("newsroom:password-reset-done")
    assert len(mail.outbox) == 1
    # One mail to an address per 15 minutes whoever asks: other client addresses (the
    # tester's three from three addresses in 170 ms) get no second one.
    for other in ("198.51.100.78", "198.51.100.79", "2001:db8::7"):
        answer = ask(Client(REMOTE_ADDR=other), email)
        assert answer["Location"] == reverse("newsroom:password-reset-done")
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    others = []
    for n in range(RESET_REQUESTS_PER_CLIENT[0]):
        other = f"other-{n}-{uuid.uuid4().hex}@example.org"
        django_user_model.objects.create_user(f"u-{other}", email=other, password="x-long-pass")
        others.append(other)
        ask(client, other)
    # 3 + 10 requests from one client address: its limit of 10 an hour let 7 more through,
    # a mail each to a new address.
    assert len(mail.outbox) == RESET_REQUESTS_PER_CLIENT[0] - 3
    elsewhere = ask(Client(REMOTE_ADDR="198.51.100.77"), others[-1])
    assert elsewhere.status_code == 302
    assert mail.outbox[-1].to == [others[-1]]


def test_password_reset_mails_a_one_time_link(
    db, client, django_user_model, django_capture_on_commit_callbacks
):
    import uuid

    rita = f"rita-{uuid.uuid4().hex}@example.org"  # the limits' counts outlive a test
    django_user_model.objects.create_user("rita", email=rita, password="x-long-pass")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("newsroom:password-reset"), {"email": rita})
    assert response.status_code == 302
    assert response["Location"] == reverse("newsroom:password-reset-done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert "/newsroom/password-reset/" in link
    page = client.get(urlsplit(link).path, follow=True)
    assert 'name="new_password1"' in text(page)


def queued_tasks(redis_url: str) -> list[tuple[str, list]]:
    """(name, args) of each task message waiting in the default queue at `redis_url`,
    oldest first, taken off the queue (Celery's message protocol 2 on kombu's Redis
    transport: a JSON envelope whose base64 body is [args, kwargs, embed])."""
    import base64
    import json

    import redis

    broker = redis.Redis.from_url(redis_url)
    tasks = []
    while (raw := broker.rpop("celery")) is not None:
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], args))
    return tasks


def test_a_password_reset_request_does_the_same_for_any_address_and_the_task_mails(
    db, django_user_model, settings, test_redis_url, django_capture_on_commit_callbacks
):
    """Whether an address has an account is never told, not even by the time the answer
    takes: with a broker, the request only enqueues the mail's task, for a known address
    and an unknown one alike, and sends nothing itself (the tester saw 286 ms against
    11 ms with a slow mail server). The task mails the account a link to the configured
    site (ICCWATCH_BASE_URL), whatever Host and port the request named."""
    import uuid

    from django.test import Client

    from newsroom.tasks import MAIL_PASSWORD_RESET, mail_password_reset
    from tests.pipeline import publishing_to

    rita = f"rita-{uuid.uuid4().hex}@example.org"  # the limits' counts outlive a test
    settings.ICCWATCH_BASE_URL = "https://iccwatch.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "iccwatch.test"]
    django_user_model.objects.create_user("rita", email=rita, password="x-long-pass")
    url = reverse("newsroom:password-reset")
    queued_tasks(test_redis_url)  # nothing left over
    with publishing_to(test_redis_url), django_capture_on_commit_callbacks(execute=True):
        for n, email in enumerate((rita, f"nobody-{uuid.uuid4().hex}@example.org")):
            client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}", HTTP_HOST="iccwatch.test:4444")
            response = client.post(
                url, {"email": email}, HTTP_REFERER=f"https://iccwatch.test:4444{url}"
            )
            assert response["Location"] == reverse("newsroom:password-reset-done")
    assert mail.outbox == []  # nothing sent within either request
    tasks = queued_tasks(test_redis_url)
    assert [(name, args[0].split("-")[0]) for name, args in tasks] == [
        (MAIL_PASSWORD_RESET, "rita"),
        (MAIL_PASSWORD_RESET, "nobody"),
    ]
    assert [mail_password_reset(*args) for _name, args in tasks] == [1, 0]
    assert [m.to for m in mail.outbox] == [[rita]]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith("https://iccwatch.example.org/newsroom/password-reset/"), link
    assert "iccwatch.test" not in mail.outbox[0].body and "4444" not in mail.outbox[0].body


def test_a_password_reset_the_broker_cannot_take_is_mailed_inline_not_lost(
    db, django_user_model, dead_port, caplog, django_capture_on_commit_callbacks
):
    """A mail the broker cannot take (down, unreachable) is not lost: the failure is logged
    and the mail sent inline, as the request could not hand it over."""
    import uuid

    from django.test import Client

    from tests.pipeline import publishing_to

    rita = f"rita-{uuid.uuid4().hex}@example.org"
    django_user_model.objects.create_user("rita", email=rita, password="x-long-pass")
    broker = f"redis://127.0.0.1:{dead_port}/0"
    with publishing_to(broker), django_capture_on_commit_callbacks(execute=True):
        # An address of its own: the per-client limit's log outlives a run (in Redis).
        address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
        response = Client(REMOTE_ADDR=address).post(
            reverse("newsroom:password-reset"), {"email": rita}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[rita]]
    assert "the broker could not take a task" in caplog.text


# --- The report form -----------------------------------------------------------------


def test_a_refused_sign_in_gives_the_focus_to_its_error_and_marks_both_fields(
    seeded, reporter, client
):
    """A screen reader user whose password was refused hears why: the summary takes the
    focus (newsroom-form.js, as the report form's does), not the username box, and both
    boxes are invalid and described by it."""
    first = text(client.get(reverse("newsroom:sign-in")))
    assert re.search(r'<input[^>]*id="id_username"[^>]*>', first).group(0).count("autofocus")
    page = text(
        client.post(reverse("newsroom:sign-in"), {"username": "reporter", "password": "wrong"})
    )
    summary = re.search(r'<div[^>]*id="form-errors"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in summary and 'role="alert"' in summary
    assert "js/newsroom-form.js" in page
    for field in ("id_username", "id_password"):
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag and 'aria-describedby="form-errors"' in tag, tag
        assert "autofocus" not in tag, tag
    # A box left empty is named in the summary too, which links to it.
    empty = text(client.post(reverse("newsroom:sign-in"), {"username": "", "password": "x"}))
    summary = empty[
        empty.index('id="form-errors"') : empty.index("</div>", empty.index('id="form-errors"'))
    ]
    assert '<a href="#id_username">Username: This field is required.</a>' in summary
    assert "js/newsroom-form.js" in empty and "{#" not in empty


def test_the_password_pages_give_the_focus_to_their_errors(db, client, django_user_model):
    """A refused address or password is said first, linked to its box, and takes the focus
    (newsroom-form.js), as on the sign-in: these boxes have no focus of their own."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    def summary_of(page: str) -> str:
        start = page.index('id="form-errors"')
        assert 'tabindex="-1"' in page[page.rindex("<div", 0, start) : start + 40]
        assert "js/newsroom-form.js" in page
        return page[start : page.index("</div>", start)]

    reset = text(client.post(reverse("newsroom:password-reset"), {"email": "not-an-address"}))
    assert '<a href="#id_email">Email: Enter a valid email address.</a>' in summary_of(reset)
    rita = django_user_model.objects.create_user("rita", email="rita@example.org")
    uid = urlsafe_base64_encode(force_bytes(rita.pk))
    token = default_token_generator.make_token(rita)
    form = client.get(f"/newsroom/password-reset/{uid}/{token}/", follow=True)
    assert "js/newsroom-form.js" not in text(form) and 'id="form-errors"' not in text(form)
    refused = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Blue-Harbour-Lantern-42", "new_password2": "Blue-Harbour-Lantern-43"},
    )
    assert refused.status_code == 200
    assert '<a href="#id_new_password2">' in summary_of(text(refused))


def test_the_form_shows_each_error_next_to_its_field(tajikistan_removed, reporter, signed_in):
    client = signed_in(reporter)
    response = client.post(
        reverse("newsroom:new"),
        form_data(
            person="Nobody At All",
            start="2025-13-40",
            end="",
            sources=[{"url": "not a url", "published": "yesterday"}],
        ),
    )
    html = text(response)
    assert response.status_code == 200 and not Report.objects.exists()
    assert 'id="form-errors"' in html
    # Each error has an id the field points to with aria-describedby.
    for field in ("id_person", "id_start", "id_source-0-url", "id_source-0-published"):
        assert f'id="{field}-error"' in html, field
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)
        assert f"{field}-error" in tag and 'aria-invalid="true"' in tag
    assert "No person wanted by the ICC is called Nobody At All." in html


def test_texts_longer_than_a_report_may_carry_are_refused_by_name(
    tajikistan_removed, reporter, signed_in
):
    """A report's page shows its texts whole to every reviewer: two million characters of
    notes were once filed. The limits are the API's (visits.reports)."""
    client = signed_in(reporter)
    for action in ("draft", "submit"):
        response = client.post(
            reverse("newsroom:new"),
            form_data(
                action=action,
                notes="n" * 2_000_000,
                host_justification="j" * 5_001,
                sources=[{**SOURCES[0], "excerpt": "e" * 5_001}, SOURCES[1]],
            ),
        )
        html = text(response)
        assert response.status_code == 200 and not Report.objects.exists()
        assert "at most 10000 characters (it has 2000000)" in html
        # No box cuts a long paste silently in the browser: the server's message says why.
        for box in re.findall(r"<textarea[^>]*>", html):
            assert "maxlength" not in box, box
        for field in ("id_notes", "id_host_justification", "id_source-0-excerpt"):
            assert f'id="{field}-error"' in html, field
        # Each in the list at the top and next to its field.
        assert html.count("at most 5000 characters (it has 5001)") == 2 * 2


@pytest.mark.parametrize("typed", ["Vladimir Putin", "vladimir putin", "Putin Vladimir"])
def test_the_person_is_found_by_the_name_people_write(
    tajikistan_removed, reporter, signed_in, typed
):
    """The register names him Vladimir Vladimirovich Putin: the usual short form finds him,
    as the public lists and search do."""
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), form_data(action="draft", person=typed))
    assert response.status_code == 302, text(response)
    assert Report.objects.get().data["person"] == "vladimir-putin"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Bashar al-Assad", "Omar Hassan Ahmad Al Bashir"),
        ("Saddam Hussein", "Abdel Raheem Muhammad Hussein"),
        ("Joseph Kabila", "Joseph Kony"),
        ("Bash", "Omar Hassan Ahmad Al Bashir"),
        ("Vlad", "Vladimir Vladimirovich Putin"),
    ],
)
def test_a_name_only_close_to_a_wanted_persons_is_suggested_never_filed(
    tajikistan_removed, reporter, signed_in, typed, suggested
):
    """A report filed under the wrong wanted person could be published as his visit:
    "Bashar al-Assad" was once filed as al-Bashir's trip without a word. A name with a word
    that is none of the person's, in spelling or in sound ("Assad", "Kabila", "Bash"), is
    offered as a suggestion, however close the search finds it; the report is not saved.
    (A name whose every word sounds like one of theirs, "Vladimir Poutine", is theirs:
    tests/newsroom/test_person_names.py.)"""
    client = signed_in(reporter)
    for action in ("draft", "submit"):
        response = client.post(reverse("newsroom:new"), form_data(action=action, person=typed))
        page = html.unescape(text(response))
        assert response.status_code == 200 and not Report.objects.exists(), action
        assert (
            f"No person wanted by the ICC is called {typed}. Did you mean {suggested}? "
            "Type the name as it is listed." in page
        )
        assert 'id="id_person-error"' in text(response)


def test_a_visit_to_ones_own_state_and_no_source_are_refused(
    tajikistan_removed, reporter, signed_in
):
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), form_data(host="RUS", sources=[{"url": ""}]))
    html = text(response)
    assert 'id="id_host-error"' in html and "own state" in html
    assert "At least one source" in html
    assert not Report.objects.exists()


def test_a_month_precision_keeps_the_month_only(tajikistan_removed, reporter, signed_in):
    client = signed_in(reporter)
    client.post(
        reverse("newsroom:new"),
        form_data(action="draft", start="2025-10", start_precision="month", end=""),
    )
    assert Report.objects.get().data["start"] == "2025-10"
    # A date typed to the month is the month, whatever the menu (left at "day") says.
    typed = client.post(
        reverse("newsroom:new"),
        form_data(action="draft", start="2025-11", start_precision="day", end=""),
    )
    assert typed.status_code == 302
    assert Report.objects.order_by("pk").last().data["start"] == "2025-11"


@pytest.mark.parametrize(
    "fields, recorded",
    [
        # A report to the month against a called-off trip with no date on record...
        (
            {"person": "Omar al-Bashir", "host": "TUR", "start": "2012-05", "end": ""},
            "omar-al-bashir-tur-undated",
        ),
        # ... and an undated report against a called-off trip dated to its month.
        ({"host": "HUN", "start": "", "end": ""}, "vladimir-putin-hun-2025-10"),
    ],
)
def test_a_trip_with_no_known_day_is_possibly_already_recorded(
    seeded, reporter, signed_in, fields, recorded
):
    """Measured defect: the preview said nothing of a recorded trip when the report or the
    visit had no date and the other one had (only two undated ones were compared): a trip
    called off on a day nobody knows may be any trip of the person to that host."""
    data = form_data(
        action="preview",
        **{
            "place": "",
            "occasion": "Planned visit",
            "status": "cancelled",
            "outcome": "n/a",
            "start_precision": "month",
            "end_precision": "day",
            **fields,
        },
    )
    page = text(signed_in(reporter).post(reverse("newsroom:new"), data))
    assert 'id="duplicates"' in page
    section = page.split('id="duplicates"')[1].split("</section>")[0]
    assert "Possibly already recorded" in section
    assert f'href="/visits/{recorded}/"' in section


def test_another_source_form_without_javascript(tajikistan_removed, reporter, signed_in):
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), form_data(action="add_source"))
    html = text(response)
    assert 'id="id_source-2-url"' in html and 'id="form-errors"' not in html
    assert not Report.objects.exists()


def focus_marks(page: str) -> list[str]:
    """The ids of the elements the form's script gives the focus when the page loads
    (data-focus-on-load, newsroom-form.js), in the page's order."""
    tags = re.findall(r"<[a-z0-9]+\b([^>]*)>", page)
    return [
        re.search(r'\bid="([^"]*)"', attributes).group(1)
        for attributes in tags
        if re.search(r"\sdata-focus-on-load(\s|=|$)", attributes)
    ]


def test_another_source_gives_the_focus_to_the_source_it_added(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """WCAG 2.4.3: "Add another source" brought the page back with the focus at its top; the
    new source's fieldset now takes it (its legend, "Source 3", says which), in the report
    form, a correction's, and a withdrawal's (on the correction page and on the page of a
    withdrawal sent back); none is marked when the form opens, nor past the limit of sources,
    when no source was added."""
    client = signed_in(reporter)
    assert focus_marks(text(client.get(reverse("newsroom:new")))) == []
    added = client.post(reverse("newsroom:new"), form_data(action="add_source"))
    assert focus_marks(text(added)) == ["source-3"]
    full = [{"url": f"https://example.org/{i}"} for i in range(SOURCES_MAX)]
    at_limit = client.post(reverse("newsroom:new"), form_data(action="add_source", sources=full))
    assert f'id="source-{SOURCES_MAX}"' in text(at_limit)
    assert focus_marks(text(at_limit)) == []
    correct = reverse("newsroom:correct", args=[MONGOLIA])
    assert focus_marks(text(client.get(correct))) == []
    assert focus_marks(text(client.post(correct, form_data(action="add_source")))) == ["source-3"]
    withdrawal = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]),
        withdrawal_post(sources=[RETRACTION], action="add_source"),
    )
    assert focus_marks(text(withdrawal)) == ["withdrawal-source-2"]
    report = review.propose_withdrawal(
        author=reporter, visit=Visit.objects.get(slug=MONGOLIA), note=IN_ERROR
    )
    review.request_changes(report, reviewer, "Cite the retraction.")
    again = client.post(
        reverse("newsroom:edit", args=[report.pk]),
        withdrawal_post(
            sources=[RETRACTION], action="add_source", reply="", seen=version_now(report)
        ),
    )
    assert focus_marks(text(again)) == ["withdrawal-source-2"]


def test_an_action_the_form_does_not_know_is_refused_and_changes_nothing(
    seeded, reporter, signed_in
):
    """An `action` none of the buttons sends was read as Submit, without the duplicates
    check Submit asks for: Putin's published trip to Tajikistan was filed a second time."""
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), form_data(action="publish"))
    page = html.unescape(text(response))
    assert response.status_code == 400 and not Report.objects.exists()
    assert "sent with an action it does not know (“publish”)" in page
    assert "nothing was saved or submitted" in page.split('id="form-errors"')[1]
    # The form comes back as filled, for one of its buttons.
    assert 'value="https://example.org/cis-summit"' in page

    # A draft's edit: neither saved nor submitted.
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    draft = Report.objects.get()
    for action in ("Submit", "add_to:", "x" * 500):
        response = client.post(
            reverse("newsroom:edit", args=[draft.pk]),
            form_data(action=action, place="Moscow"),
        )
        if action == "add_to:":  # a duplicate's button with no visit: refused as before
            assert response.status_code == 302, action
        else:
            assert response.status_code == 400, action
        draft.refresh_from_db()
        assert (draft.state, draft.data["place"]) == (ReportState.DRAFT, "Dushanbe"), action
    assert "x" * 500 not in text(response) and "x" * 39 + "…" in html.unescape(text(response))


def test_preview_shows_the_verdict_and_explanation_without_saving(
    tajikistan_removed, reporter, signed_in
):
    client = signed_in(reporter)
    blank = text(client.get(reverse("newsroom:new")))
    assert 'id="preview-link"' not in blank and "js/newsroom-form.js" in blank
    html = text(client.post(reverse("newsroom:new"), form_data(action="preview")))
    assert 'data-code="non_compliance"' in html
    # A link at the top leads to the preview below the form; the form's script moves the
    # focus to its heading (tests/browser/test_newsroom.py).
    assert '<a href="#preview-heading" id="preview-link">Preview below</a>' in html
    assert '<h2 id="preview-heading" tabindex="-1" data-focus-on-load>' in html
    assert 'id="preview-explanation"' in html and "Tajikistan" in html
    assert not Report.objects.exists()
    # The place suggestions come from the gazetteer for the chosen host.
    assert '<option value="Dushanbe">' in html


def test_a_person_who_gave_himself_up_is_reported_and_previewed_as_no_arrest(
    tajikistan_removed, reporter, signed_in
):
    """The form's outcome menu offers `self_surrendered` (the person gave himself up and was
    transferred to the Court): its preview is `complied`, saying he surrendered voluntarily,
    never that Tajikistan arrested him; submitted, the report keeps it."""
    client = signed_in(reporter)
    blank = text(client.get(reverse("newsroom:new")))
    assert (
        '<option value="self_surrendered">surrendered voluntarily, then transferred to the '
        "Court</option>"
    ) in blank
    page = text(
        client.post(reverse("newsroom:new"), form_data("preview", outcome="self_surrendered"))
    )
    assert 'data-code="complied"' in page
    assert "surrendered voluntarily and was transferred to the Court" in page
    assert "was arrested" not in page
    client.post(reverse("newsroom:new"), form_data(outcome="self_surrendered"))
    report = Report.objects.get()
    assert (report.state, report.data["outcome"]) == ("submitted", "self_surrendered")


def test_an_overlapping_visit_is_shown_and_the_source_can_go_to_it(seeded, reporter, signed_in):
    client = signed_in(reporter)
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    preview = text(client.post(reverse("newsroom:new"), form_data(action="preview")))
    assert 'id="duplicates"' in preview and existing.slug in preview
    # Submitting needs a decision: add the sources to the recorded visit, or confirm.
    refused = client.post(reverse("newsroom:new"), form_data())
    assert 'id="id_not_duplicate-error"' in text(refused) and not Report.objects.exists()

    sources = [{"url": "https://example.org/new-angle", "publisher": "Example Daily"}]
    asked = client.post(
        reverse("newsroom:new"), form_data(action=f"add_to:{existing.pk}", sources=sources)
    )
    assert asked.status_code == 200 and not Report.objects.exists()  # confirmed first
    added = client.post(reverse("newsroom:new"), carried_by(text(asked), "file-sources"))
    report = Report.objects.get()
    assert added.status_code == 302 and added["Location"] == reverse(
        "newsroom:report", args=[report.pk]
    )
    assert report.is_correction and report.visit == existing and report.state == "submitted"
    assert report.citations[-1]["url"] == "https://example.org/new-angle"
    assert len(report.citations) == existing.citations.count() + 1
    assert report.data == review.report_data_of(existing)
    # Like any correction it says why: which sources it brings.
    assert report.reason == (
        "Another report of this visit brought more sources: https://example.org/new-angle."
    )

    confirmed = client.post(reverse("newsroom:new"), form_data(not_duplicate="1"))
    assert confirmed.status_code == 302 and Report.objects.count() == 2


@pytest.mark.parametrize(
    "lengths",
    [[960], [1000], [200] * 30, [40] * 30],
    ids=["one-960", "one-1000", "thirty-200", "thirty-40"],
)
def test_any_sources_the_form_takes_can_be_added_to_a_recorded_visit(
    seeded, reporter, signed_in, lengths
):
    """The reason written for the reporter listed every added address in full: one address
    of 960 characters (the form takes 1,000) put it past a correction reason's limit, and
    filing failed with "Say it in at most 1000 characters." about a reason nobody typed.
    Now the reason names what fits, long addresses shortened, and counts the rest; the
    sources themselves are filed whole."""
    client = signed_in(reporter)
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    urls = [
        f"https://example.org/{n:02d}-" + "a" * (length - len("https://example.org/00-"))
        for n, length in enumerate(lengths)
    ]
    assert [len(u) for u in urls] == lengths
    sources = [{"url": u, "publisher": "Example Daily"} for u in urls]
    asked = client.post(
        reverse("newsroom:new"), form_data(action=f"add_to:{existing.pk}", sources=sources)
    )
    assert asked.status_code == 200 and 'id="file-sources"' in text(asked)
    filed = client.post(reverse("newsroom:new"), carried_by(text(asked), "file-sources"))
    assert filed.status_code == 302, html.unescape(text(filed)).split('id="form-errors"')[-1][:400]
    report = Report.objects.get()
    assert filed["Location"] == reverse("newsroom:report", args=[report.pk])
    # Nothing is lost: every address, in full, after the visit's own sources.
    assert [c["url"] for c in report.citations[-len(urls) :]] == urls
    assert len(report.citations) == existing.citations.count() + len(urls)
    # The reason fits the limit its author is held to when editing it (the form's box).
    assert len(report.reason) <= review.REASON_MAX_LENGTH
    assert report.reason.startswith("Another report of this visit brought more sources: ")
    named = report.reason.count("https://example.org/")
    assert named >= 1
    if named < len(urls):
        assert report.reason.endswith(f" and {len(urls) - named} more.")
    for url in urls:
        if len(url) <= views.SOURCE_URL_SHOWN:
            assert url in report.reason or named < len(urls)
        else:
            assert url not in report.reason
    shown = report.reason.split(": ", 1)[1].split(", ")[0]
    assert shown.rstrip(".").startswith(urls[0][: views.SOURCE_URL_SHOWN - 1])
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert urls[0] in html.unescape(page)  # the reviewer reads each address whole


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("length", [views.SOURCE_URL_SHOWN + 1, 1000])
def test_the_reason_written_for_added_sources_fits_in_every_language(language, length):
    """The most the form takes (SOURCES_MAX sources, addresses up to 1,000 characters)
    still gives a reason within the limit, in French (longer) as in English, naming one at
    least."""
    urls = [f"https://example.org/{n:02d}-" + "a" * (length - 23) for n in range(SOURCES_MAX)]
    with translation.override(language):
        reason = views.added_sources_reason([{"url": u} for u in urls])
    assert len(reason) <= review.REASON_MAX_LENGTH
    named = reason.count("https://example.org/")
    assert 1 <= named < SOURCES_MAX and f" {SOURCES_MAX - named} " in reason[-20:]
    assert urls[0][: views.SOURCE_URL_SHOWN - 1] + "…" in reason


def test_a_source_that_cannot_be_filed_on_a_recorded_visit_is_refused_beside_its_field(
    seeded, reporter, signed_in
):
    """A source the form takes but filing refuses (an address inside a private network)
    was said only as "The sources could not be added…": now the refusal stands next to
    the source's own address, before anything is asked to be confirmed, and nothing is
    filed."""
    client = signed_in(reporter)
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    sources = [
        {"url": "https://example.org/new-angle", "publisher": "Example Daily"},
        {"url": "http://10.1.2.3/notes", "publisher": "Intranet"},
    ]
    for action in ("add_to", "file_sources"):
        answer = client.post(
            reverse("newsroom:new"), form_data(action=f"{action}:{existing.pk}", sources=sources)
        )
        page = html.unescape(text(answer))
        assert answer.status_code == 200 and 'id="file-sources"' not in page
        summary = page.split('id="form-errors"')[1].split("</div>")[0]
        assert (
            '<a href="#id_source-1-url">Source 2 — URL: '
            "'http://10.1.2.3/notes' is not a public address" in summary
        )
        assert 'id="id_source-1-url-error"' in page
        assert "id_source-0-url-error" not in page
        assert not Report.objects.exists()


def carried_by(page: str, button: str) -> dict:
    """What a page's form posts when `button` (its id) is pressed: its hidden fields, a
    field named more than once as a list, and the button's action."""
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page):
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(html.unescape(value))
    data["action"] = re.search(rf'value="([^"]+)" [^>]*id="{button}"', page).group(1)
    return data


def test_adding_the_sources_to_a_recorded_visit_says_first_what_is_not_kept(
    seeded, reporter, signed_in
):
    """One click filed the sources and silently dropped what else the reporter typed:
    now a step lists the sources filed and the typed details the visit does not take,
    and "Back to my report" gives the report back as typed."""
    client = signed_in(reporter)
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    typed = form_data(
        action=f"add_to:{existing.pk}",
        sources=[{"url": "https://example.org/new-angle", "publisher": "Example Daily"}],
        end="2025-10-11",
        occasion="State visit and gas talks",
        notes="Met the president at the airport.",
    )
    page = text(client.post(reverse("newsroom:new"), typed))
    assert not Report.objects.exists()
    filed = page.split('id="sources-filed"')[1].split("</ul>")[0]
    assert "https://example.org/new-angle" in filed and "Example Daily" in filed
    not_kept = html.unescape(page.split('id="not-kept"')[1].split("</table>")[0])
    rows = re.findall(r'<th scope="row">(.*?)</th><td><del>(.*?)</del></td>', not_kept)
    assert rows == [
        ("The end date", "11 October 2025"),
        ("The occasion", "State visit and gas talks"),
        ("The notes", "Met the president at the airport."),
    ]
    assert existing.occasion in not_kept  # what the visit keeps, beside what it does not
    assert "File the sources" in page and "Back to my report" in page

    back = text(client.post(reverse("newsroom:new"), carried_by(page, "back-to-report")))
    assert not Report.objects.exists()
    assert 'value="State visit and gas talks"' in back
    assert "Met the president at the airport." in back
    assert 'value="https://example.org/new-angle"' in back

    filing = client.post(reverse("newsroom:new"), carried_by(page, "file-sources"))
    report = Report.objects.get()
    assert filing["Location"] == reverse("newsroom:report", args=[report.pk])
    assert report.visit == existing and report.data == review.report_data_of(existing)


def test_sources_added_from_a_draft_say_the_draft_stays_open(seeded, reporter, signed_in):
    """Filed from a report of one's own (a draft, or one sent back), the sources become a
    correction of the recorded visit and the message says the report stays open, with a
    link to it, rather than leaving it forgotten."""
    client = signed_in(reporter)
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    draft = Report.objects.get()
    edit = reverse("newsroom:edit", args=[draft.pk])
    typed = form_data(
        action=f"add_to:{existing.pk}",
        sources=[{"url": "https://example.org/new-angle", "publisher": "Example Daily"}],
    )
    page = text(client.post(edit, typed))
    filed = client.post(edit, carried_by(page, "file-sources"), follow=True)
    said = html.unescape(text(filed))
    assert "The sources were added to the recorded visit" in said
    assert (
        f'Your report <a href="{reverse("newsroom:report", args=[draft.pk])}">no. {draft.pk}</a>'
        " stays open" in said
    )
    assert Report.objects.filter(pk=draft.pk, state=ReportState.DRAFT).exists()


def test_a_report_sent_back_is_abandoned_by_its_author_its_history_kept(
    seeded, reporter, reviewer, signed_in
):
    """Found by a tester: a new visit's report sent back ("same trip as the one on record:
    add your source to it instead?"), its sources filed on the recorded visit, was told
    to "delete it from its page", which had no Delete button; the delete address answered
    "Only a draft can be deleted." and the report stayed forever in the author's and the
    reviewer's lists. Its author deletes it from its page now, behind a confirmation; the
    reviewer's list drops it, and its history keeps that it existed, the reviewer's
    comment, and who deleted it."""
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    report = file(reporter)
    comment = "Same trip as the Dushanbe visit on record: add your source to it instead?"
    review.request_changes(report, reviewer, comment)
    client = signed_in(reporter)
    edit = reverse("newsroom:edit", args=[report.pk])
    typed = form_data(
        action=f"add_to:{existing.pk}",
        sources=[{"url": "https://example.org/new-angle", "publisher": "Example Daily"}],
    )
    page = text(client.post(edit, typed))
    said = html.unescape(text(client.post(edit, carried_by(page, "file-sources"), follow=True)))
    assert "delete it from its page" in said
    page_url = reverse("newsroom:report", args=[report.pk])
    page = text(client.get(page_url))
    # One click does not delete it: the button shows once its confirmation is opened.
    confirm = page.split('<details class="confirm" id="confirm-delete">')[1].split("</details>")[0]
    assert "Delete this report" in confirm and 'id="delete-report"' in confirm
    assert f'action="{reverse("newsroom:delete", args=[report.pk])}"' in confirm
    assert "the reviewer's comment" in html.unescape(confirm)
    dashboard = text(signed_in(reviewer).get(reverse("newsroom:dashboard")))
    assert page_url in dashboard.split('id="sent-back"')[1].split("</ul>")[0]

    client = signed_in(reporter)
    deleted = client.post(reverse("newsroom:delete", args=[report.pk]), follow=True)
    assert deleted.redirect_chain == [(reverse("newsroom:dashboard"), 302)]
    assert "Report deleted: it no longer waits for your changes." in html.unescape(text(deleted))
    assert not Report.objects.filter(pk=report.pk).exists()
    assert page_url not in text(deleted).split('id="changes-requested"')[1].split("</ul>")[0]
    # The correction its sources became stays under review.
    assert Report.objects.get(visit=existing, is_correction=True).state == ReportState.SUBMITTED

    client = signed_in(reviewer)
    assert not review.sent_back_by(reviewer)[0].exists()
    dashboard = text(client.get(reverse("newsroom:dashboard")))
    assert page_url not in dashboard.split('id="sent-back"')[1].split("</ul>")[0]
    for reader in (reviewer, reporter):
        history = history_text(signed_in(reader), "visits.report", report.pk)
        # Newest first: the deletion, by whom, and the report as it stood, comment and all.
        # From its heading ("Report no. 1: removed") to the next entry's.
        deletion = history.split(": removed ")[1].split(": changed ")[0]
        assert "Why: deleted by its author after it was sent back." in deletion
        assert f"Path: newsroom, by {reporter.get_username()} ," in deletion
        assert "review status changes requested" in deletion
        assert f"reviewer's comment {comment}" in deletion
        assert "Why: sent back to its author for changes." in history


def test_a_report_sent_back_saved_without_submitting_says_it_stays_sent_back(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """Its form's "Save as draft" said "Draft saved. It is not sent for review yet." while
    the report stayed sent back, not a draft (and so could not be deleted as one). Saved,
    it stays sent back, and the button and the message say so."""
    report = file(reporter)
    review.request_changes(report, reviewer, "Which readout says Dushanbe?")
    client = signed_in(reporter)
    edit = reverse("newsroom:edit", args=[report.pk])
    form = text(client.get(edit))
    button = re.search(r'<button[^>]*id="save-draft">(.*?)</button>', form).group(1)
    assert button == "Save without submitting"
    saved = client.post(
        edit, form_data(action="draft", place="Khujand", seen=version_now(report)), follow=True
    )
    said = html.unescape(text(saved))
    assert "Saved. It stays sent back to you" in said and "Draft saved" not in said
    report.refresh_from_db()
    assert (report.state, report.data["place"]) == (ReportState.CHANGES_REQUESTED, "Khujand")
    # A form sent with no button's action names its buttons as they read.
    refused = client.post(edit, form_data(action="save", seen=version_now(report)))
    assert refused.status_code == 400
    assert "Preview, Save without submitting or Submit for review." in text(refused)
    # A draft's button and message are a draft's.
    client.post(
        reverse("newsroom:new"), form_data(action="draft", start="2025-11-20", end="2025-11-21")
    )
    draft = Report.objects.get(state=ReportState.DRAFT)
    form = text(client.get(reverse("newsroom:edit", args=[draft.pk])))
    assert re.search(r'id="save-draft">Save as draft</button>', form)


def test_a_draft_is_saved_edited_and_submitted(tajikistan_removed, reporter, signed_in):
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    report = Report.objects.get()
    assert report.state == ReportState.DRAFT
    dashboard = text(client.get(reverse("newsroom:dashboard")))
    assert reverse("newsroom:report", args=[report.pk]) in dashboard.split('id="drafts"')[1]
    edit = text(client.get(reverse("newsroom:edit", args=[report.pk])))
    assert (
        'value="Vladimir Vladimirovich Putin"' in edit and "https://example.org/cis-summit" in edit
    )
    seen = re.search(r'name="seen" value="([^"]+)"', edit).group(1)
    client.post(
        reverse("newsroom:edit", args=[report.pk]), form_data(place="Dushanbe;Moscow", seen=seen)
    )
    report.refresh_from_db()
    assert (report.state, report.data["place"]) == ("submitted", "Dushanbe;Moscow")


def test_a_draft_edited_in_two_windows_keeps_the_first_save(
    tajikistan_removed, reporter, signed_in
):
    """An author with the same draft's form open twice: the second window's save does not
    overwrite the first's unseen. It comes back as typed, saying so, and carries the
    report's new version: saved again, it replaces the report knowingly."""
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    report = Report.objects.get()
    url = reverse("newsroom:edit", args=[report.pk])
    first, second = (
        re.search(r'name="seen" value="([^"]+)"', text(client.get(url))).group(1) for _ in range(2)
    )
    client.post(url, {**form_data(action="draft", occasion="CIS summit, Dushanbe"), "seen": first})
    stale = client.post(
        url, {**form_data(action="draft", notes="From the other window."), "seen": second}
    )
    assert "saved again (in another window" in html.unescape(text(stale))
    assert "From the other window." in text(stale)
    report.refresh_from_db()
    assert (report.data["occasion"], report.data.get("notes", "")) == ("CIS summit, Dushanbe", "")
    again = re.search(r'name="seen" value="([^"]+)"', text(stale)).group(1)
    assert again == review.version_of(report) != second
    client.post(url, {**form_data(action="draft", notes="From the other window."), "seen": again})
    report.refresh_from_db()
    assert report.data["notes"] == "From the other window."


def test_a_draft_refused_as_saved_in_another_window_lists_only_that_reason(
    tajikistan_removed, reporter, signed_in
):
    """A draft without a source yet, saved in two windows: the second save is refused
    because of the first, and that is all its summary says; never "At least one source
    is required", which does not hold a draft back and was not why nothing was saved."""
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft", sources=[]))
    report = Report.objects.get()
    url = reverse("newsroom:edit", args=[report.pk])
    first, second = (
        re.search(r'name="seen" value="([^"]+)"', text(client.get(url))).group(1) for _ in range(2)
    )
    client.post(url, {**form_data(action="draft", sources=[]), "seen": first})
    stale = html.unescape(
        text(client.post(url, {**form_data(action="draft", sources=[]), "seen": second}))
    )
    summary = stale.split('id="form-errors"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"<li>", summary) == ["<li>"]
    assert "saved again (in another window" in summary
    assert "source" not in summary.lower()


# --- Review ---------------------------------------------------------------------------


def test_four_eyes_a_reporter_has_no_verify_button_and_cannot_verify(
    tajikistan_removed, both, signed_in
):
    client = signed_in(both)
    client.post(reverse("newsroom:new"), form_data())
    report = Report.objects.get()
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert 'id="verify"' not in page and 'id="four-eyes"' in page
    assert report not in review.review_queue(both)
    for action in ("verify", "reject", "request-changes"):
        response = client.post(reverse(f"newsroom:{action}", args=[report.pk]), {"comment": "mine"})
        assert response.status_code == 403, action
        assert "Nobody may review their own report" in text(response)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not Visit.objects.filter(person__slug="vladimir-putin", host__iso3="TJK").exists()


def test_a_reporter_who_is_not_a_reviewer_cannot_verify_anothers_report(
    tajikistan_removed, reporter, both, signed_in
):
    report = file(both)
    client = signed_in(reporter)
    # Another person's report answers as a missing one does: its number tells nothing.
    assert client.get(reverse("newsroom:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("newsroom:report", args=[report.pk + 999])).status_code == 404
    assert client.post(reverse("newsroom:verify", args=[report.pk])).status_code == 404
    for path in (
        reverse("newsroom:edit", args=[report.pk]),
        f"/newsroom/history/visits.report/{report.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_reviewer_verifies_from_the_queue(tajikistan_removed, reporter, reviewer, signed_in):
    report = file(reporter)
    client = signed_in(reviewer)
    queue = text(client.get(reverse("newsroom:queue")))
    assert reverse("newsroom:report", args=[report.pk]) in queue
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert 'id="verify"' in page and 'data-code="non_compliance"' in page
    assert "https://example.org/putin-dushanbe" in page
    # The form carries the version of the report the page showed.
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    response = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.reviewer) == ("verified", reviewer)
    flagging.evaluate_pending()
    public = client.get(report.visit.get_absolute_url())
    assert public.status_code == 200 and "non-compliance" in text(public)


def test_request_changes_goes_back_to_the_author_and_reject_keeps_it(
    tajikistan_removed, reporter, reviewer, signed_in, client
):
    report = file(reporter)
    client.force_login(reviewer)
    seen = version_now(report)  # the page's forms say which version the reviewer read
    empty = client.post(
        reverse("newsroom:request-changes", args=[report.pk]), {"comment": " ", "seen": seen}
    )
    assert empty.status_code == 400 and "Say why, for the author." in text(empty)
    # Too long: said so, on the report's page, with the reviewer's text given back.
    long = "Add the readout. " * 300
    refused = client.post(
        reverse("newsroom:reject", args=[report.pk]), {"comment": long, "seen": seen}
    )
    page = text(refused)
    assert refused.status_code == 400 and "at most 5000 characters" in page
    assert "Say why, for the author." not in page
    # The box has no `maxlength`, which would cut a long paste in the browser unseen.
    assert '<textarea id="reject-reason" name="comment" rows="3" required' in page
    assert long.strip() in page.split('id="reject-reason"')[1]
    assert long.strip() not in page.split('id="changes-comment"')[1].split("</textarea>")[0]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    client.post(
        reverse("newsroom:request-changes", args=[report.pk]),
        {"comment": "Add the Kremlin's readout.", "seen": seen},
    )
    report.refresh_from_db()
    assert (report.state, report.comment) == ("changes_requested", "Add the Kremlin's readout.")

    client.force_login(reporter)
    dashboard = text(client.get(reverse("newsroom:dashboard")))
    assert "Add the Kremlin&#x27;s readout." in dashboard.split('id="changes-requested"')[1]
    edit = text(client.get(reverse("newsroom:edit", args=[report.pk])))
    assert 'id="reviewer-comment"' in edit
    more = [*SOURCES, {"url": "https://example.org/kremlin-readout", "publisher": "Kremlin"}]
    client.post(
        reverse("newsroom:edit", args=[report.pk]),
        form_data(sources=more, reply="Added the readout.", seen=version_now(report)),
    )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and len(report.citations) == 3

    client.force_login(reviewer)
    client.post(
        reverse("newsroom:reject", args=[report.pk]),
        {"comment": "Not sourced well: no outlet reports it.", "seen": version_now(report)},
    )
    report.refresh_from_db()
    assert (report.state, report.comment) == ("rejected", "Not sourced well: no outlet reports it.")
    assert not Visit.objects.filter(person__slug="vladimir-putin", host__iso3="TJK").exists()


def test_a_rejection_needs_a_reason_as_long_as_a_corrections(
    tajikistan_removed, reporter, reviewer, client
):
    """A rejection is final, and its reason is mailed as the only explanation: "no" was
    accepted. It needs as many characters as a correction's or a withdrawal's reason; the
    reviewer's text comes back in its box, and nothing is closed or mailed."""
    report = file(reporter)
    client.force_login(reviewer)
    seen = version_now(report)
    mail.outbox.clear()
    refused = client.post(
        reverse("newsroom:reject", args=[report.pk]), {"comment": "no", "seen": seen}
    )
    page = html.unescape(text(refused))
    assert refused.status_code == 400
    assert "Say why in at least 20 characters: a rejection is final" in page
    assert re.search(r'<textarea id="reject-reason"[^>]*>no</textarea>', page)
    report.refresh_from_db()
    assert (report.state, report.comment) == (ReportState.SUBMITTED, "")
    assert mail.outbox == []
    with pytest.raises(ValidationError) as short:
        review.reject(report, reviewer, "  Not sourced.  ")
    assert "at least 20 characters" in short.value.message_dict["comment"][0]
    # Sending back is no final word: a short comment still may.
    review.request_changes(report, reviewer, "Why?")
    assert Report.objects.get(pk=report.pk).state == ReportState.CHANGES_REQUESTED


def test_the_form_names_and_sorts_the_states_in_the_staffs_language(seeded, reporter, signed_in):
    client = signed_in(reporter)
    client.cookies["django_language"] = "fr"
    page = text(client.get(reverse("newsroom:new")))
    host = page.split('id="id_host"')[1].split("</select>")[0]
    names = re.findall(r'<option value="[A-Z]{3}"[^>]*>([^<]+)</option>', host)
    assert names.index("Afrique du Sud") < names.index("Albanie") < names.index("Allemagne")
    assert "Germany" not in names and html.unescape(names[0]) == "Afghanistan"
    occupier = page.split('id="id_controlled_by"')[1].split("</select>")[0]
    assert ">Allemagne</option>" in occupier


def test_the_french_forms_words_agree(tajikistan_removed, reporter, reviewer, signed_in):
    """The status's help quotes the option as the list words it (« annoncé », not
    « annoncée »), and the answer to the reviewer is « obligatoire », which agrees with
    « Votre réponse » as with the correction's reason, not « requis »."""
    client = signed_in(reporter)
    client.cookies["django_language"] = "fr"
    page = html.unescape(text(client.get(reverse("newsroom:new"))))
    option = re.search(r'<option value="announced"[^>]*>([^<]+)</option>', page).group(1)
    help_ = page.split('id="id_status-help"', 1)[1].split("</", 1)[0]
    assert f"«\u00a0{option}\u00a0»" in help_, (option, help_)
    report = file(reporter)
    review.request_changes(report, reviewer, "Which readout says Dushanbe?")
    form = html.unescape(text(client.get(reverse("newsroom:edit", args=[report.pk]))))
    label = form.split('<label for="id_reply">', 1)[1].split("</label>", 1)[0]
    assert label == "Votre réponse au relecteur <small>(obligatoire pour l’envoi)</small>"


def test_two_proposals_on_one_visit_are_told_of_each_other_before_either_is_verified(
    seeded, reporter, reviewer, signed_in
):
    """The newsroom refused the second correction only when a reviewer pressed Verify; now
    its author sees the first before filing, the reviewer sees both, and once one is
    verified the other's page says it no longer applies."""
    colleague = account("carla", roles.REPORTERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    first = correction_of(visit, colleague, end="2024-09-04")
    form = text(signed_in(reporter).get(reverse("newsroom:correct", args=[MONGOLIA])))
    notice = form.split('id="open-proposals"')[1].split("</div>")[0]
    assert f"report {first.pk}, a correction by carla, awaiting review" in notice
    assert reverse("newsroom:report", args=[first.pk]) not in notice  # not theirs to open
    second = correction_of(visit, reporter, place="Ulaanbaatar, Chinggis Square")
    page = text(signed_in(reviewer).get(reverse("newsroom:report", args=[second.pk])))
    assert reverse("newsroom:report", args=[first.pk]) in page.split('id="open-proposals"')[1]
    assert 'id="stale"' not in page
    review.verify(first, reviewer)
    page = text(signed_in(reviewer).get(reverse("newsroom:report", args=[second.pk])))
    assert 'id="stale"' in page and "The visit changed after this proposal was begun." in page
    assert 'id="open-proposals"' not in page
    with pytest.raises(ValidationError):
        review.verify(second, reviewer)


def test_a_correction_that_went_out_of_date_tells_each_reader_what_is_theirs_to_do(
    seeded, reporter, reviewer, signed_in
):
    """Two corrections of one visit by its reporter, the first verified: the reviewer is
    told to send the second back; its author, who cannot, to take it back from review and
    edit it (sent back, to edit it), in French too."""
    visit = Visit.objects.get(slug=MONGOLIA)
    first = correction_of(visit, reporter, end="2024-09-04")
    second = correction_of(visit, reporter, place="Ulaanbaatar, Chinggis Square")
    review.verify(first, reviewer)
    url = reverse("newsroom:report", args=[second.pk])

    def stale(user, language="en"):
        client = signed_in(user)
        client.cookies["django_language"] = language
        page = html.unescape(text(client.get(url)))
        return page.split('id="stale"', 1)[1].split("</div>", 1)[0]

    assert "Send it back: its author" in stale(reviewer)
    said = stale(reporter)
    assert "Take it back from review and edit it: your edit starts from the visit" in said
    assert "Send it back" not in said
    french = stale(reporter, "fr")
    assert "Retirez-la de la relecture et modifiez-la" in french and "Renvoyez-la" not in french
    review.request_changes(second, reviewer, "The visit changed: start again from it.")
    said = stale(reporter)
    assert "Edit it: your edit starts from the visit" in said and "Take it back" not in said


def test_a_correction_whose_visit_was_withdrawn_meanwhile_is_told_apart_from_a_changed_one(
    seeded, reporter, reviewer, signed_in
):
    """Correction 7 and withdrawal 8 of one visit; 8 verified, 7 could not be, but its
    page and the queue said "the visit changed: send it back, its author's edit starts
    from the visit as it now stands". Sent back, its author's form still said the page
    stays until verified, and submitting it was refused after the edit was saved: an
    edit replacing the occasion she proposed with the visit's old one."""
    visit = Visit.objects.get(slug=MONGOLIA)
    waiting = correction_of(visit, reporter, occasion="Naadam festival, state visit")
    sent_back = correction_of(visit, reporter, place="Ulaanbaatar, Chinggis Square")
    review.request_changes(sent_back, reviewer, "Which square? Cite the readout.")
    withdrawal = review.propose_withdrawal(
        author=reporter, visit=visit, note="The trip never took place, two outlets say."
    )
    review.verify(withdrawal, reviewer)
    day = review.withdrawn_on(Visit.objects.get(pk=visit.pk))

    checker = signed_in(reviewer)
    page = html.unescape(text(checker.get(reverse("newsroom:report", args=[waiting.pk]))))
    box = page.split('id="visit-withdrawn"', 1)[1].split("</div>", 1)[0]
    assert f"withdrawn from the record on {format_date(day)}" in box
    assert "reject this correction, or propose the visit's restoration first" in box
    assert 'id="stale"' not in page and "Send it back" not in page
    assert 'id="request-changes"' not in page and 'id="reject"' in page
    queue = html.unescape(text(checker.get(reverse("newsroom:queue"))))
    row = queue.split(f'href="/newsroom/reports/{waiting.pk}/"', 1)[1].split("</li>", 1)[0]
    assert "reject this correction, or propose the visit's restoration first" in row
    assert "send it back" not in row
    for refused in (
        lambda: review.verify(waiting, reviewer),
        lambda: review.request_changes(waiting, reviewer, "Start again from the visit."),
    ):
        with pytest.raises(ValidationError, match="withdrawn from the record on"):
            refused()

    # Its author: told to delete it or propose a restoration; no edit saves anything.
    author = signed_in(reporter)
    mine = html.unescape(text(author.get(reverse("newsroom:report", args=[sent_back.pk]))))
    assert "delete this one, or propose the visit's restoration first" in mine
    assert reverse("newsroom:edit", args=[sent_back.pk]) not in mine
    assert 'id="delete-report"' in mine
    before = review.version_of(Report.objects.get(pk=sent_back.pk))
    edit = reverse("newsroom:edit", args=[sent_back.pk])
    opened = author.get(edit)
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "newsroom:report", args=[sent_back.pk]
    )
    posted = author.post(
        edit,
        form_data(
            place="Ulaanbaatar, Sükhbaatar Square",
            reply="The readout names it.",
            reason="The readout names Sükhbaatar Square.",
            seen=before,
        ),
    )
    assert posted.status_code == 302
    answered_page = html.unescape(text(author.get(posted["Location"])))
    assert "withdrawn from the record on" in answered_page
    stored = Report.objects.get(pk=sent_back.pk)
    assert review.version_of(stored) == before
    assert stored.data["place"] == "Ulaanbaatar, Chinggis Square"
    assert stored.state == ReportState.CHANGES_REQUESTED
    submitted = author.post(reverse("newsroom:submit", args=[sent_back.pk]))
    assert submitted.status_code == 302
    assert Report.objects.get(pk=sent_back.pk).state == ReportState.CHANGES_REQUESTED
    with pytest.raises(ValidationError, match="withdrawn from the record on"):
        review.submit(stored, reporter)


def test_an_authors_submitted_correction_of_a_withdrawn_visit_says_take_it_back_first(
    seeded, reporter, reviewer, signed_in
):
    """Her own correction, still awaiting review, of a visit withdrawn since: her list and
    its page said "Delete it", but a report under review cannot be deleted (no delete
    button on its page): she takes it back from review first."""
    visit = Visit.objects.get(slug=MONGOLIA)
    waiting = correction_of(visit, reporter, occasion="Naadam festival, state visit")
    withdrawal = review.propose_withdrawal(
        author=reporter, visit=visit, note="The trip never took place, two outlets say."
    )
    review.verify(withdrawal, reviewer)

    author = signed_in(reporter)
    dashboard = html.unescape(text(author.get(reverse("newsroom:dashboard"))))
    row = dashboard.split(f'href="/newsroom/reports/{waiting.pk}/"', 1)[1].split("</li>", 1)[0]
    assert "Take it back from review, then delete it, or propose the visit's restoration" in row
    assert "Delete it," not in row
    page = html.unescape(text(author.get(reverse("newsroom:report", args=[waiting.pk]))))
    box = page.split('id="visit-withdrawn"', 1)[1].split("</div>", 1)[0]
    assert "take it back from review, then delete it, or propose the visit's restoration" in box
    assert "delete this one" not in box
    assert 'id="take-back"' in page and 'id="delete-report"' not in page
    author.cookies["django_language"] = "fr"
    french = html.unescape(text(author.get(reverse("newsroom:dashboard"))))
    assert "Retirez-la de la relecture, puis supprimez-la" in french
    author.cookies["django_language"] = "en"
    # Taken back, it is hers to delete, as the advice says.
    author.post(reverse("newsroom:take-back", args=[waiting.pk]))
    page = html.unescape(text(author.get(reverse("newsroom:report", args=[waiting.pk]))))
    assert 'id="delete-report"' in page or 'id="delete-draft"' in page


def test_an_out_of_date_proposals_verify_button_is_disabled_saying_why(
    seeded, reporter, reviewer, signed_in
):
    """Measured defect: the page of a correction out of date said "it cannot be verified
    as it is" above an active "Verify and publish" (pressed, it was refused). The button
    is disabled, and says why (aria-describedby); a withdrawal's alike. verify still
    refuses it, whoever asks."""
    colleague = account("carla", roles.REPORTERS)
    other = account("otto", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    correction = correction_of(visit, reporter, place="Ulaanbaatar, Chinggis Square")
    withdrawal = review.propose_withdrawal(author=reporter, visit=visit, note=ANOTHER_REASON)
    client = signed_in(reviewer)

    def button(report):
        page = html.unescape(text(client.get(reverse("newsroom:report", args=[report.pk]))))
        tag = re.search(r'<button type="submit" id="verify"[^>]*>', page).group(0)
        return page, tag

    page, tag = button(correction)
    assert "disabled" not in tag and 'id="verify-stale"' not in page
    review.verify(correction_of(visit, colleague, end="2024-09-04"), other)
    page, tag = button(correction)
    assert " disabled" in tag and 'aria-describedby="verify-stale"' in tag
    why = page.split('id="verify-stale">')[1].split("</p>")[0]
    assert "Verify is unavailable: the visit changed after this correction was begun" in why
    assert "Send it back or reject it." in why
    page, tag = button(withdrawal)
    assert " disabled" in tag and 'aria-describedby="verify-stale"' in tag
    why = page.split('id="verify-stale">')[1].split("</p>")[0]
    assert "after this withdrawal was proposed" in why and "Reject it." in why
    with pytest.raises(ValidationError):
        review.verify(correction, reviewer)


def test_the_queue_says_which_corrections_can_no_longer_be_verified(
    seeded, reporter, reviewer, signed_in
):
    """A correction begun before its visit changed is refused by verify; its row in the
    queue (and on the dashboard) says so before the reviewer opens it, one query for the
    whole page however many rows say it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    colleague = account("carla", roles.REPORTERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    first = correction_of(visit, colleague, end="2024-09-04")
    second = correction_of(visit, reporter, place="Ulaanbaatar, Chinggis Square")
    client = signed_in(reviewer)

    def row_of(page, report):
        link = f'href="/newsroom/reports/{report.pk}/"'
        return page.split(link)[1].split("</li>")[0]

    note = "Out of date: the visit changed since this correction was begun"
    page = text(client.get(reverse("newsroom:queue")))
    assert note not in page
    review.verify(first, reviewer)
    assert review.is_stale(Report.objects.get(pk=second.pk))
    with CaptureQueriesContext(connection) as one:
        page = text(client.get(reverse("newsroom:queue")))
    assert note in row_of(page, second)
    assert note in row_of(text(client.get(reverse("newsroom:dashboard"))), second)

    third = correction_of(
        Visit.objects.get(slug=MONGOLIA), colleague, place="Ulaanbaatar, Government Palace"
    )
    Visit.objects.filter(pk=visit.pk).update(updated_at=timezone.now())
    with CaptureQueriesContext(connection) as two:
        page = text(client.get(reverse("newsroom:queue")))
    assert note in row_of(page, second) and note in row_of(page, third)
    extra = [q["sql"] for q in two.captured_queries[len(one.captured_queries) :]]
    assert len(two.captured_queries) == len(one.captured_queries), extra
    # Sent back by this reviewer, it is marked out of date in "Sent back by you" too.
    review.request_changes(Report.objects.get(pk=third.pk), reviewer, "Which source?")
    dashboard = text(client.get(reverse("newsroom:dashboard")))
    sent_back = dashboard.split('id="sent-back"')[1].split("</ul>")[0]
    assert note in row_of(sent_back, third)


def test_a_report_sent_back_then_out_of_date_is_said_to_be_its_authors_to_bring_up_to_date(
    seeded, reporter, reviewer, signed_in
):
    """Measured defect: a correction the reviewer had sent back, out of date since, was
    listed under "Sent back by you, waiting for the author" with "send it back or reject
    it", which the reviewer can do to neither (it is with its author). Each state says
    what is to be done with it; one awaiting review keeps its words."""
    colleague = account("carla", roles.REPORTERS)
    other = account("otto", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    sent_back = correction_of(visit, reporter, place="Ulaanbaatar, Chinggis Square")
    withdrawal = review.propose_withdrawal(author=reporter, visit=visit, note=ANOTHER_REASON)
    queued = correction_of(visit, colleague, place="Ulaanbaatar, Government Palace")
    review.request_changes(sent_back, reviewer, "Which source?")
    review.request_changes(withdrawal, reviewer, "Which source says so?")
    review.verify(correction_of(visit, colleague, end="2024-09-04"), other)
    dashboard = html.unescape(text(signed_in(reviewer).get(reverse("newsroom:dashboard"))))

    def row_of(section, report):
        listed = dashboard.split(f'id="{section}"')[1].split("</ul>")[0]
        return listed.split(f'href="/newsroom/reports/{report.pk}/"')[1].split("</li>")[0]

    said = row_of("sent-back", sent_back)
    assert "Out of date: the visit changed since this correction was begun" in said
    assert "it is its author's to bring up to date" in said and "reject" not in said
    said = row_of("sent-back", withdrawal)
    assert "Out of date: the visit changed since this withdrawal was proposed" in said
    assert "its author drops it" in said and "send it back" not in said
    said = row_of("queue", queued)
    assert "send it back or reject it" in said


@pytest.mark.django_db(transaction=True)
def test_a_correction_saved_without_a_reason_is_not_submitted_until_it_has_one(
    seeded, reporter, reviewer, signed_in
):
    visit = Visit.objects.get(slug=MONGOLIA)
    draft = correction_of(visit, reporter, end="2024-09-04", submit=False)
    client = signed_in(reporter)
    answer = client.post(reverse("newsroom:submit", args=[draft.pk]))
    assert answer["Location"] == reverse("newsroom:edit", args=[draft.pk])
    assert Report.objects.get(pk=draft.pk).state == ReportState.DRAFT
    review.update_report(
        draft,
        reporter,
        data=draft.data,
        citations=draft.citations,
        reason="A new readout of the summit.",
    )
    client.post(reverse("newsroom:submit", args=[draft.pk]))
    assert Report.objects.get(pk=draft.pk).state == ReportState.SUBMITTED
    # Sent back over its reason, a correction whose reason alone changed says so.
    review.request_changes(draft, reviewer, "Which readout?")
    review.update_report(
        draft,
        reporter,
        data=draft.data,
        citations=draft.citations,
        reason="The Kremlin's own readout.",
    )
    page = text(signed_in(reviewer).get(reverse("newsroom:report", args=[draft.pk])))
    section = page.split('id="since-sent-back"')[1].split("</section>")[0]
    assert "The reason for the correction" in section
    assert "The Kremlin&#x27;s own readout." in section


# A correction's reason too short for the visit's readers, and what the newsroom says of
# it: the withdrawal's words (visits.review.WITHDRAWAL_NOTE_MIN), in the staff's language.
SHORT_REASON = "Typo."
SAID_OF_A_SHORT_REASON = {
    "en": "Say why in at least 20 characters: the visit's page shows it to every reader.",
    "fr": "Dites pourquoi en 20 caractères au moins\u00a0: la page de la visite le montre "
    "à tous ses lecteurs.",
}


def reason_box(page: str) -> str:
    """What the correction form's reason box holds."""
    return re.search(r'<textarea[^>]*name="reason"[^>]*>(.*?)</textarea>', page, re.S)[1].strip()


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("action", ["submit", "draft"])
def test_a_corrections_reason_too_short_for_its_readers_comes_back_beside_its_box(
    seeded, reporter, signed_in, language, action
):
    """A correction's reason of a word ("Typo.") tells the visit's readers nothing, as a
    withdrawal's would not: submitted or saved as a draft, the form comes back with the
    error beside the reason's box, in the staff's language, the reason kept in it, and
    nothing is filed."""
    visit = Visit.objects.get(slug=MONGOLIA)
    client = signed_in(reporter)
    client.cookies["django_language"] = language
    page = text(client.get(reverse("newsroom:correct", args=[visit.slug])))
    refused = client.post(
        reverse("newsroom:correct", args=[visit.slug]),
        {
            **khalkhin_gol(visit),
            "action": action,
            "based_on": based_on_of(page),
            "reason": SHORT_REASON,
        },
    )
    assert refused.status_code == 200 and not Report.objects.exists()
    shown = html.unescape(text(refused))
    error = shown.split('id="id_reason-error">')[1].split("</p>")[0]
    assert error == SAID_OF_A_SHORT_REASON[language]
    assert reason_box(shown) == SHORT_REASON


@pytest.mark.parametrize(
    ("language", "send_it_back"),
    [
        (
            "en",
            "This correction cannot be verified: its reason is not one the visit's page may "
            "show (its author is told: “Say why in at least 20 characters",
        ),
        (
            "fr",
            "Cette correction ne peut pas être vérifiée\u00a0: sa raison n’est pas de celles "
            "que la page de la visite peut montrer (son auteur lit\u00a0: «\u00a0Dites pourquoi",
        ),
    ],
)
def test_a_correction_filed_before_its_reasons_minimum_is_neither_verified_nor_submitted(
    seeded, reporter, reviewer, signed_in, language, send_it_back
):
    """A correction whose reason is shorter than the minimum (filed before the minimum
    existed): the reviewer who verifies it is told why and to send it back; its author who
    submits it again is sent to its edit form, told why, in the staff's language; nothing
    is published or submitted."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = correction_of(visit, reporter, end="2024-09-04")
    Report.objects.filter(pk=report.pk).update(reason=SHORT_REASON)  # an old row
    client = signed_in(reviewer)
    client.cookies["django_language"] = language
    verify = reverse("newsroom:verify", args=[report.pk])
    answer = client.post(verify, {"seen": version_now(report)}, follow=True)
    shown = html.unescape(text(answer))
    assert send_it_back in shown and SAID_OF_A_SHORT_REASON[language] in shown
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-03"
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED

    review.take_back(report, reporter)
    client = signed_in(reporter)
    refused = client.post(reverse("newsroom:submit", args=[report.pk]), follow=True)
    assert refused.redirect_chain == [(reverse("newsroom:edit", args=[report.pk]), 302)]
    shown = html.unescape(text(refused))
    assert SAID_OF_A_SHORT_REASON[language] in shown
    assert reason_box(shown) == SHORT_REASON  # in the box that rewords it
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_an_author_edits_a_draft_outside_any_transaction_of_the_caller(transactional_db):
    """As a request does (no ATOMIC_REQUESTS): the edit locks the report in a transaction
    of its own. It once lost its decorator and every newsroom edit was a 500, which tests
    inside a transaction could not see."""
    from django.db import connection

    author = account("rita", roles.REPORTERS)
    assert not connection.in_atomic_block  # as in a request
    report = review.file_report(author=author, data=REPORT_DATA, citations=[], submit=False)
    edited = review.update_report(
        report, author, data={**REPORT_DATA, "place": "Khujand"}, citations=CITATIONS
    )
    assert Report.objects.get(pk=edited.pk).data["place"] == "Khujand"


def test_a_report_sent_back_shows_what_changed_since(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """The reviewer reads what the author did about the request, not the whole report
    again: each field changed since it was sent back, then the sources added, dropped or
    revised. Not before it was ever sent back, nor once its review is over."""
    report = file(reporter)
    page_of = reverse("newsroom:report", args=[report.pk])

    def seen_by(user) -> str:
        return text(signed_in(user).get(page_of))

    assert 'id="since-sent-back"' not in seen_by(reviewer)
    review.request_changes(report, reviewer, "The summit was in Dushanbe? Add the readout.")

    page = seen_by(reporter)
    assert 'id="since-sent-back"' in page and 'id="nothing-since"' in page

    citations = [
        {**CITATIONS[0], "excerpt": "Putin arrived in Dushanbe on 8 October."},
        {"url": "https://example.org/kremlin-readout", "publisher": "Kremlin"},
    ]
    review.update_report(
        report,
        reporter,
        data={**REPORT_DATA, "place": "Dushanbe, Palace of Nations", "end": "2025-10-09"},
        citations=citations,
        reply="The readout says the Palace of Nations.",
    )
    review.submit(report, reporter)
    page = seen_by(reviewer)
    section = page.split('id="since-sent-back"')[1].split("</section>")[0]
    assert 'id="nothing-since"' not in section
    rows = changed_rows(section)
    assert rows == [
        ("The end date", "10 October 2025", "9 October 2025"),
        ("The place", "Dushanbe", "Dushanbe, Palace of Nations"),
    ]

    def listed(key):
        return re.findall(r'<li class="url">(.*?)</li>', section.split(key)[1].split("</ul>")[0])

    assert listed('id="since-sources-added"') == ["https://example.org/kremlin-readout"]
    assert listed('id="since-sources-removed"') == [SOURCES[1]["url"]]
    changed = section.split('id="since-sources-changed"')[1].split("</ul></li></ul>")[0]
    assert f'<span class="url">{SOURCES[0]["url"]}</span>' in changed
    assert re.findall(r"<li>([^<]*?): <del>(.*?)</del> → <ins>(.*?)</ins></li>", changed) == [
        ("Excerpt", "none", "Putin arrived in Dushanbe on 8 October.")
    ]

    # Sent back a second time: compared with the report as it was then, not the first time.
    review.request_changes(report, reviewer, "Better. Only the date now.")
    review.update_report(
        report,
        reporter,
        data={**REPORT_DATA, "place": "Dushanbe, Palace of Nations", "end": "2025-10-10"},
        citations=citations,
    )
    section = seen_by(reporter).split('id="since-sent-back"')[1].split("</section>")[0]
    rows = changed_rows(section)
    assert rows == [("The end date", "9 October 2025", "10 October 2025")]
    assert "since-sources" not in section

    # Submitted again without a change: the reviewer is told so.
    review.submit(answered(report, reporter), reporter)
    review.request_changes(report, reviewer, "One more look at the date, please.")
    review.submit(answered(report, reporter, "The date holds."), reporter)
    nothing = seen_by(reviewer).split('id="since-sent-back"')[1].split("</section>")[0]
    assert "Submitted again unchanged" in nothing

    review.verify(report, reviewer)
    assert 'id="since-sent-back"' not in seen_by(reviewer)


def test_the_page_of_a_report_sent_back_reads_a_bounded_number_of_queries(
    tajikistan_removed, reporter, reviewer, signed_in, django_assert_num_queries
):
    """What changed since the report was sent back costs one query, for its history's row,
    however many sources changed (naming a changed person or state reads one more each)."""
    report = file(reporter)
    review.request_changes(report, reviewer, "Check the sources.")
    many = [{"url": f"https://example.org/{n}", "publisher": f"P{n}"} for n in range(12)]
    review.update_report(report, reporter, data=REPORT_DATA, citations=many, reply="Sources.")
    review.submit(report, reporter)
    client = signed_in(reviewer)
    url = reverse("newsroom:report", args=[report.pk])
    client.get(url)  # the session and the places' cache, as on any later read
    with django_assert_num_queries(QUERIES_OF_A_REPORT_PAGE + 1):
        page = text(client.get(url))
    assert page.count('<li class="url">https://example.org/') == 12 + 2  # added, dropped
    # A report submitted once reads as many: the one query finds no earlier submission.
    Report.objects.filter(pk=report.pk).delete()
    once = file(reporter)
    url = reverse("newsroom:report", args=[once.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_OF_A_REPORT_PAGE + 1):
        assert 'id="since-sent-back"' not in text(client.get(url))


def test_a_report_taken_back_and_submitted_again_shows_its_reviewer_what_changed(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """A reviewer who opened a report is refused at Verify once its author took it back,
    changed it and submitted it again ("changed after you opened it"): the page now says
    what changed, field by field, as for a report sent back."""
    report = file(reporter)
    client = signed_in(reviewer)
    url = reverse("newsroom:report", args=[report.pk])
    seen = re.search(r'name="seen" value="([^"]+)"', text(client.get(url))).group(1)
    review.take_back(report, reporter)
    review.update_report(
        report, reporter, data={**REPORT_DATA, "outcome": "arrested"}, citations=CITATIONS
    )
    review.submit(report, reporter)
    refused = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen})
    page = html.unescape(text(client.get(refused["Location"])))
    section = page.split('id="since-sent-back"')[1].split("</section>")[0]
    assert "What changed since it was submitted before" in section
    assert "took it back and submitted it again" in section
    row = re.sub(r"<[^>]+>", " ", section.split('id="since-fields"')[1].split("</table>")[0])
    assert re.search(r"When submitted before\s+Now", row), row
    assert re.search(r"outcome\s+not arrested\s+arrested", row), row


def test_a_withdrawal_sent_back_shows_its_reworded_reason(seeded, reporter, reviewer, signed_in):
    report = review.propose_withdrawal(
        author=reporter, visit=Visit.objects.get(slug=MONGOLIA), note="First reason, given."
    )
    review.request_changes(report, reviewer, "Name the source that contradicts it.")
    review.update_withdrawal(report, reporter, note="Second reason, with its source.")
    page = text(signed_in(reporter).get(reverse("newsroom:report", args=[report.pk])))
    section = page.split('id="since-sent-back"')[1].split("</section>")[0]
    assert changed_rows(section) == [
        ("The reason for withdrawing it", "First reason, given.", "Second reason, with its source.")
    ]


def test_a_report_a_colleague_already_filed_says_who_and_never_leads_to_a_closed_page(
    tajikistan_removed, reporter, reviewer, both, signed_in
):
    """An identical open report from someone else is not filed twice: a reporter is told who
    filed it and where it stands (its page is not theirs to open), a reviewer is shown it,
    and the author of both is shown their own."""
    colleague = account("carla", roles.REPORTERS)
    theirs = signed_in(colleague).post(reverse("newsroom:new"), form_data())
    filed = Report.objects.get()
    assert theirs["Location"] == reverse("newsroom:report", args=[filed.pk])

    # Warned that a colleague's report of the trip awaits review, they file theirs anyway.
    client = signed_in(reporter)
    warned = client.post(reverse("newsroom:new"), form_data())
    assert warned.status_code == 200 and Report.objects.count() == 1
    answer = client.post(reverse("newsroom:new"), form_data(not_duplicate="1"))
    assert answer["Location"] == reverse("newsroom:dashboard")
    page = text(client.get(answer["Location"]))
    assert (
        f"carla already filed the same report (report {filed.pk}, awaiting review); yours was "
        "not filed twice. A reviewer reads theirs."
    ) in html.unescape(page)
    assert Report.objects.count() == 1

    client = signed_in(both)
    answer = client.post(reverse("newsroom:new"), form_data(not_duplicate="1"))
    assert answer["Location"] == reverse("newsroom:report", args=[filed.pk])
    page = html.unescape(text(client.get(answer["Location"])))
    assert "carla already filed the same report (awaiting review): here it is" in page

    client = signed_in(colleague)
    answer = client.post(reverse("newsroom:new"), form_data(not_duplicate="1"))
    assert answer["Location"] == reverse("newsroom:report", args=[filed.pk])
    assert "You already filed this report: here it is." in text(client.get(answer["Location"]))
    assert Report.objects.count() == 1


def test_a_withdrawal_a_colleague_proposed_is_named_not_linked(seeded, reporter, signed_in):
    colleague = account("carla", roles.REPORTERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    theirs = review.propose_withdrawal(author=colleague, visit=visit, note="Not sourced anywhere.")
    client = signed_in(reporter)
    again = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": ANOTHER_REASON}
    )
    page = text(client.get(again["Location"]))
    assert f"already open (awaiting review): report {theirs.pk}, by carla." in page
    assert reverse("newsroom:report", args=[theirs.pk]) not in page


def test_a_colleagues_withdrawal_taken_back_to_a_draft_blocks_nothing(seeded, reporter, signed_in):
    """A withdrawal its author took back is their draft: another reporter's withdrawal of
    the visit is filed, and the draft is not named to them; their own draft is."""
    colleague = account("carla", roles.REPORTERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    theirs = review.propose_withdrawal(author=colleague, visit=visit, note="Not sourced anywhere.")
    review.take_back(theirs, colleague)
    client = signed_in(reporter)
    filed = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": ANOTHER_REASON}
    )
    mine = Report.objects.exclude(pk=theirs.pk).get(visit=visit, author=reporter)
    assert filed["Location"] == reverse("newsroom:report", args=[mine.pk])
    assert "carla" not in text(client.get(filed["Location"]))
    # The colleague's draft may not be submitted while another is under review.
    with pytest.raises(review.DuplicateReport):
        review.submit(theirs, colleague)
    review.take_back(mine, reporter)
    again = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]),
        {"withdrawal_note": "Yet another reason for it."},
    )
    page = text(client.get(again["Location"]))
    assert f'already open (draft): <a href="/newsroom/reports/{mine.pk}/">' in page


# --- Corrections ----------------------------------------------------------------------


def test_a_correction_shows_its_differences_then_on_the_public_page(
    seeded, reporter, reviewer, client
):
    visit = Visit.objects.get(slug=MONGOLIA)
    client.force_login(reporter)
    public = text(client.get(visit.get_absolute_url()))
    assert 'id="suggest-correction"' in public
    form = text(client.get(reverse("newsroom:correct", args=[MONGOLIA])))
    assert 'value="2024-09-03"' in form and 'value="Vladimir Vladimirovich Putin"' in form
    based_on = based_on_of(form)
    citations = review.citations_of(visit)
    sources = [{k: v or "" for k, v in c.items()} for c in citations]
    data = form_data(
        person="vladimir-putin",
        host="MNG",
        place=visit.place,
        start="2024-09-02",
        end="2024-09-04",
        occasion=visit.occasion,
        notes=visit.notes,
        host_justification=visit.host_justification,
        sources=sources,
        based_on=based_on,
    )
    # A correction says why: without a reason it is refused, next to the box.
    refused = client.post(reverse("newsroom:correct", args=[MONGOLIA]), data)
    assert refused.status_code == 200 and 'id="id_reason-error"' in text(refused)
    assert "Say why the visit should change" in text(refused)
    data["reason"] = "The Kremlin's readout has him leave on 4 September."
    response = client.post(reverse("newsroom:correct", args=[MONGOLIA]), data)
    assert response.status_code == 302, text(response)[:3000]
    report = Report.objects.get()
    assert report.is_correction and report.visit == visit

    client.force_login(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    differences = page.split('id="differences"')[1].split("</table>")[0]
    assert "The end date" in differences
    assert "3 September 2024" in differences and "4 September 2024" in differences
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-03"
    assert 'id="corrections"' not in text(client.get(visit.get_absolute_url()))

    client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": review.version_of(report)})
    client.logout()
    public = text(client.get(visit.get_absolute_url()))
    corrections = public.split('id="corrections"')[1].split("</ul>")[0]
    assert "Corrected on" in corrections
    assert "the end date changed from 3 September 2024 to 4 September 2024" in corrections
    assert (
        '<span class="why">Why: <q>The Kremlin&#x27;s readout has him leave on 4 September.</q>'
        in corrections
    )
    assert 'id="suggest-correction"' not in public  # readers get no link
    # In French, one colon, after the date: « la date de fin : A devient B » read two.
    french = text(client.get(f"/fr{visit.get_absolute_url()}"))
    line = french.split('id="corrections"')[1].split("</li>")[0]
    assert "la date de fin passe de «\u00a03 septembre 2024\u00a0» à «\u00a04 septembre" in line, (
        line
    )
    assert line.split('<span class="why">')[0].count(":") == 1, line
    assert '<span class="why">Motif\u00a0: <q>The Kremlin' in line


# --- French ---------------------------------------------------------------------------


def test_the_newsroom_speaks_french(tajikistan_removed, reporter, signed_in):
    client = signed_in(reporter)
    client.cookies["django_language"] = "fr"
    dashboard = text(client.get(reverse("newsroom:dashboard")))
    assert '<html lang="fr">' in dashboard
    assert "Mes brouillons" in dashboard and "Signaler une visite" in dashboard
    form = client.post(reverse("newsroom:new"), form_data(action="preview"))
    html = text(form)
    assert "Aperçu\u00a0: ce que dirait la règle" in html
    assert "non-coopération" in html
    assert "Tadjikistan" in html
    errors = text(client.post(reverse("newsroom:new"), form_data(start="2025-13", end="")))
    assert "Veuillez corriger" in errors
    client.logout()
    client.cookies["django_language"] = "fr"
    sign_in = text(client.get(reverse("newsroom:sign-in")))
    assert "Connexion à la rédaction" in sign_in and "Mot de passe oublié\u202f?" in sign_in


# --- Accessibility ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["dashboard", "new", "report", "correct", "sign-in"])
def test_each_page_has_one_h1_and_every_control_a_label(tajikistan_removed, reporter, client, page):
    from tests.site.conftest import outline

    report = file(reporter)
    if page != "sign-in":
        client.force_login(reporter)
    url = reverse("newsroom:sign-in") if page == "sign-in" else url_of(page, report)
    tags = outline(text(client.get(url)))
    assert [t for t, _ in tags].count("h1") == 1
    labelled = {a.get("for") for t, a in tags if t == "label"}
    for tag, attrs in tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
            "search",
        ):
            assert attrs.get("id") in labelled or attrs.get("aria-label"), (page, attrs)


def test_the_dashboard_links_to_alert_subscriptions(seeded, reporter, signed_in):
    html = text(signed_in(reporter).get("/newsroom/"))
    assert 'href="/newsroom/alerts/" id="alerts-link"' in html


def test_a_long_review_queue_is_paginated_and_the_dashboard_shows_its_head(
    tajikistan_removed, reporter, reviewer, signed_in
):
    from newsroom.views import DASHBOARD_LIMIT, QUEUE_PAGE_SIZE

    reports = [
        file(reporter, start=f"2025-10-{day:02d}", end=f"2025-10-{day:02d}") for day in range(1, 29)
    ]
    reports += [
        file(reporter, start=f"2025-11-{day:02d}", end=f"2025-11-{day:02d}") for day in range(1, 29)
    ]
    total = len(reports)
    assert total > QUEUE_PAGE_SIZE > DASHBOARD_LIMIT
    client = signed_in(reviewer)

    def links(html):
        return re.findall(r'href="/newsroom/reports/(\d+)/"', html)

    first = text(client.get(reverse("newsroom:queue")))
    second = text(client.get(reverse("newsroom:queue") + "?page=2"))
    assert f"{total} reports awaiting review." in first
    assert len(links(first)) == QUEUE_PAGE_SIZE and 'rel="next"' in first
    # Oldest first, every report once across the two pages.
    assert [int(pk) for pk in links(first) + links(second)] == [r.pk for r in reports]
    dashboard = text(client.get(reverse("newsroom:dashboard")))
    assert len(re.findall(r'<ul class="report-list" id="queue">(.*?)</ul>', dashboard, re.S)) == 1
    queue_list = re.search(r'<ul class="report-list" id="queue">(.*?)</ul>', dashboard, re.S)
    assert len(links(queue_list.group(1))) == DASHBOARD_LIMIT
    assert f"The whole queue: {total} reports" in dashboard


def test_the_dashboard_keeps_what_a_reviewer_sent_back_in_sight(
    tajikistan_removed, reporter, reviewer, signed_in, monkeypatch
):
    """Sent back, a report leaves the queue: the reviewer's dashboard lists it while its
    author works on it, then once answered and submitted again; never another reviewer's,
    nor one reviewed for good. The lists are bounded, with their count."""
    from newsroom import views

    other = account("olga", roles.REVIEWERS)
    waiting = file(reporter)
    review.request_changes(waiting, reviewer, "Which source names the summit?")
    back = file(reporter, start="2025-10-20", end="2025-10-20")
    review.request_changes(back, reviewer, "Add the summit's date.")
    review.submit(answered(back, reporter), reporter)
    theirs = file(reporter, start="2025-10-22", end="2025-10-22")
    review.request_changes(theirs, other, "Not mine to track.")
    closed = file(reporter, start="2025-10-24", end="2025-10-24")
    review.reject(closed, reviewer, "Not a visit: it was cancelled.")

    def listed(html, list_id):
        found = re.search(rf'<ul class="report-list" id="{list_id}">(.*?)</ul>', html, re.S)
        return [int(pk) for pk in re.findall(r'href="/newsroom/reports/(\d+)/"', found.group(1))]

    dashboard = text(signed_in(reviewer).get(reverse("newsroom:dashboard")))
    assert "Sent back by you, waiting for the author" in dashboard
    assert listed(dashboard, "sent-back") == [waiting.pk]
    assert "Which source names the summit?" in dashboard
    assert "Answered, back in the queue" in dashboard
    assert listed(dashboard, "answered") == [back.pk]

    monkeypatch.setattr(views, "DASHBOARD_LIMIT", 1)
    more = file(reporter, start="2025-10-26", end="2025-10-26")
    review.request_changes(more, reviewer, "And this one?")
    dashboard = text(signed_in(reviewer).get(reverse("newsroom:dashboard")))
    assert listed(dashboard, "sent-back") == [more.pk]  # the latest first
    assert "The latest 1 of 2 reports." in dashboard


def test_verifying_from_a_page_opened_before_the_author_changed_the_report_is_refused(
    tajikistan_removed, reporter, reviewer, signed_in, client
):
    report = file(reporter)
    client.force_login(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    review.take_back(report, reporter)
    report.refresh_from_db()
    report.data = {**report.data, "outcome": "arrested"}
    report.save()
    review.submit(report, reporter)
    answer = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen}, follow=True)
    assert "changed after you opened it" in text(answer)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.visit is None


@pytest.mark.parametrize(
    ("action", "button"), [("reject", "reject-reason"), ("request-changes", "changes-comment")]
)
def test_rejecting_or_sending_back_from_a_page_opened_before_the_author_changed_it_is_refused(
    tajikistan_removed, reporter, reviewer, client, action, button
):
    """A reviewer who opened a report, while its author took it back, changed it and
    submitted it again, cannot close or send back the new version unread: the page comes
    back as it now reads, the comment kept in its box; from that page, it goes through."""
    report = file(reporter)
    client.force_login(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    form = page.split(f'action="{reverse(f"newsroom:{action}", args=[report.pk])}"')[1]
    assert f'name="seen" value="{seen}"' in form.split("</form>")[0]
    review.take_back(report, reporter)
    report.refresh_from_db()
    report.data = {**report.data, "place": "Dushanbe; Khujand"}
    report.save()
    review.submit(report, reporter)
    url = reverse(f"newsroom:{action}", args=[report.pk])
    comment = "The sources do not name the city."
    refused = client.post(url, {"seen": seen, "comment": comment})
    assert refused.status_code == 400
    assert "changed after you opened it" in text(refused)
    assert re.search(
        rf'<textarea id="{button}"[^>]*>{re.escape(comment)}</textarea>', text(refused)
    )
    assert "Khujand" in text(refused)
    report.refresh_from_db()
    assert (
        report.state == ReportState.SUBMITTED and report.comment == "" and report.reviewer is None
    )
    again = re.search(r'name="seen" value="([^"]+)"', text(refused)).group(1)
    assert again != seen
    assert client.post(url, {"seen": again, "comment": comment}).status_code == 302
    report.refresh_from_db()
    expected = ReportState.REJECTED if action == "reject" else ReportState.CHANGES_REQUESTED
    assert report.state == expected and report.comment == comment


def test_verifying_without_saying_which_version_was_read_is_refused(
    tajikistan_removed, reporter, reviewer, signed_in, client
):
    report = file(reporter)
    client.force_login(reviewer)
    answer = client.post(reverse("newsroom:verify", args=[report.pk]), {}, follow=True)
    assert "did not say which version you read" in text(answer)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.visit is None


def test_the_reviewers_tick_confirms_only_the_duplicates_the_page_listed(
    tajikistan_removed, reporter, reviewer, client, django_user_model
):
    """The page lists the possible duplicates and the form carries them: a visit of the
    same trip published after the page was opened is named, and the tick does not cover it."""
    listed = review.verify(file(reporter), reviewer)
    mine = file(reporter, place="Dushanbe, the palace")
    client.force_login(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[mine.pk])))
    carried = re.findall(r'name="different_from" value="([^"]+)"', page)
    assert carried == [listed.slug]
    # No withdrawn visit listed: the tick says only that it is a different visit.
    label = page.split('id="different-visit"')[1].split("</label>")[0]
    assert label.split(">", 1)[1].strip() == (
        "I compared it with the visits listed above: it is a different visit."
    )
    form = {
        "seen": re.search(r'name="seen" value="([^"]+)"', page).group(1),
        "different_from": carried,
        "different_visit": "yes",
    }
    other = django_user_model.objects.create_user("other-reviewer")
    other.groups.add(*reviewer.groups.all())
    meanwhile = review.verify(
        file(reporter, place="Dushanbe, Navruz palace"), other, different_from=[listed.slug]
    )
    refused = client.post(reverse("newsroom:verify", args=[mine.pk]), form)
    assert refused.status_code == 400
    answer = text(refused)
    assert "may already be recorded" in answer and meanwhile.slug in answer
    # Said beside the tick, which is marked, and announced.
    said = answer.split('id="different-visit-error"')[1].split("</label>")[0]
    assert 'role="alert"' in answer.split('id="different-visit-error"')[0][-40:]
    assert meanwhile.slug in said and 'aria-invalid="true"' in said
    assert Report.objects.get(pk=mine.pk).state == ReportState.SUBMITTED
    # Read again, the page lists both; the form as it now stands publishes the report.
    page = text(client.get(reverse("newsroom:report", args=[mine.pk])))
    form["different_from"] = re.findall(r'name="different_from" value="([^"]+)"', page)
    assert sorted(form["different_from"]) == sorted([listed.slug, meanwhile.slug])
    client.post(reverse("newsroom:verify", args=[mine.pk]), form)
    assert Report.objects.get(pk=mine.pk).state == ReportState.VERIFIED


def test_a_comment_from_an_earlier_review_is_not_shown_as_the_current_one(
    tajikistan_removed, reporter, reviewer, client
):
    report = file(reporter)
    review.request_changes(report, reviewer, "Please add an archived copy.")
    review.submit(answered(report, reporter), reporter)
    review.verify(report, reviewer)
    client.force_login(reporter)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert "An earlier review's comment (when it was sent back)" in page
    assert "Please add an archived copy." in page
    assert "The reviewer's comment<" not in page


def test_a_correction_filled_before_another_was_verified_cannot_undo_it(
    seeded, reporter, both, reviewer, client
):
    """The correction page carries the visit's version it was filled from: a correction
    verified while the form stayed open makes the older one stale, although the older
    report is created after it. It was once filed, "Submitted for review" said, and no
    reviewer could ever verify it: now nothing is filed, and the form comes back filled
    from the visit as it stands, the reporter's reason and sources kept."""
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    client.force_login(reporter)
    page = text(client.get(reverse("newsroom:correct", args=[visit.slug])))
    based_on = based_on_of(page)
    newer = correction_of(visit, both, end="2024-09-04")
    review.verify(newer, reviewer)
    posted = client.post(
        reverse("newsroom:correct", args=[visit.slug]),
        {**khalkhin_gol(visit), "based_on": based_on, "reason": "Khalkhin Gol, per TASS."},
    )
    again = html.unescape(text(posted))
    assert posted.status_code == 200 and not Report.objects.filter(author=reporter).exists()
    assert "after you opened this form: nothing was filed" in again
    assert 'name="end" value="2024-09-04"' in again  # the visit as it now stands
    assert "Khalkhin Gol, per TASS." in again  # the reason kept
    assert review.citations_of(visit)[0]["url"] in again  # the sources kept
    rebuilt = based_on_of(text(posted))
    assert rebuilt != based_on
    # Filled again from the form as it came back, it is filed, and current.
    posted = client.post(
        reverse("newsroom:correct", args=[visit.slug]),
        {
            **khalkhin_gol(visit),
            "end": "2024-09-04",
            "based_on": rebuilt,
            "reason": "Khalkhin Gol, per TASS.",
        },
    )
    assert posted.status_code == 302, text(posted)[:2000]
    filed = Report.objects.get(author=reporter)
    assert not review.is_stale(filed)
    review.verify(filed, reviewer)
    visit.refresh_from_db()
    assert (visit.place, visit.end.isoformat()) == ("Ulaanbaatar; Khalkhin Gol", "2024-09-04")


def test_a_correction_sent_back_after_its_visit_changed_is_edited_from_the_visit_as_it_stands(
    seeded, reporter, both, reviewer, client
):
    """A correction sent back while a colleague's was verified could never be verified as
    it was: its edit form says so and shows the visit as it now stands, its reason and
    sources kept; submitted from there, it is current and a reviewer may verify it."""
    visit = Visit.objects.get(slug=MONGOLIA)
    older = correction_of(visit, reporter, place="Ulaanbaatar; Khalkhin Gol")
    older.reason = "Khalkhin Gol was on his programme."
    older.save()
    review.request_changes(older, reviewer, "Which day at Khalkhin Gol?")
    review.verify(correction_of(visit, both, end="2024-09-04"), reviewer)
    client.force_login(reporter)
    page = html.unescape(text(client.get(reverse("newsroom:edit", args=[older.pk]))))
    assert "after this correction was begun: as it was, no reviewer could verify it" in page
    assert 'name="end" value="2024-09-04"' in page
    assert 'name="place" value="Ulaanbaatar"' in page  # the visit's, to be changed again
    assert "Khalkhin Gol was on his programme." in page
    rebuilt = based_on_of(page)
    # Submitted without changing it again: refused, nothing sent to review.
    seen = version_now(older)
    posted = client.post(
        reverse("newsroom:edit", args=[older.pk]),
        {**khalkhin_gol(visit), "reply": "3 Sep.", "seen": seen},
    )
    assert posted.status_code == 200
    older.refresh_from_db()
    assert older.state == ReportState.CHANGES_REQUESTED
    posted = client.post(
        reverse("newsroom:edit", args=[older.pk]),
        {
            **khalkhin_gol(visit),
            "end": "2024-09-04",
            "reply": "3 Sep.",
            "based_on": rebuilt,
            "seen": seen,
        },
    )
    assert posted.status_code == 302, text(posted)[:2000]
    older.refresh_from_db()
    assert older.state == ReportState.SUBMITTED and not review.is_stale(older)
    review.verify(older, reviewer)
    visit.refresh_from_db()
    assert (visit.place, visit.end.isoformat()) == ("Ulaanbaatar; Khalkhin Gol", "2024-09-04")


@pytest.mark.parametrize(
    "forged",
    [
        "2099-01-01T00:00:00+00:00",
        None,
        "2099-01-01T00:00:00+00:00:forged-signature",
        "another visit's form",
    ],
)
def test_a_correction_cannot_claim_a_later_version_of_the_visit_than_it_read(
    seeded, reporter, client, forged
):
    """The version a correction was filled from is signed and bound to the visit: a form
    whose `based_on` was moved to a later time (which would let it undo a change verified
    since), dropped, signed by anyone but the site or taken from another visit's form
    (updated later) is refused with a message, and nothing is filed."""
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    client.force_login(reporter)
    client.get(reverse("newsroom:correct", args=[visit.slug]))
    if forged == "another visit's form":
        other = Visit.objects.published().exclude(pk=visit.pk).first()
        Visit.objects.filter(pk=other.pk).update(updated_at=timezone.now())
        page = text(client.get(reverse("newsroom:correct", args=[other.slug])))
        forged = based_on_of(page)
    data = khalkhin_gol(visit)
    if forged is not None:
        data["based_on"] = forged
    refused = client.post(reverse("newsroom:correct", args=[visit.slug]), data)
    assert refused.status_code == 200
    assert "Nothing was filed: open the visit&#x27;s correction form again" in text(refused)
    assert "from which version of the visit it was filled" in text(refused)
    assert not Report.objects.exists()


@pytest.mark.parametrize("total", ["abc", "1e3", "-7"])
def test_another_source_with_an_altered_count_of_forms_is_an_error_not_a_failure(
    tajikistan_removed, reporter, client, total
):
    """The source already typed stays on the page, with one more empty form."""
    client.force_login(reporter)
    data = {**form_data(action="add_source"), "source-TOTAL_FORMS": total}
    answer = client.post(reverse("newsroom:new"), data)
    assert answer.status_code == 200
    assert not Report.objects.exists()
    page = text(answer)
    if total != "-7":
        assert SOURCES[0]["url"] in page
        assert 'name="source-1-url"' in page


def test_adding_sources_to_a_visit_that_cannot_be_filed_as_it_stands_says_why(
    seeded, reporter, client
):
    from visits.models import Citation

    recorded = Visit.objects.get(slug__startswith="vladimir-putin-tjk-2025-10")
    Citation.objects.filter(visit=recorded).update(published=datetime.date(2099, 1, 1))
    client.force_login(reporter)
    answer = client.post(
        reverse("newsroom:new"),
        form_data(
            action=f"file_sources:{recorded.pk}",
            sources=[{"url": "https://example.org/another-report", "publisher": "Example"}],
            start=recorded.start.isoformat(),
            end=(recorded.end or recorded.start).isoformat(),
        ),
        follow=True,
    )
    assert answer.status_code == 200, answer.redirect_chain
    assert "could not be added to the recorded visit" in html.unescape(text(answer))
    assert not Report.objects.exists()


def test_an_early_warning_verified_after_its_dates_passed_is_published(
    tajikistan_removed, reporter, reviewer
):
    """The rule against announcing a past trip applies when a report is filed: one that
    waited in the queue while its dates passed is still the reviewer's to verify."""
    report = review.file_report(
        author=reporter,
        data={**REPORT_DATA, "status": "announced", "outcome": "n/a"},
        citations=CITATIONS,
        submit=False,
    )
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.SUBMITTED,
        data={**report.data, "start": "2021-05-10", "end": "2021-05-11"},
    )
    visit = review.verify(Report.objects.get(pk=report.pk), reviewer)
    assert visit.status == "announced"


def test_a_correction_of_a_visit_withdrawn_meanwhile_is_refused(seeded, reporter, reviewer):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    report = correction_of(visit, reporter, end="2024-09-04")
    Visit.objects.filter(pk=visit.pk).update(review_state=ReviewState.WITHDRAWN)
    with pytest.raises(ValidationError, match="The visit was withdrawn from the record on"):
        review.verify(report, reviewer)
    assert Visit.objects.get(pk=visit.pk).review_state == ReviewState.WITHDRAWN


# --- Withdrawing a published visit ---------------------------------------------------

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def test_a_published_visit_is_withdrawn_only_once_another_person_verifies_it(
    seeded, reporter, reviewer, signed_in
):
    """Proposed from the correction page with a reason, reviewed like any report: until a
    second person verifies it nothing public moves; then the visit leaves the lists, its
    verdict becomes `withdrawn`, its page says why and the public changes name the step."""
    from visits.models import Verdict, VerdictCode

    client = signed_in(reporter)
    correct = text(client.get(reverse("newsroom:correct", args=[MONGOLIA])))
    assert 'id="withdraw"' in correct and reverse("newsroom:withdraw", args=[MONGOLIA]) in correct
    empty = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": " "})
    assert empty.status_code == 400 and not Report.objects.exists()
    box = text(empty).split('id="withdrawal-note-errors"')[1].split("</textarea>")[0]
    assert "Say why the visit leaves the record" in box and 'aria-invalid="true"' in box
    # A reason too long comes back in its box, whole, with the error beside it.
    long = "The sources do not hold. " * 50
    refused = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": long})
    assert refused.status_code == 400 and not Report.objects.exists()
    box = html.unescape(text(refused).split('id="withdrawal-note-errors"')[1])
    assert "at most 1000 characters" in box.split("</ul>")[0]
    assert long in box.split("</textarea>")[0]
    # The correction form on that page still carries the visit's version.
    assert based_on_of(text(refused))
    reason = "The trip was confused with another one; no source shows it took place."
    filed = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": reason})
    report = Report.objects.get()
    assert filed["Location"] == reverse("newsroom:report", args=[report.pk])
    assert (report.state, report.is_withdrawal, report.visit.slug) == (
        ReportState.SUBMITTED,
        True,
        MONGOLIA,
    )
    again = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": ANOTHER_REASON}
    )
    assert "already open (awaiting review)" in text(client.get(again["Location"]))
    assert Report.objects.count() == 1
    # The author may not verify it; nothing public has moved.
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    seen = review.version_of(report)
    assert (
        client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen}).status_code == 403
    )
    assert Visit.objects.get(slug=MONGOLIA).review_state == ReviewState.VERIFIED
    client = signed_in(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert "Withdrawal:" in page and reason in page and 'id="preview"' not in page
    # Its button says what it does: nothing is published, the visit leaves the record.
    button = page.split('id="verify"')[1].split("</button>")[0]
    assert "Verify the withdrawal" in button and "publish" not in button
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    verified = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen})
    assert verified.status_code == 302
    said = text(client.get(verified["Location"]))
    assert "the visit left the record; its page stays, marked withdrawn" in said
    assert "Verified and published" not in said
    visit = Visit.objects.get(slug=MONGOLIA)
    assert (visit.review_state, visit.withdrawal_note) == (ReviewState.WITHDRAWN, reason)
    flagging.evaluate_pending()
    assert Verdict.objects.get(visit=visit).code == VerdictCode.WITHDRAWN
    client.logout()
    public = text(client.get(visit.get_absolute_url()))
    assert reason in public
    assert 'id="corrections"' not in public and "review_state" not in public
    listed = client.get("/api/v1/visits/", {"host": "MNG"}).json()["results"]
    assert MONGOLIA not in {v["id"] for v in listed}
    changes = text(client.get("/changes/"))
    first = changes[changes.index('<ol class="changes">') :]
    assert MONGOLIA in first[: first.index("</li>")] and "a verified withdrawal" in first
    # With the reason the visit's page gives.
    assert f"Why: a verified withdrawal — {reason.rstrip('.')}." in html.unescape(first)


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
def test_a_withdrawal_reason_too_short_for_its_readers_comes_back_in_its_box(
    seeded, reporter, signed_in, language, said
):
    """A reason of a word ("Duplicate.") tells the visit's readers nothing: proposed or
    reworded, it comes back in its box with the error beside it, in the staff's language,
    and nothing is filed or changed."""
    client = signed_in(reporter)
    client.cookies["django_language"] = language
    short = "Duplicate."
    refused = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": short})
    assert refused.status_code == 400 and not Report.objects.exists()
    box = html.unescape(text(refused).split('id="withdrawal-note-errors"')[1])
    assert said in box.split("</ul>")[0] and short in box.split("</textarea>")[0]

    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.take_back(
        review.propose_withdrawal(author=reporter, visit=visit, note=ANOTHER_REASON), reporter
    )
    edit = reverse("newsroom:edit", args=[report.pk])
    reworded = client.post(edit, {"withdrawal_note": short, "seen": review.version_of(report)})
    assert reworded.status_code == 400
    box = html.unescape(text(reworded).split('id="reword-note-errors"')[1])
    assert said in box.split("</ul>")[0] and short in box.split("</textarea>")[0]
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == (ANOTHER_REASON, ReportState.DRAFT)


@pytest.mark.parametrize(
    ("language", "said", "send_it_back"),
    [
        (
            "en",
            "Say why in at least 20 characters: the visit's page shows it to every reader.",
            "This withdrawal cannot be verified: its reason is not one the visit's page may "
            "show (its author is told: “Say why in at least 20 characters",
        ),
        (
            "fr",
            "Dites pourquoi en 20 caractères au moins\u00a0: la page de la visite le montre "
            "à tous ses lecteurs.",
            "Ce retrait ne peut pas être vérifié\u00a0: sa raison n’est pas de celles que la "
            "page de la visite peut montrer (son auteur lit\u00a0: «\u00a0Dites pourquoi",
        ),
    ],
)
def test_a_withdrawal_filed_before_its_reasons_minimum_is_neither_verified_nor_submitted(
    seeded, reporter, reviewer, signed_in, language, said, send_it_back
):
    """A withdrawal whose reason is shorter than the minimum (filed before the minimum
    existed): the reviewer who verifies it is told why and to send it back, its author who
    submits it again sees the error beside the reason's box (400), in the staff's language;
    nothing is published or submitted."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note=ANOTHER_REASON)
    Report.objects.filter(pk=report.pk).update(withdrawal_note="Duplicate.")  # an old row
    client = signed_in(reviewer)
    client.cookies["django_language"] = language
    verify = reverse("newsroom:verify", args=[report.pk])
    answer = client.post(verify, {"seen": version_now(report)}, follow=True)
    shown = html.unescape(text(answer))
    assert send_it_back in shown and said in shown
    visit.refresh_from_db()
    assert (visit.review_state, visit.withdrawal_note) == (ReviewState.VERIFIED, "")
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED

    review.take_back(report, reporter)
    client = signed_in(reporter)
    refused = client.post(reverse("newsroom:submit", args=[report.pk]))
    assert refused.status_code == 400
    box = html.unescape(text(refused).split('id="reword-note-errors"')[1])
    assert said in box.split("</ul>")[0] and "Duplicate." in box.split("</textarea>")[0]
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_a_withdrawal_is_not_edited_and_only_of_a_published_visit(seeded, reporter, signed_in):
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="Not a real trip at all.")
    report = review.take_back(report, reporter)  # a draft again: drafts may be edited, not this
    with pytest.raises(ValidationError, match="reword its reason on its page"):
        review.update_report(report, reporter, data=report.data, citations=report.citations)
    review.submit(report, reporter)  # and filed again as it was
    Visit.objects.filter(pk=visit.pk).update(review_state=ReviewState.REPORTED)
    visit.refresh_from_db()
    with pytest.raises(ValidationError, match="Only a published visit"):
        review.propose_withdrawal(author=reporter, visit=visit, note="Again, the same one.")


def language_switch(page: str) -> dict[str, str]:
    """Where the header's language switch of `page` leads: {language: the page's address}."""
    return {
        code: unquote(html.unescape(after))
        for code, after in re.findall(r'<a href="/language/(\w+)/\?next=([^"]*)"', page)
    }


def form_tag(page: str, form_id: str) -> str:
    """The opening tag of the form whose id is `form_id` in `page`."""
    return re.search(rf'<form [^>]*id="{form_id}"[^>]*>', page).group(0)


def test_the_language_switch_of_a_refused_form_opens_the_page_the_form_is_on(
    seeded, reporter, reviewer, client
):
    """A withdrawal refused (or given one more source's fields) and a reviewer's comment
    refused are answered on the address they were sent to, which answers only a POST: the
    header's language switch led there, to a 405. It leads to the page the form is on (the
    visit's correction page, the report's), where the forms' script gives back what was
    typed in the form the server gave back, marked unsaved, and in it only."""
    client.force_login(reporter)
    withdraw = reverse("newsroom:withdraw", args=[MONGOLIA])
    correct = reverse("newsroom:correct", args=[MONGOLIA])
    assert client.get(withdraw).status_code == 405
    opened = text(client.get(correct))
    assert language_switch(opened) == {"en": correct, "fr": correct}
    assert "data-unsaved" not in form_tag(opened, "withdraw-form")
    assert f'data-keep-over-switch="{correct}"' in form_tag(opened, "withdraw-form")
    for answer in (
        client.post(withdraw, {"withdrawal_note": "Duplicate."}),
        client.post(
            withdraw,
            {
                "withdrawal_note": "Duplicate.",
                "action": "add_source",
                **sources_data([{"url": ""}], prefix="withdrawal_source"),
            },
        ),
    ):
        assert answer.status_code in (200, 400)
        page = text(answer)
        assert language_switch(page) == {"en": correct, "fr": correct}
        assert "data-unsaved" in form_tag(page, "withdraw-form")
        # The correction's form, not sent, is as the visit has it.
        assert "data-unsaved" not in form_tag(page, "report-form")

    visit = Visit.objects.get(slug=MONGOLIA)
    withdrawal = review.propose_withdrawal(author=reporter, visit=visit, note=ANOTHER_REASON)
    report_page = reverse("newsroom:report", args=[withdrawal.pk])
    client.force_login(reviewer)
    for action in ("request-changes", "reject"):
        sent = reverse(f"newsroom:{action}", args=[withdrawal.pk])
        refused = client.post(sent, {"comment": " ", "seen": version_now(withdrawal)})
        assert refused.status_code == 400
        page = text(refused)
        assert language_switch(page) == {"en": report_page, "fr": report_page}
        given_back, other = (
            ("changes", "reject") if action == "request-changes" else ("reject", "changes")
        )
        assert "data-unsaved" in form_tag(page, f"{given_back}-form")
        assert "data-unsaved" not in form_tag(page, f"{other}-form")
    assert language_switch(text(client.get(report_page))) == {"en": report_page, "fr": report_page}


def test_a_withdrawal_sent_back_is_reworded_and_filed_again_or_dropped(
    seeded, reporter, reviewer, signed_in
):
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="First reason, given.")
    review.request_changes(report, reviewer, "Name the source that contradicts it.")
    client = signed_in(reporter)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert 'id="reword-withdrawal"' in page and 'id="delete-withdrawal"' in page
    client.post(
        reverse("newsroom:edit", args=[report.pk]),
        {
            "withdrawal_note": "Second reason, given.",
            "reply": "The second source says so.",
            "seen": reword_seen(page),
        },
    )
    client.post(reverse("newsroom:submit", args=[report.pk]))
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == (
        "Second reason, given.",
        ReportState.SUBMITTED,
    )
    assert report.reply == "The second source says so."
    review.request_changes(report, reviewer, "Still no.")
    client.post(reverse("newsroom:delete", args=[report.pk]))
    assert not Report.objects.filter(pk=report.pk).exists()
    # Dropped, it no longer stands in the way of another.
    again = review.propose_withdrawal(author=reporter, visit=visit, note="Third reason, given.")
    assert again.state == ReportState.SUBMITTED


def test_a_withdrawal_reworded_and_submitted_in_one_go_submits_the_new_reason(
    seeded, reporter, reviewer, signed_in
):
    """The box and "Submit for review" were two forms: a reason typed and submitted went
    for review without the words typed. A reason refused comes back with its error."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="First reason, given.")
    review.request_changes(report, reviewer, "Name the source that contradicts it.")
    client = signed_in(reporter)
    edit = reverse("newsroom:edit", args=[report.pk])
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    form = page.split('id="reword-withdrawal"')[1].split("</form>")[0]
    assert 'name="then" value="submit" id="submit-withdrawal"' in form
    too_long = "It did not happen. " * 60
    seen = reword_seen(page)
    refused = client.post(
        edit, {"withdrawal_note": too_long, "reply": "Yes.", "then": "submit", "seen": seen}
    )
    assert refused.status_code == 400
    assert too_long.strip() in text(refused).split('id="reword-note"')[1]
    assert 'id="reword-note-errors"' in text(refused)
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == ("First reason, given.", "changes_requested")
    assert "Yes." in text(refused).split('id="reword-reply"')[1].split("</textarea>")[0]
    client.post(
        edit,
        {
            "withdrawal_note": "Second reason, given.",
            "reply": "Yes.",
            "then": "submit",
            "seen": seen,
        },
    )
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == (
        "Second reason, given.",
        ReportState.SUBMITTED,
    )


def test_a_reworded_withdrawal_whose_submission_is_refused_keeps_its_old_reason(
    seeded, reporter, reviewer, signed_in
):
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="First reason, given.")
    review.request_changes(report, reviewer, "Which source?")
    Visit.objects.filter(pk=visit.pk).update(review_state=ReviewState.WITHDRAWN)
    client = signed_in(reporter)
    refused = client.post(
        reverse("newsroom:edit", args=[report.pk]),
        {
            "withdrawal_note": "Second reason, given.",
            "reply": "Which source: see it.",
            "then": "submit",
            "seen": version_now(report),
        },
    )
    assert refused.status_code == 400
    assert "Only a published visit can be withdrawn." in text(refused)
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == ("First reason, given.", "changes_requested")


def test_a_withdrawal_proposed_before_the_visit_changed_is_not_verified(
    seeded, reporter, reviewer, api_client
):
    """Proposed for the visit as it stood: a correction since may answer it. The API shows
    the withdrawal with no preview and no duplicates (it changes no fact)."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(
        author=reporter, visit=visit, note="The trip never happened."
    )
    api_client.force_authenticate(reviewer)
    shown = api_client.get(f"/api/v1/reports/{report.pk}/").json()
    assert shown["withdrawal_note"] == "The trip never happened."
    assert shown["preview"] is None and shown["possible_duplicates"] == []
    visit.place = "Ulaanbaatar, the Chinggis Khaan square"
    visit.save()
    with pytest.raises(ValidationError, match="changed after this withdrawal was proposed"):
        review.verify(report, reviewer)
    assert Visit.objects.get(pk=visit.pk).review_state == ReviewState.VERIFIED


def test_a_reviewer_who_does_not_report_is_not_offered_a_new_report(
    seeded, reporter, reviewer, signed_in
):
    new = f'href="{reverse("newsroom:new")}"'
    assert new not in text(signed_in(reviewer).get(reverse("newsroom:dashboard")))
    assert new in text(signed_in(reporter).get(reverse("newsroom:dashboard")))


def test_a_draft_taken_back_is_not_listed_as_submitted(tajikistan_removed, reporter, signed_in):
    report = file(reporter)
    review.take_back(report, reporter)
    dashboard = text(signed_in(reporter).get(reverse("newsroom:dashboard")))
    listed = dashboard.split(f'href="{reverse("newsroom:report", args=[report.pk])}"')[1]
    assert "submitted" not in listed.split("</li>")[0]


def test_a_second_report_of_a_trip_already_awaiting_review_asks_for_confirmation(
    tajikistan_removed, reporter, both, signed_in
):
    """Two reports of one trip reached the queue without a word to the second author:
    only published visits were compared. The second author is told and confirms or holds
    back; a reviewer, who may open the colleague's report, is given its link; a reporter
    who may not is told only that it exists."""
    first = file(reporter)  # submitted, awaiting review
    client = signed_in(both)
    data = form_data(place="Khujand", sources=[{"url": "https://example.org/khujand"}])
    held = client.post(reverse("newsroom:new"), data)
    page = text(held)
    assert held.status_code == 200 and Report.objects.count() == 1
    assert 'id="pending-duplicates"' in page and "already filed and awaits review" in page
    assert 'id="id_not_duplicate-error"' in page
    link = f'href="{reverse("newsroom:report", args=[first.pk])}"'
    assert link in page and "Your report" not in page
    colleague = signed_in(account("carl", roles.REPORTERS)).post(reverse("newsroom:new"), data)
    assert "already filed and awaits review" in text(colleague)
    assert link not in text(colleague)
    client = signed_in(both)
    client.post(reverse("newsroom:new"), {**data, "not_duplicate": "1"})
    assert Report.objects.filter(state=ReportState.SUBMITTED).count() == 2


def test_a_trip_withdrawn_from_the_record_is_told_to_the_reporter_and_the_reviewer(
    tajikistan_removed, reporter, reviewer, both, signed_in
):
    """Measured defect: a trip whose visit was withdrawn, with a reason, was reported and
    published again with no word of it: no notice in the preview, no confirmation asked,
    nothing on the reviewer's page. Both are now told when it was withdrawn and why, and
    each confirms it as they confirm another visit."""
    from core.names import format_date

    published = review.verify(file(reporter), both)
    why = "The summit took place by video: Putin stayed in Moscow."
    review.verify(review.propose_withdrawal(author=reporter, visit=published, note=why), both)
    on = format_date(review.withdrawn_on(Visit.objects.get(pk=published.pk)))
    told = f"A visit of this trip was withdrawn on {on}: <q>{why.removesuffix('.')}</q>"
    filed = Report.objects.count()

    client = signed_in(reporter)
    preview = text(client.post(reverse("newsroom:new"), form_data(action="preview")))
    listed = preview.split('id="withdrawn-duplicates"')[1].split("</ul>")[0]
    assert told in listed and f'href="/visits/{published.slug}/"' in listed
    assert f"add_to:{published.pk}" not in preview  # a withdrawn visit takes no source
    # The reporter's tick says what the refusal asks: another visit, or the trip back.
    label = preview.split('<label for="id_not_duplicate">')[1].split("</label>")[0]
    assert label == (
        "This is another visit, or the withdrawn trip belongs on the record all the same: "
        "submit it as a new report"
    )
    refused = text(client.post(reverse("newsroom:new"), form_data()))
    said = refused.split('id="id_not_duplicate-error"')[1].split("</p>")[0]
    assert "A visit of this trip was withdrawn from the record: read why" in said
    assert Report.objects.count() == filed
    confirmed = client.post(reverse("newsroom:new"), form_data(not_duplicate="1"))
    assert confirmed.status_code == 302 and Report.objects.count() == filed + 1
    report = Report.objects.latest("pk")

    client = signed_in(reviewer)
    url = reverse("newsroom:report", args=[report.pk])
    page = text(client.get(url))
    section = page.split('id="duplicates"')[1].split("</section>")[0]
    assert "Possibly already recorded" in section and told in section
    carried = re.findall(r'name="different_from" value="([^"]+)"', page)
    assert carried == [published.slug] and 'id="different-visit"' in page
    label = page.split('id="different-visit"')[1].split("</label>")[0]
    assert label.split(">", 1)[1].strip() == (
        "I compared it with the visits listed above: it is a different visit, or the "
        "withdrawn trip belongs on the record all the same."
    )
    client.cookies["django_language"] = "fr"
    french = text(client.get(url)).split('id="different-visit"')[1].split("</label>")[0]
    assert "ou le voyage retiré a sa place dans les données malgré tout." in french
    del client.cookies["django_language"]
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    unticked = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen})
    assert unticked.status_code == 400 and "was withdrawn from the record" in text(unticked)
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    ticked = {"seen": seen, "different_from": carried, "different_visit": "yes"}
    client.post(reverse("newsroom:verify", args=[report.pk]), ticked)
    assert Report.objects.get(pk=report.pk).state == ReportState.VERIFIED


def test_filing_a_trip_again_points_to_ones_own_report_and_drafts_of_it(
    tajikistan_removed, reporter, signed_in
):
    """An author filing a trip they already reported was told only that "a report …
    awaits review", without a link even to their own; and their own draft of it was not
    pointed out at all. Both are linked now, the report with the way to add to it (take
    it back from review), and the new report waits for the author's decision."""
    mine = file(reporter)
    draft = review.file_report(
        author=reporter,
        data={**REPORT_DATA, "place": "Khujand"},
        citations=CITATIONS,
        submit=False,
    )
    client = signed_in(reporter)
    data = form_data(place="Kulob", sources=[{"url": "https://example.org/kulob"}])
    held = client.post(reverse("newsroom:new"), data)
    page = html.unescape(text(held))
    assert held.status_code == 200 and Report.objects.count() == 2
    assert 'id="id_not_duplicate-error"' in page
    submitted = page.split(f'id="pending-duplicate-{mine.pk}"')[1].split("</li>")[0]
    assert f'href="{reverse("newsroom:report", args=[mine.pk])}">Your report {mine.pk}</a>' in (
        submitted
    )
    assert "take it back from review and add to it" in submitted
    drafted = page.split(f'id="pending-duplicate-{draft.pk}"')[1].split("</li>")[0]
    assert f'href="{reverse("newsroom:report", args=[draft.pk])}"' in drafted
    assert "Your draft of this trip" in drafted
    # Only the filed one is said to await review.
    assert "A report of this person's visit to this host" in page
    # The page the link opens offers to take the report back.
    assert 'id="take-back"' in text(client.get(reverse("newsroom:report", args=[mine.pk])))
    # In French too.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = html.unescape(text(client.post(reverse("newsroom:new"), data)))
    assert f"Votre brouillon de ce voyage (signalement {draft.pk})" in french


@pytest.mark.parametrize("language", ["en", "fr"])
def test_submitting_a_trip_one_has_a_draft_of_asks_about_that_draft_not_a_filed_report(
    tajikistan_removed, reporter, signed_in, language
):
    """With only the author's own draft of the trip matching, Submit was held back "until
    the report already filed is reviewed": no report was filed. It now speaks of the draft;
    with a report filed too, of the filed report."""
    draft = review.file_report(
        author=reporter, data={**REPORT_DATA, "place": "Khujand"}, citations=CITATIONS, submit=False
    )
    client = signed_in(reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = form_data(place="Kulob", sources=[{"url": "https://example.org/kulob"}])
    with translation.override(language):
        own = _error(client.post(reverse("newsroom:new"), data))
        assert own == translation.gettext(
            "You have a draft of this trip: add to it instead, or confirm that this is another "
            "visit."
        )
        assert Report.objects.get().pk == draft.pk
        file(reporter)  # and now a report of it filed
        filed = _error(client.post(reverse("newsroom:new"), data))
        assert filed == translation.gettext(
            "Confirm that this is another visit, or keep it as a draft until the report "
            "already filed is reviewed."
        )


def _error(response) -> str:
    """The text of the "not a duplicate" box's error on a form held back."""
    assert response.status_code == 200
    found = re.search(r'id="id_not_duplicate-error">(.*?)</', text(response), re.S)
    return html.unescape(found.group(1)).strip()


def test_a_colleagues_draft_of_the_trip_is_never_pointed_out(
    tajikistan_removed, reporter, both, signed_in
):
    review.file_report(author=reporter, data=REPORT_DATA, citations=CITATIONS, submit=False)
    answer = signed_in(both).post(reverse("newsroom:new"), form_data(action="preview"))
    assert answer.status_code == 200 and 'id="preview-heading"' in text(answer)
    assert 'id="pending-duplicates"' not in text(answer)


def test_the_author_answers_the_reviewer_on_the_report_not_in_the_visits_notes(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """Authors answered a request for changes in the visit's notes, which stay in the
    record; the answer is the report's own, shown to the reviewer, never published."""
    report = file(reporter)
    review.request_changes(report, reviewer, "Which readout says Dushanbe?")
    client = signed_in(reporter)
    edit = reverse("newsroom:edit", args=[report.pk])
    assert 'id="id_reply"' in text(client.get(edit))
    too_long = client.post(edit, form_data(seen=version_now(report), reply="x" * 5_001))
    assert too_long.status_code == 200 and 'id="id_reply-error"' in text(too_long)
    report.refresh_from_db()
    assert (report.state, report.reply) == ("changes_requested", "")
    client.post(
        edit, form_data(seen=version_now(report), reply="The Kremlin's readout of 8 October.")
    )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.reply == "The Kremlin's readout of 8 October."
    assert "readout" not in report.data["notes"]
    page = text(signed_in(reviewer).get(reverse("newsroom:report", args=[report.pk])))
    assert "The Kremlin&#x27;s readout of 8 October." in page.split('id="reply"')[1]
    # Sent back again, the next answer answers the new comment.
    review.request_changes(report, reviewer, "And the date?")
    report.refresh_from_db()
    assert report.reply == ""
    # Rejected, the report keeps the answer its reason follows.
    client = signed_in(reporter)
    client.post(edit, form_data(seen=version_now(report), reply="The date is in the readout."))
    review.reject(report, reviewer, "Still not sourced by any outlet.")
    report.refresh_from_db()
    assert (report.state, report.reply) == ("rejected", "The date is in the readout.")
    assert 'id="id_reply"' not in text(signed_in(reporter).get(reverse("newsroom:new")))


def test_a_report_sent_back_is_submitted_again_only_with_an_answer_to_the_reviewer(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """A reviewer's question went unanswered: the report came back to the queue changed or
    not, with nothing said. Without an answer it is refused, on the form, on the report's
    button and by the service, and nothing changes; saved as a draft, it waits."""
    report = file(reporter)
    review.request_changes(report, reviewer, "Which readout says Dushanbe?")
    client = signed_in(reporter)
    edit = reverse("newsroom:edit", args=[report.pk])
    label = re.search(r'<label for="id_reply">(.*?)</label>', text(client.get(edit)), re.S)
    assert "required to submit" in label.group(1) and "optional" not in label.group(1)
    refused = client.post(edit, form_data(seen=version_now(report), place="Moscow", reply="   "))
    page = html.unescape(text(refused))
    assert refused.status_code == 200
    assert 'id="id_reply-error"' in page and "Answer the reviewer before submitting" in page
    assert 'href="#id_reply"' in page.split('id="form-errors"')[1]
    report.refresh_from_db()
    assert (report.state, report.data["place"]) == ("changes_requested", "Dushanbe")
    # With another error on the form, the missing answer is said at once, beside it.
    both = html.unescape(
        text(
            client.post(
                edit, form_data(seen=version_now(report), place="Moscow", start="", reply="")
            )
        )
    )
    summary = both.split('id="form-errors"')[1]
    assert 'href="#id_reply"' in summary and 'href="#id_start"' in summary

    # The report page's button sends the author to the form, with the same words.
    response = client.post(reverse("newsroom:submit", args=[report.pk]))
    assert response["Location"] == edit
    assert "Answer the reviewer before submitting" in html.unescape(text(client.get(edit)))
    report.refresh_from_db()
    assert report.state == "changes_requested"
    # Every path: the service refuses it by its field, and saves nothing.
    with pytest.raises(ValidationError) as error:
        review.submit(report, reporter)
    assert list(error.value.message_dict) == ["reply"]
    report.refresh_from_db()
    assert (report.state, report.submitted_at is not None) == ("changes_requested", True)

    # Saved as a draft without an answer: kept, not submitted.
    client.post(edit, form_data(seen=version_now(report), action="draft", place="Moscow"))
    report.refresh_from_db()
    assert (report.state, report.data["place"]) == ("changes_requested", "Moscow")
    # Answered, it goes back to review.
    client.post(
        edit, form_data(seen=version_now(report), place="Moscow", reply="Moscow: see the readout.")
    )
    report.refresh_from_db()
    assert (report.state, report.reply) == ("submitted", "Moscow: see the readout.")


def test_a_withdrawal_sent_back_is_submitted_again_only_with_an_answer(
    seeded, reporter, reviewer, signed_in
):
    """A withdrawal's page has its own box for the answer, beside its reason: submitted
    without one, both boxes come back as typed, the answer's with its error, and nothing
    changes; the reason alone may still be saved."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="First reason, given.")
    review.request_changes(report, reviewer, "Name the source that contradicts it.")
    client = signed_in(reporter)
    page_of, edit = (reverse(f"newsroom:{n}", args=[report.pk]) for n in ("report", "edit"))
    form = text(client.get(page_of)).split('id="reword-withdrawal"')[1].split("</form>")[0]
    assert '<textarea id="reword-reply" name="reply" rows="3">' in form  # not `required`
    refused = client.post(
        edit,
        {"seen": version_now(report), "withdrawal_note": "Second reason, given.", "then": "submit"},
    )
    page = html.unescape(text(refused))
    assert refused.status_code == 400
    errors = page.split('id="reword-reply-errors"')[1].split("</ul>")[0]
    assert "Answer the reviewer before submitting it again" in errors
    assert "Second reason, given." in page.split('id="reword-note"')[1].split("</textarea>")[0]
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == ("First reason, given.", "changes_requested")
    # An empty reason too: both boxes say what is wrong with them, at once.
    both = html.unescape(
        text(
            client.post(
                edit, {"seen": version_now(report), "withdrawal_note": " ", "then": "submit"}
            )
        )
    )
    assert "Answer the reviewer" in both.split('id="reword-reply-errors"')[1].split("</ul>")[0]
    note_errors = both.split('id="reword-note-errors"')[1].split("</ul>")[0]
    assert "Say why the visit leaves the record" in note_errors
    assert 'id="reword-note" name="withdrawal_note" rows="3" required aria-invalid="true"' in both
    # Neither the report page's button nor the service submit it without an answer.
    assert client.post(reverse("newsroom:submit", args=[report.pk]))["Location"] == page_of
    with pytest.raises(ValidationError, match="Answer the reviewer"):
        review.submit(report, reporter)
    # Saved without submitting: the reason alone is kept, and the message says what is
    # still to do (the answer), then, the answer typed, that both were saved.
    saved = client.post(
        edit,
        {"seen": version_now(report), "withdrawal_note": "Second reason, given.", "reply": ""},
        follow=True,
    )
    assert "Reason saved: answer the reviewer, then submit" in html.unescape(text(saved))
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == ("Second reason, given.", "changes_requested")
    saved = client.post(
        edit,
        {
            "seen": version_now(report),
            "withdrawal_note": "Second reason, given.",
            "reply": "See the second source.",
        },
        follow=True,
    )
    assert "Reason and answer saved: submit the withdrawal" in html.unescape(text(saved))
    client.post(reverse("newsroom:submit", args=[report.pk]))
    report.refresh_from_db()
    assert (report.state, report.reply) == ("submitted", "See the second source.")
    assert "See the second source." in text(signed_in(reviewer).get(page_of)).split('id="reply"')[1]


def test_a_report_submitted_again_keeps_its_filing_time_beside_the_last(
    tajikistan_removed, reporter, reviewer, signed_in, monkeypatch, django_assert_num_queries
):
    """ "Reported by" showed only the last submission: a report filed a week ago and sent
    back looked filed today. Its filing is kept, then when it was submitted again."""

    def at(day: int, hour: int) -> None:
        moment = datetime.datetime(2026, 11, day, hour, 5, tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    def reported_by(user) -> str:
        page = text(signed_in(user).get(reverse("newsroom:report", args=[report.pk])))
        line = page.split('<dd id="reported-by">')[1].split("</dd>")[0]
        return re.sub(r"<[^>]+>", "", line)

    at(20, 9)
    report = file(reporter)
    assert reported_by(reviewer) == "reporter, 20 November 2026, 09:05 UTC"
    at(21, 10)
    review.request_changes(report, reviewer, "Which readout?")
    assert reported_by(reporter) == "reporter, 20 November 2026, 09:05 UTC"
    at(27, 16)
    review.submit(answered(report, reporter), reporter)
    filed_and_again = (
        "reporter, 20 November 2026, 09:05 UTC · resubmitted 27 November 2026, 16:05 UTC"
    )
    assert reported_by(reviewer) == filed_and_again
    # Taken back and submitted again, and once reviewed: still from its filing.
    at(28, 8)
    review.take_back(report, reporter)
    review.submit(report, reporter)
    assert reported_by(reviewer).endswith("09:05 UTC · resubmitted 28 November 2026, 08:05 UTC")
    review.verify(report, reviewer)
    assert reported_by(reviewer).endswith("09:05 UTC · resubmitted 28 November 2026, 08:05 UTC")
    # A closed report's page reads its filing with one query more (an open one's reads it
    # with what changed since it was sent back, the same query).
    client = signed_in(reviewer)
    url = reverse("newsroom:report", args=[report.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_OF_A_REVIEWED_REPORT_PAGE):
        client.get(url)


def test_a_records_history_opens_in_the_newsrooms_frame(seeded, reviewer, signed_in):
    """Reached from a report's page ("its full history"), it had the public site's bar
    only: no way back to the dashboard or the queue, and no sign-out."""
    visit = Visit.objects.get(slug=MONGOLIA)
    page = text(signed_in(reviewer).get(f"/newsroom/history/visits.visit/{visit.pk}/"))
    nav = page.split('<nav class="newsroom-nav"')[1].split("</nav>")[0]
    assert reverse("newsroom:dashboard") in nav and reverse("newsroom:queue") in nav
    assert reverse("newsroom:sign-out") in nav
    assert re.search(r"<title>History of [^<]* · Newsroom</title>", page)
    assert '<meta name="robots" content="noindex">' in page
    assert page.count("<h1>") == 1 and "Every change recorded for this record" in page


@pytest.mark.npm("@rapideditor/country-coder")
def test_the_preview_warns_of_a_host_that_is_a_territory(tajikistan_removed, reporter, signed_in):
    """The rule reads Greenland by its own timeline, as a state that is not a party: the
    reporter is told, as the importer tells a researcher, that Denmark may be the host."""
    client = signed_in(reporter)
    page = html.unescape(
        text(
            client.post(
                reverse("newsroom:new"),
                form_data(action="preview", host="GRL", place="Nuuk", start="2025-10-08"),
            )
        )
    )
    note = page.split('id="preview-territory"')[1].split("</p>")[0]
    assert "The host is a territory of Denmark, not a State" in note
    assert "choose Denmark as the host and name the territory in the place" in note
    ordinary = text(client.post(reverse("newsroom:new"), form_data(action="preview")))
    assert 'id="preview-verdict"' in ordinary and 'id="preview-territory"' not in ordinary


def test_a_corrections_reason_is_labelled_required_to_submit(seeded, reporter, signed_in):
    page = text(signed_in(reporter).get(reverse("newsroom:correct", args=[MONGOLIA])))
    label = page.split('for="id_reason"')[1].split("</label>")[0]
    assert "(required to submit)" in label and "(optional)" not in label


def test_a_correction_rebuilt_after_its_visit_changed_keeps_a_source_added_meanwhile(
    seeded, reporter, both, reviewer, client
):
    """Rebuilt from its own sources, the correction would drop, once verified, a source a
    colleague's verified correction added meanwhile (the visit cites exactly a correction's
    sources): the form comes back with the visit's sources as they stand, and the
    reporter's own new source added to them."""
    visit = Visit.objects.get(slug=MONGOLIA)
    client.force_login(reporter)
    based_on = based_on_of(text(client.get(reverse("newsroom:correct", args=[visit.slug]))))
    added = {"url": "https://example.org/colleagues-source", "publisher": "Example"}
    meanwhile = review.file_report(
        author=both,
        data=review.report_data_of(visit),
        citations=[*review.citations_of(visit), added],
        visit=visit,
        reason="Another source cites the summit.",
    )
    review.verify(meanwhile, reviewer)
    mine = {"url": "https://example.org/my-source", "publisher": "Mine"}
    sources = [{k: v or "" for k, v in c.items()} for c in review.citations_of(visit)]
    posted = client.post(
        reverse("newsroom:correct", args=[visit.slug]),
        {
            **khalkhin_gol(visit),
            **form_data(sources=[*sources, mine]),
            "based_on": based_on,
            "reason": "Khalkhin Gol was on his programme.",
        },
    )
    page = html.unescape(text(posted))
    assert posted.status_code == 200 and not Report.objects.filter(author=reporter).exists()
    urls = re.findall(r'name="source-\d+-url"[^>]*value="([^"]+)"', page)
    assert added["url"] in urls and mine["url"] in urls
    assert set(urls) >= {c["url"] for c in review.citations_of(Visit.objects.get(pk=visit.pk))}


def test_a_token_from_the_visits_own_correction_page_cannot_move_an_older_correction_forward(
    seeded, reporter, both, reviewer, client
):
    """The version a rebuilt edit form carries is signed for that report: the newer token
    of the visit's correction page, pasted into an edit of an older correction, is not
    taken, and the old data is shown again from the visit as it stands."""
    visit = Visit.objects.get(slug=MONGOLIA)
    older = correction_of(visit, reporter, place="Ulaanbaatar; Khalkhin Gol")
    review.request_changes(older, reviewer, "Which day?")
    review.verify(correction_of(visit, both, end="2024-09-04"), reviewer)
    begun = Report.objects.get(pk=older.pk).based_on
    client.force_login(reporter)
    fresh = based_on_of(text(client.get(reverse("newsroom:correct", args=[visit.slug]))))
    posted = client.post(
        reverse("newsroom:edit", args=[older.pk]),
        {**khalkhin_gol(visit), "reply": "3 Sep.", "based_on": fresh},
    )
    assert posted.status_code == 200
    older.refresh_from_db()
    assert older.state == ReportState.CHANGES_REQUESTED and older.based_on == begun
    assert "after this correction was begun" in html.unescape(text(posted))


def test_a_report_the_rule_can_no_longer_read_is_refused_at_verify_not_a_server_error(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """Verify's refusals may name a field (a person since removed from the register): the
    page says why, as for any other refusal."""
    from tests.factories import make_person

    gone = make_person("someone-since-removed", nationality="FRA")
    report = file(reporter, person=gone.slug)
    gone.delete()
    client = signed_in(reviewer)
    url = reverse("newsroom:report", args=[report.pk])
    seen = re.search(r'name="seen" value="([^"]+)"', text(client.get(url))).group(1)
    answer = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen})
    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_source_published_long_before_the_visit_is_pointed_out_in_the_preview(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """A source published years before the trip more likely reports another one (an entry
    once cited articles about other countries' visits): the preview says so, to the
    reporter and to the reviewer, without refusing the report."""
    old = {
        "url": "https://example.org/2019-story",
        "publisher": "Example",
        "published": "2019-03-03",
    }
    recent = {**SOURCES[0], "published": "2025-10-09"}
    client = signed_in(reporter)
    page = html.unescape(
        text(
            client.post(reverse("newsroom:new"), form_data(action="preview", sources=[recent, old]))
        )
    )
    assert page.count('class="warning source-doubt"') == 1
    assert (
        "Source 2 was published on 3 March 2019, more than a year before the visit "
        "(8 October 2025): check that it reports this trip."
    ) in page
    report = review.file_report(
        author=reporter,
        data=REPORT_DATA,
        citations=[{k: v for k, v in c.items() if v} for c in (recent, old)],
    )
    seen = html.unescape(
        text(signed_in(reviewer).get(reverse("newsroom:report", args=[report.pk])))
    )
    assert "Source 2 was published on 3 March 2019" in seen


def test_a_report_names_its_reviewer_for_what_they_did(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """A report sent back and submitted again is awaiting review: the one who sent it
    back has not reviewed it (it read "Reviewed by" them)."""
    report = file(reporter)
    page_of = reverse("newsroom:report", args=[report.pk])

    def label() -> str | None:
        page = text(signed_in(reviewer).get(page_of))
        found = re.search(r'<dt id="reviewer-label">(.*?)</dt><dd>(\w+),', page)
        return found and f"{found.group(1)} {found.group(2)}"

    assert label() is None
    review.request_changes(report, reviewer, "Which readout?")
    assert label() == "Sent back by reviewer"
    review.submit(answered(report, reporter), reporter)
    assert label() == "Sent back earlier by reviewer"
    review.verify(report, reviewer)
    assert label() == "Reviewed by reviewer"


NETANYAHU_HUNGARY = "benjamin-netanyahu-hun-2025-04-03"
NO_FINDING = "the ICC has made no finding of non-compliance"


def test_a_corrections_preview_reads_the_icc_findings_on_its_visit(
    seeded, reporter, reviewer, signed_in
):
    """The published verdict on Netanyahu's visit to Hungary names the Court's finding of
    non-compliance; the preview of a correction of it does too, on the form, on the
    reporter's page and on the reviewer's, never "no finding"."""
    visit = Visit.objects.get(slug=NETANYAHU_HUNGARY)
    assert visit.findings.filter(kind="art_87_7").exists()
    client = signed_in(reporter)
    sources = [{k: v or "" for k, v in c.items()} for c in review.citations_of(visit)]
    fields = {k: v or "" for k, v in review.report_data_of(visit).items()}
    form = text(
        client.post(
            reverse("newsroom:correct", args=[NETANYAHU_HUNGARY]),
            form_data(action="preview", sources=sources, **{**fields, "start": "2025-04-02"}),
        )
    )
    preview = form.split('id="preview-explanation"')[1].split("</p>")[0]
    assert "Pre-Trial Chamber I found non-compliance" in preview and NO_FINDING not in preview
    report = correction_of(visit, reporter, start="2025-04-02", reason="He landed the day before.")
    for user in (reporter, reviewer):
        page = text(signed_in(user).get(reverse("newsroom:report", args=[report.pk])))
        preview = page.split('id="preview-explanation"')[1].split("</p>")[0]
        assert "Pre-Trial Chamber I found non-compliance" in preview
        assert NO_FINDING not in preview


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "The rule cannot evaluate this report yet: complete or correct the outcome."),
        (
            "fr",
            "La règle ne peut pas encore évaluer ce signalement\u00a0: complétez ou corrigez "
            "l’issue.",
        ),
    ],
)
def test_a_drafts_preview_names_what_the_rule_lacks(
    tajikistan_removed, reporter, signed_in, language, said
):
    """A draft with its person, host and start (a month) but no outcome: its page's
    preview asks for the outcome, not for "the person, host and dates", which are there."""
    client = signed_in(reporter)
    client.cookies["django_language"] = language
    client.post(
        reverse("newsroom:new"),
        form_data(action="draft", start="2025-09", start_precision="month", end="", outcome=""),
    )
    report = Report.objects.get()
    assert (report.data["start"], report.data["outcome"]) == ("2025-09", "")
    page = html.unescape(text(client.get(reverse("newsroom:report", args=[report.pk]))))
    preview = page.split('id="preview"', 1)[1].split("</section>", 1)[0]
    assert said in preview
    assert 'id="preview-verdict"' not in preview


def test_a_verified_report_shows_its_published_visit_and_a_rejected_one_no_preview(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """Once verified, a report's page gives the published visit's verdict and a link to its
    page, not a preview of what "would" be published; once rejected, nothing of the kind."""
    report = file(reporter)
    review.verify(report, reviewer)
    flagging.evaluate_pending()
    report.refresh_from_db()
    for user in (reporter, reviewer):
        page = text(signed_in(user).get(reverse("newsroom:report", args=[report.pk])))
        assert 'id="preview"' not in page
        assert "Nothing is saved or published by a preview." not in page
        published = page.split('id="published"')[1].split("</section>")[0]
        assert f'href="{report.visit.get_absolute_url()}" id="published-link"' in published
        assert 'id="published-explanation"' in published and "non-compliance" in published
    rejected = file(reporter, start="2025-10-20", end="2025-10-21")
    review.reject(rejected, reviewer, "Not sourced well: no outlet reports it.")
    for user in (reporter, reviewer):
        page = text(signed_in(user).get(reverse("newsroom:report", args=[rejected.pk])))
        assert 'id="preview"' not in page and 'id="published"' not in page


def test_a_report_sent_back_leads_to_the_answer_box_not_to_a_submit_that_bounces(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """A report sent back and not yet answered offers no "Submit for review" button (it
    could only be refused): its page leads to the answer box of its form. Answered and
    saved, Submit is offered, and submits it."""
    report = file(reporter)
    review.request_changes(report, reviewer, "Which readout says Dushanbe?")
    client = signed_in(reporter)
    page_url = reverse("newsroom:report", args=[report.pk])
    page = text(client.get(page_url))
    submit = reverse("newsroom:submit", args=[report.pk])
    assert f'action="{submit}"' not in page
    edit = reverse("newsroom:edit", args=[report.pk])
    link = re.search(r'<a class="button" href="([^"]+)" id="answer-reviewer">(.*?)</a>', page)
    assert link.groups() == (f"{edit}#id_reply", "Answer the reviewer and submit")
    form = text(client.get(edit))
    assert 'id="id_reply"' in form
    seen = re.search(r'name="seen" value="([^"]+)"', form).group(1)
    client.post(edit, form_data(action="draft", reply="Dushanbe: see the readout.", seen=seen))
    page = text(client.get(page_url))
    assert f'action="{submit}"' in page and 'id="answer-reviewer"' not in page
    client.post(submit)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_reports_title_gives_the_visits_dates_as_the_public_pages_do(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """A report of a 15-16 October trip was titled with its first day only."""
    report = file(reporter, start="2024-10-15", end="2024-10-16")
    page = html.unescape(
        text(signed_in(reviewer).get(reverse("newsroom:report", args=[report.pk])))
    )
    assert "<h1>Vladimir Vladimirovich Putin in Tajikistan, 15–16 October 2024</h1>" in page
    queue = html.unescape(text(signed_in(reviewer).get(reverse("newsroom:queue"))))
    assert "Vladimir Vladimirovich Putin in Tajikistan, 15–16 October 2024" in queue
    month = file(reporter, start="2024-10", end=None, place="Khujand")
    page = html.unescape(text(signed_in(reviewer).get(reverse("newsroom:report", args=[month.pk]))))
    assert "<h1>Vladimir Vladimirovich Putin in Tajikistan, October 2024</h1>" in page


def test_a_drafts_end_without_a_start_is_kept_in_its_title():
    """A draft may hold an end and no start yet: its title says until when ("until 3 March
    2025"), not "undated" (which would drop what the reporter wrote)."""
    from front.summaries import report_span_words

    assert report_span_words(None, "2025-03-03") == "until 3 March 2025"
    assert report_span_words(None, "2025-3-3") == "2025-3-3"  # unreadable: as typed
    assert report_span_words("2024-10-15", "2024-10-16") == "15–16 October 2024"


def test_the_person_menu_lists_every_person_up_to_a_bound_then_asks_the_search(
    seeded, reporter, signed_in, monkeypatch
):
    """The form's menu listed every person: 213 KB of options at 5,000 persons. Up to
    `MAX_PERSONS` it still lists them all (no script needed); beyond, the box asks the
    persons search as the reporter types, offering names, and the page stays small."""
    from newsroom import places
    from warrants.models import Person

    client = signed_in(reporter)
    persons = Person.objects.count()

    def menu(page: str) -> list[str]:
        return re.findall(
            r"<option value=\"([^\"]*)\"", page.split('id="person-list"')[1].split("</datalist>")[0]
        )

    monkeypatch.setattr(places, "MAX_PERSONS", persons)
    listed = text(client.get(reverse("newsroom:new")))
    assert len(menu(listed)) == persons and "Vladimir Vladimirovich Putin" in menu(listed)
    assert "data-suggest" not in listed and "js/suggest.js" not in listed

    monkeypatch.setattr(places, "MAX_PERSONS", persons - 1)
    asked = text(client.get(reverse("newsroom:new")))
    assert menu(asked) == []
    box = re.search(r"<input[^>]*id=\"id_person\"[^>]*>", asked).group(0)
    assert 'data-suggest="/api/v1/search/?kind=person&amp;q="' in box
    assert 'data-suggest-value="name"' in box and 'list="person-list"' in box
    assert "js/suggest.js" in asked and len(asked) < len(listed)
    # A refused form keeps asking the search, and a name typed in full is still filed.
    refused = text(client.post(reverse("newsroom:new"), form_data(action="draft", person="Vlad")))
    assert "data-suggest" in refused and menu(refused) == []
    response = client.post(reverse("newsroom:new"), form_data(action="draft", person="Putin"))
    assert response.status_code == 302
    assert Report.objects.get().data["person"] == "vladimir-putin"


def withdrawal_sent_back(reporter, reviewer, signed_in):
    """Mongolia's visit proposed for withdrawal by `reporter` and sent back by `reviewer`:
    (the report, the author's client, its page's address, its reword address)."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="First reason, given.")
    review.request_changes(report, reviewer, "Name the source that contradicts it.")
    urls = (reverse(n, args=[report.pk]) for n in ("newsroom:report", "newsroom:edit"))
    return report, signed_in(reporter), *urls


def reword_seen(page: str) -> str:
    """The version of the report the reword form of `page` carries (its `seen`)."""
    form = page.split('id="reword-withdrawal"')[1].split("</form>")[0]
    return re.search(r'name="seen" value="([^"]+)"', form).group(1)


def test_a_withdrawals_reason_reworded_in_two_windows_keeps_the_first_save(
    seeded, reporter, reviewer, signed_in
):
    """The reason of a withdrawal sent back, open in two windows: the second window's save
    overwrote the first's unseen. It comes back with its words and the page as it now
    reads; saved again from there, it replaces the reason knowingly."""
    report, client, page_url, edit = withdrawal_sent_back(reporter, reviewer, signed_in)
    first, second = (reword_seen(text(client.get(page_url))) for _ in range(2))
    client.post(
        edit, {"withdrawal_note": "Reason one of the two.", "reply": "Done.", "seen": first}
    )
    stale = client.post(
        edit, {"withdrawal_note": "Reason two of the two.", "reply": "Done.", "seen": second}
    )
    assert stale.status_code == 400
    assert "saved again (in another window" in html.unescape(text(stale))
    assert (
        "Reason two of the two." in text(stale).split('id="reword-note"')[1].split("</textarea>")[0]
    )
    report.refresh_from_db()
    assert report.withdrawal_note == "Reason one of the two."
    again = reword_seen(text(stale))
    assert again == review.version_of(report) != second
    client.post(
        edit, {"withdrawal_note": "Reason two of the two.", "reply": "Done.", "seen": again}
    )
    report.refresh_from_db()
    assert report.withdrawal_note == "Reason two of the two."


def test_a_submission_refused_after_its_edit_was_saved_is_no_conflict_with_itself(
    tajikistan_removed, reporter, signed_in
):
    """The edit is saved, then its submission refused (a source address that filing
    refuses): the form came back carrying the version from before that save, so fixing
    the address and submitting was refused as "saved again in another window"."""
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    report = Report.objects.get()
    url = reverse("newsroom:edit", args=[report.pk])
    seen = re.search(r'name="seen" value="([^"]+)"', text(client.get(url))).group(1)
    bad = [{**SOURCES[0], "url": "https://rita:secret@example.org/x"}, *SOURCES[1:]]
    refused = html.unescape(
        text(client.post(url, {**form_data(action="submit", sources=bad), "seen": seen}))
    )
    assert "carries a user name or password" in refused
    report.refresh_from_db()
    assert report.citations[0]["url"] == "https://rita:secret@example.org/x"  # the draft saved
    again = re.search(r'name="seen" value="([^"]+)"', refused).group(1)
    assert again == review.version_of(report) != seen
    fixed = client.post(url, {**form_data(action="submit"), "seen": again})
    assert fixed.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_refused_reword_keeps_the_version_its_window_was_opened_at(
    seeded, reporter, reviewer, signed_in
):
    """Window A, opened before window B saved the reason, is refused for another reason
    (no answer to the reviewer): its page came back with B's version, so A's next save
    overwrote B's reason unseen."""
    report, client, page_url, edit = withdrawal_sent_back(reporter, reviewer, signed_in)
    a, b = (reword_seen(text(client.get(page_url))) for _ in range(2))
    client.post(edit, {"withdrawal_note": "Window B's own reason.", "reply": "Done.", "seen": b})
    refused = client.post(
        edit,
        {"withdrawal_note": "Window A's own reason.", "reply": "", "then": "submit", "seen": a},
    )
    assert refused.status_code == 400 and reword_seen(text(refused)) == a
    stale = client.post(
        edit,
        {
            "withdrawal_note": "Window A's own reason.",
            "reply": "Done.",
            "seen": reword_seen(text(refused)),
        },
    )
    assert "saved again (in another window" in html.unescape(text(stale))
    report.refresh_from_db()
    assert report.withdrawal_note == "Window B's own reason."


def test_a_refused_comment_keeps_the_version_the_reviewer_read(
    tajikistan_removed, reporter, reviewer, client
):
    """A comment refused (empty) came back on a page carrying the report's current
    version: a version submitted meanwhile could then be closed as if read."""
    report = file(reporter)
    client.force_login(reviewer)
    read = re.search(
        r'name="seen" value="([^"]+)"',
        text(client.get(reverse("newsroom:report", args=[report.pk]))),
    ).group(1)
    review.take_back(report, reporter)
    report.refresh_from_db()
    report.data = {**report.data, "place": "Dushanbe; Khujand"}
    report.save()
    review.submit(report, reporter)
    url = reverse("newsroom:reject", args=[report.pk])
    refused = client.post(url, {"seen": read, "comment": ""})
    assert refused.status_code == 400
    form = text(refused).split(f'action="{url}"')[1].split("</form>")[0]
    assert f'name="seen" value="{read}"' in form
    assert client.post(url, {"seen": read, "comment": "No."}).status_code == 400
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


# --- A page's form that does not say which version it was opened at --------------------
# (a tab opened before the site asked for it, or a hand-made POST): refused as Verify
# refuses one, what was typed kept, nothing changed; the API's `seen` stays optional.


def test_an_edit_from_a_form_that_does_not_say_its_version_is_not_saved(
    tajikistan_removed, reporter, signed_in
):
    """It was saved unchecked, over whatever another window had saved meanwhile. It comes
    back as typed, saying so, and carries the report's version: saved again, it replaces
    the report knowingly."""
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    report = Report.objects.get()
    url, before = reverse("newsroom:edit", args=[report.pk]), version_now(report)
    # Refused for what was typed, it still says no version: the save after is refused too.
    bad = client.post(url, form_data(action="draft", start="2025-13"))
    assert bad.status_code == 200 and 'name="seen"' not in text(bad)
    refused = client.post(url, form_data(action="draft", notes="Typed in a tab opened before."))
    page = html.unescape(text(refused))
    assert refused.status_code == 200
    assert "This form does not say which version of the report it was opened at" in page
    assert "Typed in a tab opened before." in page.split('id="id_notes"')[1]
    assert version_now(report) == before and Report.objects.get().data["notes"] == ""
    again = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    assert again == before
    saved = client.post(
        url, form_data(action="draft", notes="Typed in a tab opened before.", seen=again)
    )
    assert saved.status_code == 302
    assert Report.objects.get().data["notes"] == "Typed in a tab opened before."


def test_a_withdrawal_reworded_from_a_form_that_does_not_say_its_version_is_not_saved(
    seeded, reporter, reviewer, signed_in
):
    """The reason and the answer come back in their boxes, saying so first (before what is
    wrong with the answer), with the page as it now reads and its version; nothing is
    saved or submitted until the form says which version it rewords."""
    report, client, _page_url, edit = withdrawal_sent_back(reporter, reviewer, signed_in)
    before = version_now(report)
    reason = "The second source shows he stayed in Moscow."
    # Said first, before what is wrong with the answer: missing, or too long.
    for reply in ("The second source says so.", "", "Too long. " * 600):
        refused = client.post(edit, {"withdrawal_note": reason, "reply": reply, "then": "submit"})
        page = html.unescape(text(refused))
        assert refused.status_code == 400
        said = page.split('id="reword-note-errors"')[1].split("</ul>")[0]
        assert "This form does not say which version of the report it was opened at" in said
        assert 'id="reword-reply-errors"' not in page
        assert reason in page.split('id="reword-note"')[1].split("</textarea>")[0]
        assert reply in page.split('id="reword-reply"')[1].split("</textarea>")[0]
        assert reword_seen(page) == before == version_now(report)
    report.refresh_from_db()
    assert (report.withdrawal_note, report.reply, report.state) == (
        "First reason, given.",
        "",
        ReportState.CHANGES_REQUESTED,
    )
    client.post(
        edit,
        {
            "withdrawal_note": reason,
            "reply": "The second source says so.",
            "then": "submit",
            "seen": before,
        },
    )
    report.refresh_from_db()
    assert (report.withdrawal_note, report.state) == (reason, ReportState.SUBMITTED)


@pytest.mark.parametrize("action", ["request-changes", "reject"])
def test_a_review_from_a_form_that_does_not_say_which_version_was_read_is_refused(
    tajikistan_removed, reporter, reviewer, client, action
):
    """Sent back or rejected unchecked, a report its author had changed since the page
    was opened was answered unread. The page comes back as the report now reads, the
    comment in its box, saying so; sent again from there, it goes through."""
    report = file(reporter)
    client.force_login(reviewer)
    url = reverse(f"newsroom:{action}", args=[report.pk])
    box = "reject-reason" if action == "reject" else "changes-comment"
    comment = "Add the Kremlin's readout of the meeting."
    # Without a comment either: the version is said first (the page gives its own).
    for typed in (comment, ""):
        refused = client.post(url, {"comment": typed})
        page = html.unescape(text(refused))
        assert refused.status_code == 400
        said = page.split(f'id="{box}-errors"')[1].split("</ul>")[0]
        assert "This form does not say which version of the report you read" in said
        assert "Say why, for the author." not in said
        assert typed in page.split(f'id="{box}"')[1].split("</textarea>")[0]
        report.refresh_from_db()
        assert (report.state, report.comment, report.reviewer) == (ReportState.SUBMITTED, "", None)
    again = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    assert again == review.version_of(report)
    assert client.post(url, {"comment": comment, "seen": again}).status_code == 302
    report.refresh_from_db()
    expected = ReportState.REJECTED if action == "reject" else ReportState.CHANGES_REQUESTED
    assert (report.state, report.comment) == (expected, comment)


def test_the_apis_seen_stays_optional(tajikistan_removed, reporter, reviewer, api_client):
    """The API's clients may leave `seen` out (documented as optional): the report is sent
    back, then rejected, unchecked, as before."""
    report = file(reporter)
    api_client.force_authenticate(reviewer)
    url = f"/api/v1/reports/{report.pk}/"
    sent_back = api_client.post(f"{url}request-changes/", {"comment": "Cite it."}, format="json")
    assert sent_back.status_code == 200, sent_back.content
    review.submit(answered(report, reporter), reporter)
    rejected = api_client.post(
        f"{url}reject/", {"reason": "Not sourced by any outlet."}, format="json"
    )
    assert rejected.status_code == 200, rejected.content
    assert Report.objects.get(pk=report.pk).state == ReportState.REJECTED


# --- A withdrawal's sources ---------------------------------------------------------

RETRACTION = {
    "url": "https://news.example.org/2024/09/04/correction",
    "publisher": "Example News",
    "published": "2024-09-04",
    "excerpt": "An earlier version of this article wrongly reported the visit.",
}
IN_ERROR = "Reported in error: the newspaper retracted its story the next day."


def withdrawal_post(note: str = IN_ERROR, sources=(), **more) -> dict:
    """The withdrawal form's POST (the correction page's, or a withdrawal's reword form):
    its reason and its sources."""
    return {"withdrawal_note": note, **sources_data(list(sources), "withdrawal_source"), **more}


def test_a_withdrawal_cites_its_sources_from_the_newsroom_to_the_visits_page(
    seeded, reporter, reviewer, signed_in
):
    """A reporter proposes the withdrawal with the source that shows why; the reviewer
    reads it beside the reason and verifies it; the visit's page then gives the reason
    with its source, in English and in French, so does the API's visit, and the visit's
    history records it."""
    client = signed_in(reporter)
    correct = text(client.get(reverse("newsroom:correct", args=[MONGOLIA])))
    form = correct.split('id="withdraw-form"')[1].split("</form>")[0]
    assert 'name="withdrawal_source-0-url"' in form and 'id="add-withdrawal-source"' in form
    filed = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), withdrawal_post(sources=[RETRACTION])
    )
    report = Report.objects.get()
    assert filed["Location"] == reverse("newsroom:report", args=[report.pk])
    assert report.withdrawal_citations == review.normalise_citations([RETRACTION])
    client = signed_in(reviewer)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    section = page.split('id="withdrawal"')[1].split("</section>")[0]
    listed = section.split('id="withdrawal-sources"')[1].split("</ol>")[0]
    assert f'href="{RETRACTION["url"]}"' in listed and "Example News" in listed
    assert RETRACTION["excerpt"] in listed and 'id="no-withdrawal-source"' not in section
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    assert client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen}).status_code
    flagging.evaluate_pending()
    visit = Visit.objects.get(slug=MONGOLIA)
    assert visit.review_state == ReviewState.WITHDRAWN
    history = html.unescape(
        text(client.get(reverse("record-history", args=["visits.visit", visit.pk])))
    )
    assert "Source of a visit's withdrawal" in history and RETRACTION["url"] in history
    client.logout()
    for path, said in (
        (visit.get_absolute_url(), "The sources of its withdrawal:"),
        (f"/fr{visit.get_absolute_url()}", "Les sources de son retrait\u00a0:"),
    ):
        public = html.unescape(text(client.get(path)))
        notice = public.split('id="withdrawn"')[1].split("</div>")[0]
        assert IN_ERROR in notice and said in notice, path
        cited = notice.split('id="withdrawal-sources"')[1].split("</ol>")[0]
        assert f'href="{RETRACTION["url"]}"' in cited and "Example News" in cited
        assert RETRACTION["excerpt"] in cited
    # Its explanation gives the visit's own sources as such, not as the withdrawal's, on
    # its page, in the API and in the downloads (core.reasons.render, everywhere).
    for path, said in (
        (f"/visits/{MONGOLIA}/", "Sources cited for the visit: "),
        (f"/fr/visits/{MONGOLIA}/", "Sources citées pour la visite\u00a0: "),
    ):
        public = html.unescape(text(client.get(path)))
        explained = public.split('id="explanation">')[1].split("</p>")[0]
        assert said in explained and "Sources: " not in explained, path
        assert "Sources\u00a0: " not in explained, path
    for query, said in (("", "Sources cited for the visit: "), ("?lang=fr", "Sources citées")):
        verdict = client.get(f"/api/v1/visits/{MONGOLIA}/{query}").json()["verdict"]
        assert said in verdict["explanation"] and "Sources: " not in verdict["explanation"]
    downloaded = Visit.objects.get(slug=MONGOLIA).verdict.explanation_text("en")
    assert "Sources cited for the visit: " in downloaded and "Sources: " not in downloaded
    # The public changes tell of it too, as the verified withdrawal's.
    changes = html.unescape(text(client.get("/changes/")))
    cited = next(e for e in changes.split('<li class="change"') if RETRACTION["url"] in e)
    assert "Source of a visit's withdrawal" in cited and "a verified withdrawal" in cited
    shown = client.get(f"/api/v1/visits/{MONGOLIA}/").json()
    assert shown["withdrawal_note"] == IN_ERROR
    # A source with no archived copy reads null, as blank text does everywhere in JSON.
    assert shown["withdrawal_sources"] == [{**RETRACTION, "archived_url": None}]


def test_a_withdrawal_source_inside_a_network_is_refused_beside_it_and_nothing_is_filed(
    seeded, reporter, signed_in
):
    """A withdrawal's source is checked as a visit's is, with the same words: an address
    inside a private network comes back beside its own field (and in the form's summary),
    the reason kept in its box and not said wrong, and nothing is filed."""
    client = signed_in(reporter)
    bad = "http://192.168.1.10/retraction"
    refused = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]),
        withdrawal_post(sources=[RETRACTION, {"url": bad, "publisher": "Intranet"}]),
    )
    assert refused.status_code == 400 and not Report.objects.exists()
    page = html.unescape(text(refused))
    said = review.address_refusal(bad)
    assert "is not a public address: a source must be one anyone can read." in said
    beside = page.split('id="id_withdrawal_source-1-url-error"')[1].split("</p>")[0]
    assert said in beside
    summary = page.split('id="withdrawal-errors"')[1].split("</div>")[0]
    assert "Source 2 — URL" in summary and said in summary
    box = page.split('id="withdrawal-note"')[1].split("</textarea>")[0]
    assert IN_ERROR in box and "aria-invalid" not in box
    # Both sources stay in their boxes, as typed.
    assert f'value="{RETRACTION["url"]}"' in page and f'value="{bad}"' in page
    # The same words a visit's source gets, in French too.
    with translation.override("fr"):
        french = review.address_refusal(bad)
    client.cookies["django_language"] = "fr"
    refused = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), withdrawal_post(sources=[{"url": bad}])
    )
    assert refused.status_code == 400 and not Report.objects.exists()
    assert french in html.unescape(text(refused)) and "n’est pas une adresse publique" in french


def test_a_withdrawal_source_is_refused_with_every_problem_at_once(seeded, reporter, signed_in):
    """A withdrawal's source whose address holds a space was "Enter a valid URL." alone:
    its publication date in the future, and an address cited again, came once it was
    fixed, the latter naming the first by the place the service gave it. All are said in
    one answer now, in the newsroom's words and by the form's numbers."""
    future = (timezone.now() + datetime.timedelta(days=30)).date().isoformat()
    sources = [
        {"url": "https://example.org/a b", "published": future},
        {"url": ""},
        {"url": RETRACTION["url"]},
        {"url": RETRACTION["url"]},
    ]
    client = signed_in(reporter)
    refused = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), withdrawal_post(sources=sources)
    )
    assert refused.status_code == 400 and not Report.objects.exists()
    page = html.unescape(text(refused))

    def beside(field):
        return page.split(f'id="id_withdrawal_source-{field}-error"')[1].split("</p>")[0]

    assert "contains a space after 'https://example.org/a'" in beside("0-url")
    assert "%20" in beside("0-url")
    assert "is in the future" in beside("0-published")
    assert "is already cited (source 3)" in beside("3-url")


def test_a_withdrawal_without_a_source_is_filed_and_its_reviewer_is_told(
    seeded, reporter, reviewer, signed_in
):
    """None is required (an error in the record's own entry may have no outside source):
    the withdrawal is filed without one, and its reviewer reads that none was given.
    "Add another source" gives the form one more source, the reason kept, nothing filed."""
    client = signed_in(reporter)
    more = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]),
        withdrawal_post(sources=[RETRACTION], action="add_source"),
    )
    assert more.status_code == 200 and not Report.objects.exists()
    form = html.unescape(text(more)).split('id="withdraw-form"')[1].split("</form>")[0]
    assert 'name="withdrawal_source-1-url"' in form and IN_ERROR in form
    assert f'value="{RETRACTION["url"]}"' in form and 'class="error"' not in form
    filed = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), withdrawal_post())
    report = Report.objects.get()
    assert filed.status_code == 302 and report.withdrawal_citations == []
    page = text(signed_in(reviewer).get(reverse("newsroom:report", args=[report.pk])))
    section = page.split('id="withdrawal"')[1].split("</section>")[0]
    assert 'id="no-withdrawal-source"' in section and 'id="withdrawal-sources"' not in section


def test_a_withdrawal_sent_back_is_given_a_source_on_its_page(
    seeded, reporter, reviewer, signed_in
):
    """Sent back ("cite the retraction"), the withdrawal's page lists its sources in the
    reword form: a source refused comes back beside its field and nothing changes; one
    accepted is saved with the reason and the answer, and the next review reads it
    among what changed."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note=IN_ERROR)
    review.request_changes(report, reviewer, "Cite the retraction.")
    client = signed_in(reporter)
    page_of = reverse("newsroom:report", args=[report.pk])
    form = text(client.get(page_of)).split('id="reword-withdrawal"')[1].split("</form>")[0]
    assert 'name="withdrawal_source-0-url"' in form
    edit = reverse("newsroom:edit", args=[report.pk])
    bad = "http://10.0.0.7/retraction"
    refused = client.post(
        edit,
        withdrawal_post(sources=[{"url": bad}], reply="Cited.", seen=version_now(report)),
    )
    assert refused.status_code == 400
    page = html.unescape(text(refused))
    assert review.address_refusal(bad) in page.split('id="id_withdrawal_source-0-url-error"')[1]
    report.refresh_from_db()
    assert (report.withdrawal_citations, report.reply) == ([], "")
    saved = client.post(
        edit,
        withdrawal_post(
            sources=[RETRACTION], reply="Cited.", then="submit", seen=version_now(report)
        ),
    )
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.withdrawal_citations == review.normalise_citations([RETRACTION])
    page = text(signed_in(reviewer).get(page_of))
    added = page.split('id="since-sources-added"')[1].split("</ul>")[0]
    assert RETRACTION["url"] in added
    assert RETRACTION["url"] in page.split('id="withdrawal-sources"')[1].split("</ol>")[0]


def test_a_publisher_longer_than_a_citation_keeps_is_refused_beside_it(
    seeded, reporter, reviewer, signed_in
):
    """The form took a publisher of up to 300 characters, a citation keeps 200: filed, the
    report (or withdrawal) then failed its verification with a database error. Now the
    form refuses it beside the field, in the staff's words, and nothing is filed."""
    client = signed_in(reporter)
    long = {**RETRACTION, "publisher": "P" * 201}
    refused = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), withdrawal_post(sources=[long])
    )
    assert refused.status_code == 400 and not Report.objects.exists()
    beside = text(refused).split('id="id_withdrawal_source-0-publisher-error"')[1].split("</p>")[0]
    assert "at most 200 characters" in beside
    report = client.post(reverse("newsroom:new"), form_data(sources=[long]))
    assert report.status_code == 200 and not Report.objects.exists()
    assert "at most 200 characters" in text(report).split('id="id_source-0-publisher-error"')[1]
    # 200 characters are filed and verified.
    fits = {**RETRACTION, "publisher": "P" * 200}
    client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), withdrawal_post(sources=[fits]))
    review.verify(Report.objects.get(), reviewer)
    assert Visit.objects.get(slug=MONGOLIA).withdrawal_citations.get().publisher == "P" * 200


def test_one_submission_says_every_error_of_the_form_at_once(
    tajikistan_removed, reporter, signed_in
):
    """A report with mistakes of every kind is refused once, each beside its field: the
    form's own checks (a person not found, an outcome missing) and the filing's (a date
    before 1900, a source's address that is not public, a source published in the
    future). The filing's were once said only after the form's were fixed: a second
    round of refusals for a form that had already been corrected."""
    client = signed_in(reporter)
    for action in ("submit", "preview"):
        response = client.post(
            reverse("newsroom:new"),
            form_data(
                action=action,
                person="Nobody At All",
                outcome="",
                start="1850-10-08",
                sources=[
                    {"url": "", "publisher": ""},
                    {"url": "http://localhost/report", "publisher": "Intranet"},
                    {**SOURCES[1], "published": "2099-01-01"},
                    {"url": "", "published": "yesterday"},
                ],
            ),
        )
        page = html.unescape(text(response))
        assert response.status_code == 200 and not Report.objects.exists(), action
        for field in (
            "id_person",
            "id_outcome",
            "id_start",
            "id_source-1-url",
            "id_source-2-published",
            # A date refused, and no URL for it: both at once.
            "id_source-3-published",
            "id_source-3-url",
        ):
            assert f'id="{field}-error"' in page, (action, field)
        assert 'id="id_source-0-url-error"' not in page, action
        assert "No person wanted by the ICC is called Nobody At All." in page
        assert "'1850-10-08' is before 1900" in page
        assert "'2099-01-01' is in the future" in page
        # What was typed is kept.
        assert 'value="Nobody At All"' in page and 'value="http://localhost/report"' in page


def test_a_correction_without_its_reason_is_told_so_with_the_forms_other_errors(
    seeded, reporter, signed_in
):
    """A correction submitted without its reason and with a field refused is told both in
    one answer; the reason was once asked for only after the rest was fixed."""
    visit = Visit.objects.get(slug=MONGOLIA)
    client = signed_in(reporter)
    url = reverse("newsroom:correct", args=[visit.slug])
    based_on = based_on_of(text(client.get(url)))
    response = client.post(
        url, {**khalkhin_gol(visit), "based_on": based_on, "reason": "", "start": "2024-13-40"}
    )
    page = text(response)
    assert response.status_code == 200 and not Report.objects.exists()
    assert 'id="id_start-error"' in page and 'id="id_reason-error"' in page


def history_text(client, label: str, pk: int) -> str:
    """A record's history page as its reader reads it: its words, without the markup."""
    page = text(client.get(reverse("record-history", args=[label, pk])))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<h1>")[1])))


@pytest.mark.parametrize(
    ("language", "host", "edited_host"),
    [("en", "Tajikistan", "Kazakhstan"), ("fr", "Tadjikistan", "Kazakhstan")],
)
def test_a_reports_history_names_the_person_and_the_states_not_their_codes(
    tajikistan_removed, reporter, reviewer, signed_in, language, host, edited_host
):
    """A report's history read "person: vladimir-putin; host: TJK", and its visit's
    "person vladimir-putin", "host state TJK": the person is named as the report's page
    names him, each state in the reader's language; the visit keeps its slug, which is
    its address."""
    draft = review.file_report(
        author=reporter, data={**REPORT_DATA, "host": "KAZ"}, citations=CITATIONS, submit=False
    )
    report = review.update_report(draft, reporter, data=REPORT_DATA, citations=CITATIONS)
    report = review.submit(report, reporter)
    review.verify(report, reviewer, seen=version_now(report))
    report.refresh_from_db()
    client = signed_in(reviewer)
    client.cookies["django_language"] = language
    said = history_text(client, "visits.report", report.pk)
    name = "Vladimir Vladimirovich Putin"
    # Filed: what the report says, whole; edited: the host, before and after.
    assert f"{name}" in said and f" {host} " in said.replace(";", " ")
    assert f"{edited_host} {host}" in said
    for code in ("vladimir-putin;", "TJK", "KAZ"):
        assert code not in said, code
    visit = history_text(client, "visits.visit", report.visit_id)
    assert name in visit and host in visit
    assert " TJK " not in visit and " vladimir-putin " not in visit
    assert report.visit.slug in visit


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "its visit has since been withdrawn"), ("fr", "sa visite a depuis été retirée")],
)
def test_a_verified_report_whose_visit_was_withdrawn_says_so_on_its_authors_dashboard(
    tajikistan_removed, reporter, reviewer, both, signed_in, language, said
):
    """A report verified, then its visit withdrawn by a colleague's withdrawal, verified:
    the author's dashboard still said "verified" alone, as if the visit stood on the
    record. It says the visit was withdrawn since, with a link to the visit's page (which
    gives the withdrawal's reason); a report whose visit stands says nothing of it."""
    report = file(reporter)
    review.verify(report, reviewer, seen=version_now(report))
    # Armenia: no visit of his there is recorded (his visit to Kazakhstan of November 2023,
    # its end not known, may be any later trip there: a possible duplicate).
    standing = file(reporter, host="ARM")
    review.verify(standing, reviewer, seen=version_now(standing))
    report.refresh_from_db()
    withdrawal = review.propose_withdrawal(
        author=both, visit=report.visit, note="The summit was held without him, by video."
    )
    review.verify(withdrawal, reviewer, seen=version_now(withdrawal))
    client = signed_in(reporter)
    client.cookies["django_language"] = language
    closed = text(client.get(reverse("newsroom:dashboard"))).split('id="closed"')[1]
    rows = {
        pk: closed.split(f'href="{reverse("newsroom:report", args=[pk])}"')[1].split("</li>")[0]
        for pk in (report.pk, standing.pk)
    }
    withdrawn = html.unescape(rows[report.pk])
    assert said in withdrawn
    assert f'href="{reverse("visit", args=[report.visit.slug])}"' in withdrawn
    assert said not in html.unescape(rows[standing.pk])


def test_the_reason_written_for_added_sources_is_read_in_the_readers_language(
    seeded, reporter, reviewer, signed_in
):
    """A French reporter's "add the sources to this visit instead" stored its reason in
    French, and English readers of the visit read it so (and French readers an English
    one's). It is kept in English and read in each reader's language; a reason stored in
    French before is recognised and read in English too."""
    client = signed_in(reporter)
    existing = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    sources = [{"url": "https://example.org/new-angle", "publisher": "Example Daily"}]
    with translation.override("fr"):  # whatever the filer's language
        assert views.added_sources_reason(sources) == (
            "Another report of this visit brought more sources: https://example.org/new-angle."
        )
    asked = client.post(
        reverse("newsroom:new"), form_data(action=f"add_to:{existing.pk}", sources=sources)
    )
    client.post(reverse("newsroom:new"), carried_by(text(asked), "file-sources"))
    report = Report.objects.get()
    review.verify(report, reviewer)
    french = html.unescape(text(client.get(f"/fr/visits/{existing.slug}/")))
    assert (
        "Un autre signalement de cette visite a apporté d’autres sources\u00a0: "
        "https://example.org/new-angle." in french
    )
    assert "Another report of this visit" not in french
    # A reason stored in French before reads in English on the English page.
    Report.objects.filter(pk=report.pk).update(
        reason="Un autre signalement de cette visite a apporté d’autres sources\u00a0: "
        "https://example.org/a, https://example.org/b."
    )
    english = html.unescape(text(client.get(f"/visits/{existing.slug}/")))
    assert (
        "Another report of this visit brought more sources: https://example.org/a, "
        "https://example.org/b." in english
    )
    # An author's own words are shown as written.
    assert reasons.correction_reason("Le communiqué date le départ au 4.") == (
        "Le communiqué date le départ au 4."
    )


def test_staff_pages_name_a_visit_as_readers_do_not_by_its_id(seeded, reporter, signed_in):
    """The correction form's heading, the duplicates box and a visit's history named the
    visit by its id ("vladimir-putin-tjk-2025-10-08"): now by who, where and when."""
    client = signed_in(reporter)
    visit = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    label = f"{visit.person.name} in Tajikistan, 8–10 October 2025"
    form = html.unescape(text(client.get(reverse("newsroom:correct", args=[visit.slug]))))
    assert f"<h1>Suggest a correction: {label}</h1>" in form
    preview = html.unescape(text(client.post(reverse("newsroom:new"), form_data(action="preview"))))
    box = preview.split('id="duplicates"')[1].split("</section>")[0]
    assert f">{label}</a>" in box and f">{visit.slug}</a>" not in box
    history = html.unescape(text(client.get(f"/newsroom/history/visits.visit/{visit.pk}/")))
    assert f"<h1>History of visit {label}</h1>" in history
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = html.unescape(text(client.get(reverse("newsroom:correct", args=[visit.slug]))))
    assert (
        f"<h1>Proposer une correction\u00a0: {visit.person.name}, Tadjikistan, 8–10 octobre 2025</h1>"
        in (french)
    )


def test_a_withdrawal_sent_back_and_refused_lists_the_missing_answer_in_its_summary(
    seeded, reporter, reviewer, signed_in
):
    """Its author submits it again without an answer to the reviewer and with a source's
    date that is not one: the page's title says it was refused and its summary (which
    takes the focus) lists both, the answer first as its box comes first; without the
    source's error, the summary still lists the answer."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note=IN_ERROR)
    review.request_changes(report, reviewer, "Name the source that contradicts it.")
    client = signed_in(reporter)
    client.cookies["django_language"] = "fr"
    edit = reverse("newsroom:edit", args=[report.pk])
    bad_date = {**RETRACTION, "published": "4 sept."}
    for sources, listed in (([bad_date], 2), ([RETRACTION], 1)):
        refused = client.post(
            edit,
            withdrawal_post(sources=sources, seen=version_now(report), reply="", then="submit"),
        )
        assert refused.status_code == 400
        page = html.unescape(text(refused))
        title = page.split("<title>", 1)[1].split("</title>", 1)[0]
        assert f"Signalement {report.pk}\u00a0: refusé" in title, title
        summary = page.split('id="withdrawal-errors"', 1)[1].split("</ul>", 1)[0]
        items = re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', summary)
        assert len(items) == listed, items
        assert items[0][0] == "reword-reply"
        assert items[0][1].startswith("Votre réponse au relecteur\u00a0: Répondez au relecteur")
        if listed == 2:
            assert items[1][0] == "id_withdrawal_source-0-published"
    report.refresh_from_db()
    assert report.state == "changes_requested"


def test_a_report_sent_back_and_moved_onto_a_recorded_trip_asks_as_a_filing_does(
    tajikistan_removed, reporter, reviewer, signed_in
):
    """The edit form of a report sent back asks "This is another visit" before submitting
    it onto the days and host of a visit recorded, as the new-report form does (and as the
    API's /resubmit/ asks `another_visit`)."""
    report = file(reporter)
    review.request_changes(report, reviewer, "Which readout says Dushanbe?")
    client = signed_in(reporter)
    edit = reverse("newsroom:edit", args=[report.pk])
    moved = {"host": "UZB", "start": "2024-05-26", "end": "2024-05-27", "place": "Tashkent"}
    answer = {"reply": "Moved to the Tashkent visit, as the readout says."}
    refused = client.post(edit, form_data(**moved, **answer, seen=version_now(report)))
    assert 'id="id_not_duplicate-error"' in text(refused)
    assert "vladimir-putin-uzb-2024-05-26" in text(refused)
    report.refresh_from_db()
    assert (report.state, report.data["host"]) == (ReportState.CHANGES_REQUESTED, "TJK")
    confirmed = client.post(
        edit, form_data(**moved, **answer, not_duplicate="1", seen=version_now(report))
    )
    assert confirmed.status_code == 302, text(confirmed)
    report.refresh_from_db()
    assert (report.state, report.data["host"]) == (ReportState.SUBMITTED, "UZB")
