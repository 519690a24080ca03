"""The bulk downloads of /data/: the whole public dataset as a zip of CSV files and as one
SQLite file, with the codebook, licence, version, date and checksums (dataset/bulk.py)."""

import csv
import datetime
import hashlib
import io
import json
import re
import sqlite3
import stat
import time
import zipfile

import pandas as pd
import pytest

from core import tabular
from dataset import bulk
from visits.models import ReviewState, Visit
from visits.tables import VISIT_TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_rate_limits(generous_rate_limits):
    """As in tests/api: the API's limits far above what a test sends."""


@pytest.fixture
def downloads(settings, tmp_path):
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.ICCWATCH_DOWNLOADS_DIR


def built(downloads) -> tuple[zipfile.ZipFile, sqlite3.Connection, dict]:
    manifest = bulk.build()
    files = {f["format"]: downloads / f["name"] for f in manifest["files"]}
    return zipfile.ZipFile(files["zip"]), sqlite3.connect(files["sqlite"]), manifest


def api_count(api_client, url, **params) -> int:
    response = api_client.get(url, {**params, "page_size": 1})
    assert response.status_code == 200
    return response.json()["count"]


def withdraw_citing_sources() -> Visit:
    """Withdraw the Mongolia visit with two sources, one dated by the withdrawal: the seed
    has no withdrawn visit, so `withdrawal_sources` would be empty."""
    from visits import flagging
    from visits.reports import SourceInput, withdraw_visit

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    withdraw_visit(
        visit,
        "Reported in error: the newspaper retracted its story the next day.",
        sources=[
            SourceInput(
                url="https://news.example.org/retraction",
                publisher="Example News",
                published=datetime.date(2024, 9, 4),
            ),
            SourceInput(url="https://archive.example.org/denial"),
        ],
    )
    flagging.evaluate_pending()
    return visit


def test_the_sqlite_file_counts_the_same_visits_and_verdicts_as_the_api(
    seeded, api_client, downloads
):
    _, db, _ = built(downloads)
    visits = api_count(api_client, "/api/v1/visits/")
    assert visits > 50
    (published,) = db.execute(
        "SELECT count(*) FROM visits WHERE review_state = 'verified'"
    ).fetchone()
    assert published == visits
    for code in ("non_compliance", "no_obligation", "complied"):
        (in_file,) = db.execute(
            "SELECT count(*) FROM verdicts JOIN visits ON visits.id = verdicts.visit_id "
            "WHERE visits.review_state = 'verified' AND verdicts.code = ?",
            [code],
        ).fetchone()
        assert in_file == api_count(api_client, "/api/v1/visits/", verdict=code), code
    # Every published visit has its verdict, and every verdict its history.
    (verdicts,) = db.execute(
        "SELECT count(*) FROM verdicts JOIN visits ON visits.id = verdicts.visit_id "
        "WHERE visits.review_state = 'verified'"
    ).fetchone()
    assert verdicts == visits
    (changes,) = db.execute("SELECT count(DISTINCT visit_id) FROM verdict_changes").fetchone()
    assert changes >= visits
    # Several warrants of one verdict are several rows, which join back to the warrants.
    (links,) = db.execute(
        "SELECT count(*) FROM verdict_warrants JOIN warrants ON warrants.id = verdict_warrants.warrant_id"
    ).fetchone()
    assert links == db.execute("SELECT count(*) FROM verdict_warrants").fetchone()[0] > 0


def test_the_sqlite_file_has_primary_and_foreign_keys_that_hold(seeded, downloads):
    _, db, _ = built(downloads)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    references = db.execute("SELECT * FROM pragma_foreign_key_list('visits')").fetchall()
    assert {(r[2], r[3]) for r in references} >= {("persons", "person_id"), ("states", "host_id")}
    pk = [r[1] for r in db.execute("PRAGMA table_info('visits')").fetchall() if r[5]]
    assert pk == ["id"]
    meta = dict(db.execute("SELECT key, value FROM _meta").fetchall())
    assert meta["version"] == bulk.dataset_version() and meta["data_as_of"]
    assert "CC BY 4.0" in meta["licence"]
    (documented,) = db.execute("SELECT count(*) FROM _codebook").fetchone()
    assert documented == sum(len(b.table.columns) for b in bulk.tables())


