"""The language switch (/language/<code>/?next=) leads to a page of this site, never another.

Measured defect: `?next=/fr//evil.example/phish` was checked as it came (a path of this
site), then translated to English by dropping the "/fr" prefix, and the redirect went to
what was left, `//evil.example/phish` (written `////evil.example/phish`), which a browser
opens as http://evil.example/phish. The sign-in page's `next` led to the switch, and the
404 page of /fr//evil.example linked to it with that very `next`.
"""

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from core.locale import translate_path
from tests.security.helpers import PASSWORD, account

pytestmark = pytest.mark.django_db

# `next` as the switch reads it: each is a path of this site before its translation.
NEXTS = [
    "/fr//evil.example/phish",
    "/fr///evil.example/phish",
    "/fr////evil.example",
    "/fr/\\evil.example",
    "/fr/\\\\evil.example",
    "/fr/\\/evil.example",
    "/fr//\\evil.example",
    "/fr/%2F%2Fevil.example",
    "/fr/%5C%5Cevil.example",
    "/fr/\t/evil.example",
    "/fr/\n/evil.example",
    "/fr/\r\n/\tevil.example",
    "/fr/\t\\evil.example",
    "/fr-ca//evil.example",
    "/fr",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/ /evil.example",
    "//evil.example/fr/",
    "https://evil.example/",
    "http:/\\evil.example",
    "/\\/evil.example",
    "/states//evil.example",
    "/fr/states//evil.example",
]
# The same, as written in an address: encoded once more (the query string's own %2F).
QUERIES = [
    "next=/fr/%2F%2Fevil.example",
    "next=/fr/%5C%5Cevil.example",
    "next=/fr/%252F%252Fevil.example",
    "next=/fr/%255C%255Cevil.example",
    "next=/fr/%09/evil.example",
    "next=/fr/%0A/evil.example",
    "next=%2Ffr%2F%2Fevil.example",
    "next=/%5Cevil.example",
]
CODES = [code for code, _name in settings.LANGUAGES]


def on_this_site(location: str) -> bool:
    """Whether a browser told to go to `location` stays on this site: a path opening with
    one slash and no second slash or backslash after it (which a browser reads as another
    host's address, WHATWG URL Standard), and no tab or newline anywhere (which a browser
    drops before reading it: "/\\t/evil" is "//evil")."""
    return bool(re.fullmatch(r"/(?![/\\])[^\t\n\r]*", location))


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("target", NEXTS)
def test_the_switch_never_leads_to_another_site(client, code, target):
    response = client.get(reverse("set-language", args=[code]), {"next": target})
    assert response.status_code == 302
    assert on_this_site(response["Location"]), (code, target, response["Location"])


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("query", QUERIES)
def test_the_switch_never_leads_to_another_site_whatever_the_encoding(client, code, query):
    response = client.get(f"{reverse('set-language', args=[code])}?{query}")
    assert response.status_code == 302
    assert on_this_site(response["Location"]), (code, query, response["Location"])


@pytest.mark.parametrize("code", CODES)
def test_another_sites_address_leads_to_the_home_page_of_the_language(client, code):
    home = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = client.get(reverse("set-language", args=[code]), {"next": target})
        assert response["Location"] == home, (code, target)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("translated", ["//evil.example/", "/\\evil.example", "/\t/evil.example"])
def test_the_switch_checks_the_address_it_leads_to_not_only_next(
    client, monkeypatch, code, translated
):
    """Whatever the translation gives, the switch leads to it only when it is this site's."""
    home = translate_path("/", code)
    monkeypatch.setattr(
        "front.views.home.translate_path", lambda url, c: home if url == "/" else translated
    )
    response = client.get(reverse("set-language", args=[code]), {"next": "/states/"})
    assert response["Location"] == home, (code, translated)


def test_a_path_after_the_language_prefix_keeps_its_page_with_one_slash(client):
    """The doubled slash is dropped, not the page: /fr//states/ is /states/ in English."""
    assert client.get("/language/en/", {"next": "/fr//states/"})["Location"] == "/states/"
    assert client.get("/language/en/", {"next": "/fr/\\\\states/"})["Location"] == "/states/"
    assert client.get("/language/fr/", {"next": "//states/?a=1"})["Location"] == "/fr/"
    assert client.get("/language/en/", {"next": "/fr/states/?a=1"})["Location"] == "/states/?a=1"


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("target", NEXTS)
def test_translate_path_never_gives_another_sites_address(code, target):
    assert on_this_site(translate_path(target, code)), (code, target)


@pytest.mark.parametrize(
    "path",
    [
        "/fr//evil.example",
        "/fr///evil.example/phish",
        "/fr/%2F%2Fevil.example",
        "/fr/%5Cevil.example",
        "/fr/%5C%5Cevil.example",
        "/fr/%09/evil.example",
        "/fr/%5C/evil.example",
        "/nothing//evil.example",
    ],
)
def test_the_language_links_of_a_page_not_found_stay_on_this_site(client, path):
    """The 404 page offers each language through the switch, with the page's own address
    as `next`: never one that the switch, or a browser, could read as another site's."""
    html = client.get(path).content.decode()
    links = re.findall(r'href="(/language/(\w+)/\?next=[^"]*)"', html)
    assert {code for _link, code in links} == set(CODES), path
    for link, _code in links:
        link = link.replace("&amp;", "&")
        (target,) = parse_qs(urlsplit(link).query)["next"]
        rest = re.sub(r"^/fr(?=/|$)", "", target) or "/"
        assert on_this_site(target) and on_this_site(rest), (path, link)
        response = client.get(link)
        assert response.status_code == 302
        assert on_this_site(response["Location"]), (path, link, response["Location"])


def test_signing_in_on_the_way_to_the_switch_lands_on_this_site(client):
    """The sign-in page's `next` may be the switch (an address of this site), whose own
    `next` leads nowhere else: each step of the way stays here."""
    account("rita", "reviewers")
    switch = "/language/en/?next=" + quote("/fr//evil.example/phish", safe="/")
    sign_in = reverse("newsroom:sign-in") + "?next=" + quote(switch, safe="/")
    assert client.get(sign_in).status_code == 200
    response = client.post(sign_in, {"username": "rita", "password": PASSWORD, "next": switch})
    assert response.status_code == 302 and response["Location"] == switch
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert on_this_site(response["Location"]), response["Location"]
    assert response["Location"] == "/evil.example/phish"


def test_the_readmes_examples_of_the_switch_are_what_it_does(client):
    """README said `?next=/fr//evil.example` "leads to /evil.example on this site": the
    English switch's answer, while the French one leads to /fr/evil.example. Each example
    it gives, `/language/<code>/?next=…` leads to `…`, is the switch's answer; one without
    a language would have to be every language's."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## The site") : readme.index("## The newsroom")]
    examples = re.findall(
        r"`(?:/language/(\w+)/)?\?next=([^`]+)` leads to `([^`]+)`", " ".join(section.split())
    )
    assert examples, "the README gives no example of the switch"
    for code, target, location in examples:
        for language in [code] if code else CODES:
            response = client.get(reverse("set-language", args=[language]), {"next": target})
            assert response["Location"] == location, (language, target, response["Location"])
