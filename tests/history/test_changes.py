"""The public Changes page and feed: verified changes to public facts, never a pending report,
never a staff name; and the staff's history of a record."""

import html
import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from core import roles
from core.history import WritePath, recording
from tests.factories import verified_correction
from visits import review
from visits.models import Report, ReviewState, Visit

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def corrected(seeded):
    """Mongolia's end date corrected by rita, verified by victor; and a pending correction
    of the same visit with a place nobody verified."""
    rita = account("rita-staffer", roles.REPORTERS)
    victor = account("victor-staffer", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    verified_correction(visit, rita, victor)
    visit.refresh_from_db()  # the pending correction starts from the visit as corrected
    with recording(WritePath.NEWSROOM, user=rita):
        review.file_report(
            author=rita,
            data={**review.report_data_of(visit), "place": "Pending Place Nobody Verified"},
            citations=review.citations_of(visit),
            visit=visit,
        )
    # A visit nobody verified: its facts are not public either.
    unverified = Visit.objects.exclude(slug=MONGOLIA).first()
    Visit.objects.filter(pk=unverified.pk).update(review_state=ReviewState.REPORTED)
    Visit.objects.filter(pk=unverified.pk).update(place="Unverified Place")
    return visit


def test_the_changes_page_shows_a_verified_correction_and_no_pending_report(reader, corrected):
    page = reader.get("/changes/")
    assert page.status_code == 200
    text = page.content.decode()
    first = text[text.index('<ol class="changes">') :]
    first = first[: first.index("</li>")]
    assert MONGOLIA in first
    # With the reason the visit's page shows with the correction.
    assert (
        "Why: a verified correction — The Kremlin's readout dates his departure to 4 September."
        in html.unescape(first)
    )
    assert "3 September 2024" in first and "4 September 2024" in first
    assert "Pending Place Nobody Verified" not in text
    assert "Unverified Place" not in text
    assert "rita-staffer" not in text and "victor-staffer" not in text


def test_the_changes_page_names_the_import_of_a_dataset_version(reader, seeded, dataset_dir):
    version = (dataset_dir / "VERSION").read_text().strip()
    text = reader.get("/changes/").content.decode()
    assert f"Why: import of dataset version {version}." in text


def test_the_changes_page_is_paginated_and_linked_from_every_page(reader, seeded):
    assert 'href="/changes/"' in reader.get("/").content.decode()
    second = reader.get("/changes/?page=2")
    assert second.status_code == 200
    assert "Page 2 of" in second.content.decode()


def test_the_changes_feed_shows_the_correction_and_no_pending_report(reader, corrected):
    feed = reader.get("/changes/feed/")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    entry = text[text.index("<entry>") : text.index("</entry>")]
    assert MONGOLIA in entry and "a verified correction" in entry
    assert "end: 3 September 2024 → 4 September 2024" in entry
    assert "Pending Place Nobody Verified" not in text
    assert "rita-staffer" not in text and "victor-staffer" not in text


def test_the_changes_page_and_feed_in_french(reader, corrected):
    page = reader.get("/fr/changes/")
    text = page.content.decode()
    assert page["Content-Language"] == "fr"
    assert "<h1>Modifications</h1>" in text
    assert "Pourquoi\u00a0: une correction vérifiée — The Kremlin" in html.unescape(text)
    assert "septembre 2024" in text
    feed = reader.get("/fr/changes/feed/").content.decode()
    assert "une correction vérifiée" in feed


def entries_of(page: str) -> list[str]:
    """Each entry of a history page (<li class="change">), as HTML."""
    return re.findall(r'<li class="change" id="[^"]*">(.*?)</li>', page, re.S)


def words_of(fragment: str) -> str:
    """An HTML fragment's text, as a screen reader reads it: tags dropped, spaces joined."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


@pytest.mark.parametrize(
    ("path", "language", "caption"),
    [
        ("/changes/", "en", "{title}, field by field"),
        ("/fr/changes/", "fr", "{title}, champ par champ"),
        ("/newsroom/history/visits.visit/{pk}/", "en", "{title}, field by field"),
        ("/newsroom/history/visits.visit/{pk}/", "fr", "{title}, champ par champ"),
    ],
)
def test_each_change_is_a_heading_under_the_pages_and_its_table_is_captioned(
    client, corrected, path, language, caption
):
    """WCAG 1.3.1 and 2.4.6: each entry's title was bold text in a paragraph and its table of
    fields had no caption, so a screen reader could neither jump from change to change by
    heading nor tell one "Field / After" table from the next. Each title is a heading one
    level below the page's (h2 under its h1), naming the record and what happened to it;
    each table's caption names the same, on the Changes page and on a record's history
    (staff), in English and in French."""
    client.force_login(account("sam", roles.REPORTERS))
    client.cookies["django_language"] = language
    page = client.get(path.format(pk=corrected.pk), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = page.content.decode()
    assert len(re.findall(r"<h1\b", text)) == 1
    assert "<strong>" not in "".join(entries_of(text))
    tables = 0
    for entry in entries_of(text):
        heading = re.match(r'\s*<h2 class="change-title">(.*?)</h2>', entry, re.S)
        assert heading, entry[:300]
        title = words_of(heading.group(1))
        assert title and title[0].isupper(), title
        for found in re.findall(r"<table[^>]*>\s*<caption[^>]*>(.*?)</caption>", entry, re.S):
            assert words_of(found) == caption.format(title=title), (found, title)
            tables += 1
        assert entry.count("<table") == len(re.findall(r"<caption", entry)), entry
    assert tables >= 1
    # The verified correction's entry: the visit named, and what happened to it.
    corrected_title = "Visit" if language == "en" else "Visite"
    assert any(
        words_of(h).startswith(corrected_title)
        for h in re.findall(r'<h2 class="change-title">(.*?)</h2>', text, re.S)
    )


def test_staff_see_who_changed_a_record_and_readers_do_not(client, corrected):
    address = f"/newsroom/history/visits.visit/{corrected.pk}/"
    assert client.get(address).status_code == 302  # sign in first
    client.force_login(account("nobody"))
    assert client.get(address).status_code == 403
    client.force_login(account("sam", roles.REPORTERS))
    page = client.get(address)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="author">victor-staffer<' in text  # verified the correction
    assert 'class="author">rita-staffer<' in text  # filed the reports
    assert "Path: newsroom" in text
    assert "3 September 2024" in text and "4 September 2024" in text
    # The visit's own change, made when victor verified it, names who reported it too.
    words = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))
    assert (
        "Why: a verified correction — The Kremlin's readout dates his departure to "
        "4 September, reported by rita-staffer." in words
    )
    # In French, the way in is named in French too.
    client.cookies["django_language"] = "fr"
    french = client.get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Voie\u00a0: rédaction" in french and "Voie\u00a0: newsroom" not in french
    assert client.get("/newsroom/history/visits.nothing/1/").status_code == 404


def test_the_admins_history_button_opens_the_records_full_history(seeded, client):
    from django.contrib.auth.models import User

    from visits.models import Visit

    admin_user = User.objects.create_superuser("history-admin", "a@example.org", "pw-long-enough")
    client.force_login(admin_user)
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    response = client.get(f"/admin/visits/visit/{visit.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == f"/newsroom/history/visits.visit/{visit.pk}/"
    assert client.get(response["Location"]).status_code == 200


def test_staff_find_the_history_from_the_visit_page_and_readers_do_not(seeded, client):
    from django.contrib.auth.models import Group, User

    from visits.models import Visit

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    link = f'href="/newsroom/history/visits.visit/{visit.pk}/"'
    assert link not in client.get(visit.get_absolute_url()).content.decode()
    staff = User.objects.create_user("history-reader", password="pw-long-enough")
    staff.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    client.force_login(staff)
    assert link in client.get(visit.get_absolute_url()).content.decode()


def test_staff_read_a_reports_fields_in_words_not_as_python_literals(client, corrected):
    """A report's `data`, `citations` and `changes` are JSON: the history gives them as
    "field: value" pairs, addresses and "field: before → after", its times as the page
    writes its own, and never the report's duplicate-detection hash."""
    client.force_login(account("sam", roles.REPORTERS))
    text = client.get(f"/newsroom/history/visits.visit/{corrected.pk}/").content.decode()
    assert "{&#x27;" not in text and "{'" not in text
    assert "end: 3 September 2024 → 4 September 2024" in text  # the verified correction's change
    assert "https://menafn.com/1108627682/Putin-Arrived-In-Mongolia-Russian-Media" in text
    # The host by its name, as the report's page names it, not by its ISO code.
    assert re.search(r"host: Mongolia; [^<]*notes: First visit", text)
    words = re.sub(r"<[^>]+>", " ", text)  # a <time>'s datetime attribute is ISO, rightly
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", words)
    assert re.search(r"submitted\s+\d+ \w+ \d{4}, \d\d:\d\d UTC", words)
    assert "fingerprint" not in text


def test_an_edited_report_lists_each_fact_that_changed_not_the_whole_before_and_after(
    client, corrected
):
    """A reviewer comparing two versions of a report reads the facts that changed, one
    line each ("what the report says, place: … → …"), not two long lists to compare."""
    rita = User.objects.get(username="rita-staffer")
    pending = corrected.reports.get(state="submitted", author=rita)
    with recording(WritePath.NEWSROOM, user=rita):
        review.take_back(pending, rita)
        review.update_report(
            pending,
            rita,
            data={**pending.data, "place": "Ulan Bator", "outcome": "left_early"},
            citations=pending.citations,
        )
        review.submit(pending, rita)
    client.force_login(account("vera", roles.REVIEWERS))
    text = client.get(f"/newsroom/history/visits.report/{pending.pk}/").content.decode()
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    # The edit's table, from its header to the next entry (its caption names the report too).
    edit = words.split("Why: an edit.")[1].split("Field Before After ")[1].split("Report no.")[0]
    assert edit.strip() == (
        "what the report says, place Pending Place Nobody Verified Ulan Bator "
        "what the report says, outcome not arrested left early"
    )


def first_source_changed(author, **changed) -> Visit:
    """Mongolia's visit, with a draft correction by `author` whose first source then
    changes in `changed` (its report saved again): the visit."""
    visit = Visit.objects.get(slug=MONGOLIA)
    citations = review.citations_of(visit)
    with recording(WritePath.NEWSROOM, user=author):
        report = review.file_report(
            author=author,
            data={**review.report_data_of(visit), "end": "2024-09-04"},
            citations=citations,
            visit=visit,
            submit=False,
        )
        report.citations = [{**citations[0], **changed}, *citations[1:]]
        report.save()
    return visit


def test_a_change_to_a_citations_archived_copy_shows_in_the_history(client, seeded):
    """Only the archived copy of a report's source changes: the history shows it."""
    rita = account("rita-staffer", roles.REPORTERS)
    visit = first_source_changed(rita, archived_url="https://web.archive.org/web/2024/example")
    client.force_login(rita)  # its author (another reporter may not read a draft)
    text = client.get(f"/newsroom/history/visits.visit/{visit.pk}/").content.decode()
    assert "archived copy: https://web.archive.org/web/2024/example" in text


def test_staff_history_gives_fields_values_and_steps_in_words_in_french(client, corrected):
    """Field names, coded values and booleans in words, in the reader's language, and each
    step of a report named (filed, verified), not "an edit"."""
    client.force_login(account("sam", roles.REPORTERS))
    english = client.get(f"/newsroom/history/visits.visit/{corrected.pk}/").content.decode()
    assert "filed for review" in english and "an edit" not in english
    client.cookies["django_language"] = "fr"
    french = client.get(f"/newsroom/history/visits.visit/{corrected.pk}/").content.decode()
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", french))
    assert "déposé pour relecture" in words
    assert "ce que dit le signalement" in words and "correction" in words
    for raw in ("is correction", "host_notified", "not_arrested", "review_state", ": False"):
        assert raw not in words, raw
    assert "pas arrêté" in words  # the report's outcome, by its label


def test_researchers_notes_never_reach_the_changes_page_or_feed(reader, client, seeded):
    """A visit's notes are the researchers' own: the public changes leave them out (a
    change to nothing else is not listed at all); staff still read them."""
    rita = account("rita-staffer", roles.REPORTERS)
    victor = account("victor-staffer", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    with recording(WritePath.NEWSROOM, user=rita):
        report = review.file_report(
            author=rita,
            data={
                **review.report_data_of(visit),
                "end": "2024-09-04",
                "notes": "PRIVATE-VISIT-NOTE: the source is a ministry contact",
            },
            citations=review.citations_of(visit),
            visit=visit,
        )
    with recording(WritePath.NEWSROOM, user=victor):
        review.verify(report, victor)
    other = Visit.objects.published().exclude(slug=MONGOLIA).order_by("slug").first()
    with recording(WritePath.ADMIN, user=victor):
        other.notes = "PRIVATE-NOTE-ONLY-CHANGE"
        other.save()
    page = reader.get("/changes/").content.decode()
    feed = reader.get("/changes/feed/").content.decode()
    for text in (page, feed):
        assert "PRIVATE-VISIT-NOTE" not in text and "PRIVATE-NOTE-ONLY-CHANGE" not in text
    # The correction's public part is there, first: the notes-only change is not listed.
    first = page[page.index('<ol class="changes">') :]
    first = first[: first.index("</li>")]
    assert MONGOLIA in first and "4 September 2024" in first
    assert other.slug not in first
    client.force_login(account("sam", roles.REPORTERS))
    staff = client.get(f"/newsroom/history/visits.visit/{visit.pk}/").content.decode()
    assert "PRIVATE-VISIT-NOTE" in staff
    staff = client.get(f"/newsroom/history/visits.visit/{other.pk}/").content.decode()
    assert "PRIVATE-NOTE-ONLY-CHANGE" in staff


def test_researchers_notes_never_reach_the_visits_public_page_or_the_api(reader, seeded):
    """A verified correction that changes a visit's notes says so nowhere public: the
    visit's "Corrected on" line (English and French) tells its other changes only, and a
    correction of the notes alone is not told there at all (as /changes/ leaves it out)."""
    rita = account("rita-staffer", roles.REPORTERS)
    victor = account("victor-staffer", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    old_notes = visit.notes or "OLD-NOTES"
    if not visit.notes:
        Visit.objects.filter(pk=visit.pk).update(notes=old_notes)
        visit.refresh_from_db()
    for changes, reason in (
        # Reasons of a correction's length (visits.review.WITHDRAWAL_NOTE_MIN and more).
        (
            {"end": "2024-09-04", "notes": "PRIVNOTE-42 researcher only"},
            "END-DATE: he left a day later.",
        ),
        ({"notes": "PRIVNOTE-43 researcher only"}, "NOTES-ONLY: a remark for the researchers."),
    ):
        with recording(WritePath.NEWSROOM, user=rita):
            report = review.file_report(
                author=rita,
                data={**review.report_data_of(visit), **changes},
                citations=review.citations_of(visit),
                visit=visit,
                reason=reason,
            )
        with recording(WritePath.NEWSROOM, user=victor):
            visit = review.verify(report, victor)
    report.refresh_from_db()
    assert {c["field"] for c in report.changes} == {"notes"}  # the staff's record keeps them
    for path in (f"/visits/{MONGOLIA}/", f"/fr/visits/{MONGOLIA}/", f"/api/v1/visits/{MONGOLIA}/"):
        body = html.unescape(reader.get(path).content.decode())
        assert "PRIVNOTE" not in body and old_notes not in body, path
    page = reader.get(f"/visits/{MONGOLIA}/").content.decode()
    corrections = page.split('id="corrections"')[1].split("</ul>")[0]
    assert corrections.count("<li>") == 1 and "END-DATE" in corrections
    assert "4 September 2024" in corrections and "notes" not in corrections
    assert "NOTES-ONLY" not in page


def test_changes_to_notes_alone_leave_no_page_short_and_no_count_high(reader, seeded):
    """The notes-only changes are left out by the query that pages the changes, not after
    it: sixty of them, newest of all, still leave the first page full (50 entries) and the
    count of changes where it was."""
    from front.views.changes import PER_PAGE
    from visits import history

    before = history.count_public_changes(10_000)
    assert before > PER_PAGE  # the seed's import alone gives more than a page
    visit = Visit.objects.published().order_by("slug").first()
    with recording(WritePath.ADMIN, user=account("victor-staffer", roles.REVIEWERS)):
        for n in range(60):
            visit.notes = f"PRIVATE-NOTE-{n}"
            visit.save()
    assert history.count_public_changes(10_000) == before
    page = reader.get("/changes/").content.decode()
    listed = page[page.index('<ol class="changes">') :]
    listed = listed[: listed.index("</ol>")]
    assert listed.count('<li class="change"') == PER_PAGE and "PRIVATE-NOTE" not in page
    # A public change to the same visit is still listed, first.
    with recording(WritePath.ADMIN, user=account("walt-staffer", roles.REVIEWERS)):
        visit.place = "A Place Made Public"
        visit.save()
    assert history.count_public_changes(10_000) == before + 1
    page = reader.get("/changes/").content.decode()
    first = page[page.index('<ol class="changes">') :]
    assert "A Place Made Public" in first[: first.index("</li>")]


def test_a_reporter_reads_no_one_elses_unverified_report(client, corrected):
    """A reporter reads their own reports and the verified ones (published facts), as in
    the newsroom and the API; another reporter's pending report, and a visit never published
    that they did not report, answer as a record that does not exist does (404: a 403 would
    tell that the number exists). Reviewers read everything."""
    from visits.models import Report

    pending = Report.objects.get(data__place="Pending Place Nobody Verified")
    verified = Report.objects.get(state="verified")
    unpublished = Visit.objects.get(place="Unverified Place")
    client.force_login(account("sam", roles.REPORTERS))
    assert client.get(f"/newsroom/history/visits.report/{pending.pk}/").status_code == 404
    assert client.get(f"/newsroom/history/visits.report/{verified.pk}/").status_code == 200
    assert client.get(f"/newsroom/history/visits.visit/{unpublished.pk}/").status_code == 404
    missing = Visit.objects.order_by("-pk").first().pk + 1000
    assert client.get(f"/newsroom/history/visits.visit/{missing}/").status_code == 404
    # Nor through its sources: a citation's history reads as its visit's.
    from visits.models import Citation

    hidden = Citation.objects.filter(visit=unpublished).first()
    shown = Citation.objects.filter(visit=corrected).first()
    assert client.get(f"/newsroom/history/visits.citation/{hidden.pk}/").status_code == 404
    assert client.get(f"/newsroom/history/visits.citation/{shown.pk}/").status_code == 200
    text = client.get(f"/newsroom/history/visits.visit/{corrected.pk}/").content.decode()
    assert "end: 3 September 2024 → 4 September 2024" in text  # the verified correction
    assert "Pending Place Nobody Verified" not in text
    client.force_login(User.objects.get(username="rita-staffer"))  # its author
    assert client.get(f"/newsroom/history/visits.report/{pending.pk}/").status_code == 200
    text = client.get(f"/newsroom/history/visits.visit/{corrected.pk}/").content.decode()
    assert "Pending Place Nobody Verified" in text
    client.force_login(account("rhea", roles.REVIEWERS))
    assert client.get(f"/newsroom/history/visits.report/{pending.pk}/").status_code == 200
    assert client.get(f"/newsroom/history/visits.visit/{unpublished.pk}/").status_code == 200


def test_a_verified_report_s_review_exchange_stays_with_its_author_and_the_reviewers(
    client, seeded
):
    """Another reporter reads a verified report's history (its facts are public), but not
    what its reviewer asked nor what its author answered: neither is ever published."""
    from visits.models import Report

    rita = account("rita-staffer", roles.REPORTERS)
    victor = account("victor-staffer", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    data = {**review.report_data_of(visit), "end": "2024-09-04"}
    with recording(WritePath.NEWSROOM, user=rita):
        report = review.file_report(
            author=rita, data=data, citations=review.citations_of(visit), visit=visit
        )
    with recording(WritePath.NEWSROOM, user=victor):
        review.request_changes(report, victor, "PRIVATE-REVIEWER-COMMENT")
    report = Report.objects.get(pk=report.pk)
    with recording(WritePath.NEWSROOM, user=rita):
        report = review.update_report(
            report, rita, data=data, citations=report.citations, reply="PRIVATE-AUTHOR-REPLY"
        )
        review.submit(report, rita)
    with recording(WritePath.NEWSROOM, user=victor):
        review.verify(Report.objects.get(pk=report.pk), victor)
    url = f"/newsroom/history/visits.report/{report.pk}/"
    pages = {}
    for user in (account("sam", roles.REPORTERS), rita, account("rhea", roles.REVIEWERS)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        visit_page = client.get(f"/newsroom/history/visits.visit/{visit.pk}/")
        pages[user.username] = response.content.decode() + visit_page.content.decode()
    assert "4 September 2024" in pages["sam"]  # the facts, verified, are public
    for private in ("PRIVATE-REVIEWER-COMMENT", "PRIVATE-AUTHOR-REPLY"):
        assert private not in pages["sam"]
        assert private in pages["rita-staffer"] and private in pages["rhea"]


def _latest_change(reader, path: str) -> str:
    """The HTML of the newest entry of the changes page at `path`."""
    html = reader.get(path).content.decode()
    latest = html[html.index('<ol class="changes">') :]
    return latest[: latest.index("</li>")]


def test_the_datasets_english_words_are_marked_on_the_french_changes_page(reader, seeded):
    """WCAG 3.1.2: a changed occasion is the dataset's English, as on the visit's page; on
    /fr/changes/ its before and after say so, the field's name and the dates are French."""
    visit = Visit.objects.get(slug=MONGOLIA)
    with recording(WritePath.ADMIN):
        visit.occasion = "State visit (talks with President Khurelsukh)"
        visit.end = visit.end.replace(day=4)
        visit.save()
    first = _latest_change(reader, "/fr/changes/")
    assert MONGOLIA in first
    assert re.search(
        r'<tr><th scope="row">occasion</th><td lang="en">Official visit \(talks[^<]*</td>'
        r'<td lang="en">State visit \(talks with President Khurelsukh\)</td></tr>',
        first,
    ), first
    # A date is in the page's language: not marked.
    assert re.search(r"<td>3 septembre 2024</td><td>4 septembre 2024</td>", first), first
    assert 'lang="en"' not in _latest_change(reader, "/changes/")


def test_an_emptied_english_field_says_none_in_the_pages_language(reader, seeded):
    """An occasion cleared is said "néant" on /fr/changes/: the page's French, not marked as
    the dataset's English as the occasion it replaced is."""
    visit = Visit.objects.get(slug=MONGOLIA)
    with recording(WritePath.ADMIN):
        visit.occasion = ""
        visit.save()
    first = _latest_change(reader, "/fr/changes/")
    assert MONGOLIA in first
    assert re.search(
        r'<tr><th scope="row">occasion</th><td lang="en">Official visit \(talks[^<]*</td>'
        r"<td>néant</td></tr>",
        first,
    ), first


def test_a_french_history_writes_a_sources_date_its_excerpt_and_its_times_in_french(client, seeded):
    """The French history listed a report's sources with ISO dates and English quotes,
    "(Reuters, 2024-09-02, “…”)", and its moments as "20:06 UTC" beside headings saying
    "20 h 06 UTC"."""
    import datetime

    from django.utils import translation

    from visits import history

    rita = account("rita-fr", roles.REPORTERS)
    first_source_changed(rita, published="2024-09-02", excerpt="Putin landed.")
    report = Report.objects.get(author=rita)
    client.force_login(rita)
    client.cookies["django_language"] = "fr"
    page = html.unescape(
        client.get(f"/newsroom/history/visits.report/{report.pk}/").content.decode()
    )
    assert "2 septembre 2024, «\u00a0Putin landed.\u00a0»)" in page
    assert "2024-09-02," not in page and "“Putin landed.”" not in page
    moment = datetime.datetime(2026, 12, 2, 4, 59, tzinfo=datetime.UTC)
    with translation.override("fr"):
        assert history._moment(moment) == "2 décembre 2026, 04\u00a0h\u00a059 UTC"
    with translation.override("en"):
        assert history._moment(moment) == "2 December 2026, 04:59 UTC"


def test_a_reports_review_status_is_not_named_as_a_state_in_its_history(client, seeded):
    """A report's `state` (draft, submitted...) was listed as "state" ("État" in French),
    beside the host state and a finding's state."""
    rita = account("rita-status", roles.REPORTERS)
    first_source_changed(rita, excerpt="Putin landed.")
    report = Report.objects.get(author=rita)
    with recording(WritePath.NEWSROOM, user=rita):
        review.submit(report, rita)
    client.force_login(rita)
    address = f"/newsroom/history/visits.report/{report.pk}/"
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(address).content.decode()))
    assert "Field Before After review status draft awaiting review" in words
    client.cookies["django_language"] = "fr"
    french = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(address).content.decode()))
    assert "statut de relecture" in french and " État brouillon" not in french


def test_two_moments_of_the_same_minute_are_told_apart_to_the_second(client, seeded):
    """A report submitted again within the minute it was sent back read "submitted 5
    December 2026, 05:03 UTC → 5 December 2026, 05:03 UTC": a change the row did not show."""
    import datetime

    rita = account("rita-seconds", roles.REPORTERS)
    first_source_changed(rita, excerpt="Putin landed.")
    report = Report.objects.get(author=rita)
    first = datetime.datetime(2026, 12, 2, 4, 59, 7, tzinfo=datetime.UTC)
    with recording(WritePath.NEWSROOM, user=rita):
        Report.objects.filter(pk=report.pk).update(submitted_at=first)
        Report.objects.filter(pk=report.pk).update(submitted_at=first.replace(second=41))
        Report.objects.filter(pk=report.pk).update(submitted_at=first.replace(minute=58))
    client.force_login(rita)
    address = f"/newsroom/history/visits.report/{report.pk}/"
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(address).content.decode()))
    assert "submitted 2 December 2026, 04:59:07 UTC 2 December 2026, 04:59:41 UTC" in words
    # Minutes apart, the row keeps the history's own way of writing a time.
    assert "submitted 2 December 2026, 04:59 UTC 2 December 2026, 04:58 UTC" in words
    client.cookies["django_language"] = "fr"
    french = html.unescape(client.get(address).content.decode())
    assert "2 décembre 2026, 04\u00a0h\u00a059\u00a0min\u00a007\u00a0s UTC" in french
    assert "2 décembre 2026, 04\u00a0h\u00a059\u00a0min\u00a041\u00a0s UTC" in french


