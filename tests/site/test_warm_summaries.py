"""`manage.py warm_summaries` counts every summary a page shows before a reader asks:
after it, the home page, the lists and each state's and person's page are drawn without
counting anything in the request (at 1,000,000 visits, with an empty cache, the home
page waited 1.19 s for its counts and the busiest country's 1.02 s)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.pagecache import bump_data_version
from front import charts, maps, summaries
from front.views import home, states
from states.models import State
from warrants.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_cache(settings, test_redis_url):
    """Production's cache: Redis keeps every summary (the in-process cache of a setup
    without Redis keeps 300 entries, fewer than the seed's summaries)."""
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": test_redis_url}
    }


COUNTERS = [
    (home, "_counts"),
    (summaries, "_state_counts"),
    (summaries, "_person_counts"),
    (charts, "incident_counts"),
    (charts, "record_counts"),
    (charts, "trip_counts"),
    (summaries, "visit_counts"),
    (maps, "host_shades"),
]
PAGES = [
    "/",
    "/states/",
    "/persons/",
    "/states/MNG/",
    "/states/UKR/",
    "/persons/vladimir-putin/",
    # The cards and embedded cards read their page's counts.
    "/states/MNG/card.en.png",
    "/embed/persons/vladimir-putin/",
]


def refuse_to_count(monkeypatch):
    """Every function that counts a summary now fails: a page must find its counts ready."""

    def counting(*args, **kwargs):
        raise AssertionError("a summary was counted in the request")

    for module, name in COUNTERS:
        monkeypatch.setattr(module, name, counting)


def test_after_warming_no_page_counts_a_summary_in_the_request(seeded, reader, monkeypatch):
    bump_data_version()  # nothing counted under this version
    out = io.StringIO()
    call_command("warm_summaries", stdout=out)
    # Each person's: the page's counts, the chart's, the map's (counted past LATEST_TRIPS).
    expected = 5 + 2 * State.objects.count() + 3 * Person.objects.count()
    assert f"{expected} summaries current in" in out.getvalue()
    refuse_to_count(monkeypatch)
    for url in PAGES:
        assert reader.get(url).status_code == 200, url


@pytest.mark.npm("world-atlas")
def test_a_person_page_listing_the_latest_trips_finds_its_map_counted(seeded, reader, monkeypatch):
    """Past LATEST_TRIPS trips the person's map is shaded by all of them
    (front.maps.person_host_shades): warmed too, and only for such a person."""
    monkeypatch.setattr(summaries, "LATEST_TRIPS", 2)
    putin = Person.objects.get(slug="vladimir-putin")
    assert summaries.person_counts(putin)[0].total > 2
    bump_data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    from core import pagecache

    few = [p for p in Person.objects.all() if summaries.person_counts(p)[0].total <= 2]
    assert few
    for person in few:  # their pages draw every trip: no shades over all of them to count
        assert pagecache.cache.get(f"iccwatch:summary:map:person:{person.pk}") is None
    refuse_to_count(monkeypatch)
    html = reader.get("/persons/vladimir-putin/").content.decode()
    assert "Only the latest trips have a dot (2 of" in html


def test_without_warming_the_first_reader_counts_them(seeded, reader, monkeypatch):
    """The counterpart: the check above would notice a page that counted."""
    bump_data_version()
    refuse_to_count(monkeypatch)
    with pytest.raises(AssertionError, match="counted in the request"):
        reader.get("/states/MNG/")


def test_warming_twice_counts_nothing_the_second_time(seeded, django_assert_max_num_queries):
    bump_data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    # Reading the states and persons to visit, and the newest visit's id (the places' list
    # is cached under it), and nothing else.
    with django_assert_max_num_queries(3):
        call_command("warm_summaries", stdout=io.StringIO())


def test_in_production_warming_recounts_stale_summaries_before_it_ends(seeded, settings):
    """Production recounts a stale summary in a thread and returns the previous count; the
    command counts them itself, or its threads would die with it, leaving old counts."""
    from core import pagecache

    settings.ICCWATCH_SUMMARIES_IN_BACKGROUND = True
    bump_data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    bump_data_version()  # every summary now stale
    version = pagecache.data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    names = [home.summary_name(), "chart:incidents", "list-counts:host", "list-counts:person"]
    names += [f"state:{pk}" for pk in State.objects.values_list("pk", flat=True)]
    # A person's chart is counted per day too (an announced trip's dates pass with the days).
    today = timezone.localdate().isoformat()
    names += [f"chart:person:{pk}:{today}" for pk in Person.objects.values_list("pk", flat=True)]
    stored = [pagecache.cache.get(f"iccwatch:summary:{name}") for name in names]
    assert [entry[0] for entry in stored] == [version] * len(names)


def test_a_stale_summarys_recount_starts_once_the_page_is_made(
    seeded, reader, settings, monkeypatch
):
    """Production serves the previous counts after a write and recounts them in a thread:
    that thread starts after the page is rendered, so the reader who found them stale
    does not wait for counting beside the rendering (the busiest country's page at 1M
    visits: 424–550 ms with the threads counting while it rendered, 114–187 ms after)."""
    from core import pagecache

    settings.ICCWATCH_SUMMARIES_IN_BACKGROUND = True
    bump_data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    bump_data_version()  # the country's summaries are now stale
    events = []
    real_render = states.render_page

    def render_page(*args, **kwargs):
        response = real_render(*args, **kwargs)
        events.append("rendered")
        return response

    def start_refresh(key, version, compute):
        events.append(key.removeprefix("iccwatch:summary:"))
        pagecache.cache.delete(f"{key}:refresh")  # as the recount does when it ends

    monkeypatch.setattr(states, "render_page", render_page)
    monkeypatch.setattr(pagecache, "_start_refresh", start_refresh)
    assert reader.get("/states/MNG/").status_code == 200
    mng = State.objects.get(iso3="MNG").pk
    assert events[0] == "rendered" and f"state:{mng}" in events[1:], events


