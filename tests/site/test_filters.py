"""Strict, composable filters on the site's lists: unknown parameters, several values, two sorts,
counts beside the choices, and a person box that takes a name."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from front.views import states, visits, warrants
from tests.site.conftest import body, row_ids
from visits.models import Visit

pytestmark = pytest.mark.django_db

LISTS = [
    ("/visits/", visits.VISITS),
    ("/incidents/", visits.INCIDENTS),
    ("/states/", states.STATES),
    ("/persons/", warrants.PERSONS),
    ("/warrants/", warrants.WARRANTS),
]


@pytest.mark.parametrize(
    "path", ["/visits/", "/incidents/", "/states/", "/persons/", "/warrants/", "/changes/"]
)
def test_an_unknown_parameter_on_any_list_is_a_400_page_naming_it(reader, seeded, path):
    response = reader.get(f"{path}?hosts=MNG")
    assert response.status_code == 400
    html = body(response)
    assert "<code>hosts</code>" in html and 'id="results"' not in html
    assert 'role="alert"' in html


def test_the_400_page_speaks_the_readers_language(reader, seeded):
    response = reader.get("/fr/visits/?hosts=MNG")
    assert response.status_code == 400
    # After the colon, French goes on in lower case.
    assert "\u00a0: cette liste n’a pas de tel paramètre" in body(response)


@pytest.mark.parametrize("path", ["/visits.csv", "/visits.json", "/states.csv", "/persons.json"])
def test_downloads_refuse_an_unknown_parameter_in_the_apis_error_shape(reader, seeded, path):
    response = reader.get(f"{path}?hosts=MNG")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter" and list(error["fields"]) == ["hosts"]


@pytest.mark.parametrize("path", ["/visits.csv", "/incidents.json", "/states.csv"])
def test_downloads_refuse_a_page_since_they_give_every_row(reader, seeded, path):
    """`/visits.csv?page=3` answered every row, as if the page had not been asked for."""
    response = reader.get(f"{path}?page=3")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter" and list(error["fields"]) == ["page"]
    assert "a download gives every matching row" in error["fields"]["page"][0]


@pytest.mark.parametrize(("path", "listing"), LISTS)
def test_known_parameters_pass(reader, seeded, path, listing):
    assert reader.get(f"{path}?page=1&ordering={listing.default_sort}").status_code == 200


def test_several_hosts_comma_joined_or_repeated_return_both(reader, seeded):
    expected = sorted(
        Visit.objects.published()
        .filter(host__iso3__in=["MNG", "TJK"])
        .values_list("slug", flat=True)
    )
    assert {s.split("-")[-4] for s in expected} == {"mng", "tjk"}
    for query in ("host=MNG,TJK", "host=MNG&host=TJK", "host=mng,%20tjk"):
        assert sorted(row_ids(body(reader.get(f"/visits/?{query}")))) == expected, query
    rows = [r.split(",")[0] for r in body(reader.get("/visits.csv?host=MNG,TJK")).splitlines()[1:]]
    assert sorted(rows) == expected


def test_an_impossible_value_is_a_400_not_an_empty_list(reader, seeded):
    for query in ("host=XXXX", "host=MNG,XXXX", "verdict=guilty", "year=twenty"):
        response = reader.get(f"/visits/?{query}")
        assert response.status_code == 400, query
        assert 'class="error" role="alert"' in body(response)


@pytest.mark.parametrize("value", ["maybe", "yes", "1", "oui", "True"])
def test_a_yes_or_no_filter_refuses_what_is_neither_true_nor_false(reader, seeded, value):
    """`/warrants/?in_force=yes` answered every warrant, in force or not, as if no filter had
    been asked for (django-filter reads what is not `true` or `false` as "either"): a
    journalist sharing the link would have counted ended warrants as in force."""
    response = reader.get(f"/warrants/?in_force={value}")
    assert response.status_code == 400
    html = body(response)
    assert '<a href="#id_in_force">Still in force: “' in html
    assert "<tr data-id=" not in html
    french = body(reader.get(f"/fr/warrants/?in_force={value}"))
    assert f"Encore en vigueur\u00a0: «\u00a0{value}\u00a0» n’est ni true ni false" in french
    download = reader.get(f"/fr/warrants.csv?in_force={value}")
    assert download.status_code == 400
    assert list(download.json()["error"]["fields"]) == ["in_force"]


def test_a_yes_or_no_filter_reads_true_false_and_either(reader, seeded):
    counts = {
        value: body(reader.get(f"/warrants.csv?in_force={value}")).count("\n")
        for value in ("true", "false", "")
    }
    assert counts["true"] + counts["false"] - 1 == counts[""]  # one header row each
    assert counts["true"] > 1 and counts["false"] > 1


def test_a_refused_value_is_said_in_the_title_and_first_in_the_form_with_a_link_to_its_box(
    reader, seeded
):
    """WCAG 3.3.1 and 2.4.2: a screen reader user whose filter was refused hears it from the
    title, and the reasons come before the dozen boxes, each linking to its box (site.js
    gives the summary the focus), not after the form as "correct them above"."""
    response = reader.get("/visits/?host=MNG&start_after=foo")
    assert response.status_code == 400
    html = body(response)
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert title == "Visits: a filter could not be applied · iccwatch"
    opening = re.search(r'<div[^>]*id="filter-errors"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in opening and 'role="alert"' in opening
    summary = html[html.index('id="filter-errors"') :]
    summary = summary[: summary.index("</div>")]
    assert (
        '<a href="#id_start_after">Starting on or after: Enter a day of the calendar as '
        "YYYY-MM-DD, e.g. 2024-09-02.</a>" in summary
    )
    assert html.index('id="filter-errors"') < html.index('id="id_person"')
    assert "correct them above" not in html
    french = body(reader.get("/fr/visits/?host=MNG&start_after=foo"))
    title = re.search(r"<title>([^<]*)</title>", french).group(1)
    assert title == "Visites\u00a0: un filtre n’a pas pu être appliqué · iccwatch"
    summary = french[french.index('id="filter-errors"') :]
    assert "<p>Certains filtres n’ont pas pu être appliqués\u00a0:</p>" in summary
    assert '<a href="#id_start_after">' in summary


def test_two_sort_keys_sort_by_both(reader, seeded):
    ids = row_ids(body(reader.get("/visits/?situation=ukraine&ordering=person,-end")))
    expected = [
        v.slug
        for v in sorted(
            Visit.objects.published().filter(person__situation__slug="ukraine"),
            # A one-day visit ends on its start (visits.ordering.last_day).
            key=lambda v: (
                v.person.name,
                (v.end or v.start) is None,
                -((v.end or v.start).toordinal() if (v.end or v.start) else 0),
                v.pk,
            ),
        )
    ]
    assert ids == expected
    repeated = row_ids(body(reader.get("/visits/?situation=ukraine&ordering=person&ordering=-end")))
    assert repeated == expected


def test_counts_stand_beside_each_choice_over_the_other_filters(reader, seeded):
    html = body(reader.get("/visits/?person=vladimir-putin&host=MNG"))
    # Mongolia is chosen, yet Tajikistan is counted: choosing it instead would give one row.
    assert re.search(r'<option value="MNG" selected>Mongolia \(1\)</option>', html)
    assert '<option value="TJK">Tajikistan (1)</option>' in html
    # A long menu lists only the states that would give rows.
    assert 'value="FRA"' not in html
    html = body(reader.get("/persons/"))
    at_large = html[html.index('value="at_large"') :].split("</option>")[0]
    assert re.search(r"\(\d+\)$", at_large)


def test_the_person_box_takes_a_name_and_the_form_lists_no_one(reader, seeded):
    html = body(reader.get("/visits/"))
    assert 'value="omar-al-bashir"' not in html  # no <option> per person
    assert 'list="person-options"' in html and "js/suggest.js" in html
    response = reader.get("/visits/?person=Putin&verdict=non_compliance")
    assert response.status_code == 302
    assert response["Location"] == "/visits/?person=vladimir-putin&verdict=non_compliance"
    response = reader.get("/warrants/?person=al-Bashir")
    assert response["Location"] == "/warrants/?person=omar-al-bashir"
    response = reader.get("/visits/?person=zzzzqqqq")
    assert response.status_code == 400 and "No person matches" in body(response)


def test_a_name_several_persons_match_equally_is_refused_naming_them(reader, seeded):
    """ "Gaddafi" is Muammar's name and Saif al-Islam's: the list is not narrowed to one of
    them (Muammar has no published trip, so it would read "0 visits"), the reader is told
    both and given their slugs."""
    response = reader.get("/visits/?person=Gaddafi")
    html = body(response)
    assert response.status_code == 400
    assert "matches several persons equally" in html
    assert "(muammar-gaddafi)" in html and "(saif-al-islam-gaddafi)" in html
    # The French press's spelling names both too (dataset 2026.12.03), not only the son.
    kadhafi = reader.get("/visits/?person=Kadhafi")
    assert kadhafi.status_code == 400 and "(muammar-gaddafi)" in body(kadhafi)
    # Many equal matches: five named, and said to be among more.
    response = reader.get("/visits/?person=Al")
    assert response.status_code == 400 and "matches many persons equally, among them" in body(
        response
    )
    french = body(reader.get("/fr/visits/?person=Gaddafi"))
    assert "peut désigner plusieurs personnes" in french
    # One best match still resolves, whatever comes after it; so does a name whose words
    # another person also has, but not side by side in that order.
    assert reader.get("/visits/?person=Sergey")["Location"] == "/visits/?person=sergei-kobylash"
    assert reader.get("/visits/?person=Al Hassan")["Location"] == "/visits/?person=al-hassan"
    assert reader.get("/visits/?person=Laurent Gbagbo")["Location"] == (
        "/visits/?person=laurent-gbagbo"
    )


def _tag(html: str, pattern: str) -> str:
    """The first start tag matching `pattern` (a regular expression), which must exist."""
    found = re.search(pattern, html)
    assert found, pattern
    return found.group(0)


def _person_error(html: str) -> str:
    """What the page says under the person box: its error block (id_person_error)."""
    block = html[html.index('<div id="id_person_error">') :]
    return block[: block.index("</div>")]


@pytest.mark.parametrize("path", ["/visits/", "/incidents/", "/fr/visits/", "/fr/incidents/"])
def test_a_person_no_one_matches_is_refused_on_the_list_page_with_the_form_kept(
    reader, seeded, path
):
    """WCAG 3.3.1 and 3.3.3: a name the person box cannot resolve replaced the list and its
    form by a bare 400 page; as for a bad date, the list page answers 400 with the form
    keeping every value, the box marked invalid and described by its error, and the error
    summary linking to it."""
    response = reader.get(f"{path}?person=Zzyzx&host=RUS&year=2025")
    assert response.status_code == 400
    html = body(response)
    assert 'id="invalid-parameters"' not in html and "<form" in html
    french = path.startswith("/fr/")
    message = (
        "Aucune personne ne correspond à «\u00a0Zzyzx\u00a0». Essayez une autre orthographe, "
        "ou laissez le champ vide."
        if french
        else "No person matches “Zzyzx”. Try another spelling, or leave it empty."
    )
    box = _tag(html, r'<input[^>]*name="person"[^>]*>')
    assert 'value="Zzyzx"' in box and 'aria-invalid="true"' in box, box
    described = re.search(r'aria-describedby="([^"]*)"', box).group(1).split()
    assert "id_person_error" in described, box
    assert message in _person_error(html)
    summary = html[html.index('id="filter-errors"') :]
    summary = summary[: summary.index("</div>")]
    label = "Personne" if french else "Person"
    colon = "\u00a0:" if french else ":"
    assert f'<a href="#id_person">{label}{colon} {message}</a>' in summary, summary
    # Every other value stays chosen.
    assert re.search(r'<option value="RUS" selected>', html)
    assert re.search(r'<option value="2025" selected>', html)
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert ("n’a pas pu être appliqué" if french else "a filter could not be applied") in title


@pytest.mark.parametrize("path", ["/visits/", "/incidents/", "/fr/visits/", "/fr/incidents/"])
def test_a_name_several_persons_match_is_refused_on_the_list_page_offering_each_of_them(
    reader, seeded, path
):
    """« Gaddafi » names Muammar and Saif al-Islam: the list page answers 400 with its form,
    the year kept, the person box marked invalid, and under it each person a link to the
    same list with that person chosen."""
    response = reader.get(f"{path}?person=Gaddafi&year=2011")
    assert response.status_code == 400
    html = body(response)
    assert 'id="invalid-parameters"' not in html and "<form" in html
    box = _tag(html, r'<input[^>]*name="person"[^>]*>')
    assert 'value="Gaddafi"' in box and 'aria-invalid="true"' in box, box
    assert "id_person_error" in re.search(r'aria-describedby="([^"]*)"', box).group(1)
    assert re.search(r'<option value="2011" selected>', html)
    error = _person_error(html)
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a> \(([a-z-]+)\)', error)
    links = {slug: href.replace("&amp;", "&") for href, _name, slug in found}
    assert set(links) == {"muammar-gaddafi", "saif-al-islam-gaddafi"}, error
    for slug, href in links.items():
        assert href == f"{path}?person={slug}&year=2011", href
    summary = html[html.index('id="filter-errors"') :]
    summary = summary[: summary.index("</div>")]
    assert '<a href="#id_person">' in summary and "(saif-al-islam-gaddafi)" in summary, summary
    # A link within the summary's link would be no link a screen reader can follow.
    assert summary.count("<a ") == 1, summary


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/fr/visits/", "person=Kadhafi"),
        ("/visits/", "host=LBY,TCD&person=vladimir-putin,%20Gaddafi&ordering=person&page=2"),
        ("/fr/warrants/", "person=Gaddafi"),
    ],
)
def test_each_person_an_ambiguous_name_may_mean_is_a_link_to_the_list_of_that_person(
    reader, seeded, path, query
):
    """« Kadhafi » names Muammar and Saif al-Islam: the list page's 400, under the person box,
    links each to the same list with that person's slug in place of the name typed, the
    other filters (and the other persons, and the sort) kept, the page left out; a
    download's error and the words of the message stay as they were."""
    response = reader.get(f"{path}?{query}")
    assert response.status_code == 400
    html = body(response)
    errors = _person_error(html)
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a> \(([a-z-]+)\)', errors)
    links = {slug: (href.replace("&amp;", "&"), name) for href, name, slug in found}
    assert set(links) == {"muammar-gaddafi", "saif-al-islam-gaddafi"}, errors
    given = parse_qs(query)
    for slug, (href, name) in links.items():
        parts = urlsplit(href)
        assert parts.path == path and name.endswith("Gaddafi"), href
        wanted = {
            key: [
                ",".join(
                    slug if v.strip() in ("Kadhafi", "Gaddafi") else v.strip()
                    for v in values[0].split(",")
                )
            ]
            if key == "person"
            else values
            for key, values in given.items()
            if key != "page"
        }
        assert parse_qs(parts.query) == wanted, href
        # Each link opens the list of that person (the visits' list of one at least).
        followed = reader.get(href)
        assert followed.status_code == 200, href
    if "host=" in query:
        # The comma of a list's values as the reader wrote it (core.locale.QUERY_SAFE).
        assert all("host=LBY,TCD" in href for href, _name in links.values()), links
    download = reader.get(f"{path.rstrip('/')}.csv?{query}")
    assert download.status_code == 400
    assert "(muammar-gaddafi)" in download.content.decode()
    assert "<a " not in download.content.decode()