def test_a_month_only_visit_is_dated_by_its_month_and_no_end_is_said(reader, seeded):
    """A visit announced for March 2027 (month only, no end) reads "March 2027" on the
    changes page, as on its own page: not "1 March 2027", no precision listed apart, and
    nothing said of an end it does not have."""
    rita = account("rita-staffer", roles.REPORTERS)
    victor = account("victor-staffer", roles.REVIEWERS)
    mongolia = Visit.objects.get(slug=MONGOLIA)
    data = {**review.report_data_of(mongolia), "start": "2027-03", "end": None}
    data.update(status="announced", outcome="n/a")
    with recording(WritePath.NEWSROOM, user=rita):
        report = review.file_report(author=rita, data=data, citations=review.citations_of(mongolia))
    with recording(WritePath.NEWSROOM, user=victor):
        review.verify(report, victor)

    def visit_entry(path: str) -> str:
        page = reader.get(path).content.decode()
        entry = page[page.index('<li class="change" id="visits.visit-') :]
        return entry[: entry.index("</li>")]

    added = visit_entry("/changes/")
    assert "vladimir-putin-mng-2027-03" in added, added
    assert re.search(r'<th scope="row">start</th><td>March 2027</td>', added), added
    assert "1 March 2027" not in added
    assert "precision" not in added
    assert '<th scope="row">end</th>' not in added
    french = visit_entry("/fr/changes/")
    assert "<td>mars 2027</td>" in french, french


