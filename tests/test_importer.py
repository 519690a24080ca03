"""The dataset importer and the verdict export, on the real seed data.

The tests that start from an imported seed take it from the `seeded` fixture, which is
that same import (of the same files, by the same command), done once per run.
"""

import csv
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from states.models import State, TreatyEvent
from tests.releases import release, run_import
from visits.models import Finding, Verdict, VerdictChange, Visit
from warrants.models import Person, Warrant

pytestmark = pytest.mark.django_db


def export_rows() -> dict[str, dict]:
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    return {
        row["id"]: row for row in csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff")))
    }


def test_seed_import_gives_the_verdicts_journalists_quote(seeded):
    rows = export_rows()

    mongolia = rows["vladimir-putin-mng-2024-09-02"]
    assert (mongolia["verdict"], mongolia["basis"]) == ("non_compliance", "state_party")
    # Dates in the English explanation: ISO (first edition) or in words (second edition).
    explanation = mongolia["explanation"]
    assert "Mongolia had been bound since" in explanation
    assert "2002-07-01" in explanation or "1 July 2002" in explanation
    assert "2024-10-24" in explanation or "24 October 2024" in explanation

    # Bemba, acquitted, has no warrant in force: no incident names the DR Congo for him.
    assert not [
        r
        for r in rows.values()
        if r["person_slug"] == "jean-pierre-bemba-gombo" and r["verdict"] == "non_compliance"
    ]

    south_africa_2015 = rows["omar-al-bashir-zaf-2015-06-14"]
    assert south_africa_2015["verdict"] == "non_compliance"

    china = [
        r for r in rows.values() if r["person_slug"] == "vladimir-putin" and r["host_iso3"] == "CHN"
    ]
    assert len(china) >= 3
    assert {r["verdict"] for r in china} == {"no_obligation"}
    assert {r["basis"] for r in china} == {""}

    brics = rows["vladimir-putin-zaf-2023-08-22"]
    assert brics["verdict"] == "deterred"


def test_export_has_the_documented_columns_and_order(seeded):
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    reader = csv.reader(io.StringIO(out.getvalue().removeprefix("\ufeff")))
    header = next(reader)
    assert header[:10] == [
        "id",
        "person_slug",
        "host_iso3",
        "start",
        "end",
        "status",
        "outcome",
        "verdict",
        "basis",
        "explanation",
    ]
    rows = list(reader)
    assert len(rows) == Visit.objects.count()

    def first_day(text):  # '2009-03' and '2012' sort as their first day
        return {4: f"{text}-01-01", 7: f"{text}-01"}.get(len(text), text)

    keys = [(first_day(r[3]), r[1], r[2]) for r in rows if r[3]]
    assert keys == sorted(keys)
    assert [r[3] for r in rows[len(keys) :]] == [""] * (len(rows) - len(keys))  # undated trips last


def test_second_import_of_the_same_files_changes_nothing(seeded, dataset_dir):
    before = (
        list(
            Verdict.objects.order_by("visit_id").values_list(
                "visit_id", "code", "explanation", "computed_at"
            )
        ),
        VerdictChange.objects.count(),
        Visit.objects.order_by("pk").values_list("pk", "updated_at")[::1],
        Warrant.objects.count(),
    )
    output = run_import(dataset_dir)
    after = (
        list(
            Verdict.objects.order_by("visit_id").values_list(
                "visit_id", "code", "explanation", "computed_at"
            )
        ),
        VerdictChange.objects.count(),
        Visit.objects.order_by("pk").values_list("pk", "updated_at")[::1],
        Warrant.objects.count(),
    )
    assert after == before
    assert "Nothing changed" in output


def newer_copy(dataset_dir, path):
    """A copy of data/ at `path` under a newer version, as changed files must be."""
    shutil.copytree(dataset_dir, path)
    release(path)
    return path


def test_a_newer_version_of_the_files_updates_what_changed(seeded, dataset_dir, tmp_path):
    copy = newer_copy(dataset_dir, tmp_path / "data")
    # Move Mongolia's entry into force after the visit: the incident must disappear,
    # and the verdict's history must say why.
    text = (copy / "states.csv").read_text(encoding="utf-8")
    line = next(li for li in text.splitlines() if li.startswith("MNG,"))
    text = text.replace(line, line.replace(",2002-07-01,", ",2025-01-01,", 1))
    (copy / "states.csv").write_text(text, encoding="utf-8")

    run_import(copy)

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert visit.verdict.code == "no_obligation"
    last = visit.verdict_changes.order_by("-changed_at", "-id").first()
    assert (last.old_code, last.new_code) == ("non_compliance", "no_obligation")
    assert "MNG" in last.cause and "1 January 2025" in last.cause
    assert (
        TreatyEvent.objects.get(state__iso3="MNG", kind="entry_into_force").date.isoformat()
        == "2025-01-01"
    )