def test_the_sqlite_file_holds_the_dictionary_licence_and_changelog_it_names(seeded, downloads):
    """README and DICTIONARY.md said each file holds DICTIONARY.md and LICENSE, but the
    SQLite file's `_meta` only named them ("see LICENSE"), and neither was inside."""
    from dataset.models import DatasetImport

    archive, db, manifest = built(downloads)
    documents = dict(db.execute("SELECT name, content FROM _documents").fetchall())
    expected = DatasetImport.documents()
    assert documents == {
        "DICTIONARY.md": expected["dictionary"],
        "LICENSE": expected["licence"],
        "CHANGELOG.md": expected["changelog"],
    }
    # The same text as the zip's members of the same names.
    assert documents == {name: archive.read(name).decode() for name in documents}
    assert "Creative Commons Attribution 4.0" in documents["LICENSE"]
    # `_meta` says where each is, in this file.
    meta = dict(db.execute("SELECT key, value FROM _meta").fetchall())
    assert "_codebook" in meta["dictionary"] and "_documents" in meta["dictionary"]
    assert "_documents" in meta["licence"] and "_documents" in meta["changelog"]
    assert (meta["version"], meta["data_as_of"]) == (manifest["version"], manifest["data_as_of"])


def read_with_documented_dtypes(archive: zipfile.ZipFile, table: str, codebook: list[dict]):
    columns = [row for row in codebook if row["table"] == table]
    dates = [c["column"] for c in columns if c["type"] in ("date", "datetime")]
    dtypes = {c["column"]: c["pandas_dtype"] for c in columns if c["column"] not in dates}
    frame = pd.read_csv(
        archive.open(f"{table}.csv"),
        encoding="utf-8-sig",
        dtype=dtypes,
        parse_dates=dates,
        keep_default_na=False,
        na_values=[""],
    )
    return frame, columns


def test_pandas_reads_every_csv_of_the_zip_with_the_documented_dtypes(seeded, downloads):
    withdraw_citing_sources()  # rows in every table: an empty column is read as `object`
    archive, _, _ = built(downloads)
    codebook = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode("utf-8-sig"))))
    tables = list(dict.fromkeys(row["table"] for row in codebook))
    assert {
        "visits",
        "verdicts",
        "verdict_changes",
        "verdict_warrants",
        "visit_sources",
        "withdrawal_sources",
    } <= set(tables)
    for table in tables:
        frame, columns = read_with_documented_dtypes(archive, table, codebook)
        assert len(frame), table
        assert list(frame.columns) == [c["column"] for c in columns], table
        for column in columns:
            dtype = frame[column["column"]].dtype
            if column["type"] == "date":
                assert dtype.kind == "M" and getattr(dtype, "tz", None) is None, column
            elif column["type"] == "datetime":
                assert dtype.kind == "M" and str(dtype.tz) == "UTC", column
            else:
                assert str(dtype) == column["pandas_dtype"], column
            if column["type"] == "json":
                for cell in frame[column["column"]].dropna():
                    json.loads(cell)
    visits, _ = read_with_documented_dtypes(archive, "visits", codebook)
    assert len(visits) == Visit.objects.readable().count()
    # A partial date: its first day, and its precision beside it.
    assert set(visits["start_precision"].dropna()) <= {"day", "month", "year"}
    assert visits["host_notified"].dtype == "boolean"


def test_the_zip_carries_the_dictionary_licence_version_date_and_checksums(seeded, downloads):
    archive, _, manifest = built(downloads)
    names = set(archive.namelist())
    assert {
        "codebook.csv",
        "DICTIONARY.md",
        "LICENSE",
        "VERSION",
        "CHANGELOG.md",
        "README.txt",
    } <= names
    assert archive.read("VERSION").decode().strip() == manifest["version"]
    readme = archive.read("README.txt").decode()
    assert f"Data as of: {manifest['data_as_of']}" in readme and "CC BY 4.0" in readme
    for line in readme.splitlines():
        if line.endswith(".csv") and "  " in line:
            digest, name = line.split("  ")
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert archive.read("visits.csv").startswith(tabular.BOM.encode())