def test_a_date_whose_precision_alone_changed_shows_as_one_change_of_that_date(client, seeded):
    """A start made exact (March 2027 to 2 March 2027) is one change of the start, at each
    side's precision."""
    from visits.history import history_of

    visit = Visit.objects.get(slug=MONGOLIA)
    with recording(WritePath.ADMIN):
        visit.start_precision = "month"
        visit.end_precision = "month"
        visit.save()
    changes = history_of(Visit, visit.pk)[0].changes
    assert changes == [
        ("start", "2 September 2024", "September 2024"),
        ("end", "3 September 2024", "September 2024"),
    ], changes


def test_a_finding_and_a_declaration_are_named_in_words_not_by_their_codes(reader, seeded):
    """A change to an Art. 87(7) finding reads "Mongolia, Art. 87(7) finding of
    non-compliance, 24 October 2024" on the changes page (in French too), never the
    stored kind code `art_87_7` or an ISO date; a declaration is dated in words."""
    from core.history import recording as record
    from states.models import Declaration
    from visits.models import Finding

    finding = Finding.objects.get(state__iso3="MNG", kind="art_87_7")
    declaration = Declaration.objects.first()
    with record(WritePath.ADMIN):
        Finding.objects.filter(pk=finding.pk).update(notes="Checked against the decision.")
        finding.refresh_from_db()
        finding.notes = "Checked against the decision again."
        finding.save()
        declaration.notes = "Checked against the registry."
        declaration.save()

    def entry(path: str, model: str) -> str:
        page = reader.get(path).content.decode()
        start = page.index(f'<li class="change" id="{model}-')
        return html.unescape(page[start : page.index("</li>", start)])

    english = entry("/changes/", "visits.finding")
    assert "Art. 87(7) finding of non-compliance, 24 October 2024" in english, english
    assert "art_87_7" not in english and "2024-10-24" not in english
    french = entry("/fr/changes/", "visits.finding")
    assert "24 octobre 2024" in french and "art_87_7" not in french, french
    lodged = entry("/changes/", "states.declaration")
    assert str(declaration.lodged) not in lodged.split("</h")[0], lodged


