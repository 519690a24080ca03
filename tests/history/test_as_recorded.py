"""A verdict's history and the feeds tell each record as it was when it was recorded: a
later correction of a visit's dates renames neither an older history row nor an older
feed entry."""

import html
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone, translation

from core import causes, roles
from core.history import WritePath, recording
from core.names import format_date
from dataset.importer import import_dataset
from tests.releases import NEWER, release
from visits import flagging, outbox, review
from visits.models import EvaluationRequest, VerdictChange, Visit

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
TAJIKISTAN = "vladimir-putin-tjk-2025-10-08"
ATOM = "{http://www.w3.org/2005/Atom}"


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def correct(visit: Visit, author, reviewer, **changes) -> Visit:
    """A correction of `visit` filed by `author`, verified by `reviewer` in the newsroom, and
    the visit evaluated again (as the worker would after commit)."""
    with recording(WritePath.NEWSROOM, user=author):
        report = review.file_report(
            author=author,
            data={**review.report_data_of(visit), **changes},
            citations=review.citations_of(visit),
            visit=visit,
            reason="The Kremlin's readout gives other dates for the trip.",
        )
    with recording(WritePath.NEWSROOM, user=reviewer):
        visit = review.verify(report, reviewer)
    flagging.evaluate_pending()
    return visit


