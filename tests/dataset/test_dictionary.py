"""data/DICTIONARY.md documents exactly the files, columns and vocabularies the importer reads."""

import re
from pathlib import Path

import pytest

from dataset.importer import FILES, VOCABULARIES

DATA = Path(__file__).resolve().parent.parent.parent / "data"
HEADING = re.compile(r"^## `([a-z_]+\.csv)`\s*$")
NO_VOCABULARY = "—"


def dictionary() -> dict[str, list[dict[str, str]]]:
    """Each CSV file's section of the dictionary, as its table's rows (cells by heading)."""
    sections: dict[str, list[dict[str, str]]] = {}
    current, header = None, None
    for line in (DATA / "DICTIONARY.md").read_text(encoding="utf-8").splitlines():
        match = HEADING.match(line)
        if match:
            current, header = match.group(1), None
            sections[current] = []
        elif line.startswith("## "):
            current = None
        elif current and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if header is None:
                header = cells
            elif not set(line) <= set("|-: "):
                assert len(cells) == len(header), f"{current}: a row has {len(cells)} cells: {line}"
                sections[current].append(dict(zip(header, cells, strict=True)))
    return sections


def backticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]*)`", cell)


def test_the_dictionary_documents_every_file_the_importer_reads_and_no_other():
    assert list(dictionary()) == list(FILES)


@pytest.mark.parametrize("name", list(FILES))
def test_each_file_documents_every_column_the_importer_reads_in_order(name):
    rows = dictionary()[name]
    assert [backticked(row["column"]) for row in rows] == [[column] for column in FILES[name]]
    for row in rows:
        assert row["type"], f"{name}: {row['column']} has no type"
        assert row["meaning"], f"{name}: {row['column']} has no meaning"
        assert backticked(row["example"]), f"{name}: {row['column']} has no example value"


@pytest.mark.parametrize("name", list(FILES))
def test_coded_columns_list_exactly_the_importers_vocabulary(name):
    for row in dictionary()[name]:
        (column,) = backticked(row["column"])
        allowed = VOCABULARIES.get((name, column))
        if allowed is None:
            assert row["vocabulary"] == NO_VOCABULARY, (
                f"{name}: {column} documents a vocabulary the importer lacks"
            )
            continue
        assert backticked(row["vocabulary"]) == list(allowed), f"{name}: {column}"
        assert row["type"].startswith("code")
        assert backticked(row["example"])[0] in allowed


def test_every_coded_column_is_a_column_of_its_file():
    assert all(column in FILES[name] for name, column in VOCABULARIES)


def test_the_datasets_files_have_every_documented_column():
    for name, columns in FILES.items():
        header = (DATA / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert [c for c in columns if c not in header] == [], name


def test_the_export_format_documents_the_visits_tables_columns_in_order():
    """The "Export format" section gives the columns of every visits download "in this
    order (`visits/tables.py`)", each with its type: the table's own."""
    from visits.tables import VISIT_TABLE

    section = (DATA / "DICTIONARY.md").read_text(encoding="utf-8").split("\n## Export format\n")[1]
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| ([a-z]+) \| .+ \|$", section, re.M)
    assert rows == [(column.name, column.type) for column in VISIT_TABLE.columns]


def test_the_export_format_documents_the_translated_columns_of_the_sites_other_lists():
    """ "The site's other lists" documents each column of the site's states, persons and
    warrants downloads that names something in the download's language
    (`…translated_name`), with its file: the columns the downloads write, read from code."""
    from front.views.states import STATES
    from front.views.warrants import PERSONS, WARRANTS

    text = (DATA / "DICTIONARY.md").read_text(encoding="utf-8")
    section = text.split("\n### The site's other lists\n")[1].split("\n### ")[0]
    rows = re.findall(r"^\| ([a-z, ]+) \| `([a-z0-9_]+)` \| ([a-z]+) \| .+ \|$", section, re.M)
    documented = {(name.strip(), column) for files, column, _ in rows for name in files.split(",")}
    translated = [
        (listing.name, column)
        for listing in (STATES, PERSONS, WARRANTS)
        for column in listing.export_fields
        if column.endswith("translated_name")
    ]
    assert len(translated) == 5
    assert [pair for pair in translated if pair not in documented] == []