def test_a_joint_statement_is_named_by_its_date_in_words_and_its_title_marked_english(
    reader, seeded
):
    """A joint statement and its signatories read "2 November 2020, Joint statement of …"
    on the changes page, as every other record is dated: « 2 novembre 2020 » on
    /fr/changes/, never its ISO date, with its English title marked `lang="en"` (as the
    state's page marks it); the feed's titles name it the same way."""
    from django.utils.html import escape

    from core.history import recording as record
    from core.names import format_date
    from states.models import JointStatement, State

    mongolia = State.objects.get(iso3="MNG")
    statement = JointStatement.objects.filter(signatories=mongolia).first()
    with record(WritePath.ADMIN):
        statement.signatory_count = (statement.signatory_count or 0) + 1
        statement.save()
        statement.signatories.remove(mongolia)
        statement.signatories.add(mongolia)
    iso = statement.date.isoformat()
    title = escape(statement.title)

    for path, language, state in (
        ("/changes/", "en", "Mongolia"),
        ("/fr/changes/", "fr", "Mongolie"),
    ):
        with translation.override(language):
            day = format_date(statement.date)
        page = reader.get(path).content.decode()
        # The signature added, the signature removed, the statement changed: newest first.
        items = re.findall(r'<li class="change" id="states\.joint[^"]*">(.*?)</li>', page, re.S)
        entries = [item[: item.index("</p>")] for item in items[:3]]
        assert len(entries) == 3, entries
        for entry in entries:
            assert iso not in entry, entry
            assert f"{day}, " in entry, entry
            if language == "fr":
                assert f'<span lang="en">{title}</span>' in entry, entry
            else:
                assert 'lang="en"' not in entry and title in entry, entry
        assert all(state in entry for entry in entries[:2]), entries
        # The signature's statement, in its table of fields, is named the same way.
        marked = f'<span lang="en">{title}</span>' if language == "fr" else title
        assert f"<td>{day}, {marked}</td>" in items[0], items[0]

    feed = reader.get("/fr/changes/feed/").content.decode()
    with translation.override("fr"):
        day = format_date(statement.date)
    titles = re.findall(r"<entry><title>(.*?)</title>", feed, re.S)[:3]
    assert len(titles) == 3, titles
    assert all(f"{day}, " in t and iso not in t for t in titles), titles


