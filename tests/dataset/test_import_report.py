"""What the import's report names, and what it warns of: the visits withdrawn and
restored, the rows deleted, each verdict that changes (also in a dry run), the sources,
and a warrant removed while published verdicts stand on it."""

import csv
import datetime
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from dataset.importer import FILES
from dataset.models import DatasetImport
from tests.dataset.test_importer_rules import PERSONS, STATES, VISITS, WARRANTS, folder
from tests.releases import NEWER, command, release
from visits.models import Verdict, Visit
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def lines_under(output: str, heading: str) -> list[str]:
    """The indented lines that follow the line starting with `heading`."""
    lines = output.splitlines()
    (start,) = [i for i, line in enumerate(lines) if line.startswith(heading)]
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        found.append(line)
    return found


def test_the_report_names_the_visits_withdrawn_and_restored_and_counts_restored_apart(
    tmp_path,
):
    """ "visits: … 1 withdrawn" named none, and a visit listed again was counted only as
    "updated"; the verdicts changed were a count."""
    command(folder(tmp_path, "v1", version="2026.12.01"))

    output, _ = command(folder(tmp_path, "v2", version="2026.12.02", visits=VISITS[1:]))
    assert "visits: 0 created, 0 updated, 1 unchanged, 1 withdrawn" in output
    assert lines_under(output, "visits:") == [f"  withdrawn: {MONGOLIA}"]
    assert lines_under(output, "verdicts:") == [f"  {MONGOLIA}: non_compliance -> withdrawn"]

    output, _ = command(folder(tmp_path, "v3", version="2026.12.03"))
    assert "visits: 0 created, 0 updated, 1 unchanged, 1 restored" in output
    assert lines_under(output, "visits:") == [f"  restored: {MONGOLIA}"]
    assert lines_under(output, "verdicts:") == [f"  {MONGOLIA}: withdrawn -> non_compliance"]
    assert DatasetImport.objects.latest().counts["visits"] == {"unchanged": 1, "restored": 1}


SENUSSI = {
    "slug": "abdullah-al-senussi",
    "name": "Abdullah Al-Senussi",
    "nationality_iso3": "LBY",
    "situation": "Libya",
    "status": "proceedings_terminated",
    "status_date": "2013-10-11",
}
SENUSSI_WARRANT = {
    "person_slug": "abdullah-al-senussi",
    "issued": "2011-06-27",
    "made_public": "2011-06-27",
    "ended": "2013-10-11",
    "end_reason": "other",
}


def test_the_report_names_the_persons_warrants_and_situations_deleted(tmp_path):
    command(
        folder(
            tmp_path,
            "v1",
            version="2026.12.01",
            persons=[*PERSONS, SENUSSI],
            warrants=[*WARRANTS, SENUSSI_WARRANT],
        )
    )
    output, _ = command(folder(tmp_path, "v2", version="2026.12.02"))
    assert "persons: 0 created, 0 updated, 2 unchanged, 1 deleted" in output
    assert lines_under(output, "persons:") == ["  deleted: abdullah-al-senussi"]
    assert lines_under(output, "warrants:") == ["  deleted: abdullah-al-senussi-2011-06-27"]
    assert lines_under(output, "situations:") == ["  deleted: libya"]
    assert lines_under(output, "verdicts:") == []


def putin_in_mongolia(day: datetime.date) -> dict:
    return {
        **VISITS[0],
        "id": f"vladimir-putin-mng-{day.isoformat()}",
        "start": day.isoformat(),
        "end": "",
    }


def test_a_dry_run_lists_each_verdict_that_would_change(tmp_path):
    """The dry run said "60 verdicts changed", and `-v 3` no more: which ones, from which
    code to which, is what the data maintainer checks before importing."""
    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(60)]
    visits = [putin_in_mongolia(day) for day in days] + VISITS[1:]
    command(folder(tmp_path, "v1", version="2026.12.01", visits=visits))
    assert {v.verdict.code for v in Visit.objects.filter(host__iso3="MNG")} == {"non_compliance"}
    # Mongolia bound only from 2025: none of these trips was a failure to arrest.
    later = [{**STATES[0]}, {**STATES[1], "entry_into_force": "2025-01-01"}, STATES[2]]
    path = folder(tmp_path, "v2", version="2026.12.02", visits=visits, states=later)

    output, _ = command(path, "--dry-run")
    assert "verdicts: 61 visits evaluated: 60 verdicts changed" in output
    changes = [f"  vladimir-putin-mng-{day}: non_compliance -> no_obligation" for day in days]
    assert lines_under(output, "verdicts:") == [
        *changes[:50],
        "  and 10 more (run with -v 2 to list them all)",
    ]
    output, _ = command(path, "--dry-run", verbosity=2)
    assert lines_under(output, "verdicts:") == changes
    assert {v.verdict.code for v in Visit.objects.filter(host__iso3="MNG")} == {"non_compliance"}


