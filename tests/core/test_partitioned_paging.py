"""A list sorted by verdict is read one code at a time (core.paging.partitioned_keys):
the same rows in the same order on every page as one sorted read, with the visits not
yet evaluated where PostgreSQL puts NULLs, and no read of a page's keys that joins
every visit to its verdict without a code."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from core import paging
from core.paging import KeysFirstPaginator, leading_partition
from front.listing import order_by
from front.views.visits import VISITS
from visits.models import Verdict, VerdictCode, Visit

pytestmark = pytest.mark.django_db

PARTITIONS = {"verdict__code": tuple(VerdictCode.values)}
ORDERINGS = [
    ("verdict__code", "pk"),  # the API's `?ordering=verdict`
    ("-verdict__code", "pk"),  # PostgreSQL's default descending: NULLs first
    (F("verdict__code").asc(nulls_last=True), F("start").asc(nulls_last=True), "pk"),  # the site
    (F("verdict__code").desc(nulls_last=True), F("start").desc(nulls_last=True), "pk"),
    (F("verdict__code").desc(nulls_first=True), "-start", "pk"),
]


@pytest.fixture
def some_not_evaluated(seeded):
    """The seed with three visits whose verdict is not computed yet (code NULL in the join)."""
    ids = list(Visit.objects.published().order_by("pk").values_list("pk", flat=True)[3:6])
    Verdict.objects.filter(visit__in=ids).delete()
    return ids


def every_page(queryset, per_page, **kwargs):
    """Every page's keys; split part by part whatever the list's length (the seed is short)."""
    paginator = KeysFirstPaginator(queryset, per_page, **{"sort_at_once": 0, **kwargs})
    return [[v.pk for v in paginator.page(n).object_list] for n in paginator.page_range]


@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("per_page", [1, 7, 50])
def test_every_page_sorted_by_verdict_is_the_same_read_code_by_code(
    some_not_evaluated, ordering, per_page
):
    queryset = Visit.objects.published().with_verdicts().order_by(*ordering)
    expected = list(queryset.values_list("pk", flat=True))
    assert set(some_not_evaluated) < set(expected)
    plain = every_page(queryset, per_page)
    split = every_page(queryset, per_page, partitions=PARTITIONS)
    assert split == plain
    assert [pk for page in split for pk in page] == expected


def test_a_filtered_list_sorted_by_verdict_is_split_within_its_filter(seeded):
    queryset = (
        Visit.objects.published()
        .filter(host__iso3__in=["MNG", "TJK", "ZAF", "UKR"])
        .with_verdicts()
        .order_by("-verdict__code", "pk")
    )
    expected = list(queryset.values_list("pk", flat=True))
    assert every_page(queryset, 3, partitions=PARTITIONS) == [
        expected[i : i + 3] for i in range(0, len(expected), 3)
    ]


def test_only_a_list_sorted_first_on_the_code_is_split():
    visits = Visit.objects.all()
    assert leading_partition(visits.order_by("start", "verdict__code"), PARTITIONS) is None
    assert leading_partition(visits.order_by("verdict__code"), {}) is None
    assert leading_partition(visits.order_by("verdict__code", "pk"), PARTITIONS)[2:] == (
        False,
        False,
    )
    assert leading_partition(visits.order_by("-verdict__code"), PARTITIONS)[2:] == (True, True)
    desc_nulls_last = visits.order_by(F("verdict__code").desc(nulls_last=True))
    assert leading_partition(desc_nulls_last, PARTITIONS)[2:] == (True, False)


def keys_queries(client, url) -> list[str]:
    """The SQL of the reads of a page's keys (they select only the visits' ids)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "visits_visit"."id" AS "pk" FROM "visits_visit"')
        and "ORDER BY" in q["sql"]
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/visits/?ordering=verdict",
        "/visits/?ordering=-verdict&page=2",
        "/api/v1/visits/?ordering=verdict",
    ],
)
def test_the_keys_of_a_page_sorted_by_verdict_are_read_for_one_code_at_a_time(
    seeded, client, url, monkeypatch
):
    """At 1M visits the one sorted read joined 860,000 visits to their verdicts and sorted
    them all (682 ms); each read here names its code, which an index answers in order."""
    monkeypatch.setattr(paging, "SORT_AT_ONCE", 0)  # the seed's list is short
    reads = keys_queries(client, url)
    assert reads
    for sql in reads:
        assert '"visits_verdict"."code" = ' in sql or '"visits_verdict"."code" IS NULL' in sql, sql