def test_the_bodies_an_informing_decision_informed_are_no_referral_in_its_history(reader, seeded):
    """A change to the bodies stored with a decision of kind `other` (Kenya, 27 August
    2010) reads "informed the Assembly of States Parties" on the record's history and the
    changes page, never "referred to" (visits.models.decision_bodies); an Art. 87(7)
    finding's read "referred to"."""
    from visits.history import history_of
    from visits.models import Finding

    kenya = Finding.objects.get(state__iso3="KEN", kind="other")
    mongolia = Finding.objects.get(state__iso3="MNG", kind="art_87_7")
    with recording(WritePath.ADMIN):
        kenya.referred_to_asp = False
        kenya.save()
        mongolia.referred_to_unsc = True
        mongolia.save()
    assert history_of(Finding, kenya.pk)[0].changes == [
        ("informed the Assembly of States Parties", "yes", "no")
    ]
    assert history_of(Finding, mongolia.pk)[0].changes == [
        ("referred to the UN Security Council", "no", "yes")
    ]
    page = html.unescape(reader.get("/changes/").content.decode())
    assert "informed the Assembly of States Parties" in page


def test_the_feeds_titles_capitalise_only_the_first_letter_of_the_kind(reader, seeded):
    """A change to an ICC decision is titled "ICC decision …" in the feed (« Décision de
    la CPI … » in French), as the changes page's heading reads, never "Icc decision" or
    « Décision de la cpi »: only the kind's first letter is raised, its acronyms kept."""
    from core.history import recording as record
    from visits.models import Finding

    finding = Finding.objects.get(state__iso3="MNG", kind="art_87_7")
    with record(WritePath.ADMIN):
        finding.notes = "Checked against the decision again."
        finding.save()

    for path, kind in (
        ("/changes/feed/", "ICC decision "),
        ("/fr/changes/feed/", "Décision de la CPI "),
    ):
        feed = html.unescape(reader.get(path).content.decode())
        titles = re.findall(r"<entry><title>(.*?)</title>", feed, re.S)
        assert titles and titles[0].startswith(kind), titles[:3]
        assert not any(
            word in title for title in titles for word in ("Icc ", " cpi ", "council ref")
        ), titles


