"""The visit lists and the Changes page stay bounded however many rows there are: they count
only up to a limit (then say "more than"), serve page numbers only so deep, and count
their menus' choices only on a narrowed view. The limits are lowered here so that the
seed's rows are "many"."""

import pytest
from django import forms
from django.db.models import F

from core.filters import RepeatableCSVWidget, select_widget
from front import listing, paging
from front.views import changes
from tests.site.conftest import body, row_ids
from visits import history
from visits.filters import VisitFilterSet
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    """Lists count 5 rows at most, 2 rows a page, 4 pages deep at most."""
    monkeypatch.setattr(paging, "ROW_LIMIT", 5)
    monkeypatch.setattr(paging, "MAX_PAGES", 4)
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    monkeypatch.setattr(changes, "PER_PAGE", 2)


def test_past_the_limit_the_list_says_more_than_and_offers_the_next_page(
    reader, seeded, small_limits
):
    assert Visit.objects.published().count() > 8
    html = body(reader.get("/visits/"))
    assert "More than 5 results" in html
    assert 'rel="next"' in html
    assert "Page 1 of" not in html and "Page 1<" in html
    # No menu is counted while the list holds more rows than the limit.
    assert "non-compliance (" not in html and "Mongolia (" not in html


def test_a_narrowed_list_is_counted_exactly_with_its_menus(
    reader, seeded, small_limits, monkeypatch
):
    trips = Visit.objects.published().filter(person__slug="vladimir-putin").count()
    monkeypatch.setattr(paging, "ROW_LIMIT", trips)  # the verdict menu counts his trips
    html = body(reader.get("/visits/?person=vladimir-putin&verdict=non_compliance"))
    assert "2 results" in html and "More than" not in html
    assert '<option value="non_compliance" selected>non-compliance (2)</option>' in html


def test_a_menu_that_would_count_more_than_the_limit_shows_no_counts(
    reader, seeded, small_limits, monkeypatch
):
    # The limit is Mongolia's visits: the verdict menu (Mongolia's visits by verdict) is
    # counted, the host menu (every host's incidents, more) shows no counts.
    mongolia = Visit.objects.published().filter(host__iso3="MNG").count()
    assert Visit.objects.published().flagged().count() > mongolia
    monkeypatch.setattr(paging, "ROW_LIMIT", mongolia)
    html = body(reader.get("/visits/?host=MNG&verdict=non_compliance"))
    assert "More than" not in html
    incidents = Visit.objects.published().flagged().filter(host__iso3="MNG").count()
    assert f'<option value="non_compliance" selected>non-compliance ({incidents})</option>' in html
    assert '<option value="MNG" selected>Mongolia</option>' in html


def test_pages_follow_one_another_without_gaps_up_to_the_deepest(reader, seeded, small_limits):
    newest = Visit.objects.published().order_by(F("start").desc(nulls_last=True), "pk")
    expected = list(newest.values_list("slug", flat=True)[:8])
    shown = []
    for page in range(1, 5):
        shown += row_ids(body(reader.get(f"/visits/?page={page}")))
    assert shown == expected
    # Page 4 is the deepest: a deeper number leads to it, with no next page.
    deeper = reader.get("/visits/?page=99")
    assert deeper.status_code == 302 and deeper["Location"] == "/visits/?page=4"
    deepest = body(reader.get("/visits/?page=99", follow=True))
    assert row_ids(deepest) == expected[6:8]
    assert 'rel="next"' not in deepest
    # A page number below 1 leads to the first page, not the last.
    for number in ("0", "-3"):
        below = reader.get(f"/visits/?page={number}", follow=True)
        assert below.redirect_chain == [("/visits/", 302)]
        assert row_ids(body(below)) == expected[:2]


def test_a_bounded_list_sorted_by_person_reads_the_same_rows_as_the_download(
    reader, seeded, small_limits
):
    screen = []
    for page in range(1, 5):
        screen += row_ids(body(reader.get(f"/visits/?ordering=person&page={page}")))
    csv_rows = body(reader.get("/visits.csv?ordering=person")).splitlines()[1:]
    slugs = [line.split(",")[0].lstrip("\ufeff") for line in csv_rows]
    assert len(screen) == 8
    assert all(slug in slugs for slug in screen)


def test_the_changes_page_counts_up_to_the_limit_and_pages_newest_first(
    reader, seeded, small_limits
):
    everything = list(history.public_changes())
    assert history.count_public_changes(3) >= 3
    html = body(reader.get("/changes/"))
    assert "Page 1<" in html and 'rel="next"' in html
    # A page of the bounded query is the same slice of the whole, sorted list.
    for bottom in (0, 2, 6):
        assert (
            list(history.public_changes(bottom + 2)[bottom : bottom + 2])
            == everything[bottom : bottom + 2]
        )


def test_the_year_filter_reads_whole_years_of_dates(reader, seeded):
    visits = Visit.objects.published().exclude(start=None)
    expected = sorted(v.slug for v in visits if v.start.year in (2015, 2024))
    filtered = VisitFilterSet(data={"year": "2015,2024"}, queryset=Visit.objects.published()).qs
    assert sorted(filtered.values_list("slug", flat=True)) == expected
    assert expected


@pytest.mark.parametrize("value", ["MNG", "", None, ["MNG"], ["MNG", "TJK"], "A&B"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_host", "aria-describedby": "x"}, {"required": True, "disabled": False}],
)
def test_a_filter_menu_is_written_as_djangos_select_template_writes_it(value, attrs):
    templated = type("TemplatedSelect", (RepeatableCSVWidget, forms.Select), {})
    choices = [
        ("", "any"),
        ("MNG", "Mongolia (3)"),
        ("A&B", 'Côte "d<Ivoire>'),
        ("TJK", "Tajikistan"),
    ]
    expected = templated(choices=choices).render("host", value, attrs)
    assert select_widget(choices).render("host", value, attrs) == expected
