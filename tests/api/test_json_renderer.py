"""The API's JSON renderer (api.formats.JSONRenderer) writes the bytes DRF's own renderer
writes: with orjson for a view whose answers are plain (the visit list's pages), with
DRF's renderer for every other."""

import datetime
import decimal
import uuid
import zoneinfo

import orjson
import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from api.formats import JSONRenderer

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/",
    "/api/v1/visits/?page_size=100",
    "/api/v1/visits/?page_size=20&lang=fr&facets=host,verdict",
    "/api/v1/visits/?as_of=2025-01-01&page_size=20",
    "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
    "/api/v1/incidents/",
    "/api/v1/states/?page_size=500",
    "/api/v1/states/MNG/",
    "/api/v1/persons/?page_size=100",
    "/api/v1/persons/vladimir-putin/",
    "/api/v1/warrants/",
    "/api/v1/findings/",
    "/api/v1/referrals/",
    "/api/v1/statements/",
    "/api/v1/search/?q=putin",
    "/api/v1/visits/?verdict=nothing",
    "/api/v1/visits/no-such-visit/",
    "/api/v1/visits/?page_size=0",
]


def drf(data, media_type=None):
    return renderers.JSONRenderer().render(data, media_type, {})


class PlainView:
    def plain_json(self):
        return True


def plain(data, media_type=None):
    """Rendered as a view with plain answers has it rendered (with orjson)."""
    return JSONRenderer().render(data, media_type, {"view": PlainView()})


def test_the_visit_lists_pages_are_written_with_orjson(api_client, seeded, settings, monkeypatch):
    settings.ICCWATCH_PAGE_CACHE = False
    calls = []
    real = orjson.dumps
    monkeypatch.setattr(orjson, "dumps", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert api_client.get("/api/v1/visits/?page_size=20").status_code == 200
    assert calls
    calls.clear()
    assert api_client.get("/api/v1/states/MNG/").status_code == 200
    assert api_client.get("/api/v1/visits/?as_of=2025-01-01").status_code == 200
    assert not calls


@pytest.mark.parametrize("url", URLS)
def test_every_answer_is_written_as_drf_writes_it(api_client, seeded, settings, url):
    settings.ICCWATCH_PAGE_CACHE = False
    for language in ("en", "fr"):
        response = api_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response["Content-Type"].startswith("application/json"), url
        assert response.content == drf(response.data), url


UTC = datetime.UTC
VALUES = {
    "escapes": '"\\/\b\f\n\r\t\x00\x01\x1f\x7f é 😀 \u2028 \u2029 </script>',
    "lazy": gettext_lazy("non-compliance"),
    "decimal": decimal.Decimal("12.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "utc": datetime.datetime(2024, 9, 2, 10, 30, 0, 120000, tzinfo=UTC),
    "utc whole second": datetime.datetime(2024, 9, 2, 10, 30, tzinfo=UTC),
    "zoneinfo utc": datetime.datetime(2024, 9, 2, 10, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),
    "offset": datetime.datetime(2024, 9, 2, 10, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Ulaanbaatar")),
    "naive": datetime.datetime(2024, 9, 2, 10, 30, 5),
    "date": datetime.date(2024, 9, 2),
    "time": datetime.time(10, 30, 5, 7),
    "nested": ReturnDict(
        {"a": ReturnList([1, None, True, 2.5, (1, 2)], serializer=None)}, serializer=None
    ),
    "int keys": {1: "one", 2: "two"},
    "empty": {"list": [], "dict": {}, "string": ""},
}


@pytest.mark.parametrize("name", VALUES)
def test_each_kind_of_value_is_written_as_drf_writes_it(name):
    data = {"value": VALUES[name]}
    assert plain(data) == drf(data)
    assert JSONRenderer().render(data) == drf(data)


@pytest.mark.parametrize("value", [1e-05, 1e16, float("nan")])
def test_an_answer_not_declared_plain_goes_to_drf(value):
    """Floats orjson writes otherwise (0.00001, 1e16, null) go through DRF's renderer."""
    data = {"value": value}
    if value != value:  # NaN: DRF's strict JSON refuses it
        with pytest.raises(ValueError):
            JSONRenderer().render(data)
    else:
        assert JSONRenderer().render(data) == drf(data)


def test_what_orjson_cannot_write_goes_to_drf():
    huge = {"value": 2**70}
    assert plain(huge) == drf(huge) == b'{"value":1180591620717411303424}'
    lazy = {"value": gettext_lazy("non-compliance")}
    assert plain(lazy) == drf(lazy)
    indented = "application/json; indent=4"
    data = {"a": [1, 2]}
    assert plain(data, indented) == drf(data, indented)
    assert plain(None) == b""