def test_each_change_has_a_permanent_address_that_newer_changes_do_not_move(reader, corrected):
    """The correction's entry links its own page (/changes/visits.visit-N/), which shows it
    alone; after newer changes it is still there, where a page of /changes/ moved on. A
    change that is not public (a pending report, an unknown event) is a 404 there."""
    page = reader.get("/changes/").content.decode()
    first = page[page.index('<li class="change"') :]
    first = first[: first.index("</li>")]
    anchor = re.search(r'id="([a-z_.]+-\d+)"', first)[1]
    permalink = f"/changes/{anchor}/"
    assert f'href="{permalink}"' in first
    own = reader.get(permalink)
    assert own.status_code == 200
    text = own.content.decode()
    assert len(entries_of(text)) == 1 and f'id="{anchor}"' in text
    assert "The Kremlin" in html.unescape(text) and MONGOLIA in text
    # A newer change arrives (the same visit's place, edited): the entry leaves the top of
    # /changes/, not its own page.
    with recording(WritePath.ADMIN):
        Visit.objects.filter(slug=MONGOLIA).update(place="Ulaanbaatar, Sükhbaatar Square")
    newest = reader.get("/changes/").content.decode()
    assert re.search(r'id="([a-z_.]+-\d+)"', newest)[1] != anchor
    assert f'id="{anchor}"' in reader.get(permalink).content.decode()
    assert reader.get(f"/fr{permalink}").status_code == 200
    # No public change there: a report's events, an unknown one, a parameter it does not read.
    report = Report.objects.order_by("-pk").first()
    assert reader.get(f"/changes/visits.report-{report.pk}/").status_code == 404
    assert reader.get("/changes/visits.visit-999999999/").status_code == 404
    assert reader.get("/changes/nothing.here-1/").status_code == 404
    assert reader.get(permalink, {"page": "2"}).status_code == 400
    assert reader.get(permalink, {"utm_source": "x"}).status_code == 200


