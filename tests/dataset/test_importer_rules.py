"""The importer's second-edition rules, each with a failing and a passing case, on small
CSV folders written in tmp_path (see docs/DOMAIN.md, "The dataset" and "Warrant")."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command

from dataset.importer import FILES, ImportFailed, import_dataset, validate
from dataset.models import DatasetImport
from states.models import SecurityCouncilReferral, State
from tests.releases import run_import
from visits.models import Finding, ReviewState, Visit
from visits.reports import SourceInput, record_visit_report
from warrants.models import Person, Warrant

pytestmark = pytest.mark.django_db

URL = "https://example.org/source"
STATES = [
    {"iso3": "BEL", "name": "Belgium", "deposited": "2000-06-28", "entry_into_force": "2002-07-01"},
    {
        "iso3": "MNG",
        "name": "Mongolia",
        "deposited": "2002-04-11",
        "entry_into_force": "2002-07-01",
    },
    {
        "iso3": "COD",
        "name": "DR Congo",
        "deposited": "2002-04-11",
        "entry_into_force": "2002-07-01",
    },
]
PERSONS = [
    {
        "slug": "jean-pierre-bemba-gombo",
        "name": "Jean-Pierre Bemba Gombo",
        "nationality_iso3": "COD",
        "situation": "Central African Republic",
        "status": "acquitted",
        "status_date": "2018-06-08",
    },
    {
        "slug": "vladimir-putin",
        "name": "Vladimir Putin",
        "nationality_iso3": "RUS",
        "situation": "Ukraine",
        "status": "at_large",
    },
]
WARRANTS = [
    {
        "person_slug": "jean-pierre-bemba-gombo",
        "issued": "2008-06-10",
        "made_public": "2008-06-10",
        "ended": "2008-07-03",
        "end_reason": "executed",
    },
    {"person_slug": "vladimir-putin", "issued": "2023-03-17", "made_public": "2023-03-17"},
]
VISITS = [
    {
        "id": "vladimir-putin-mng-2024-09-02",
        "person_slug": "vladimir-putin",
        "host_iso3": "MNG",
        "start": "2024-09-02",
        "end": "2024-09-03",
        "status": "occurred",
        "outcome": "not_arrested",
        "review_state": "verified",
    },
    {
        "id": "jean-pierre-bemba-gombo-bel-2008-05-24",
        "person_slug": "jean-pierre-bemba-gombo",
        "host_iso3": "BEL",
        "start": "2008-05-24",
        "status": "occurred",
        "outcome": "arrested",
        "review_state": "verified",
    },
]
BEMBA_HOME = {
    "id": "jean-pierre-bemba-gombo-cod-2018-08-01",
    "person_slug": "jean-pierre-bemba-gombo",
    "host_iso3": "COD",
    "city": "Kinshasa",
    "start": "2018-08-01",
    "status": "occurred",
    "outcome": "not_arrested",
    "review_state": "verified",
}


def write_csv(path, name, rows, columns=None, bom=False):
    columns = columns or FILES[name]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, URL if c == "source_urls" else "") for c in columns})
    (path / name).write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8")


def folder(tmp_path, name="data", version="2026.12.01", **files):
    """A dataset folder: the small one above, with any file replaced by `files`
    (keyword: the file's stem, e.g. visits=[...])."""
    path = tmp_path / name
    path.mkdir()
    defaults = {"states": STATES, "persons": PERSONS, "warrants": WARRANTS, "visits": VISITS}
    for stem, rows in {**defaults, **files}.items():
        write_csv(path, f"{stem}.csv", rows)
    if version:
        (path / "VERSION").write_text(version + "\n", encoding="utf-8")
    return path


def errors_of(path) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        import_dataset(path)
    return failure.value.errors


def line_of(path, name, prefix) -> int:
    lines = (path / name).read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, li in enumerate(lines) if li.startswith(prefix))


def test_bembas_trip_home_is_refused_as_a_visit_to_his_own_state(tmp_path):
    path = folder(tmp_path, visits=[*VISITS, BEMBA_HOME])
    errors = errors_of(path)
    visit_line = line_of(path, "visits.csv", BEMBA_HOME["id"])
    person_line = line_of(path, "persons.csv", "jean-pierre-bemba-gombo,")
    assert errors == [
        f"visits.csv:{visit_line}: host_iso3: COD is jean-pierre-bemba-gombo's own state of "
        f"nationality (persons.csv:{person_line}): a visit to one's own state is not a visit"
    ]
    assert not Visit.objects.exists()
    # Without that row the folder validates.
    assert validate(folder(tmp_path, "ok"))[1] == []


def test_a_person_not_at_large_with_a_warrant_without_end_is_refused_naming_both_rows(tmp_path):
    open_warrant = {**WARRANTS[0], "ended": "", "end_reason": ""}
    path = folder(tmp_path, warrants=[open_warrant, WARRANTS[1]])
    person_line = line_of(path, "persons.csv", "jean-pierre-bemba-gombo,")
    assert errors_of(path) == [
        f"warrants.csv:2: ended: the warrant has no end, but persons.csv:{person_line} gives "
        "jean-pierre-bemba-gombo's status as acquitted: a person not at large has no warrant "
        "without an end"
    ]
    # At large, the same open warrant is fine.
    at_large = [{**PERSONS[0], "status": "at_large", "status_date": ""}, PERSONS[1]]
    path = folder(tmp_path, "ok", persons=at_large, warrants=[open_warrant, WARRANTS[1]])
    assert validate(path)[1] == []


