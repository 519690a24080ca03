"""How every public page is answered: rendered, validated, and marked as varying by language."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from front import citations

# Browsers and proxies may keep a page but must revalidate it (ETag, added by
# ConditionalGetMiddleware from the content) before showing it again: a verdict can
# change at any time, and a 304 costs the reader almost nothing.
CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}


def render_page(request, template: str, context: dict, status: int = 200):
    """Render a public page. The language comes from the cookie or Accept-Language, so
    responses vary by both (LocaleMiddleware adds Accept-Language). A page whose context
    holds a `citation` answers `?cite=bibtex` and `?cite=ris` with that citation's file."""
    if "cite" in request.GET and "citation" in context:
        return finish(citations.download(context["citation"], request.GET["cite"]))
    response = render(request, template, context, status=status)
    finish(response)
    return response


def finish(response):
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    patch_cache_control(response, **CACHE_CONTROL)
    return response