def test_the_changes_of_one_state_or_one_visit(reader, corrected):
    """/changes/?state=MNG lists the changes about Mongolia (its visit corrected, its
    finding), none about another state's; /changes/?visit=<id> the visit's. Mongolia's and
    the visit's pages link them. An unknown state, visit or parameter is a 400; a shared
    link's tracking parameters are ignored."""
    from core.history import recording as record
    from visits.models import Finding

    with record(WritePath.ADMIN):
        for finding in Finding.objects.filter(state__iso3__in=["MNG", "JOR"]):
            finding.notes = f"{finding.notes} Checked again."
            finding.save()
    mongolia = reader.get("/changes/", {"state": "mng"})
    assert mongolia.status_code == 200
    text = html.unescape(mongolia.content.decode())
    assert "<h1>Changes: Mongolia</h1>" in text
    entries = entries_of(text)
    assert entries and any(MONGOLIA in e for e in entries)
    assert any("Mongolia, Art. 87(7)" in e for e in entries), entries[:3]
    assert not any("Jordan" in e for e in entries)
    jordan = html.unescape(reader.get("/changes/", {"state": "JOR"}).content.decode())
    assert any("Jordan" in e for e in entries_of(jordan))
    assert MONGOLIA not in jordan
    visit = html.unescape(reader.get("/changes/", {"visit": MONGOLIA}).content.decode())
    visit_entries = entries_of(visit)
    assert visit_entries and all(MONGOLIA in e or "Mongolia" in e for e in visit_entries)
    assert "The Kremlin" in visit
    # The pages link their own changes.
    assert 'href="/changes/?state=MNG"' in reader.get("/states/MNG/").content.decode()
    assert (
        f'href="/changes/?visit={MONGOLIA}"' in reader.get(f"/visits/{MONGOLIA}/").content.decode()
    )
    assert 'href="/fr/changes/?state=MNG"' in reader.get("/fr/states/MNG/").content.decode()
    # Refused: a state or visit no record has, both at once, an unknown parameter.
    for query in (
        {"state": "XYZ"},
        {"visit": "nobody-xyz-2020-01-01"},
        {"state": "MNG", "visit": MONGOLIA},
        {"host": "MNG"},
    ):
        assert reader.get("/changes/", query).status_code == 400, query
    assert reader.get("/changes/", {"state": "MNG", "fbclid": "x"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "state", "expected"),
    [
        ("/fr/changes/", "HUN", "Seulement les modifications concernant la Hongrie."),
        ("/fr/changes/", "USA", "Seulement les modifications concernant les États-Unis."),
        ("/fr/changes/", "PHL", "Seulement les modifications concernant les Philippines."),
        ("/fr/changes/", "MNG", "Seulement les modifications concernant la Mongolie."),
        ("/fr/changes/", "JOR", "Seulement les modifications concernant la Jordanie."),
        ("/changes/", "PHL", "Only the changes about the Philippines."),
        ("/changes/", "HUN", "Only the changes about Hungary."),
    ],
)
def test_the_changes_of_one_state_name_it_with_its_article(reader, seeded, path, state, expected):
    """The sentence naming the state the changes are about gives the state its article, as
    the language writes it inside a sentence ("la Hongrie", "the Philippines")."""
    text = html.unescape(reader.get(path, {"state": state}).content.decode())
    assert expected in text