def test_an_end_reason_without_an_end_date_is_refused_naming_both_rows(tmp_path):
    path = folder(tmp_path, warrants=[{**WARRANTS[0], "ended": ""}, WARRANTS[1]])
    person_line = line_of(path, "persons.csv", "jean-pierre-bemba-gombo,")
    assert errors_of(path) == [
        "warrants.csv:2: ended: end_reason is 'executed' but the end date is missing: a warrant "
        f"that ended has an end date (person jean-pierre-bemba-gombo, persons.csv:{person_line})"
    ]
    assert Warrant.objects.count() == 0


def test_a_nationality_that_makes_a_recorded_visit_one_to_the_own_state_is_refused(tmp_path):
    # A visit reported on the site (not in the files) of Putin to Mongolia.
    import_dataset(folder(tmp_path, "first"))
    record_visit_report(
        person=Person.objects.get(slug="vladimir-putin"),
        host=State.objects.get(iso3="BEL"),
        start=None,
        status="cancelled",
        outcome="n/a",
        sources=[SourceInput(url=URL)],
        slug="vladimir-putin-bel-site",
    )
    # Making Putin Mongolian: the file's visit to Mongolia names both rows.
    mongolian = [PERSONS[0], {**PERSONS[1], "nationality_iso3": "MNG"}]
    path = folder(tmp_path, "mng", version="2026.12.02", persons=mongolian)
    assert errors_of(path) == [
        "visits.csv:2: host_iso3: MNG is vladimir-putin's own state of nationality "
        "(persons.csv:3): a visit to one's own state is not a visit"
    ]
    # Making him Belgian: the site's visit, not in the files, is named by its id.
    belgian = [PERSONS[0], {**PERSONS[1], "nationality_iso3": "BEL"}]
    path = folder(tmp_path, "bel", version="2026.12.02", persons=belgian)
    assert errors_of(path) == [
        "persons.csv:3: nationality_iso3: BEL would make visit vladimir-putin-bel-site "
        "(recorded in the database, not in visits.csv) one to vladimir-putin's own state "
        "of nationality"
    ]
    assert Person.objects.get(slug="vladimir-putin").nationality.iso3 == "RUS"
    # Another nationality is fine.
    ukrainian = [PERSONS[0], {**PERSONS[1], "nationality_iso3": "UKR"}]
    assert validate(folder(tmp_path, "ukr", version="2026.12.02", persons=ukrainian))[1] == []


def test_an_unknown_column_is_an_error(tmp_path):
    path = folder(tmp_path)
    write_csv(path, "visits.csv", VISITS, columns=[*FILES["visits.csv"], "icc_finding_date"])
    assert errors_of(path) == [
        "visits.csv:1: icc_finding_date: unknown column "
        "(data/DICTIONARY.md documents the columns of visits.csv)"
    ]


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = folder(tmp_path)
    write_csv(path, "states.csv", STATES, bom=True)
    parsed, errors, _ = validate(path)
    assert errors == []
    assert [data["iso3"] for _, data in parsed.states] == ["BEL", "MNG", "COD"]


def test_findings_and_referrals_link_to_visits_persons_and_states(tmp_path):
    finding = {
        "id": "mng-2024-10",
        "state_iso3": "MNG",
        "decided": "2024-10",
        "chamber": "PTC II",
        "persons": "vladimir-putin",
        "visit_id": "vladimir-putin-mng-2024-09-02",
        "kind": "art_87_7",
        "referred_to": "asp",
    }
    referral = {
        "situation": "Ukraine",
        "resolution": "S/RES/9999 (2030)",
        "adopted": "2030-01-01",
        "bound_iso3": "MNG;BEL",
    }
    bad = folder(
        tmp_path,
        "bad",
        findings=[{**finding, "visit_id": "nowhere", "persons": "nobody", "referred_to": "ASP"}],
        referrals=[{**referral, "situation": "Atlantis", "bound_iso3": ""}],
    )
    assert sorted(errors_of(bad)) == sorted(
        [
            "findings.csv:2: persons: 'nobody' is not a known person (not in persons.csv)",
            "findings.csv:2: visit_id: 'nowhere' is not a visit of visits.csv",
            "findings.csv:2: referred_to: 'ASP' is not one of: asp, unsc (a `;` list; empty: not referred)",
            "referrals.csv:2: situation: 'Atlantis' is not a known situation (none of the persons belongs to it)",
            "referrals.csv:2: bound_iso3: at least one state the resolution binds is required",
        ]
    )
    parsed, errors, _ = validate(folder(tmp_path, "ok", findings=[finding], referrals=[referral]))
    assert errors == []
    ((_, data),) = parsed.findings
    assert (data["decided"].precision, data["asp"], data["unsc"]) == ("month", True, False)


def test_the_projects_dataset_validates_without_errors(dataset_dir):
    parsed, errors, _ = validate(dataset_dir)
    assert errors == []
    assert len(parsed.findings) == 21 and len(parsed.referrals) == 2
    # Every visit with an Art. 87(7) finding expects non-compliance.
    expected = {d["slug"] for _, d in parsed.visits if d["expected_verdict"] == "non_compliance"}
    assert expected == {
        d["visit"] for _, d in parsed.findings if d["visit"] and d["kind"] == "art_87_7"
    }
    june_2024 = next(d for _, d in parsed.statements if str(d["date"]) == "2024-06-14")
    assert june_2024["count"] == 93 and 60 < len(june_2024["signatories"]) < 93
    assert "MNG" in june_2024["signatories"]


