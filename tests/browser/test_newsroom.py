"""The newsroom's acceptance test in a real browser: a reporter files Putin's trip to
Tajikistan (8–10 October 2025), nothing of it is public until a reviewer who is not
its author verifies it; then the site, the feeds and the API show it.

Evaluation is done as in production: the live server (a thread of this process)
publishes the verified visit's evaluation task to a private Redis, and a
`celery -A iccwatch worker` subprocess on the test database evaluates it (the
`pipeline` fixture of tests/pipeline.py). The test polls the public visit page until
the verdict shows, for at most VERDICT_WITHIN seconds.
"""

import datetime
import os
import shutil
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from states.models import State
from tests.browser.conftest import ARTIFACTS, snap
from tests.factories import make_visit
from tests.pipeline import wait_for
from visits.models import Report, Visit
from warrants.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PASSWORD = "a-long-test-password"
NEW_SLUG = "vladimir-putin-tjk-2025-10-08"
# From the reviewer's click to the verdict on the public page, through Redis and the worker.
VERDICT_WITHIN = 20
EVALUATED = "Task visits.evaluate_visits["


@pytest.fixture(autouse=True)
def generous_rate_limits(generous_rate_limits):
    """The journey reads the API many times: other tests' throttle history must not count."""


def account(name: str, group: str) -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def sign_in(page, site: str, name: str) -> None:
    page.goto(site + "/newsroom/")
    page.wait_for_url("**/newsroom/sign-in/**")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site + "/newsroom/")


def publicly_absent(page, site: str) -> None:
    """Nothing of the report on the site, in the feeds, the exports or the API."""
    assert page.request.get(f"{site}/visits/{NEW_SLUG}/").status == 404
    for path in (
        "/states/TJK/",
        "/persons/vladimir-putin/",
        "/incidents/",
        "/incidents/feed/",
        "/incidents.csv",
        "/visits.json?host=TJK",
        "/api/v1/visits/?host=TJK",
    ):
        body = page.request.get(site + path).text()
        assert "2025-10-08" not in body and "8 October 2025" not in body, path
        assert "2025-10-09" not in body, path