def test_every_member_of_the_zip_is_readable_by_everyone(seeded, downloads):
    archive, _, _ = built(downloads)
    modes = {info.filename: stat.filemode(info.external_attr >> 16) for info in archive.infolist()}
    assert "README.txt" in modes and "visits.csv" in modes
    assert set(modes.values()) == {"-rw-r--r--"}, modes


def test_the_manifest_gives_each_files_size_and_sha256(seeded, downloads):
    manifest = bulk.build()
    assert [f["format"] for f in manifest["files"]] == ["zip", "sqlite"]
    for file in manifest["files"]:
        content = (downloads / file["name"]).read_bytes()
        assert file["bytes"] == len(content)
        assert file["sha256"] == hashlib.sha256(content).hexdigest()
        assert file["name"].startswith(f"iccwatch-data-{manifest['version']}-{manifest['key']}.")
    assert bulk.latest_manifest() == manifest


def test_a_build_is_kept_until_the_data_changes(seeded, downloads):
    first = bulk.build()
    assert bulk.build() == first  # nothing changed: nothing rebuilt
    visit = Visit.objects.published().first()
    visit.place = "Elsewhere"
    visit.save()
    second = bulk.build()
    assert second["key"] != first["key"]
    # The previous build's files stay (a cited name stays true), listed as an earlier build.
    assert sorted(p.name for p in downloads.iterdir()) == sorted(
        [*(f["name"] for f in [*second["files"], *first["files"]]), bulk.MANIFEST]
    )
    assert [b["key"] for b in second["earlier"]] == [first["key"]]


def test_a_build_leaves_the_files_to_another_process_building_them(seeded, downloads):
    """Two builds at once (web at its start, the worker's hourly task) could remove each
    other's files: while another session holds the build lock, nothing is written and
    the last build's manifest is returned; once it is released, the build runs."""
    import psycopg
    from django.db import connection

    first = bulk.build()
    visit = Visit.objects.published().first()
    visit.place = "Elsewhere"
    visit.save()
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [bulk.BUILD_LOCK])
        assert bulk.build() == first  # the data changed, but another process is building
        assert sorted(p.name for p in downloads.iterdir()) == sorted(
            [*(f["name"] for f in first["files"]), bulk.MANIFEST]
        )
        other.execute("SELECT pg_advisory_unlock(%s)", [bulk.BUILD_LOCK])
    assert bulk.build()["key"] != first["key"]


def test_the_command_and_the_task_wait_for_the_first_build_of_another_process(downloads):
    """Web builds at its start while the worker's hourly task may build too: before any
    build exists, the one that finds the lock taken says so and returns, instead of
    failing on an empty manifest (a KeyError in the command and in the task)."""
    import psycopg
    from django.core.management import CommandError, call_command
    from django.db import connection

    from dataset.tasks import build_downloads_task

    out = io.StringIO()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [bulk.BUILD_LOCK])
        call_command("build_downloads", stdout=out)
        assert build_downloads_task() == ""
        # Forced, the rebuild asked for did not happen: a failure (exit status 1).
        with pytest.raises(CommandError, match="Nothing was rebuilt"):
            call_command("build_downloads", "--force", stdout=io.StringIO())
        other.execute("SELECT pg_advisory_unlock(%s)", [bulk.BUILD_LOCK])
    assert "Another process is building the downloads" in out.getvalue()
    assert not downloads.exists() or not any(downloads.iterdir())
    assert build_downloads_task() == bulk.latest_manifest()["key"]