def test_the_links_of_an_ambiguous_name_never_write_what_was_typed_as_markup(reader, seeded):
    """The value typed is said escaped beside the links; each link holds the slug alone."""
    response = reader.get("/visits/", {"person": "<i>Gaddafi"})
    html = body(response)
    assert response.status_code == 400
    assert "<i>Gaddafi" not in html and "“&lt;i&gt;Gaddafi” matches several persons" in html
    assert '<a href="/visits/?person=muammar-gaddafi">' in html


def test_every_link_of_a_list_page_uses_parameters_the_list_knows(reader, seeded, monkeypatch):
    from front import listing

    monkeypatch.setattr(listing, "PER_PAGE", 5)
    for path, one in LISTS:
        html = body(reader.get(f"{path}?page=2"))
        known = set(listing.known_parameters(one))
        hrefs = re.findall(r'href="([^"]*)"', html.replace("&amp;", "&"))
        for href in hrefs:
            parts = urlsplit(href)
            if href.startswith("?") or parts.path in (path, path.rstrip("/") + ".csv"):
                assert set(parse_qs(parts.query)) <= known, href
        # The form's fields and its hidden sort are all parameters of the list.
        names = set(re.findall(r'<(?:input|select)[^>]* name="([^"]+)"', html))
        assert names - {"q"} <= known, names