@pytest.mark.parametrize("sort", ["verdict", "-verdict"])
def test_the_site_and_the_api_list_the_visits_in_the_database_order_of_the_codes(
    some_not_evaluated, client, sort, monkeypatch
):
    monkeypatch.setattr(paging, "SORT_AT_ONCE", 0)  # part by part, as at 1M
    visits = Visit.objects.published().with_verdicts()
    expected = list(visits.order_by(*order_by(VISITS, sort)).values_list("slug", flat=True))
    shown = []
    for number in (1, 2):  # 50 rows a page
        html = client.get(f"/visits/?ordering={sort}&page={number}").content.decode()
        shown.extend(dict.fromkeys(re.findall(r'<a href="/visits/([a-z0-9-]+)/"', html)))
    assert shown == expected
    api = [
        row["id"]
        for page in (1, 2, 3)
        for row in client.get(f"/api/v1/visits/?ordering={sort}&page_size=40&page={page}").json()[
            "results"
        ]
    ]
    # The API lists them as the site does, row for row: the visits not yet evaluated last in
    # both directions, one verdict's visits by their start (not by id, as it once did).
    assert api == expected


def test_a_verdict_holds_only_one_of_the_rules_codes(seeded):
    """A list sorted by verdict reads the codes it knows: the database refuses any other."""
    from django.db import IntegrityError, transaction

    verdict = Verdict.objects.filter(code=VerdictCode.NO_OBLIGATION).first()
    with pytest.raises(IntegrityError, match="verdict_code_known"), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(code="unheard_of")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("key", ["host", "-host"])
def test_visits_sorted_by_host_follow_the_readers_language_host_by_host(seeded, language, key):
    from django.utils import translation

    from core.names import collation_key, country_name
    from visits.ordering import host_sort

    with translation.override(language):
        queryset = (
            VISITS.queryset().annotate(host_sort=host_sort()).order_by(*order_by(VISITS, key))
        )
        expected = list(queryset.values_list("pk", flat=True))
        split = every_page(queryset, 7, partitions=VISITS.partitions)
        assert [pk for page in split for pk in page] == expected
        names = [country_name(v.host.iso3, v.host.name) for v in queryset]
        folded = [collation_key(n) for n in names]
        assert folded == sorted(folded, reverse=key.startswith("-"))
        if language == "fr":
            # The French names' order, not the English ones': South Africa among the A.
            ascending = names[::-1] if key.startswith("-") else names
            assert (
                ascending.index("Afrique du Sud")
                < ascending.index("Allemagne")
                < ascending.index("Hongrie")
            )


def test_a_french_page_sorted_by_host_reads_its_keys_host_by_host(seeded, client, monkeypatch):
    monkeypatch.setattr(paging, "SORT_AT_ONCE", 0)  # host by host, as at 1M
    html = client.get("/fr/visits/?ordering=host").content.decode()
    from core.names import collation_key

    hosts = re.findall(
        r'<td data-label="[^"]*"><a href="/fr/states/[A-Z]{3}/">([^<]+)</a></td>', html
    )
    assert len(hosts) == 50 and hosts[0] == "Afrique du Sud"
    assert hosts == sorted(hosts, key=collation_key)


@pytest.mark.parametrize(
    "url", ["/visits/?host=MNG&ordering=host", "/api/v1/visits/?host=RUS&ordering=-host"]
)
def test_a_short_list_sorted_by_host_is_sorted_in_one_query_not_counted_host_by_host(
    seeded, client, url, monkeypatch
):
    """A narrow filter's few rows are sorted at once: at 1M visits the page counted its
    rows host by host, some 250 queries, for a list of a few hundred."""

    def queries_of_the_page():
        cache.clear()  # the page itself, not its cached copy
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    sql = queries_of_the_page()
    assert len([q for q in sql if q.startswith("SELECT COUNT(*)")]) <= 2, sql
    assert any("array_position" in q and "ORDER BY" in q for q in sql)  # sorted in SQL
    assert len(sql) < 30
    # Above the limit, the same list is read host by host.
    monkeypatch.setattr(paging, "SORT_AT_ONCE", 0)
    sql = queries_of_the_page()
    assert len([q for q in sql if q.startswith("SELECT COUNT(*)")]) > 20