def break_file(path, name, old, new):
    target = path / name
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_broken_copy_is_rejected_with_one_precise_message_per_problem(
    seeded, dataset_dir, tmp_path
):
    counts_before = (
        State.objects.count(),
        Person.objects.count(),
        Visit.objects.count(),
        Warrant.objects.count(),
        Finding.objects.count(),
    )
    mongolia_before = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02").end

    copy = newer_copy(dataset_dir, tmp_path / "broken")
    visits_lines = (copy / "visits.csv").read_text(encoding="utf-8").splitlines()
    mng_line = next(
        i + 1
        for i, li in enumerate(visits_lines)
        if li.startswith("vladimir-putin-mng-2024-09-02,")
    )
    kgz_line = next(
        i + 1
        for i, li in enumerate(visits_lines)
        if li.startswith("vladimir-putin-kgz-2023-10-12,")
    )
    chn_line = next(
        i + 1
        for i, li in enumerate(visits_lines)
        if li.startswith("vladimir-putin-chn-2023-10-17,")
    )
    blr_line = next(
        i + 1
        for i, li in enumerate(visits_lines)
        if li.startswith("vladimir-putin-blr-2024-05-23,")
    )
    # end before start (and a change that must not land)
    break_file(
        copy,
        "visits.csv",
        "vladimir-putin-mng-2024-09-02,vladimir-putin,MNG,Ulaanbaatar,2024-09-02,2024-09-03",
        "vladimir-putin-mng-2024-09-02,vladimir-putin,MNG,Ulaanbaatar,2024-09-02,2024-08-30",
    )
    # a bad date
    break_file(
        copy,
        "visits.csv",
        "vladimir-putin-kgz-2023-10-12,vladimir-putin,KGZ,Bishkek,2023-10-12",
        "vladimir-putin-kgz-2023-10-12,vladimir-putin,KGZ,Bishkek,2023-13-12",
    )
    # an unknown ISO code
    break_file(
        copy,
        "visits.csv",
        "vladimir-putin-chn-2023-10-17,vladimir-putin,CHN,",
        "vladimir-putin-chn-2023-10-17,vladimir-putin,XYZ,",
    )
    # an unknown person
    break_file(
        copy,
        "visits.csv",
        "vladimir-putin-blr-2024-05-23,vladimir-putin,",
        "vladimir-putin-blr-2024-05-23,vladimir-putinn,",
    )

    err = io.StringIO()
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    messages = err.getvalue().strip().splitlines()
    assert sorted(messages) == sorted(
        [
            f"visits.csv:{mng_line}: end: 2024-08-30 is before start 2024-09-02",
            f"visits.csv:{kgz_line}: start: '2023-13-12': There is no month 13: months run from 01 to 12.",
            f"visits.csv:{chn_line}: host_iso3: 'XYZ' is not an ISO 3166-1 alpha-3 country code",
            f"visits.csv:{blr_line}: person_slug: 'vladimir-putinn' is not a known person (not in persons.csv)",
        ]
    )
    counts_after = (
        State.objects.count(),
        Person.objects.count(),
        Visit.objects.count(),
        Warrant.objects.count(),
        Finding.objects.count(),
    )
    assert counts_after == counts_before
    assert Visit.objects.get(slug="vladimir-putin-mng-2024-09-02").end == mongolia_before


def test_a_broken_copy_leaves_an_empty_database_empty(dataset_dir, tmp_path):
    copy = tmp_path / "broken"
    shutil.copytree(dataset_dir, copy)
    break_file(copy, "persons.csv", ",RUS,", ",QQQ,")
    with pytest.raises(CommandError):
        call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=io.StringIO())
    assert State.objects.count() == 0 and Person.objects.count() == 0 and Visit.objects.count() == 0


def test_a_visit_to_the_persons_own_state_is_rejected(dataset_dir, tmp_path):
    copy = tmp_path / "own"
    shutil.copytree(dataset_dir, copy)
    visits_lines = (copy / "visits.csv").read_text(encoding="utf-8").splitlines()
    line = next(
        i + 1
        for i, li in enumerate(visits_lines)
        if li.startswith("vladimir-putin-chn-2023-10-17,")
    )
    break_file(
        copy,
        "visits.csv",
        "vladimir-putin-chn-2023-10-17,vladimir-putin,CHN,",
        "vladimir-putin-chn-2023-10-17,vladimir-putin,RUS,",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    assert (
        f"visits.csv:{line}: host_iso3: RUS is vladimir-putin's own state of nationality"
        in err.getvalue()
    )


def test_import_reports_art_126_2_disagreements_as_warnings(dataset_dir, tmp_path):
    """The project's states import without a treaty-date warning: Montenegro's entry into
    force (3 June 2006, its independence) precedes its notification because it succeeded
    (`instrument` `succession`), and El Salvador has no signature after 2000. Without that
    column's word, Montenegro's date is warned of again."""
    err = io.StringIO()
    call_command("import_dataset", str(dataset_dir), stdout=io.StringIO(), stderr=err)
    assert "states.csv:" not in err.getvalue()
    assert Visit.objects.count() > 0
    copy = newer_copy(dataset_dir, tmp_path / "unsaid")
    break_file(
        copy, "states.csv", "MNE,Montenegro,,2006-10-23,succession,", "MNE,Montenegro,,2006-10-23,,"
    )
    err = io.StringIO()
    call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    assert "states.csv:" in err.getvalue()
    assert "differs from the Art. 126(2) computation" in err.getvalue()
    assert "(a succession? say so in instrument)" in err.getvalue()


@pytest.mark.npm("@rapideditor/country-coder")
def test_a_first_import_counts_each_state_once_as_created(dataset_dir):
    """The first import into an empty database reported `states: 249 created, 49 updated`:
    the territories it had just created (Réunion, Greenland) were counted again as
    updated when marked as a State's. A state created by the import is created, only."""
    from dataset.models import DatasetImport

    assert not State.objects.exists()  # no seed: the database a fresh clone's `up` finds
    output = run_import(dataset_dir)
    created = State.objects.count()
    assert State.objects.filter(territory_of__isnull=False).exists()  # marks were set
    assert f"\nstates: {created} created, 0 updated, 0 unchanged\n" in output, output
    assert DatasetImport.objects.get().counts["states"] == {"created": created}