def test_the_person_box_resolves_a_bounded_number_of_names(reader, seeded):
    names = ",".join(f"name{i}" for i in range(11))
    response = reader.get(f"/visits/?person={names}")
    assert response.status_code == 400 and "at most 10 names" in body(response)


def test_the_visit_list_does_not_grow_with_the_number_of_persons(reader, seeded):
    """Issue 12: the filter form listed every person (293 KB a page at 5,000 persons)."""
    from warrants.models import Person, Situation

    def without_citation(response) -> str:
        # The citation names when the data last changed, which the new persons move.
        page = response.content.decode()
        start = page.index('<section aria-labelledby="cite-heading"')
        return page[:start] + page[page.index("</section>", start) :]

    before = len(without_citation(reader.get("/visits/")))
    situation = Situation.objects.get(slug="ukraine")
    Person.objects.bulk_create(
        Person(slug=f"bulk-person-{i}", name=f"Person {i}", situation=situation, status="at_large")
        for i in range(2000)
    )
    for path in ("/visits/", "/warrants/"):
        assert "bulk-person-1999" not in reader.get(path).content.decode()
    assert len(without_citation(reader.get("/visits/"))) == before


@pytest.mark.parametrize("path", ["/visits/", "/incidents/", "/visits.csv", "/api/v1/visits/"])
def test_a_well_formed_code_of_no_state_is_an_error_naming_it(reader, seeded, path):
    """`?host=ZZZ` (a code no state has) is a 400 naming it, never an empty list a reader
    could take for "no visits" (visits.filters.VisitFilterSet.is_valid)."""
    facets = {"facets": "host,verdict"} if "api" in path else {}
    response = reader.get(path, {"host": "ZZZ", **facets})
    assert response.status_code == 400
    assert "ZZZ" in body(response)
    assert "<tr data-id=" not in body(response)