def test_a_stale_summarys_recount_starts_once_a_download_is_sent(
    seeded, reader, settings, monkeypatch
):
    """A download reading a stale summary is streamed: its recount starts when the server
    closes the answer, not as the view returns (at 1M visits, /persons.json streamed its
    2 MB beside its own recount in the same process: 0.9–1.05 s against 0.25 s)."""
    from core import pagecache

    settings.ICCWATCH_SUMMARIES_IN_BACKGROUND = True
    bump_data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    bump_data_version()  # the lists' counts are now stale
    events = []

    def start_refresh(key, version, compute):
        events.append(key.removeprefix("iccwatch:summary:"))
        pagecache.cache.delete(f"{key}:refresh")  # as the recount does when it ends

    monkeypatch.setattr(pagecache, "_start_refresh", start_refresh)
    response = reader.get("/persons.json")
    assert response.status_code == 200 and response.streaming
    for _chunk in response.streaming_content:  # the test client closes it after the last
        events.append("sent")
    assert "list-counts:person" in events
    recount = events.index("list-counts:person")
    assert events[:recount] and set(events[:recount]) == {"sent"}, events
    assert "sent" not in events[recount:], events


def test_a_download_taken_in_slowly_holds_its_recount_back_only_so_long(
    seeded, reader, settings, monkeypatch
):
    """A reader slow to take a download in (or a stalled one) must not keep every other
    reader on the old counts until the refresh lock expires (two minutes): the recount
    starts after STREAM_HOLD_SECONDS if the answer is not sent by then, and only once."""
    import time

    from core import pagecache

    settings.ICCWATCH_SUMMARIES_IN_BACKGROUND = True
    monkeypatch.setattr(pagecache, "STREAM_HOLD_SECONDS", 0.2)
    bump_data_version()
    call_command("warm_summaries", stdout=io.StringIO())
    bump_data_version()
    events = []

    def start_refresh(key, version, compute):
        events.append(key.removeprefix("iccwatch:summary:"))
        pagecache.cache.delete(f"{key}:refresh")

    monkeypatch.setattr(pagecache, "_start_refresh", start_refresh)
    response = reader.get("/persons.json")
    assert response.streaming and events == []
    deadline = time.monotonic() + 10
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events == ["list-counts:person"]  # not sent yet, and started all the same
    assert b"".join(response.streaming_content)  # sent, then closed: not started again
    assert events == ["list-counts:person"]


def test_a_recount_finding_its_summary_counted_meanwhile_counts_nothing(seeded):
    """A recount held back (a download's) may start after another took over once its lock
    expired: finding the summary current for its version, it counts nothing again."""
    from core import pagecache

    bump_data_version()
    version = pagecache.data_version()
    key = "iccwatch:summary:test-counted-meanwhile"
    pagecache.cache.set(key, (version, "counted"), 60)
    counted = []
    pagecache._refresh(key, version, lambda: counted.append(1) or "again")
    assert counted == [] and pagecache.cache.get(key) == (version, "counted")
    bump_data_version()  # a later version: counted again
    later = pagecache.data_version()
    pagecache._refresh(key, later, lambda: counted.append(1) or "again")
    assert counted == [1] and pagecache.cache.get(key) == (later, "again")


def test_after_warming_no_request_reads_the_gazetteer(seeded, reader, monkeypatch):
    """Every published place is resolved once by the warming and kept in the cache: a
    search (or a map) in a fresh web process reads the places from there, never the file
    (1.4 s in the first search at 1M visits on an emptied Redis)."""
    from django.core.cache import cache

    from front import gazetteer, search

    client = cache._cache.get_client(write=True)
    for pattern in ("*gazetteer*", "*search:places*"):  # an emptied Redis
        if keys := client.keys(pattern):
            client.delete(*keys)
    monkeypatch.setattr(gazetteer, "_resolved", {})
    call_command("warm_summaries", stdout=io.StringIO())

    def reading(*args, **kwargs):
        raise AssertionError("the gazetteer file was read in the request")

    monkeypatch.setattr(gazetteer, "_read", reading)
    monkeypatch.setattr(gazetteer, "_resolved", {})  # a fresh web process
    client.delete(*client.keys("*search:places*"))  # the places' list, not the gazetteer
    places, aliases = search.place_list()
    assert places and any(alias == "Ulan Bator" for _, _, alias in aliases)
    assert "Ulaanbaatar" in reader.get("/search/", {"q": "Ulan Bator"}).content.decode()


def test_warming_with_redis_out_of_reach_says_so_and_counts_nothing(
    seeded, settings, dead_port, monkeypatch
):
    """It said "692 summaries current in 16.3 s" with REDIS_URL at a dead port."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    refuse_to_count(monkeypatch)
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"The cache \(REDIS_URL\) cannot be reached"):
        call_command("warm_summaries", stdout=out)
    assert "current" not in out.getvalue()


def test_warming_says_when_redis_failed_part_way(seeded, settings, monkeypatch):
    from core.cache import breaker

    calls = []
    original = summaries.state_counts

    def state_counts_while_redis_fails(state):
        if not calls:  # Redis fails once, during the first state's counts
            breaker.failed("elsewhere", ConnectionError("lost"))
        calls.append(state)
        return original(state)

    monkeypatch.setattr(summaries, "state_counts", state_counts_while_redis_fails)
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"failed meanwhile: some were not kept"):
        call_command("warm_summaries", stdout=out)
    assert "current" not in out.getvalue()