def keep(name: str) -> None:
    """Copy a screenshot to tests/screenshots/ for the README, when asked to refresh them
    (ICCWATCH_REFRESH_SCREENSHOTS=1): an ordinary run leaves the committed pictures alone."""
    if os.environ.get("ICCWATCH_REFRESH_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SCREENSHOTS / f"{name}.png")


def names_the_visit(box, slug: str, title: str) -> None:
    """The duplicate box `box` names the visit by its title, linked to its page."""
    link = box.get_by_role("link", name=title, exact=True)
    assert link.count() == 1, box.inner_text()
    assert f"/{slug}/" in link.get_attribute("href")


def evaluations_done(worker) -> int:
    """How many evaluation tasks the worker has finished, by its log."""
    return sum(EVALUATED in line and " succeeded in " in line for line in worker.tail_lines())


def test_a_report_is_filed_reviewed_by_another_person_and_published(site, pipeline, browse):
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    # An overlapping visit already recorded (reported, not public): the duplicate warning.
    recorded = make_visit(
        Person.objects.get(slug="vladimir-putin"),
        State.objects.get(iso3="TJK"),
        start=datetime.date(2025, 10, 9),
        review_state="reported",
    )
    assert recorded.slug == "vladimir-putin-tjk-2025-10-09"
    title = "Vladimir Vladimirovich Putin in Tajikistan, 9 October 2025"
    account("rita", roles.REPORTERS)
    account("victor", roles.REVIEWERS)

    # The reporter signs in and files the report with two sources.
    page = browse()
    sign_in(page, site, "rita")
    page.get_by_role("link", name="Report a visit").first.click()
    page.wait_for_url("**/newsroom/reports/new/")
    page.locator("#id_person").fill("Putin")
    page.locator("#id_host").select_option("TJK")
    page.locator("#id_place").fill("Dushanbe")
    page.locator("#id_start").fill("2025-10-08")
    page.locator("#id_end").fill("2025-10-10")
    page.locator("#id_status").select_option("occurred")
    page.locator("#id_outcome").select_option("not_arrested")
    page.locator("#id_occasion").fill("CIS summit")
    page.locator("#id_source-0-url").fill("https://example.org/putin-dushanbe")
    page.locator("#id_source-0-publisher").fill("Example News")
    page.locator("#id_source-0-published").fill("2025-10-08")
    page.locator("#id_source-1-url").fill("https://example.org/cis-summit")
    page.locator("#id_source-1-publisher").fill("Example Wire")
    page.locator("#id_source-1-archived_url").fill("https://archive.example.org/cis-summit")
    page.get_by_role("button", name="Preview").last.click()
    page.wait_for_load_state()
    assert page.locator("#preview-verdict").get_attribute("data-code") == "non_compliance"
    assert "Tajikistan" in page.locator("#preview-explanation").inner_text()
    duplicates = page.locator("#duplicates")
    names_the_visit(duplicates, recorded.slug, title)
    assert f"{title} (reported)" in duplicates.inner_text()
    snap(page, "newsroom-report-form")
    keep("newsroom-report-form")
    assert Report.objects.count() == 0  # a preview saves nothing

    page.get_by_label("This is another visit: submit it as a new report").check()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/newsroom/reports/*/")
    report = Report.objects.get()
    assert report.state == "submitted" and len(report.citations) == 2
    assert page.locator("#state").get_attribute("data-state") == "submitted"

    # Not public anywhere; the reporter has no verify button, and a POST to verify is 403.
    publicly_absent(page, site)
    assert page.locator("#verify").count() == 0
    assert page.locator("#four-eyes").is_visible()
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    refused = page.request.post(
        f"{site}/newsroom/reports/{report.pk}/verify/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
    )
    assert refused.status == 403
    assert "Your role does not allow this." in refused.text()
    report.refresh_from_db()
    assert report.state == "submitted"
    snap(page, "newsroom-report-submitted")

    # A reviewer signs in, finds it in the queue and verifies it.
    other = browse()
    sign_in(other, site, "victor")
    queue = other.locator("#queue")
    assert "rita" in queue.inner_text()
    snap(other, "newsroom-dashboard")
    keep("newsroom-dashboard")
    queue.get_by_role("link").first.click()
    other.wait_for_url(f"**/newsroom/reports/{report.pk}/")
    assert other.locator("#preview-verdict").get_attribute("data-code") == "non_compliance"
    assert other.locator("#report-sources a", has_text="archived copy").count() == 1
    snap(other, "newsroom-review")
    keep("newsroom-review")
    evaluated_before = evaluations_done(pipeline)
    # The overlapping visit recorded earlier: the reviewer confirms this is another one.
    names_the_visit(other.locator("#duplicates"), recorded.slug, title)
    other.locator("#different-visit").check()
    other.get_by_role("button", name="Verify and publish").click()
    other.wait_for_url(f"**/newsroom/reports/{report.pk}/")
    assert other.locator("#state").get_attribute("data-state") == "verified"
    verified_at = time.monotonic()
    # Who reported and who verified, and when (the submission's and the review's times).
    facts = other.locator("#report-state")
    assert "rita" in facts.inner_text() and "victor" in facts.inner_text()
    assert facts.locator("time").count() == 2

    # Evaluated by the worker, not inline: the visit waits for its verdict, then has it.
    reader = browse()

    def verdict_shown() -> bool:
        reader.goto(f"{site}/visits/{NEW_SLUG}/")
        return "non-compliance" in reader.locator(".verdict-line").inner_text()

    wait_for(
        verdict_shown,
        timeout=VERDICT_WITHIN,
        interval=0.25,
        what=f"the verdict on /visits/{NEW_SLUG}/",
        on_timeout=pipeline.tail,
        give_up=pipeline.failure,
    )
    took = time.monotonic() - verified_at
    assert evaluations_done(pipeline) > evaluated_before, pipeline.tail()
    print(f"verified → verdict on the public page in {took:.1f} s")

    # Then public: the visit, Tajikistan's page, the incidents list and feed, the API.
    assert "Tajikistan" in reader.locator("#explanation").inner_text()
    assert "Dushanbe" in reader.locator("#main").inner_text()
    snap(reader, "newsroom-published-visit")
    reader.goto(site + "/states/TJK/")
    assert reader.locator(f'a[href="/visits/{NEW_SLUG}/"]').count() >= 1
    reader.goto(site + "/incidents/")
    assert reader.locator(f'tr[data-id="{NEW_SLUG}"]').count() == 1
    assert NEW_SLUG in reader.request.get(site + "/incidents/feed/").text()
    api = reader.request.get(f"{site}/api/v1/visits/{NEW_SLUG}/")
    assert api.status == 200 and '"non_compliance"' in api.text()
    assert NEW_SLUG in reader.request.get(site + "/api/v1/visits/?host=TJK").text()
    visit = Visit.objects.get(slug=NEW_SLUG)
    assert (visit.created_by.username, visit.updated_by.username) == ("rita", "victor")

    # The visit's history, for staff: who reported, who verified, and when.
    other.goto(f"{site}/newsroom/history/visits.visit/{visit.pk}/")
    # Named as a reader names it, with a link to its public page.
    assert other.locator("h1").inner_text() == (
        "History of visit Vladimir Vladimirovich Putin in Tajikistan, 8–10 October 2025"
    )
    public_page = other.get_by_role("link", name="The public page")
    assert public_page.get_attribute("href") == f"/visits/{NEW_SLUG}/"
    entries = other.locator("ol.changes > li.change")
    authors = entries.locator(".author").all_inner_texts()
    assert "rita" in authors and "victor" in authors, authors
    for name in ("rita", "victor"):
        entry = entries.filter(has=other.locator(".author", has_text=name)).first
        assert entry.locator("time").get_attribute("datetime"), name
    snap(other, "newsroom-history")
    keep("newsroom-history")
    # A reader is sent to sign in.
    reader.goto(f"{site}/newsroom/history/visits.visit/{visit.pk}/")
    assert "/newsroom/sign-in/" in reader.url
    assert page.problems == [] and other.problems == [] and reader.problems == []


def test_the_report_form_without_javascript_in_french(site, browse):
    account("rita", roles.REPORTERS)
    page = browse(locale="fr-FR", javascript=False)
    page.goto(site + "/newsroom/")
    page.get_by_label("Nom d’utilisateur").fill("rita")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(site + "/newsroom/")
    page.goto(site + "/newsroom/reports/new/")
    page.get_by_role("button", name="Ajouter une autre source").click()
    page.wait_for_load_state()
    assert page.locator("fieldset.source").count() == 3
    page.get_by_role("button", name="Envoyer en relecture").click()
    page.wait_for_load_state()
    summary = page.locator("#form-errors")
    assert "Veuillez corriger" in summary.inner_text()
    # Each error is linked from the summary to its field, which it describes.
    person = page.locator("#id_person")
    assert "id_person-error" in person.get_attribute("aria-describedby")
    assert person.get_attribute("aria-invalid") == "true"
    snap(page, "newsroom-errors-fr")


def focused(page, element_id: str, within: float = 3.0) -> bool:
    """Whether the element `element_id` has the keyboard's focus within `within` seconds
    (polled from here: the page's CSP refuses the string a wait_for_function evaluates)."""
    deadline = time.monotonic() + within
    while True:
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def test_the_keyboard_lands_on_the_preview_and_on_a_refusals_summary(site, browse):
    """After Preview the page came back at its top, the preview below the whole form out
    of sight; after a refused Submit, the summary of errors was not where the keyboard
    was. The form's script (no inline script: the site's CSP) moves the focus there."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    account("rita", roles.REPORTERS)
    page = browse(height=700)
    sign_in(page, site, "rita")
    page.goto(site + "/newsroom/reports/new/")
    assert page.locator("#preview-link").count() == 0
    page.locator("#id_person").fill("Putin")
    page.locator("#id_host").select_option("TJK")
    page.locator("#id_start").fill("2025-10-08")
    page.locator("#id_status").select_option("occurred")
    page.locator("#id_outcome").select_option("not_arrested")
    page.locator("#id_source-0-url").fill("https://example.org/putin-dushanbe")
    page.get_by_role("button", name="Preview").last.click()
    page.wait_for_load_state()
    heading = page.locator("#preview-heading")
    heading.wait_for()
    assert focused(page, "preview-heading")
    assert heading.is_visible() and page.evaluate(
        "(() => { const r = document.getElementById('preview-heading')"
        ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()"
    )
    # Without the script, a link at the top of the form leads there.
    link = page.locator("#preview-link")
    assert link.inner_text() == "Preview below"
    assert link.get_attribute("href") == "#preview-heading"

    # Submitted without its start date: refused, the focus on the summary of errors.
    page.locator("#id_start").fill("")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    page.locator("#form-errors").wait_for()
    assert focused(page, "form-errors")
    assert "A visit needs a start date" in page.locator("#form-errors").inner_text()
    assert Report.objects.count() == 0
    assert page.problems == []  # nothing refused by the CSP, no script error


def test_the_keyboard_lands_on_the_source_another_source_added(site, browse):
    """After "Add another source" the page came back with the focus on its body, at the top:
    a screen reader user had to find the new source among the whole form again. The form's
    script gives the focus to the new source's fieldset, named by its legend, in the report
    form and in the correction page's withdrawal form (whose button the browser refused
    while the reason, required to send the withdrawal, was still empty)."""
    account("rita", roles.REPORTERS)
    page = browse(height=700)
    sign_in(page, site, "rita")
    page.goto(site + "/newsroom/reports/new/")
    page.locator("#id_source-0-url").fill("https://example.org/putin-dushanbe")
    page.locator("#sources-fields").get_by_role("button", name="Add another source").click()
    page.wait_for_load_state()
    page.locator("#source-3").wait_for()
    assert focused(page, "source-3")
    assert page.get_by_role("group", name="Source 3").evaluate("e => e === document.activeElement")
    # The next Tab goes into the new source, to its address.
    page.keyboard.press("Tab")
    assert focused(page, "id_source-2-url")

    page.goto(site + "/newsroom/visits/vladimir-putin-mng-2024-09-02/correct/")
    page.locator("#add-withdrawal-source").click()
    page.wait_for_load_state()
    page.locator("#withdrawal-source-2").wait_for()
    assert focused(page, "withdrawal-source-2")
    assert page.locator(":focus > legend").inner_text() == "Source 2"
    assert page.problems == []


def test_past_the_menus_bound_the_person_box_suggests_names_as_the_reporter_types(
    site, browse, monkeypatch
):
    """With more persons than the menu lists, the box asks the persons search (the
    site's own API, allowed by its CSP) and offers names, which the form files."""
    from newsroom import places

    monkeypatch.setattr(places, "MAX_PERSONS", 0)
    account("rita", roles.REPORTERS)
    page = browse()
    sign_in(page, site, "rita")
    page.goto(site + "/newsroom/reports/new/")
    assert page.locator("#person-list option").count() == 0
    page.locator("#id_person").press_sequentially("Puti")
    deadline = time.monotonic() + 5
    offered: list[str] = []
    while not offered and time.monotonic() < deadline:
        time.sleep(0.1)
        offered = page.evaluate(
            "Array.from(document.querySelectorAll('#person-list option'), o => o.value)"
        )
    # Best first: the name that contains what was typed, then close spellings.
    assert offered[0] == "Vladimir Vladimirovich Putin"
    assert page.problems == []


def test_typed_work_is_not_lost_by_leaving_the_form_or_by_a_session_that_ended(site, browse):
    """Leaving a changed form asked nothing; a form sent after the session ended came back
    empty after signing in. The form's script warns before leaving it changed (not when
    it is submitted), keeps what was typed in this tab's storage until the server saved it,
    and restores it, saying so, when the form opens again as the server has it."""
    account("rita", roles.REPORTERS)
    page = browse()
    sign_in(page, site, "rita")
    form_url = site + "/newsroom/reports/new/"
    page.goto(form_url)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("#id_person").click()
    page.locator("#id_person").press_sequentially("Putin")
    page.locator("#id_host").select_option("BRA")
    page.locator("#id_notes").fill("Said to attend the BRICS summit in Rio.")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and page.url == form_url

    # The session ends; Save as draft is sent to the sign-in page, which says so.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url("**/newsroom/sign-in/**")
    assert dialogs == ["beforeunload"]  # a submission is not warned about
    said = page.locator("#session-ended").inner_text()
    assert "what you sent was not saved" in said
    # With the script, the promise that the form opens with what was typed, and only it.
    assert "the form opens with what you typed" in said and "JavaScript" not in said, said
    assert not Report.objects.exists()
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(form_url)
    note = page.locator("#form-restored")
    assert note.inner_text() == (
        "What you typed before signing in again was restored; check it and save."
    )
    assert note.get_attribute("role") == "status" and focused(page, "form-restored")
    assert page.locator("#id_person").input_value() == "Putin"
    assert page.locator("#id_host").input_value() == "BRA"
    assert page.locator("#id_notes").input_value().startswith("Said to attend")

    # Saved: the page after the save tells the script to forget it.
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url("**/newsroom/reports/*/")
    report = Report.objects.get()
    assert report.state == "draft" and report.data["host"] == "BRA"
    assert typed_copies(page) == []
    page.goto(form_url)
    assert page.locator("#id_person").input_value() == ""
    assert page.locator("#form-restored").inner_text() == ""
    # Nothing typed: leaving asks nothing.
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(site + "/newsroom/")
    assert dialogs == ["beforeunload"]
    assert page.problems == []


def typed_copies(page) -> list[str]:
    """The keys of the report forms' copies of what was typed, kept in the tab."""
    return page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('iccwatch:typed:'))")


