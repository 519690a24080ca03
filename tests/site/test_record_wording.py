"""A country page's record as a reader follows it: the treaty step named as the state took
it, research notes kept apart from the record, a share preview cut where a sentence
allows; place names in the reader's language."""

import html
import re

from tests.site.conftest import body


def text(response) -> str:
    """The page's words, tags left out."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(response))))


def timeline(response) -> str:
    page = body(response)
    start = page.index('id="timeline"')
    return re.sub(
        r"\s+",
        " ",
        html.unescape(re.sub(r"<[^>]+>", " ", page[start : page.index("</ol>", start)])),
    )


def test_the_timeline_says_whether_the_state_ratified_or_acceded(reader, seeded):
    """Hungary signed in 1999, so its instrument was one of ratification (Art. 125(2));
    Afghanistan never signed and acceded (Art. 125(3)): the verdicts' reasons say so, and
    the timeline names the same instrument."""
    hungary = timeline(reader.get("/states/HUN/"))
    assert "Instrument of ratification deposited" in hungary
    assert "accession" not in hungary
    afghanistan = timeline(reader.get("/states/AFG/"))
    assert "Instrument of accession deposited" in afghanistan
    assert "ratification" not in afghanistan
    assert "Dépôt de l’instrument de ratification" in timeline(reader.get("/fr/states/HUN/"))
    french = timeline(reader.get("/fr/states/AFG/"))
    assert "Dépôt de l’instrument d’adhésion" in french and "ratification" not in french


def og_description(response) -> str:
    return html.unescape(
        re.search(r'property="og:description" content="([^"]*)"', body(response)).group(1)
    )


def test_a_share_preview_is_cut_at_a_sentence_or_a_word_outside_parentheses(reader, seeded):
    """Hungary's summary opens with a long sentence whose reference in parentheses fell
    across the two hundredth character: the preview stopped at "(sa lecture de l’art…"."""
    for address in ("/states/HUN/", "/fr/states/HUN/"):
        preview = og_description(reader.get(address))
        assert len(preview) <= 200 and preview.endswith("…")
        assert preview.count("(") == preview.count(")"), preview
        assert re.sub(r"\s+", " ", preview.rstrip(" …")) in text(reader.get(address))
    assert og_description(reader.get("/fr/states/HUN/")).endswith("délivrés avant cette date…")
    assert og_description(reader.get("/states/HUN/")).endswith("issued before then…")
    # Where a sentence ends within the limit, the preview keeps whole sentences.
    mongolia = og_description(reader.get("/fr/states/MNG/"))
    assert mongolia.endswith(". …") and mongolia.startswith("Mongolie")


def test_a_preview_cuts_at_a_sentence_not_at_an_abbreviation():
    from front.cards import preview_text

    sentence = "Bound since 2002 under Art. 125 of the Statute. " + "Then more words " * 20
    assert preview_text(sentence) == "Bound since 2002 under Art. 125 of the Statute. …"
    assert preview_text("short") == "short"
    long = "One (" + "x " * 150 + ") end"
    assert preview_text(long) == "One…"


def test_a_states_research_notes_follow_its_record_one_part_each(reader, seeded):
    """Hungary's notes are the researchers' (" | " between updates): they come after the
    record, under a heading that says what they are, closed until asked for, each part
    its own item, still marked as the dataset's English on a French page."""
    from states.models import State

    notes = State.objects.get(iso3="HUN").notes
    parts = [p.strip() for p in notes.split(" | ") if p.strip()]
    assert len(parts) > 1
    for address, heading in (
        ("/states/HUN/", "Research notes (from the dataset)"),
        ("/fr/states/HUN/", "Notes de recherche (issues du jeu de données)"),
    ):
        page = body(reader.get(address))
        section = page[page.index('id="notes-heading"') :]
        assert heading in section[: section.index("</h2>")]
        assert page.index('id="notes-heading"') > page.index('id="findings"')
        assert page.index('id="notes-heading"') > page.index('id="timeline"')
        details = re.search(r"<details[^>]*>(.*?)</details>", section, re.S)
        assert details and " open" not in details.group(0)[: details.group(0).index(">")]
        items = re.findall(r"<li>(.*?)</li>", details.group(1), re.S)
        assert [html.unescape(i.strip()) for i in items] == parts
        assert " | " not in html.unescape(details.group(1))
        notes_list = re.search(r'<ul class="notes" id="state-notes"([^>]*)>', section).group(1)
        assert ('lang="en"' in notes_list) == address.startswith("/fr/")
    french = text(reader.get("/fr/states/HUN/"))
    assert "telles que publiées dans le jeu de données, en anglais" in french


def csv_rows(response) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(body(response))))


def test_the_visits_downloads_name_the_host_in_their_language_in_a_last_column(
    reader, api_client, seeded
):
    """`host` is the dataset's English name; `host_translated_name`, a column appended after
    the others (a reader by position keeps them; `text_language`, `end_known`,
    `dates_passed` and `reevaluation_pending` were appended after it), names it in the download's language, as /states.csv's
    `translated_name` does."""
    french = csv_rows(reader.get("/fr/visits.csv?host=HUN"))
    assert french and list(french[0])[-6:] == [
        "updated_at",
        "host_translated_name",
        "text_language",
        "end_known",
        "dates_passed",
        "reevaluation_pending",
    ]
    assert {(r["host"], r["host_translated_name"]) for r in french} == {("Hungary", "Hongrie")}
    english = csv_rows(reader.get("/visits.csv?host=HUN"))
    assert {(r["host"], r["host_translated_name"]) for r in english} == {("Hungary", "Hungary")}
    assert list(english[0])[:-1] == list(french[0])[:-1]
    incidents = csv_rows(reader.get("/fr/incidents.csv"))
    assert incidents and all(r["host_translated_name"] for r in incidents)
    assert any(r["host_translated_name"] != r["host"] for r in incidents)
    api = csv_rows(
        api_client.get("/api/v1/visits/", {"host": "HUN", "format": "csv", "lang": "fr"})
    )
    assert list(api[0])[-5:] == [
        "host_translated_name",
        "text_language",
        "end_known",
        "dates_passed",
        "reevaluation_pending",
    ]
    assert {r["host_translated_name"] for r in api} == {"Hongrie"}
    feed = body(reader.get("/fr/visits.json?host=HUN"))
    assert "Hongrie" in html.unescape(feed)
