"""A warrant's identifier (`ref`, its address in the API): built from its person and date,
never from a line number, and kept when a later version of warrants.csv corrects the date."""

import shutil

import pytest

from tests.releases import command, refused, release
from visits.models import Verdict, VerdictChange
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

LAST = "abdul-hakim-haqqani"  # the last row of the project's warrants.csv
AFGHANISTAN = "Situation in Afghanistan,"  # its case_name, and no case_number


def copy_of(dataset_dir, tmp_path):
    """A copy of the dataset under a newer version, as changed data must carry one."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    newer_version(copy)
    return copy


def newer_version(copy) -> str:
    """Release the copy as a version newer than its own, with its changelog entry (today's
    date, then .2, .3...): each import of changed rows names a version newer than the last
    one imported. Returns the version."""
    return release(copy)


def warrant_line(copy, slug: str) -> str:
    (line,) = [
        li
        for li in (copy / "warrants.csv").read_text(encoding="utf-8").splitlines()
        if li.startswith(f"{slug},")
    ]
    return line


def replace_line(copy, old: str, new: str) -> None:
    path = copy / "warrants.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def append_line(copy, line: str) -> None:
    path = copy / "warrants.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + line + "\n", encoding="utf-8")


def line_count(copy) -> int:
    return len((copy / "warrants.csv").read_text(encoding="utf-8").rstrip("\n").split("\n"))


def test_a_warrant_listed_twice_is_refused_naming_both_lines(seeded, dataset_dir, tmp_path):
    """A copy of the last row was `warrants: 1 created`: a phantom warrant whose identifier
    was its line number (`abdul-hakim-haqqani-2025-07-08-71`)."""
    copy = copy_of(dataset_dir, tmp_path)
    last = warrant_line(copy, LAST)
    append_line(copy, last)
    first, second = line_count(copy) - 1, line_count(copy)
    before = sorted(Warrant.objects.values_list("ref", flat=True))

    errors = refused(copy)

    assert errors == [
        f"warrants.csv:{second}: issued: {LAST}'s warrant of 2025-07-08 is already on line "
        f"{first} (warrants.csv:{first}): a warrant listed twice; if these are two warrants "
        "of one day, give each its own case_number, which tells them apart"
    ]
    assert sorted(Warrant.objects.values_list("ref", flat=True)) == before


def test_two_warrants_of_one_day_are_told_apart_by_their_case_numbers(
    seeded, dataset_dir, tmp_path
):
    copy = copy_of(dataset_dir, tmp_path)
    last = warrant_line(copy, LAST)
    recorded = Warrant.objects.get(ref=f"{LAST}-2025-07-08")
    # Two cases, each with the Court's number: the second is a case of its own.
    replace_line(copy, last, last.replace(AFGHANISTAN, AFGHANISTAN + "ICC-02/17-01/25", 1))
    append_line(
        copy,
        last.replace(AFGHANISTAN, "The Prosecutor v. Abdul Hakim Haqqani (II),ICC-02/17-02/25", 1),
    )

    output, _err = command(copy)

    assert "warrants: 1 created, 0 updated, 69 unchanged" in output
    refs = set(Warrant.objects.filter(person__slug=LAST).values_list("ref", flat=True))
    # The warrant recorded first keeps its identifier; the second is named by its case.
    assert refs == {f"{LAST}-2025-07-08", f"{LAST}-2025-07-08-icc-02-17-02-25"}
    assert Warrant.objects.get(ref=f"{LAST}-2025-07-08").pk == recorded.pk
    # Importing the same files again finds each warrant again, whatever the rows' order.
    path = copy / "warrants.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join([lines[0], lines[-1], *lines[1:-1]]) + "\n", encoding="utf-8")
    output, _err = command(copy)
    assert "warrants: 0 created, 0 updated, 70 unchanged" in output


def test_a_corrected_issue_date_keeps_the_warrant_its_address_and_its_verdicts(
    seeded, dataset_dir, tmp_path, api_client
):
    """Putin's `issued` 2023-03-17 written 2023-03 deleted the warrant and created
    `vladimir-putin-2023-03`: the README's own example address answered 404, and every
    visit's history said one warrant was deleted and another added."""
    copy = copy_of(dataset_dir, tmp_path)
    version = (copy / "VERSION").read_text(encoding="utf-8").strip()
    line = warrant_line(copy, "vladimir-putin")
    replace_line(copy, line, line.replace(",2023-03-17,2023-03-17,", ",2023-03,2023-03-17,", 1))
    warrant = Warrant.objects.get(ref="vladimir-putin-2023-03-17")
    mongolia = Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02")
    changes = VerdictChange.objects.count()

    output, _err = command(copy)

    assert "warrants: 0 created, 1 updated, 68 unchanged" in output
    kept = Warrant.objects.get(person__slug="vladimir-putin")
    assert (kept.pk, kept.ref) == (warrant.pk, "vladimir-putin-2023-03-17")
    assert (kept.issued.isoformat(), kept.issued_precision) == ("2023-03-01", "month")
    answer = api_client.get("/api/v1/warrants/vladimir-putin-2023-03-17/")
    assert answer.status_code == 200
    assert (answer.json()["issued"], answer.json()["issued_precision"]) == ("2023-03-01", "month")
    assert api_client.get("/api/v1/warrants/vladimir-putin-2023-03/").status_code == 404
    assert list(mongolia.warrants.values_list("pk", flat=True)) == [warrant.pk]
    causes = set(VerdictChange.objects.order_by("pk")[changes:].values_list("cause", flat=True))
    assert causes == {
        f"import of dataset version {version}; "
        "warrant vladimir-putin-2023-03-17: issued 17 March 2023 → March 2023"
    }

    # The day found again: the same warrant, still under its first identifier.
    replace_line(copy, ",2023-03,2023-03-17,", ",2023-03-17,2023-03-17,")
    newer_version(copy)
    output, _err = command(copy)
    assert "warrants: 0 created, 1 updated, 68 unchanged" in output
    assert Warrant.objects.get(person__slug="vladimir-putin").pk == warrant.pk


