"""The shortcuts of the API's serialization (precomputed addresses, plain column reads,
explanations rendered once per process) give the same bytes as DRF's own way."""

import pytest
from rest_framework import serializers
from rest_framework.relations import HyperlinkedRelatedField

from api import base
from api.visits import serializers as visit_serializers
from core import reasons

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/visits/?page_size=50",
    "/api/v1/visits/?page_size=50&page=2",
    "/api/v1/visits/?page_size=50&lang=fr",
    "/api/v1/visits/?page_size=50&as_of=2025-01-01",
    "/api/v1/visits/?page_size=50&verdict=withdrawn",
    "/api/v1/incidents/",
    "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
    "/api/v1/states/?page_size=50",
    "/api/v1/states/MNG/",
    "/api/v1/persons/?page_size=50",
    "/api/v1/findings/",
]


def the_slow_way(monkeypatch):
    """DRF's reverse() per link and field-by-field representation; explanations rendered
    every time: the serialization as it was before the shortcuts."""

    def generic(self, instance):
        return serializers.Serializer.to_representation(self, instance)

    monkeypatch.setattr(base.PlainReadMixin, "to_representation", generic)
    monkeypatch.setattr(base.LinkField, "get_url", HyperlinkedRelatedField.get_url)
    monkeypatch.setattr(base, "plain_link", lambda *args: None)
    monkeypatch.setattr(visit_serializers, "plain_link", lambda *args: None)
    monkeypatch.setattr(reasons, "render", lambda r, language=None: reasons._render(r, language))


@pytest.mark.parametrize("url", URLS)
def test_the_json_is_the_same_as_drfs_own(api_client, seeded, settings, monkeypatch, url):
    settings.ICCWATCH_PAGE_CACHE = False
    fast = api_client.get(url, HTTP_X_FORWARDED_PROTO="https")
    again = api_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")  # the rendered explanations reused
    the_slow_way(monkeypatch)
    slow = api_client.get(url, HTTP_X_FORWARDED_PROTO="https")
    slow_again = api_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert again.content == slow_again.content


def test_links_with_characters_reverse_would_quote_are_reversed(rf):
    request = rf.get("/api/v1/visits/")
    assert base.plain_link(request, "api-visit-detail", "id", "a-b_1") == (
        "http://testserver/api/v1/visits/a-b_1/"
    )
    assert base.plain_link(request, "api-visit-detail", "id", "é") is None
    assert base.plain_link(request, "api-visit-detail", "id", "a.b") is None
    assert base.plain_link(None, "api-visit-detail", "id", "a") is None
    assert base.plain_link(request, "api-finding-detail", "pk", 12).endswith("/findings/12/")


def test_an_explanation_is_rendered_once_per_language(seeded):
    from visits.models import Verdict

    verdict = Verdict.objects.exclude(reasons=[]).first()
    reasons._render_json.cache_clear()
    english = reasons.render(verdict.reasons, "en")
    french = reasons.render(verdict.reasons, "fr")
    assert english != french
    assert (
        reasons.render(verdict.reasons, "en") == english == reasons._render(verdict.reasons, "en")
    )
    assert reasons._render_json.cache_info().hits == 1