# --- Writing: these evaluate the verdicts (visits.flagging) after the load. ---------------


def test_the_self_check_leaves_a_visit_rejected_on_review_alone(tmp_path):
    """A visit rejected on review has the verdict `withdrawn`: a researcher's expected verdict
    or an Art. 87(7) finding of the trip it was is no disagreement with the rule
    (compliance.self_check), and the import warns of neither; a verified visit still is."""
    finding = {
        "id": "mng-2024-10-24",
        "state_iso3": "MNG",
        "decided": "2024-10-24",
        "chamber": "PTC II",
        "persons": "vladimir-putin",
        "visit_id": "vladimir-putin-mng-2024-09-02",
        "kind": "art_87_7",
        "referred_to": "asp",
    }
    rejected = {**VISITS[0], "review_state": "rejected", "expected_verdict": "non_compliance"}
    bemba = {**VISITS[1], "expected_verdict": "no_obligation"}
    report = import_dataset(folder(tmp_path, visits=[rejected, bemba], findings=[finding]))
    checks = [w for w in report.warnings if "(self-check)" in w]
    assert Visit.objects.get(slug=rejected["id"]).verdict.code == "withdrawn"
    assert len(checks) == 1 and "the researcher expected no_obligation" in checks[0], checks


def test_a_visit_removed_from_a_newer_version_is_withdrawn_and_restored_when_it_returns(
    tmp_path,
):
    run_import(folder(tmp_path, "v1", version="2026.12.01"))
    site = record_visit_report(
        person=Person.objects.get(slug="vladimir-putin"),
        host=State.objects.get(iso3="BEL"),
        start=None,
        status="cancelled",
        outcome="n/a",
        sources=[SourceInput(url=URL)],
        slug="vladimir-putin-bel-site",
    )
    output = run_import(folder(tmp_path, "v2", version="2026.12.02", visits=VISITS[1:]))
    assert "visits: 0 created, 0 updated, 1 unchanged, 1 withdrawn" in output
    mongolia = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert mongolia.review_state == ReviewState.WITHDRAWN
    assert mongolia.withdrawal_note == "removed from dataset version 2026.12.02"
    assert mongolia.verdict.code == "withdrawn"
    site.refresh_from_db()
    assert site.review_state == ReviewState.REPORTED and site.dataset_version == ""
    # The same version again changes nothing; the next version lists it again: restored.
    assert "Nothing changed" in run_import(
        folder(tmp_path, "v2-again", version="2026.12.02", visits=VISITS[1:])
    )
    run_import(folder(tmp_path, "v3", version="2026.12.03"))
    mongolia.refresh_from_db()
    assert (mongolia.review_state, mongolia.withdrawal_note) == ("verified", "")
    assert mongolia.dataset_version == "2026.12.03"
    assert mongolia.verdict.code == "non_compliance"


def test_a_published_visit_is_not_set_back_to_reported_by_a_newer_version(tmp_path):
    """A published visit marked `reported` by a newer version would vanish from its page,
    the API and the downloads without a word: the import names the row and changes
    nothing. One never published may stay `reported`; one published may be removed (and
    so withdrawn) or rejected."""
    run_import(folder(tmp_path, "v1", version="2026.12.01"))
    reported = [{**VISITS[0], "review_state": "reported", "city": "Ulaanbaatar"}, VISITS[1]]
    path = folder(tmp_path, "v2", version="2026.12.02", visits=reported)
    errors = errors_of(path)
    line = line_of(path, "visits.csv", "vladimir-putin-mng-2024-09-02,")
    assert errors == [
        f"visits.csv:{line}: review_state: reported, but visit vladimir-putin-mng-2024-09-02 "
        "is public (verified): a dataset version does not take a published visit back to "
        "review; to take it off the record, remove its row (it is then withdrawn, its page "
        "saying why) or mark it rejected"
    ]
    mongolia = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert (mongolia.review_state, mongolia.place) == ("verified", "")
    assert DatasetImport.objects.latest("pk").version == "2026.12.01"

    rejected = [{**VISITS[0], "review_state": "rejected"}, VISITS[1]]
    run_import(folder(tmp_path, "v3", version="2026.12.03", visits=rejected))
    mongolia.refresh_from_db()
    assert mongolia.review_state == "rejected" and mongolia.verdict.code == "withdrawn"
    # Rejected after it was published: still public, so not `reported` either.
    assert (
        "is public (rejected)"
        in errors_of(folder(tmp_path, "v4", version="2026.12.04", visits=reported))[0]
    )
    never = {
        **BEMBA_HOME,
        "id": "vladimir-putin-bel-2025-01-01",
        "person_slug": "vladimir-putin",
        "host_iso3": "BEL",
        "start": "2025-01-01",
        "review_state": "reported",
    }
    run_import(folder(tmp_path, "v5", version="2026.12.05", visits=[*rejected, never]))
    run_import(
        folder(
            tmp_path, "v6", version="2026.12.06", visits=[*rejected, {**never, "city": "Brussels"}]
        )
    )
    assert Visit.objects.get(slug="vladimir-putin-bel-2025-01-01").place == "Brussels"


