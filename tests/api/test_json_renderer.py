"""The API's JSON renderer (api.formats.JSONRenderer, orjson) writes the bytes DRF's own
renderer writes, for every kind of value the API answers with."""

import datetime
import decimal
import uuid
import zoneinfo

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
    assert JSONRenderer().render(data) == drf(data)


def test_what_orjson_cannot_write_goes_to_drf():
    huge = {"value": 2**70}
    assert JSONRenderer().render(huge) == drf(huge) == b'{"value":1180591620717411303424}'
    indented = "application/json; indent=4"
    data = {"a": [1, 2]}
    assert JSONRenderer().render(data, indented, {}) == drf(data, indented)
    assert JSONRenderer().render(None) == b""