@pytest.mark.parametrize("force", [True, False], ids=["forced", "not-forced"])
def test_the_command_says_another_process_builds_and_which_build_data_offers(
    seeded, downloads, force
):
    """While another process held the build lock, `build_downloads --force` listed the
    last build's files as if it had just built them: now it says that another process is
    building, that it built nothing, and which build /data/ offers meanwhile; forced, it
    fails (exit status 1), as the rebuild asked for did not happen."""
    import psycopg
    from django.core.management import CommandError, call_command
    from django.db import connection

    first = bulk.build()
    visit = Visit.objects.published().first()
    visit.place = "Elsewhere"
    visit.save()
    out = io.StringIO()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [bulk.BUILD_LOCK])
        attempt = bulk.attempt_build(force=force)
        if force:
            with pytest.raises(CommandError) as refused:
                call_command("build_downloads", "--force", stdout=out)
        else:
            call_command("build_downloads", stdout=out)
        other.execute("SELECT pg_advisory_unlock(%s)", [bulk.BUILD_LOCK])
    assert attempt == bulk.BuildAttempt(manifest=first, elsewhere=True)
    assert bulk.latest_manifest() == first  # nothing was written
    said = out.getvalue().splitlines()
    assert said[0] == (
        "Another process is building the downloads; this command built nothing. Meanwhile "
        f"/data/ offers the last build (version {first['version']}, key {first['key']}, "
        f"built at {first['built_at']}):"
    )
    assert [line.split()[0] for line in said[1:3]] == [f["name"] for f in first["files"]]
    assert len(said) == 3
    if force:
        assert str(refused.value) == (
            "Nothing was rebuilt: run the command again with --force once that build ends."
        )
    # Once the lock is released, the command builds and lists the new files alone.
    out = io.StringIO()
    call_command("build_downloads", stdout=out)
    built = bulk.latest_manifest()
    assert built["key"] != first["key"]
    assert [line.split()[0] for line in out.getvalue().splitlines()] == [
        f["name"] for f in built["files"]
    ]


def test_only_public_visits_and_no_private_field_are_published(seeded, downloads):
    hidden = Visit.objects.published().first()
    Visit.objects.filter(pk=hidden.pk).update(review_state=ReviewState.REPORTED)
    archive, db, _ = built(downloads)
    slugs = {row[0] for row in db.execute("SELECT slug FROM visits")}
    assert hidden.slug not in slugs and slugs
    assert db.execute(
        "SELECT count(*) FROM verdicts WHERE visit_id = ?", [hidden.pk]
    ).fetchone() == (0,)
    codebook = archive.read("codebook.csv").decode("utf-8-sig")
    columns = {(row["table"], row["column"]) for row in csv.DictReader(io.StringIO(codebook))}
    for private in ("notes", "created_by_id", "updated_by_id", "self_check", "xact_id"):
        assert not [c for c in columns if c[1] == private], private