def test_the_counts_are_exact_and_removed_rows_are_deleted(tmp_path):
    referral = {
        "situation": "Ukraine",
        "resolution": "S/RES/9999 (2030)",
        "adopted": "2030-01-01",
        "bound_iso3": "MNG",
    }
    finding = {
        "id": "mng-2024-10-24",
        "state_iso3": "MNG",
        "decided": "2024-10-24",
        "persons": "vladimir-putin",
        "visit_id": "vladimir-putin-mng-2024-09-02",
        "kind": "art_87_7",
        "referred_to": "asp",
    }
    run_import(folder(tmp_path, "v1", findings=[finding], referrals=[referral]))
    # Only the notes of one visit change: 1 updated. State notes are imported.
    noted = [{**VISITS[0], "notes": "A researcher's note."}, VISITS[1]]
    states = [{**STATES[0], "notes": "Belgian note."}, *STATES[1:]]
    output = run_import(
        folder(
            tmp_path,
            "v2",
            version="2026.12.02",
            visits=noted,
            states=states,
            findings=[finding],
            referrals=[referral],
        )
    )
    assert "visits: 0 created, 1 updated, 1 unchanged" in output
    assert "states: 0 created, 1 updated, 2 unchanged" in output
    assert State.objects.get(iso3="BEL").notes == "Belgian note."
    # Only a finding's sources change: 1 updated.
    resourced = {**finding, "source_urls": f"{URL};https://example.org/other"}
    output = run_import(
        folder(
            tmp_path,
            "v3",
            version="2026.12.03",
            visits=noted,
            states=states,
            findings=[resourced],
            referrals=[referral],
        )
    )
    assert "findings: 0 created, 1 updated, 0 unchanged" in output
    # The finding and the referral removed (their files' header rows only): deleted.
    output = run_import(
        folder(
            tmp_path,
            "v4",
            version="2026.12.04",
            visits=noted,
            states=states,
            findings=[],
            referrals=[],
        )
    )
    assert "findings: 0 created, 0 updated, 0 unchanged, 1 deleted" in output
    assert not Finding.objects.exists() and not SecurityCouncilReferral.objects.exists()
    assert DatasetImport.objects.first().counts["findings"] == {"deleted": 1}