def test_a_changes_own_page_shows_the_whole_value_and_the_list_cuts_it_at_a_word(reader, seeded):
    """A long value (over the list's TEXT_LIMIT) is whole on the change's own page, the one
    readers cite; the list shortens it at a word's end, with an ellipsis, and links that
    page."""
    long_place = " ".join(["Mongolia announced that Hungary would not arrest him there"] * 9)
    assert len(long_place) > 400
    with recording(WritePath.ADMIN):
        Visit.objects.filter(slug=MONGOLIA).update(host_justification=long_place)
    listing = reader.get("/changes/").content.decode()
    first = entries_of(listing)[0]
    words = words_of(first)
    assert long_place not in words
    shortened = re.search(r"(Mongolia announced that[^…]*)…", words)[1]
    assert long_place.startswith(shortened) and long_place[len(shortened)] == " "
    anchor = re.search(r'id="([a-z_.]+-\d+)"', listing)[1]
    assert f'href="/changes/{anchor}/"' in first
    for path in (f"/changes/{anchor}/", f"/fr/changes/{anchor}/"):
        own = words_of(entries_of(reader.get(path).content.decode())[0])
        assert long_place in own, path


def test_a_changes_own_page_has_the_cite_block_and_a_repeated_cite_is_refused(reader, corrected):
    """The page that says "cite it, it stays here" has "Cite this page" as the other public
    pages have it (the citation, the date of access, BibTeX and RIS). `?cite=bibtex&cite=ris`
    answered RIS, one of the two silently: it is a 400, here as on a visit's page."""
    listing = reader.get("/changes/").content.decode()
    anchor = re.search(r'id="([a-z_.]+-\d+)"', listing)[1]
    permalink = f"/changes/{anchor}/"
    page = html.unescape(reader.get(permalink).content.decode())
    assert 'id="cite-heading"' in page and "Cite this page" in page
    area = page[page.index('<textarea id="citation"') :]
    text = area[area.index(">") + 1 : area.index("</textarea>")]
    assert text.startswith("iccwatch, “Change: ") and f"http://testserver{permalink}" in text
    assert "accessed" in text
    assert f'href="{permalink}?cite=bibtex"' in page and f'href="{permalink}?cite=ris"' in page
    bibtex = reader.get(permalink, {"cite": "bibtex"})
    assert bibtex.status_code == 200 and bibtex["Content-Type"].startswith("application/x-bibtex")
    ris = reader.get(permalink, {"cite": "ris"})
    assert ris.status_code == 200 and "research-info-systems" in ris["Content-Type"]
    for path in (permalink, f"/visits/{MONGOLIA}/"):
        twice = reader.get(f"{path}?cite=bibtex&cite=ris")
        assert twice.status_code == 400, path
        assert "<code>cite</code>" in twice.content.decode()