def test_typed_work_is_given_back_only_to_the_account_that_typed_it(site, browse):
    """Rita's notes, typed before her session ended on a shared tab, were "restored" into
    Bob's form when he signed in on it. Each copy is now the account's: another account
    signing in gets the form as the server has it and the copy is forgotten, on the
    report form and on a correction's; signing out forgets every copy too."""
    account("rita", roles.REPORTERS)
    account("bob", roles.REPORTERS)
    visit = make_visit(
        Person.objects.get(slug="vladimir-putin"),
        State.objects.get(iso3="TJK"),
        start=datetime.date(2023, 1, 5),
    )
    page = browse()
    page.on("dialog", lambda dialog: dialog.accept())
    for form_url, box in (
        (site + "/newsroom/reports/new/", "#id_notes"),
        (f"{site}/newsroom/visits/{visit.slug}/correct/", "#id_notes"),
    ):
        sign_in(page, site, "rita")
        page.goto(form_url)
        page.locator(box).fill("Rita's own notes, not for Bob.")
        assert len(typed_copies(page)) == 1
        # Her session ends; her Save is sent to the sign-in page; she walks away.
        page.context.clear_cookies(name="sessionid")
        page.get_by_role("button", name="Save as draft").click()
        page.wait_for_url("**/newsroom/sign-in/**")
        page.get_by_label("Username").fill("bob")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(form_url)
        assert "Rita" not in page.locator(box).input_value()
        assert page.locator("#form-restored").inner_text() == ""
        assert typed_copies(page) == []
        # Bob types, and signs out: nothing of his stays in the tab.
        page.locator(box).fill("Bob's notes.")
        assert len(typed_copies(page)) == 1
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/newsroom/sign-in/**")
        assert typed_copies(page) == []
    assert not Report.objects.exists()
    assert page.problems == []


def test_typed_work_follows_the_form_into_the_other_language(site, browse):
    """The header's "Français" link on a changed report form warned that leaving would
    lose what was typed, and the French form opened empty. Now the switch leaves without
    the warning, the same form opens in the other language with what was typed, saying
    so, and back again; a previewed (or refused) form's too, and a draft's edit form."""
    from visits import review

    rita = account("rita", roles.REPORTERS)
    page = browse()
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    sign_in(page, site, "rita")
    form_url = site + "/newsroom/reports/new/"
    page.goto(form_url)
    page.locator("#id_person").fill("Putin")
    page.locator("#id_host").select_option("BRA")
    page.locator("#id_notes").fill("Said to attend the BRICS summit in Rio.")

    def switch(code: str) -> None:
        """Click the header's link to language `code`; the form's page in it, within 5 s
        (polled from here: the page's CSP refuses what wait_for_function evaluates)."""
        page.locator(f"nav.languages a[hreflang={code}]").click()
        deadline = time.monotonic() + 5
        while page.evaluate("document.documentElement.lang") != code or page.url != form_url:
            assert time.monotonic() < deadline, (page.url, dialogs)
            time.sleep(0.1)
        page.wait_for_load_state()

    switch("fr")
    assert dialogs == []
    note = page.locator("#form-restored")
    assert note.inner_text() == (
        "Ce que vous aviez saisi avant de changer de langue a été rétabli\u202f; vérifiez-le "
        "et enregistrez."
    )
    assert focused(page, "form-restored")
    assert page.locator("#id_person").input_value() == "Putin"
    assert page.locator("#id_host").input_value() == "BRA"
    assert page.locator("#id_notes").input_value().startswith("Said to attend")
    page.locator("#id_notes").fill("Said to attend the BRICS summit in Rio; Kremlin denies.")
    switch("en")
    assert dialogs == []
    assert "switching languages was restored" in page.locator("#form-restored").inner_text()
    assert page.locator("#id_notes").input_value().endswith("Kremlin denies.")
    assert page.locator("#id_host").input_value() == "BRA"

    # Refused on Preview (an announced trip whose dates have passed), a page the server
    # gave back, not saved: its form follows as well.
    page.locator("#id_start").fill("2025-07-06")
    page.locator("#id_status").select_option("announced")
    page.get_by_role("button", name="Preview").last.click()
    page.locator("#form-errors").wait_for()
    assert "these dates have passed" in page.locator("#form-errors").inner_text()
    switch("fr")
    assert dialogs == []
    assert page.locator("#id_start").input_value() == "2025-07-06"
    assert page.locator("#id_notes").input_value().endswith("Kremlin denies.")
    # Left on purpose, with the warning accepted: nothing of it is kept.
    page.remove_listener("dialog", dismiss)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Tableau de bord").click()
    page.wait_for_url(site + "/newsroom/")
    assert typed_copies(page) == []
    assert not Report.objects.exists()

    # A draft's edit form, in French, switched to English.
    draft = review.file_report(
        author=rita,
        data={"person": "vladimir-putin", "host": "BRA", "status": "announced"},
        citations=[],
        submit=False,
    )
    form_url = f"{site}/newsroom/reports/{draft.pk}/edit/"
    page.goto(form_url)
    page.locator("#id_place").fill("Rio de Janeiro")
    switch("en")
    assert page.locator("#id_place").input_value() == "Rio de Janeiro"
    assert "switching languages was restored" in page.locator("#form-restored").inner_text()
    assert page.problems == []


SWITCHED_OTHER_FORM = {
    "en": "What you typed before switching languages was restored; check it before sending it.",
    "fr": "Ce que vous aviez saisi avant de changer de langue a été rétabli\u202f; vérifiez-le "
    "avant de l’envoyer.",
}


# What the browser's console says of a page answered 400 (a form refused).
REFUSED_400 = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


def switch_language(page, code: str, url: str, dialogs: list) -> None:
    """Click the header's link to language `code`: the page at `url` in it, within 5 s
    (polled from here: the page's CSP refuses what wait_for_function evaluates)."""
    page.locator(f"nav.languages a[hreflang={code}]").click()
    deadline = time.monotonic() + 5
    while page.evaluate("document.documentElement.lang") != code or page.url != url:
        assert time.monotonic() < deadline, (page.url, dialogs)
        time.sleep(0.1)
    page.wait_for_load_state()


def test_typed_work_in_a_withdrawal_or_a_review_follows_it_into_the_other_language(site, browse):
    """Only the report form kept what was typed over the header's language switch: a
    withdrawal's reason and sources typed on a visit's correction page, a withdrawal's
    reason reworded on its report's page and a reviewer's comment opened empty in the other
    language, and from such a form refused (or given one more source's fields) the switch
    led to the address it was sent to, which answers only a POST. Now each of these forms
    opens in the other language with what was typed, on the page it is on, saying so
    beside it; without a warning, and nothing of it kept once the page is left."""
    from visits import review

    rita = account("rita", roles.REPORTERS)
    account("victor", roles.REVIEWERS)
    visit = make_visit(
        Person.objects.get(slug="vladimir-putin"),
        State.objects.get(iso3="TJK"),
        start=datetime.date(2023, 1, 5),
    )
    page = browse()
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    sign_in(page, site, "rita")

    # The withdrawal's form on the visit's correction page, beside the correction's.
    correct_url = f"{site}/newsroom/visits/{visit.slug}/correct/"
    page.goto(correct_url)
    reason = "The summit was cancelled; he stayed in Moscow that week."
    page.locator("#withdrawal-note").fill(reason)
    page.locator("#id_withdrawal_source-0-url").fill("https://example.org/summit-cancelled")
    switch_language(page, "fr", correct_url, dialogs)
    assert page.locator("#withdraw-restored").inner_text() == SWITCHED_OTHER_FORM["fr"]
    assert focused(page, "withdraw-restored")
    assert page.locator("#withdrawal-note").input_value() == reason
    assert page.locator("#id_withdrawal_source-0-url").input_value().endswith("/summit-cancelled")
    # The correction's own form, untouched, opens as the server has it, and says nothing.
    assert page.locator("#form-restored").inner_text() == ""
    # One more source's fields (the server's answer to the withdrawal's address), the
    # second source typed: the switch leads to the correction page, with both sources.
    page.locator("#add-withdrawal-source").click()
    page.locator("#id_withdrawal_source-1-url").fill("https://example.org/kremlin-schedule")
    switch_language(page, "en", correct_url, dialogs)
    assert page.locator("#withdraw-restored").inner_text() == SWITCHED_OTHER_FORM["en"]
    assert page.locator("#withdrawal-note").input_value() == reason
    assert page.locator("#id_withdrawal_source-1-url").input_value().endswith("/kremlin-schedule")
    assert page.locator("#withdrawal-source-2").is_visible()
    # Refused (a reason too short for the visit's readers), given back: it follows too.
    page.locator("#withdrawal-note").fill("Duplicate.")
    page.locator("#propose-withdrawal").click()
    page.locator("#withdrawal-errors").wait_for()
    assert page.url == f"{site}/newsroom/visits/{visit.slug}/withdraw/"
    switch_language(page, "fr", correct_url, dialogs)
    assert page.locator("#withdrawal-note").input_value() == "Duplicate."
    assert page.locator("#id_withdrawal_source-1-url").input_value().endswith("/kremlin-schedule")
    assert not Report.objects.exists()

    # A withdrawal taken back: its reason reworded on its report's page.
    withdrawal = review.take_back(
        review.propose_withdrawal(author=rita, visit=visit, note=reason), rita
    )
    report_url = f"{site}/newsroom/reports/{withdrawal.pk}/"
    page.goto(report_url)
    reworded = "Reworded: the summit was cancelled, and he stayed in Moscow."
    page.locator("#reword-note").fill(reworded)
    switch_language(page, "en", report_url, dialogs)
    assert page.locator("#reword-restored").inner_text() == SWITCHED_OTHER_FORM["en"]
    assert page.locator("#reword-note").input_value() == reworded
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(site + "/newsroom/")
    assert typed_copies(page) == []
    withdrawal.refresh_from_db()
    assert withdrawal.withdrawal_note == reason

    # A reviewer's comment, to send the withdrawal back or to reject it.
    review.submit(withdrawal, rita)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/newsroom/sign-in/**")
    sign_in(page, site, "victor")
    page.goto(report_url)
    page.locator("#changes-comment").fill("Which source says he stayed in Moscow?")
    page.locator("#reject-reason").fill("The summit did take place.")
    switch_language(page, "fr", report_url, dialogs)
    assert page.locator("#changes-restored").inner_text() == SWITCHED_OTHER_FORM["fr"]
    assert page.locator("#reject-restored").inner_text() == SWITCHED_OTHER_FORM["fr"]
    assert focused(page, "changes-restored")
    assert (
        page.locator("#changes-comment").input_value() == "Which source says he stayed in Moscow?"
    )
    assert page.locator("#reject-reason").input_value() == "The summit did take place."
    # Refused (longer than a comment may be), given back on the address it was sent to.
    too_long = "Which source? " * 400
    page.locator("#changes-comment").fill(too_long)
    page.locator("#request-changes").click()
    page.locator("#changes-comment-errors").wait_for()
    assert page.url == f"{site}/newsroom/reports/{withdrawal.pk}/request-changes/"
    switch_language(page, "en", report_url, dialogs)
    assert page.locator("#changes-comment").input_value() == too_long
    assert page.locator("#reject-reason").input_value() == ""
    withdrawal.refresh_from_db()
    assert withdrawal.state == "submitted"
    assert dialogs == []
    # Nothing refused by the CSP, no script error: the browser's console says only that the
    # two refusals were answered 400.
    assert page.problems == [REFUSED_400] * 2, page.problems