def test_a_removed_person_a_recorded_visit_depends_on_is_an_error(tmp_path):
    run_import(folder(tmp_path, "v1"))
    path = folder(
        tmp_path,
        "v2",
        version="2026.12.02",
        persons=PERSONS[1:],
        warrants=WARRANTS[1:],
        visits=VISITS[:1],
    )
    with pytest.raises(CommandError):
        call_command("import_dataset", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    # Named by the file alone (the row is gone), the visits by where they are.
    assert errors_of(path) == [
        "persons.csv: slug: jean-pierre-bemba-gombo is no longer listed, but visits depend on "
        "it: jean-pierre-bemba-gombo-bel-2008-05-24 (in the database only: withdrawn, or "
        "reported on the site). Keep the person in persons.csv (a removed visit is "
        "withdrawn, not deleted, and keeps its person)"
    ]
    assert Person.objects.filter(slug="jean-pierre-bemba-gombo").exists()


def test_a_signature_after_the_statute_closed_for_signature_is_a_warning(tmp_path):
    # Art. 125(1): open for signature until 31 December 2000 (El Salvador's row had 2015).
    late = {
        "iso3": "SLV",
        "name": "El Salvador",
        "signed": "2015-11-26",
        "deposited": "2016-03-03",
        "entry_into_force": "2016-06-01",
    }
    _parsed, errors, warnings = validate(folder(tmp_path, states=[*STATES, late]))
    assert errors == []
    assert any("signed: 2015-11-26 is after 31 December 2000" in w for w in warnings)
    _parsed, _errors, warnings = validate(folder(tmp_path, "ok"))
    assert not any("closed for signature" in w for w in warnings)


@pytest.mark.parametrize(
    ("deposited", "recorded", "article"),
    [("2000-06-28", "2002-06-30", "Art. 126(1)"), ("2002-09-19", "2002-11-30", "Art. 126(2)")],
)
def test_an_entry_into_force_that_differs_from_the_computation_names_the_paragraph_used(
    tmp_path, deposited, recorded, article
):
    """A deposit by 11 April 2002 entered into force on 1 July 2002 under Art. 126(1); a
    later one under Art. 126(2). The warning named Art. 126(2) for both."""
    belgium = {
        "iso3": "BEL",
        "name": "Belgium",
        "deposited": deposited,
        "entry_into_force": recorded,
    }
    path = folder(tmp_path, states=[belgium, *STATES[1:]])
    _, errors, warnings = validate(path)
    assert errors == []
    assert [w for w in warnings if "entry_into_force" in w] == [
        f"states.csv:2: entry_into_force: {recorded} differs from the {article} computation "
        f"({'2002-07-01' if article.endswith('(1)') else '2002-12-01'} for a deposit on "
        f"{deposited}); the recorded date is used"
    ]


def test_the_projects_state_notes_cite_the_paragraph_of_art_126_that_dates_their_entry_into_force(
    dataset_dir,
):
    """The notes of 66 states that deposited by 11 April 2002 (Mongolia, South Africa,
    Tajikistan, ...) said their entry into force was computed "under Art. 126(2)", shown
    as such on their pages: it is Art. 126(1) for them, Art. 126(2) after."""
    with (dataset_dir / "states.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cited = {row["iso3"]: re.findall(r"Art\. 126\((\d)\)", row["notes"]) for row in rows}
    wrong = [
        (row["iso3"], row["deposited"], cited[row["iso3"]])
        for row in rows
        if row["deposited"]
        and cited[row["iso3"]]
        and set(cited[row["iso3"]]) != {"1" if row["deposited"] <= "2002-04-11" else "2"}
    ]
    assert sum(1 for row in rows if cited[row["iso3"]]) > 100 and wrong == []


def test_a_source_address_carrying_a_user_name_or_password_is_an_error(tmp_path):
    """Shown on the public pages to every reader: refused by name, as the newsroom does."""
    mongolia = {**STATES[1], "source_urls": f"{URL};https://ana:secret@example.org/treaty"}
    path = folder(tmp_path, states=[STATES[0], mongolia, *STATES[2:]])
    assert errors_of(path) == [
        "states.csv:3: source_urls: 'https://ana:secret@example.org/treaty' carries a user name "
        "or password"
    ]
    assert not State.objects.filter(iso3="MNG").exists()


def test_a_source_address_with_a_character_no_url_holds_is_an_error(tmp_path):
    """Published as typed in the API and the downloads: a `"` or `<` is refused by name,
    as the newsroom does; an IRI's characters (a Cyrillic slug) and percent-encoded
    ones are the publisher's address and are taken."""
    hostile = 'https://example.org/treaty"><script>alert(3)</script>'
    mongolia = {**STATES[1], "source_urls": f"{URL};{hostile}"}
    path = folder(tmp_path, states=[STATES[0], mongolia, *STATES[2:]])
    assert errors_of(path) == [
        f"states.csv:3: source_urls: {hostile!r} contains '\"' (U+0022), which no web address "
        "may hold: write it percent-encoded (%22)"
    ]
    assert not State.objects.filter(iso3="MNG").exists()

    iri = "https://ria.example/договор-монголия;https://example.org/treaty%22%3E"
    mongolia = {**STATES[1], "source_urls": f"{URL};{iri}"}
    import_dataset(folder(tmp_path, "iri", states=[STATES[0], mongolia, *STATES[2:]]))
    assert set(State.objects.get(iso3="MNG").sources.values_list("url", flat=True)) >= set(
        iri.split(";")
    )


def test_a_row_repeating_a_visits_words_keeps_their_language_and_new_words_are_english(
    tmp_path,
):
    """visits.csv has no column for the language of a visit's words: they are English (the
    dataset's), but a row that repeats them as recorded (a newsroom correction written in
    French, carried into the file) keeps the language they are in, rather than mark French
    words as English."""
    run_import(folder(tmp_path, "v1", version="2026.12.01"))
    mongolia = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert mongolia.text_language == "en"
    Visit.objects.filter(pk=mongolia.pk).update(occasion="Visite officielle", text_language="fr")
    french = [{**VISITS[0], "occasion": "Visite officielle"}, *VISITS[1:]]
    output = run_import(folder(tmp_path, "v2", version="2026.12.02", visits=french))
    assert "visits: 0 created, 0 updated, 2 unchanged" in output
    mongolia.refresh_from_db()
    assert (mongolia.occasion, mongolia.text_language) == ("Visite officielle", "fr")
    english = [{**VISITS[0], "occasion": "Official visit"}, *VISITS[1:]]
    run_import(folder(tmp_path, "v3", version="2026.12.03", visits=english))
    mongolia.refresh_from_db()
    assert (mongolia.occasion, mongolia.text_language) == ("Official visit", "en")


def test_a_researchers_english_note_leaves_a_french_visits_words_french(tmp_path):
    """A visit reported in French (its occasion and its host's justification), carried into
    visits.csv, where a researcher adds a note in the dataset's English: its occasion and
    justification, unchanged, stay French (`lang="fr"` on its pages, WCAG 3.1.2). Only a
    row that changes either of them gives them in English."""
    run_import(folder(tmp_path, "v1", version="2026.12.01"))
    mongolia = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    french = {"occasion": "Visite officielle", "host_justification": "Dépendance énergétique"}
    Visit.objects.filter(pk=mongolia.pk).update(**french, text_language="fr")
    noted = [{**VISITS[0], **french, "notes": "Dates from the Kremlin's schedule."}, *VISITS[1:]]
    output = run_import(folder(tmp_path, "v2", version="2026.12.02", visits=noted))
    assert "visits: 0 created, 1 updated, 1 unchanged" in output
    mongolia.refresh_from_db()
    assert (mongolia.notes, mongolia.occasion, mongolia.text_language) == (
        "Dates from the Kremlin's schedule.",
        "Visite officielle",
        "fr",
    )
    translated = [{**noted[0], "host_justification": "Energy dependence"}, *VISITS[1:]]
    run_import(folder(tmp_path, "v3", version="2026.12.03", visits=translated))
    mongolia.refresh_from_db()
    assert (mongolia.host_justification, mongolia.text_language) == ("Energy dependence", "en")


# --- An executed warrant's last day and the person's custody (docs/DOMAIN.md, "Warrant") ---

DUTERTE = {
    "slug": "rodrigo-duterte",
    "name": "Rodrigo Roa Duterte",
    "nationality_iso3": "PHL",
    "situation": "Philippines",
    "status": "in_custody",
    "status_date": "2025-03-12",
}
DUTERTE_WARRANT = {
    "person_slug": "rodrigo-duterte",
    "issued": "2025-03-07",
    "made_public": "2025-03-11",
    "ended": "2025-03-12",
    "end_reason": "executed",
}


def custody_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "in the Court's custody from" in w]


def test_an_execution_dated_off_the_persons_custody_is_a_warning_naming_both_rows(tmp_path):
    """A warrant executed is in force until the person is surrendered (docs/DOMAIN.md,
    "Warrant": it stops being in force when executed, the person surrendered): its last day
    is the first of the person's custody. Duterte's row ended his warrant on 11 March 2025
    (the arrest in Manila) beside his custody from 12 March (the surrender)."""
    arrest_day = {**DUTERTE_WARRANT, "ended": "2025-03-11"}
    path = folder(tmp_path, persons=[*PERSONS, DUTERTE], warrants=[*WARRANTS, arrest_day])
    _parsed, errors, warnings = validate(path)
    assert errors == []  # a disagreement of two researched dates, not a broken row
    warrant_line = line_of(path, "warrants.csv", "rodrigo-duterte,")
    person_line = line_of(path, "persons.csv", "rodrigo-duterte,")
    assert custody_warnings(warnings) == [
        f"warrants.csv:{warrant_line}: ended: the warrant was executed, ending on 2025-03-11, "
        f"but persons.csv:{person_line} gives rodrigo-duterte in the Court's custody from "
        "2025-03-12: an executed warrant's last day is the day of the surrender, the first "
        "day in custody; correct one of the two rows"
    ]
    # The surrender's day on both rows: nothing to say.
    path = folder(
        tmp_path, "ok", persons=[*PERSONS, DUTERTE], warrants=[*WARRANTS, DUTERTE_WARRANT]
    )
    assert custody_warnings(validate(path)[2]) == []


@pytest.mark.parametrize(
    ("person", "warrant"),
    [
        # A warrant issued while the person was already held (served in detention).
        ({}, {"issued": "2025-06-01", "made_public": "2025-06-01", "ended": "2025-06-02"}),
        # An issue date known only to the year: it may fall after the custody began.
        ({}, {"issued": "2025", "made_public": "2025-03-11", "ended": "2025-03-11"}),
        # No custody date recorded, or another status (a conviction's date is no custody's).
        ({"status_date": ""}, {"ended": "2025-03-11"}),
        ({"status": "convicted", "status_date": "2026-01-01"}, {}),
        # Another end reason.
        ({}, {"ended": "2025-03-11", "end_reason": "withdrawn"}),
    ],
)
def test_an_execution_is_checked_against_the_custody_only_where_both_days_are_known(
    tmp_path, person, warrant
):
    path = folder(
        tmp_path,
        persons=[*PERSONS, {**DUTERTE, **person}],
        warrants=[*WARRANTS, {**DUTERTE_WARRANT, **warrant}],
    )
    _parsed, errors, warnings = validate(path)
    assert errors == [] and custody_warnings(warnings) == []


def test_the_projects_executed_warrants_end_on_the_day_custody_began(dataset_dir):
    """Duterte's warrant now ends on 12 March 2025, the day he was surrendered to the
    Court and his custody began (persons.csv), not on the arrest in Manila the day before."""
    parsed, errors, warnings = validate(dataset_dir)
    assert errors == [] and custody_warnings(warnings) == []
    (duterte,) = [d for _, d in parsed.warrants if d["person"]["slug"] == "rodrigo-duterte"]
    assert (str(duterte["ended"]), duterte["end_reason"]) == ("2025-03-12", "executed")


# --- How a state joined (states.csv `instrument`) -------------------------------------------

MONTENEGRO = {
    "iso3": "MNE",
    "name": "Montenegro",
    "deposited": "2006-10-23",
    "entry_into_force": "2006-06-03",
}
EL_SALVADOR = {
    "iso3": "SLV",
    "name": "El Salvador",
    "deposited": "2016-03-03",
    "entry_into_force": "2016-06-01",
}


def state_warnings(warnings: list[str], line: int) -> list[str]:
    return [w for w in warnings if w.startswith(f"states.csv:{line}:")]


def test_a_succession_s_entry_into_force_before_its_notification_is_no_warning(tmp_path):
    """Montenegro succeeded on its independence, 3 June 2006, notified on 23 October 2006:
    recorded as a succession, its entry into force needs no Art. 126 computation and
    comes before the deposit without a warning ("a succession?"), and is stored."""
    path = folder(tmp_path, "unsaid", states=[*STATES, MONTENEGRO])
    _parsed, errors, warnings = validate(path)
    assert errors == []
    assert len(state_warnings(warnings, 5)) == 2  # before the deposit; not Art. 126(2)'s
    path = folder(tmp_path, states=[*STATES, {**MONTENEGRO, "instrument": "succession"}])
    _parsed, errors, warnings = validate(path)
    assert errors == [] and state_warnings(warnings, 5) == []
    import_dataset(path)
    montenegro = State.objects.get(iso3="MNE")
    assert montenegro.instrument == "succession"
    assert montenegro.treaty_events.get(kind="entry_into_force").date.isoformat() == "2006-06-03"


def test_an_accession_recorded_without_a_signature_is_no_warning(tmp_path):
    """El Salvador's row gave `signed` 2015-11-26, after the Statute closed for signature
    (the Legislative Assembly's vote for the accession): it acceded, with no signature."""
    accession = {**EL_SALVADOR, "instrument": "accession"}
    _parsed, errors, warnings = validate(folder(tmp_path, states=[*STATES, accession]))
    assert errors == [] and state_warnings(warnings, 5) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {**EL_SALVADOR, "instrument": "ratification"},
            "a ratification is a signatory's (Art. 125(2)): it needs a signed date by "
            "31 December 2000; a state that did not sign by then accedes (Art. 125(3))",
        ),
        (
            {**EL_SALVADOR, "signed": "2015-11-26", "instrument": "ratification"},
            "a ratification is a signatory's (Art. 125(2)): it needs a signed date by "
            "31 December 2000; a state that did not sign by then accedes (Art. 125(3))",
        ),
        (
            {**MONTENEGRO, "entry_into_force": "", "instrument": "succession"},
            "a succession needs its entry_into_force, the date of succession (it is not "
            "computed from the notification under Art. 126)",
        ),
        (
            {**EL_SALVADOR, "deposited": "", "instrument": "accession"},
            "accession needs the deposited date of its instrument",
        ),
        (
            {**EL_SALVADOR, "instrument": "adhesion"},
            "'adhesion' is not one of: accession, ratification, succession",
        ),
    ],
)
def test_an_instrument_its_dates_contradict_is_an_error(tmp_path, row, message):
    errors = errors_of(folder(tmp_path, states=[*STATES, row]))
    assert errors == [f"states.csv:5: instrument: {message}"]


