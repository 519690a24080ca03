"""A source's own history: a change to a cited document (its address, its archived copy, its
publisher, date or excerpt) is recorded as its own event, with who, when, through which
path, before and after; a visit's history names each source as it stood when the visit
cited it, so a later edit is never credited to the report that cited it."""

import html
import re

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from core.history import WritePath, recording
from core.models import Source
from visits import history, review
from visits.models import Visit

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
CITED = "https://example.org/putin-ulaanbaatar-readout"
EDITED = "https://example.org/another-story-altogether"


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def edited_source(seeded):
    """Mongolia's visit, corrected by rita (verified by vera) to cite one more source,
    whose address ada then changed in the admin: the visit."""
    rita = account("rita", roles.REPORTERS)
    vera = account("vera", roles.REVIEWERS)
    ada = account("ada", roles.ADMINS)
    visit = Visit.objects.get(slug=MONGOLIA)
    with recording(WritePath.NEWSROOM, user=rita):
        report = review.file_report(
            author=rita,
            data=review.report_data_of(visit),
            citations=[*review.citations_of(visit), {"url": CITED, "publisher": "Example Wire"}],
            visit=visit,
            reason="The Kremlin's readout names the place of the talks.",
        )
    with recording(WritePath.NEWSROOM, user=vera):
        review.verify(report, vera)
    source = Source.objects.get(url=CITED)
    with recording(WritePath.ADMIN, user=ada, url=f"/admin/core/source/{source.pk}/change/"):
        source.url = EDITED
        source.save()
    return visit


def entries_of(page: str) -> list[str]:
    """Each entry of a history page, as words (tags dropped, spaces collapsed)."""
    items = page.split('<li class="change"')[1:]
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "<" + i))) for i in items]


def test_a_source_edit_is_its_own_event_in_the_visits_history_never_the_reports(
    client, edited_source
):
    client.force_login(account("sam", roles.REVIEWERS))
    page = client.get(f"/newsroom/history/visits.visit/{edited_source.pk}/").content.decode()
    entries = entries_of(page)

    cited = [e for e in entries if "Source of a visit" in e and "added" in e and CITED in e]
    assert cited, entries
    assert "a verified correction" in cited[0] and "reported by rita" in cited[0]
    # The report cited the document at its address then, not at the one ada gave it later.
    assert all(EDITED not in e for e in entries if "reported by rita" in e)

    edits = [e for e in entries if EDITED in e]
    assert len(edits) == 1, edits
    edit = edits[0]
    assert f"Source {EDITED}: changed" in edit
    assert "Why: an edit." in edit and "Path: admin, by ada" in edit
    assert f"address {CITED} {EDITED}" in edit
    assert "rita" not in edit and "vera" not in edit


def test_the_public_changes_name_the_source_as_cited_and_its_edit_apart(reader, edited_source):
    entries = entries_of(reader.get("/changes/").content.decode())
    cited = [e for e in entries if "a verified correction" in e and CITED in e]
    assert cited and all(EDITED not in e for e in cited)
    edits = [e for e in entries if EDITED in e]
    assert len(edits) == 1 and "Why: an edit." in edits[0], edits
    assert "ada" not in " ".join(entries)


def test_a_sources_history_page_lists_its_changes(client, edited_source):
    source = Source.objects.get(url=EDITED)
    client.force_login(account("sam", roles.REPORTERS))
    page = client.get(f"/newsroom/history/core.source/{source.pk}/")
    assert page.status_code == 200
    words = " ".join(entries_of(page.content.decode()))
    assert f"address {CITED} {EDITED}" in words and "by ada" in words


def test_a_removed_source_is_still_named_by_its_address_in_the_visits_history(seeded):
    visit = Visit.objects.get(slug=MONGOLIA)
    citation = visit.citations.select_related("source").first()
    url = citation.source.url
    with recording(WritePath.SHELL, os_user="operator"):
        citation.source.delete()
    entries = history.history_of(Visit, visit.pk)
    removed = [e for e in entries if e.model.__name__ == "Citation" and e.action == "removed"]
    assert removed and url in removed[0].name