def test_a_date_found_to_the_day_keeps_the_warrant(seeded, dataset_dir, tmp_path):
    """A warrant known to the year (2023) refined to a day of it is the same warrant."""
    copy = copy_of(dataset_dir, tmp_path)
    line = warrant_line(copy, "nasser-daou")
    warrant = Warrant.objects.get(ref="nasser-daou-2023")
    replace_line(copy, line, line.replace(",2023,2024-10-04,", ",2023-06-05,2024-10-04,", 1))

    output, _err = command(copy)

    assert "warrants: 0 created, 1 updated, 68 unchanged" in output
    kept = Warrant.objects.get(person__slug="nasser-daou")
    assert (kept.pk, kept.ref, kept.issued.isoformat()) == (
        warrant.pk,
        "nasser-daou-2023",
        "2023-06-05",
    )


def test_a_date_that_could_correct_either_of_two_warrants_corrects_neither(
    seeded, dataset_dir, tmp_path
):
    """Bemba's two warrants of 2008 in one case, both rows rewritten: which one each row
    corrects cannot be told, so each is a new warrant, and the import says so."""
    copy = copy_of(dataset_dir, tmp_path)
    replace_line(
        copy, ",ICC-01/05-01/08,2008-05-23,2008-05-24,", ",ICC-01/05-01/08,2008-05,2008-05-24,"
    )
    replace_line(
        copy, ",ICC-01/05-01/08,2008-06-10,2008-06-10,", ",ICC-01/05-01/08,2008,2008-06-10,"
    )

    _output, err = command(copy)

    assert "its date overlaps the recorded warrants" in err
    refs = set(
        Warrant.objects.filter(person__slug="jean-pierre-bemba-gombo").values_list("ref", flat=True)
    )
    assert {"jean-pierre-bemba-gombo-2008-05", "jean-pierre-bemba-gombo-2008"} <= refs


def test_a_new_warrant_may_not_take_the_identifier_a_corrected_one_kept(
    seeded, dataset_dir, tmp_path
):
    copy = copy_of(dataset_dir, tmp_path)
    line = warrant_line(copy, "vladimir-putin")
    corrected = line.replace(",2023-03-17,2023-03-17,", ",2023-03,2023-03-17,", 1)
    replace_line(copy, line, corrected)
    command(copy)
    append_line(copy, line)
    newer_version(copy)

    errors = refused(copy)

    assert errors == [
        f"warrants.csv:{line_count(copy)}: issued: vladimir-putin-2023-03-17, the identifier "
        "this warrant would get, is already another warrant's (its date now 2023-03): give "
        "this row its case_number to tell them apart"
    ]