def cited_urls(path) -> set[str]:
    """Every source address the folder's files cite."""
    urls = set()
    for name, columns in FILES.items():
        if "source_urls" not in columns or not (path / name).exists():
            continue
        with (path / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                urls |= {u.strip() for u in row["source_urls"].split(";") if u.strip()}
    return urls


def test_the_sources_line_counts_the_sources_cited_already_as_unchanged(
    seeded, dataset_dir, tmp_path
):
    """ "sources: 8 created, 0 updated, 0 unchanged" though 628 were cited already; an
    import that changed nothing left the line out."""
    cited = len(cited_urls(dataset_dir))
    output, _ = command(dataset_dir)
    assert f"sources: 0 created, 0 updated, {cited} unchanged" in output

    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    release(copy, NEWER)
    with (copy / "visits.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    (mongolia,) = [row for row in rows if row["id"] == MONGOLIA]
    mongolia["source_urls"] = "https://example.org/a-new-source;" + mongolia["source_urls"]
    with (copy / "visits.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert len(cited_urls(copy)) == cited + 1
    output, _ = command(copy, "--dry-run")
    assert f"sources: 1 created, 0 updated, {cited} unchanged" in output


def without_warrant(dataset_dir, tmp_path, person: str, issued: str):
    """A copy of data/, released, without the row of warrants.csv of `person`'s warrant
    issued on `issued`."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    release(copy, NEWER)
    text = (copy / "warrants.csv").read_text(encoding="utf-8")
    (line,) = [
        li
        for li in text.splitlines(keepends=True)
        if li.startswith(f"{person},") and f",{issued},{issued}," in li
    ]
    (copy / "warrants.csv").write_text(text.replace(line, ""), encoding="utf-8")
    return copy


def test_a_removed_warrant_that_decided_published_verdicts_is_named_in_a_warning(
    seeded, dataset_dir, tmp_path
):
    """A warrant row removed was deleted without a word, with the verdicts it decided."""
    ref = "omar-al-bashir-2010-07-12"
    decided = (
        Verdict.objects.filter(warrants__ref=ref, visit__review_state="verified")
        .order_by("visit__slug")
        .values_list("visit__slug", "code")
    )
    assert len(decided) > 1
    # Of Omar al-Bashir's two warrants (2009, 2010), the 2010 one's row is removed.
    path = without_warrant(dataset_dir, tmp_path, "omar-al-bashir", "2010-07-12")

    output, err = command(path, "--dry-run")
    visits = ", ".join(f"{slug} ({code})" for slug, code in decided)
    assert (
        f"warning: warrants.csv: person_slug: omar-al-bashir's warrant {ref} is no longer "
        f"listed, so the import deletes it: it decided the verdicts of {len(decided)} "
        f"published visits: {visits}. They are evaluated again without it; if the warrant "
        "stands, keep its row (a corrected date keeps the warrant)"
    ) in err.splitlines()
    assert "warrants: 0 created, 0 updated" in output and "1 deleted" in output
    assert lines_under(output, "warrants:") == [f"  deleted: {ref}"]
    assert Warrant.objects.filter(ref=ref).exists()


def test_a_person_at_large_left_without_a_warrant_is_refused(seeded, dataset_dir, tmp_path):
    """Putin's only warrant removed: the import deleted it, his Mongolia verdict changed,
    and he stayed at large with no warrant, which persons.csv's definition rules out."""
    path = without_warrant(dataset_dir, tmp_path, "vladimir-putin", "2023-03-17")
    lines = (path / "persons.csv").read_text(encoding="utf-8").splitlines()
    (line,) = [n for n, li in enumerate(lines, start=1) if li.startswith("vladimir-putin,")]
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_dataset", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"persons.csv:{line}: status: at_large, but no row of warrants.csv names "
        "vladimir-putin: persons.csv lists only persons named in a public ICC arrest "
        "warrant, and at_large means a warrant is outstanding (data/DICTIONARY.md); keep "
        "the warrant's row, or give the person's status as it now is"
    ]
    assert Warrant.objects.filter(ref="vladimir-putin-2023-03-17").exists()