def test_the_sources_a_withdrawal_cites_are_a_table_of_their_own(seeded, downloads):
    """A verified withdrawal cites sources (visits.WithdrawalCitation), which the files
    left out: `withdrawal_sources` gives one row per source, as `visit_sources` does for
    a visit's own, with what the withdrawal says of it, joined to `sources` and `visits`;
    none of a visit the public may not read."""
    from core.models import Source
    from visits.models import WithdrawalCitation

    withdrawn = withdraw_citing_sources()
    hidden = Visit.objects.published().exclude(pk=withdrawn.pk).first()
    Visit.objects.filter(pk=hidden.pk).update(review_state=ReviewState.REPORTED)
    WithdrawalCitation.objects.create(
        visit=hidden, source=Source.objects.create(url="https://news.example.org/hidden")
    )
    archive, db, manifest = built(downloads)
    cited = db.execute(
        "SELECT sources.url, w.publisher, w.published FROM withdrawal_sources w "
        "JOIN sources ON sources.id = w.source_id JOIN visits ON visits.id = w.visit_id "
        "WHERE visits.slug = ? ORDER BY sources.url",
        [withdrawn.slug],
    ).fetchall()
    assert cited == [
        ("https://archive.example.org/denial", "", None),
        ("https://news.example.org/retraction", "Example News", "2024-09-04"),
    ]
    assert db.execute("SELECT count(*) FROM withdrawal_sources").fetchone() == (2,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    references = db.execute("SELECT * FROM pragma_foreign_key_list('withdrawal_sources')")
    assert {(r[2], r[3]) for r in references} == {("visits", "visit_id"), ("sources", "source_id")}
    rows = list(
        csv.DictReader(io.StringIO(archive.read("withdrawal_sources.csv").decode("utf-8-sig")))
    )
    assert {row["visit_id"] for row in rows} == {str(withdrawn.pk)}
    assert len(rows) == 2 and manifest["tables"]["withdrawal_sources"] == len(rows[0])
    codebook = bulk.read_codebook(archive.read("codebook.csv").decode("utf-8"))
    assert [c["column"] for c in codebook if c["table"] == "withdrawal_sources"] == list(rows[0])


def test_the_dictionary_documents_the_visits_table_and_every_column_type():
    text = (bulk.DATA_DIR / "DICTIONARY.md").read_text(encoding="utf-8")
    section = text.split("### The visits table", 1)[1].split("###", 1)[0]
    documented = re.findall(r"^\| `([a-z_0-9]+)` \| ([a-z]+) \|", section, re.MULTILINE)
    assert documented == [(c.name, c.type) for c in VISIT_TABLE.columns]
    types = text.split("### Column types", 1)[1].split("###", 1)[0]
    for name, dtype in tabular.DTYPES.items():
        assert f"| {name} | `{dtype}` |" in types


def test_verdicts_carry_their_explanation_in_words_though_the_rule_stores_no_prose(
    seeded, downloads
):
    from visits.models import Verdict

    _archive, database, _manifest = built(downloads)
    verdict = Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02")
    assert verdict.explanation == ""  # the stored column: no prose since reasons are kept
    (explanation,) = database.execute(
        "SELECT explanation FROM verdicts WHERE visit_id = ?", (verdict.pk,)
    ).fetchone()
    assert explanation == verdict.explanation_text("en") != ""
    blank = database.execute(
        "SELECT count(*) FROM verdicts WHERE explanation = '' OR explanation IS NULL"
    ).fetchone()[0]
    assert blank == 0


def test_a_date_nobody_knows_has_no_precision_in_any_export(seeded, api_client, downloads):
    """A one-day visit's end and an undated visit's start have no precision: an empty cell in
    the zip's CSV, NULL in SQLite, null in the API's JSON (list and detail), an empty cell in
    its CSV and the site's, never `day` beside no date."""
    one_day = Visit.objects.published().filter(end__isnull=True, start_precision="day").first()
    assert one_day.start is not None
    undated = Visit.objects.published().filter(start__isnull=True).first()
    assert one_day is not None and undated is not None, "the seed has both"
    archive, db, _ = built(downloads)
    with archive.open("visits.csv") as handle:
        rows = {
            r["slug"]: r for r in csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8-sig"))
        }
    assert rows[one_day.slug]["end"] == rows[one_day.slug]["end_precision"] == ""
    assert rows[one_day.slug]["start_precision"] == "day"
    assert rows[undated.slug]["start_precision"] == rows[undated.slug]["end_precision"] == ""
    assert db.execute(
        "SELECT start_precision, end_precision FROM visits WHERE slug = ?", [one_day.slug]
    ).fetchone() == ("day", None)
    detail = api_client.get(f"/api/v1/visits/{one_day.slug}/").json()
    assert (detail["end"], detail["end_precision"], detail["start_precision"]) == (
        None,
        None,
        "day",
    )
    listed = {
        r["id"]: r for r in api_client.get("/api/v1/visits/", {"page_size": 500}).json()["results"]
    }
    assert listed[undated.slug]["start_precision"] is None
    assert listed[one_day.slug]["end_precision"] is None
    for url in ("/api/v1/visits/?format=csv", "/visits.csv"):
        content = b"".join(api_client.get(url).streaming_content).decode("utf-8-sig")
        exported = {r["id"]: r for r in csv.DictReader(io.StringIO(content))}
        assert exported[one_day.slug]["end_precision"] == "", url


def test_the_api_gives_no_precision_for_an_unknown_date_of_any_record(seeded, api_client):
    """The same for a warrant's unknown issue date, a person's unknown birth date and a
    declaration without an end to its covered period (api.base.PrecisionField)."""
    from states.models import Declaration
    from warrants.models import Person, Warrant

    warrant = Warrant.objects.filter(issued__isnull=True).first()
    person = Person.objects.filter(born__isnull=True).first()
    declaration = Declaration.objects.filter(covers_to__isnull=True).select_related("state").first()
    assert warrant and person and declaration, "the seed has each"
    answer = api_client.get(f"/api/v1/warrants/{warrant.ref}/").json()
    assert (answer["issued"], answer["issued_precision"]) == (None, None)
    assert answer["made_public_precision"] in ("day", "month", "year")
    answer = api_client.get(f"/api/v1/persons/{person.slug}/").json()
    assert (answer["born"], answer["born_precision"]) == (None, None)
    state = api_client.get(f"/api/v1/states/{declaration.state.iso3}/").json()
    open_ended = [d for d in state["declarations"] if d["covers_to"] is None]
    assert open_ended and all(d["covers_to_precision"] is None for d in open_ended)


def test_two_builds_of_the_same_data_are_the_same_bytes(seeded, downloads):
    """A file's name and SHA-256, once cited, stay true: `build_downloads --force` twice on
    unchanged data writes the same zip and the same SQLite file, byte for byte (the data's
    date in them, never the build's; every table in the order of its whole key)."""
    withdraw_citing_sources()  # rows in the companion tables
    first = bulk.build(force=True)
    contents = {f["name"]: (downloads / f["name"]).read_bytes() for f in first["files"]}
    time.sleep(2.1)  # a zip member's time is counted in 2-second steps
    second = bulk.build(force=True)
    assert [f["name"] for f in second["files"]] == list(contents)
    for entry in second["files"]:
        assert (downloads / entry["name"]).read_bytes() == contents[entry["name"]], entry["name"]
    assert [f["sha256"] for f in second["files"]] == [f["sha256"] for f in first["files"]]
    assert second["data_as_of"] == first["data_as_of"]
    archive = zipfile.ZipFile(downloads / second["files"][0]["name"])
    as_of = datetime.datetime.fromisoformat(second["data_as_of"])
    dated = as_of.replace(second=as_of.second // 2 * 2)  # MS-DOS time: 2-second steps
    assert {info.date_time for info in archive.infolist()} == {dated.timetuple()[:6]}


def change_the_data(n: int) -> None:
    visit = Visit.objects.published().first()
    visit.place = f"Elsewhere {n}"
    visit.save()


def test_superseded_builds_are_kept_up_to_the_setting_and_the_removed_ones_recorded(
    seeded, downloads, settings
):
    """ICCWATCH_DOWNLOADS_KEEP earlier builds stay beside the current one, newest first;
    an older one's files are removed, and recorded first (removed.json), so that /data/
    answers their names 410 Gone, never 404."""
    settings.ICCWATCH_DOWNLOADS_KEEP = 2
    builds = [bulk.build()]
    for n in range(3):
        change_the_data(n)
        builds.append(bulk.build())
    current = builds[-1]
    assert [b["key"] for b in current["earlier"]] == [builds[2]["key"], builds[1]["key"]]
    kept = {f["name"] for b in builds[1:] for f in b["files"]}
    on_disk = {p.name for p in downloads.iterdir()}
    assert on_disk == kept | {bulk.MANIFEST, bulk.REMOVED}
    removed = bulk.removed_files()
    assert [f["name"] for f in removed] == [f["name"] for f in builds[0]["files"]]
    assert [f["sha256"] for f in removed] == [f["sha256"] for f in builds[0]["files"]]
    assert {f["version"] for f in removed} == {builds[0]["version"]}
    assert {f["data_as_of"] for f in removed} == {builds[0]["data_as_of"]}
    gone = bulk.published(builds[0]["files"][0]["name"])
    assert gone is not None and not gone.kept and gone.build["key"] == builds[0]["key"]
    earlier = bulk.published(builds[1]["files"][1]["name"])
    assert earlier.kept and not earlier.current and earlier.file["format"] == "sqlite"
    assert bulk.published(current["files"][0]["name"]).current
    # A rebuild of the same data replaces its files in place: not an earlier build of itself.
    assert [b["key"] for b in bulk.build(force=True)["earlier"]] == [
        builds[2]["key"],
        builds[1]["key"],
    ]


def test_with_no_build_kept_the_superseded_one_is_recorded_and_removed(seeded, downloads, settings):
    settings.ICCWATCH_DOWNLOADS_KEEP = 0
    first = bulk.build()
    change_the_data(1)
    second = bulk.build()
    assert second["earlier"] == []
    assert {p.name for p in downloads.iterdir()} == {
        *(f["name"] for f in second["files"]),
        bulk.MANIFEST,
        bulk.REMOVED,
    }
    assert [f["name"] for f in bulk.removed_files()] == [f["name"] for f in first["files"]]