def history_rows(reader, address: str) -> list[str]:
    """The rows of a visit page's verdict history, oldest first, as words."""
    page = reader.get(address).content.decode()
    table = page[page.index('id="history"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr id=\"change-\d+\">(.*?)</tr>", table, re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))) for row in rows]


def test_each_history_row_names_the_visit_as_it_was_when_it_was_recorded(reader, seeded):
    """Corrected in the newsroom (end 3 → 4 September, then start 2 → 1 September), the
    Mongolia visit's first row, evaluated before either, read "first evaluation (visit
    (… in Mongolia, 1–4 September 2024) was added)", and the later rows told the dates
    changed after that: each row names the visit as it stood then."""
    rita, victor = account("rita", roles.REPORTERS), account("victor", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    visit = correct(visit, rita, victor, end="2024-09-04")
    correct(visit, rita, victor, start="2024-09-01")
    english = history_rows(reader, f"/visits/{MONGOLIA}/")
    assert len(english) == 3, english
    first, end, start = english
    assert "first evaluation" in first and "Mongolia, 2–3 September 2024" in first, first
    assert "Mongolia, 2–4 September 2024" in end and "3 September 2024 → 4 September" in end, end
    assert "Mongolia, 1–4 September 2024" in start and "2 September 2024 → 1 September" in start
    assert "1–4 September" not in first + end
    french = history_rows(reader, f"/fr/visits/{MONGOLIA}/")
    assert "première évaluation" in french[0] and "Mongolie, 2–3 septembre 2024" in french[0]
    assert "Mongolie, 2–4 septembre 2024" in french[1]
    assert "Mongolie, 1er–4 septembre 2024" in french[2], french[2]
    # The page's own title is today's visit.
    assert "1–4 September 2024" in reader.get(f"/visits/{MONGOLIA}/").content.decode()


def test_a_row_recorded_before_reasons_were_kept_names_the_visit_of_its_time(reader, seeded):
    """A change recorded without reasons (before they were kept) is told with the visit's
    version in its recorded history at the change's time, not with today's."""
    visit = Visit.objects.get(slug=MONGOLIA)
    VerdictChange.objects.filter(visit=visit).update(reasons=[])
    Visit.objects.filter(pk=visit.pk).update(end="2024-09-04")
    first = history_rows(reader, f"/visits/{MONGOLIA}/")[0]
    assert "Mongolia, 2–3 September 2024" in first, first


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_a_feed_entry_names_the_visit_as_it_was_when_it_was_recorded(reader, seeded):
    """Tajikistan's end moved from 10 to 11 October 2025 after its incident was recorded: the
    entry of that moment kept its `updated` but its title read "… Tajikistan, 8–11 October
    2025" while its own summary said "8–10 October 2025"."""
    visit = Visit.objects.get(slug=TAJIKISTAN)
    recorded = VerdictChange.objects.filter(visit=visit).earliest("changed_at", "id")
    Visit.objects.filter(pk=visit.pk).update(end="2025-10-11")
    flagging.evaluate_visits([visit.pk], cause="a change to its facts")
    for address, old, new in (
        ("/states/TJK/feed/", "Tajikistan, 8–10 October 2025", "Tajikistan, 8–11 October 2025"),
        (
            "/fr/states/TJK/feed/",
            "Tadjikistan, 8–10 octobre 2025",
            "Tadjikistan, 8–11 octobre 2025",
        ),
    ):
        by_id = {
            e.find(f"{ATOM}id").text.rsplit("#", 1)[1]: e for e in entries(reader.get(address))
        }
        first = by_id.pop(f"change-{recorded.pk}")
        assert first.find(f"{ATOM}title").text.endswith(old), first.find(f"{ATOM}title").text
        (later,) = by_id.values()
        assert later.find(f"{ATOM}title").text.endswith(new), later.find(f"{ATOM}title").text


def import_with_tajikistan_ending(dataset_dir, tmp_path, end: str, version: str = NEWER):
    """Import a copy of data/ as dataset version `version` (released with its changelog
    entry), the Tajikistan visit ending on `end`."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    release(copy, version)
    text = (copy / "visits.csv").read_text(encoding="utf-8")
    line = next(li for li in text.splitlines() if li.startswith(TAJIKISTAN + ","))
    assert ",2025-10-08,2025-10-10," in line
    changed = line.replace(",2025-10-08,2025-10-10,", f",2025-10-08,{end},", 1)
    (copy / "visits.csv").write_text(text.replace(line, changed), encoding="utf-8")
    import_dataset(copy)


def corrections(reader, address: str) -> str:
    page = reader.get(address).content.decode()
    assert 'id="corrections"' in page, "no Corrections section"
    return page.split('id="corrections"')[1].split("</ul>")[0]


def test_a_correction_an_import_brings_is_noticed_on_the_visit_page(
    reader, seeded, dataset_dir, tmp_path
):
    """A new dataset version ending the Tajikistan visit on 11 October, not 10: the visit's
    page had no Corrections section (the newsroom's correction of the same fact gets one),
    and its history row did not name the import."""
    import_with_tajikistan_ending(dataset_dir, tmp_path, "2025-10-11")
    today = format_date(timezone.now().date())
    english = corrections(reader, f"/visits/{TAJIKISTAN}/")
    assert (
        f'Corrected on {today} by the import of dataset version <a href="/data/changelog/'
        f'#v{NEWER}">{NEWER}</a>: the end date changed from 10 October 2025 to 11 '
        "October 2025." in english
    ), english
    with translation.override("fr"):
        today = format_date(timezone.now().date())
    french = corrections(reader, f"/fr/visits/{TAJIKISTAN}/")
    assert f"Corrigé le {today} par l’import de la version" in french, french
    assert f'<a href="/fr/data/changelog/#v{NEWER}">{NEWER}</a>' in french
    assert "la date de fin passe de «\u00a010 octobre 2025\u00a0» à «\u00a011 octobre" in french
    last = history_rows(reader, f"/visits/{TAJIKISTAN}/")[-1]
    assert f"import of dataset version {NEWER}" in last, last
    assert "end 10 October 2025 → 11 October 2025" in last, last
    last = history_rows(reader, f"/fr/visits/{TAJIKISTAN}/")[-1]
    assert f"import de la version {NEWER} du jeu de données" in last, last
    # A visit the import left alone has no such notice.
    assert 'id="corrections"' not in reader.get(f"/visits/{MONGOLIA}/").content.decode()


def test_an_imports_cause_is_named_once_among_a_visits_requested_causes(seeded):
    """Each change an import writes names the import (visits.outbox.caused_by); a visit
    changed twice (its row, then its sources) names it once, with both changes."""
    visit = Visit.objects.get(slug=TAJIKISTAN)
    imported = {"key": "import", "version": "2099.01.01"}
    changed = {"key": "changed", "object": "visit", "name": TAJIKISTAN, "changes": []}
    sources = {"key": "sources", "name": TAJIKISTAN}
    with outbox.caused_by(imported):
        outbox.request_evaluation("v.id = %s", [visit.pk], changed)
        outbox.request_evaluation("v.id = %s", [visit.pk], sources)
        outbox.request_evaluation("v.id = %s", [visit.pk], imported)
    outbox.request_evaluation("v.id = %s", [visit.pk], "a change to its facts")
    stored = causes.loads(EvaluationRequest.objects.get(visit=visit).reason)
    assert stored == [imported, changed, sources, causes.text_cause("a change to its facts")]