@pytest.mark.parametrize("path", ["/visits/", "/incidents/"])
def test_a_filter_no_row_can_match_counts_nothing(reader, seeded, path):
    """A change date beyond year 9999 in UTC (nothing changed since): an empty list and
    empty menu counts, not an error in the counting."""
    response = reader.get(path, {"changed_since": "9999-12-31T23:00:00-05:00"})
    assert response.status_code == 200
    assert "<tr data-id=" not in body(response)


def test_the_states_list_and_its_downloads_take_party_as_the_api_does(reader, api_client, seeded):
    """`/api/v1/states/?party=true` listed the States Parties (withdrawing ones too, Art.
    127(1)); `/states/?party=true` and `/states.csv?party=true` were a 400."""
    for value in ("true", "false"):
        from_api = api_client.get("/api/v1/states/", {"party": value, "page_size": 500}).json()
        expected = sorted(state["iso3"] for state in from_api["results"])
        assert expected
        listed = []
        for number in range(1, 8):
            page = reader.get("/states/", {"party": value, "ordering": "iso3", "page": number})
            assert page.status_code in (200, 302), body(page)
            if page.status_code == 302:
                break
            listed += row_ids(body(page))
        assert sorted(set(listed)) == expected, value
        download = body(reader.get("/states.csv", {"party": value, "ordering": "iso3"}))
        assert [line.split(",")[0] for line in download.splitlines()[1:]] == expected
        downloaded = json.loads(body(reader.get("/states.json", {"party": value})))
        assert sorted(row["iso3"] for row in downloaded["results"]) == expected
        assert downloaded["filters"] == {"party": value}
    refused = reader.get("/states/", {"party": "yes"})
    assert refused.status_code == 400
    french = body(reader.get("/fr/states/", {"party": "true"}))
    assert ">État partie aujourd’hui</label>" in french
    assert "<h1>États — État partie aujourd’hui\u00a0: oui</h1>" in french


def test_party_and_status_agree_on_the_states_list(reader, seeded):
    """`party=true` is `status=party,withdrawing`: a withdrawal notified leaves a State a
    full party until it takes effect (Art. 127(1))."""
    both = body(reader.get("/states.csv", {"status": "party,withdrawing"}))
    assert body(reader.get("/states.csv", {"party": "true"})) == both


def test_a_400_pages_message_after_the_colon_is_written_as_the_language_writes_it(reader, seeded):
    """French goes on in lower case after a colon ("`foo` : cette page…"), English keeps its
    capital ("`foo`: This list…")."""
    french = re.sub(r"<[^>]+>", "", reader.get("/fr/changes/?foo=1").content.decode())
    line = next(line for line in french.splitlines() if line.strip().startswith("foo"))
    message = line.split("\u00a0:", 1)[1].strip()
    assert message[0].islower(), line
    english = re.sub(r"<[^>]+>", "", reader.get("/changes/?foo=1").content.decode())
    line = next(line for line in english.splitlines() if line.strip().startswith("foo"))
    assert line.split(":", 1)[1].strip()[0].isupper(), line