def test_the_projects_states_import_without_a_warning_for_montenegro_or_el_salvador(
    dataset_dir,
):
    parsed, errors, warnings = validate(dataset_dir)
    assert errors == []
    states = {d["iso3"]: (row, d) for row, d in parsed.states}
    for iso3 in ("MNE", "SLV"):
        assert state_warnings(warnings, states[iso3][0].line) == [], iso3
    assert states["MNE"][1]["instrument"] == "succession"
    assert states["SLV"][1]["instrument"] == "accession"
    assert states["SLV"][1]["dates"]["signed"] is None
    assert "Legislative Assembly" in states["SLV"][1]["notes"]
    # Filled only where the row's notes say how the state joined.
    recorded = {iso3: d["instrument"] for iso3, (_, d) in states.items() if d["instrument"]}
    assert recorded == {
        "AFG": "accession",
        "MYS": "accession",
        "PSE": "accession",
        "SLV": "accession",
        "MNG": "ratification",
        "UKR": "ratification",
        "MWI": "ratification",
        "MNE": "succession",
    }


# --- A declaration not given effect (declarations.csv `effect`) ---------------------------

PALESTINE = {
    "iso3": "PSE",
    "name": "Palestine",
    "deposited": "2015-01-02",
    "entry_into_force": "2015-04-01",
    "instrument": "accession",
}
PALESTINE_DECLARATION = {
    "iso3": "PSE",
    "lodged": "2009-01-22",
    "situation": "Ukraine",  # a situation of the small folder's persons
    "covers_from": "2002-07-01",
}


