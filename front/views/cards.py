"""A country's and a person's card: the PNG a link preview shows, and the page another
site may embed in a frame (the only addresses of the site that may be framed)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from core import pagecache
from front import cards
from front.pages import finish

# Browsers and link-preview crawlers may keep a card for an hour, then revalidate it
# (its ETag is the digest of its facts: an unchanged card costs a 304).
IMAGE_CACHE_SECONDS = 60 * 60

# The site's policy, except that any site may frame these pages.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def _png(draw) -> HttpResponse:
    """The card `draw()` gives (its CardFacts) as a PNG, kept an hour by browsers and
    crawlers; not kept (revalidated at once) when its counts are those of an earlier data
    version, returned while they are recounted after a write (core.pagecache.summary)."""
    facts, stale = pagecache.with_staleness(draw)
    response = HttpResponse(cards.card_png(facts), content_type="image/png")
    response["ETag"] = f'"{facts.digest}"'
    if stale:
        patch_cache_control(response, public=True, no_cache=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=IMAGE_CACHE_SECONDS)
    return response


def state_card(request, iso3: str, lang: str):
    """/states/MNG/card.fr.png: the country's card, 1200×630, in the language named."""
    return _png(lambda: cards.state_card(iso3.upper(), lang))


def person_card(request, slug: str, lang: str):
    """/persons/vladimir-putin/card.en.png: the person's card, 1200×630."""
    return _png(lambda: cards.person_card(slug, lang))


def _embed(request, facts: cards.CardFacts, page_url: str):
    return finish(
        render(
            request,
            "embed/card.html",
            {
                "card": facts,
                "title": cards.embed_title(facts.name),
                "page_url": request.build_absolute_uri(page_url),
            },
        )
    )


@xframe_options_exempt
@csp_override(EMBED_CSP)
def embed_state(request, iso3: str):
    """/embed/states/MNG/: the country's card as a small page for another site's frame."""
    facts = cards.state_card(iso3.upper(), cards.page_language())
    return _embed(request, facts, reverse("state", kwargs={"iso3": facts.key}))


@xframe_options_exempt
@csp_override(EMBED_CSP)
def embed_person(request, slug: str):
    """/embed/persons/vladimir-putin/: the person's card as a small page for a frame."""
    facts = cards.person_card(slug, cards.page_language())
    return _embed(request, facts, reverse("person", kwargs={"slug": facts.key}))