def test_a_declaration_not_given_effect_is_imported_as_such(tmp_path):
    not_given = {**PALESTINE_DECLARATION, "effect": "not_given_effect"}
    path = folder(tmp_path, states=[*STATES, PALESTINE], declarations=[not_given])
    import_dataset(path)
    (declaration,) = State.objects.get(iso3="PSE").declarations.all()
    assert declaration.effect == "not_given_effect"
    path = folder(
        tmp_path,
        "bad",
        version="2026.12.02",
        states=[*STATES, PALESTINE],
        declarations=[{**PALESTINE_DECLARATION, "effect": "ignored"}],
    )
    assert validate(path)[1] == [
        "declarations.csv:2: effect: 'ignored' is not one of: not_given_effect"
    ]


def test_the_projects_palestinian_declaration_of_2009_was_not_given_effect(dataset_dir):
    parsed, errors, _ = validate(dataset_dir)
    assert errors == []
    effects = {(d["iso3"], str(d["lodged"])): d["effect"] for _, d in parsed.declarations}
    assert effects.pop(("PSE", "2009-01-22")) == "not_given_effect"
    assert set(effects.values()) == {""}  # every other one was given effect


# --- The host's stated justification (visits.csv `host_justification`) ----------------------


def test_the_projects_visits_give_the_hosts_stated_justification_where_their_sources_do(
    dataset_dir,
):
    """Only the visits whose own sources report the host's stated reason: Uganda's for
    al-Bashir (2016: regional engagement and the African Union's decision; 2017: immunity
    of a head of state) and Hungary's for Netanyahu (2025: no domestic law, immunity)."""
    parsed, errors, _ = validate(dataset_dir)
    assert errors == []
    stated = {d["slug"]: d for _, d in parsed.visits if d["host_justification"]}
    assert set(stated) == {
        "omar-al-bashir-uga-2016-05-12",
        "omar-al-bashir-uga-2017-11-13",
        "benjamin-netanyahu-hun-2025-04-03",
    }
    assert "African Union" in stated["omar-al-bashir-uga-2016-05-12"]["host_justification"]
    assert "immune" in stated["omar-al-bashir-uga-2017-11-13"]["host_justification"]
    assert "domestic law" in stated["benjamin-netanyahu-hun-2025-04-03"]["host_justification"]
    for visit in stated.values():
        assert "host_justification:" in visit["notes"]  # the notes cite where it is from


# --- A decision known only from the state concerned's report (findings.csv `reported_by`) ---

MONGOLIA_FINDING = {
    "id": "mng-2024-10-24",
    "state_iso3": "MNG",
    "decided": "2024-10-24",
    "chamber": "PTC II",
    "persons": "vladimir-putin",
    "visit_id": "vladimir-putin-mng-2024-09-02",
    "kind": "art_87_7",
}


def test_a_decision_known_only_from_the_states_report_is_imported_as_such(tmp_path):
    reported = {**MONGOLIA_FINDING, "kind": "no_failure", "reported_by": "state"}
    import_dataset(folder(tmp_path, findings=[reported]))
    assert Finding.objects.get().reported_by == "state"
    assert Finding.objects.get().as_reason()["reported_by"] == "state"
    bad = folder(
        tmp_path, "bad", version="2026.12.02", findings=[{**reported, "reported_by": "Nigeria"}]
    )
    assert validate(bad)[1] == [
        "findings.csv:2: reported_by: 'Nigeria' is not one of: state (empty: the Court's "
        "publication or independent reports were read)"
    ]
    # A folder of an earlier version, without the column, reads it as empty.
    older = folder(tmp_path, "older", version="2026.12.03", findings=[])
    columns = [c for c in FILES["findings.csv"] if c != "reported_by"]
    write_csv(older, "findings.csv", [{**MONGOLIA_FINDING, "kind": "no_failure"}], columns=columns)
    import_dataset(older)
    assert Finding.objects.get().reported_by == ""
    assert "reported_by" not in Finding.objects.get().as_reason()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"kind": "no_failure", "visit_id": ""},
            "visit_id: a no_failure decision is a decision on a visit (it found no failure "
            "to comply on it): give its visit_id, or record the decision as kind `other`",
        ),
        (
            {"kind": "no_failure", "referred_to": "asp;unsc"},
            "referred_to: 'asp;unsc' is given, but a no_failure decision referred nothing "
            "and informed no body (its explanation says so): leave referred_to empty",
        ),
        (
            {"kind": "art_87_7", "referred_to": "asp", "reported_by": "state"},
            "reported_by: 'state' is read only with a no_failure decision, whose holding the "
            "site attributes to the state's report; a decision of kind art_87_7 is stated as "
            "the Court's, from its publication or independent reports: leave reported_by empty",
        ),
        (
            {"kind": "other", "referred_to": "unsc", "reported_by": "state"},
            "reported_by: 'state' is read only with a no_failure decision, whose holding the "
            "site attributes to the state's report; a decision of kind other is stated as "
            "the Court's, from its publication or independent reports: leave reported_by empty",
        ),
    ],
)
def test_a_decision_whose_columns_contradict_its_kind_is_refused_and_nothing_imported(
    tmp_path, change, error
):
    """A `no_failure` decision is one on a visit that referred nothing (docs/DOMAIN.md,
    "ICC finding"); `reported_by` is read only with one (core.reasons): the importer
    checked only each column's vocabulary, and took a no_failure row without its visit
    or with bodies its explanation denied, and a state's report on a finding that every
    explanation states as the Court's."""
    good = {**MONGOLIA_FINDING, "id": "mng-2024-10-01", "decided": "2024-10-01"}
    path = folder(tmp_path, findings=[good, {**MONGOLIA_FINDING, **change}])
    assert errors_of(path) == [f"findings.csv:3: {error}"]
    assert not Finding.objects.exists() and not Visit.objects.exists()
    assert not DatasetImport.objects.exists()


def test_a_decision_that_contradicts_its_visit_is_refused_naming_both_rows(tmp_path):
    """The decision's state is its visit's host, and the persons it names include the
    visit's person (visits.models.decision_visit_incoherences, the admin's rule too): a
    finding on Belgium about Putin's visit to Mongolia naming only Bemba is refused, each
    column with its own error, nothing imported."""
    wrong = {**MONGOLIA_FINDING, "state_iso3": "BEL", "persons": "jean-pierre-bemba-gombo"}
    path = folder(tmp_path, findings=[wrong])
    visit = f"visits.csv:{line_of(path, 'visits.csv', MONGOLIA_FINDING['visit_id'])}"
    assert errors_of(path) == [
        f"findings.csv:2: visit_id: vladimir-putin-mng-2024-09-02's host is MNG ({visit}), not BEL",
        f"findings.csv:2: persons: vladimir-putin-mng-2024-09-02's person is vladimir-putin "
        f"({visit}), not jean-pierre-bemba-gombo",
    ]
    assert not Finding.objects.exists() and not Visit.objects.exists()
    # Naming others besides the visit's person, or nobody, is no contradiction.
    for persons in ("jean-pierre-bemba-gombo;vladimir-putin", ""):
        named = {**MONGOLIA_FINDING, "persons": persons}
        assert validate(folder(tmp_path, f"named-{len(persons)}", findings=[named]))[1] == []


def test_a_no_failure_decision_on_its_visit_referring_nothing_is_imported(tmp_path):
    cleared = {**MONGOLIA_FINDING, "kind": "no_failure", "reported_by": "state"}
    other = {**MONGOLIA_FINDING, "id": "mng-2024-10-24-other", "kind": "other"}
    import_dataset(folder(tmp_path, findings=[cleared, other]))
    assert sorted(Finding.objects.values_list("kind", "reported_by", "visit__slug")) == [
        ("no_failure", "state", "vladimir-putin-mng-2024-09-02"),
        ("other", "", "vladimir-putin-mng-2024-09-02"),
    ]


def test_the_projects_nigerian_decision_of_2013_is_known_only_from_nigerias_report(dataset_dir):
    parsed, errors, _ = validate(dataset_dir)
    assert errors == []
    reported = {d["slug"]: d["reported_by"] for _, d in parsed.findings if d["reported_by"]}
    assert reported == {"nga-2013-09-05": "state"}
