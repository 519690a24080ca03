"""The language of an answer: `?lang=` wins over `Accept-Language`; explanations rendered in it.

- `?lang=fr` (or `en`: one of settings.LANGUAGES, any case) sets the answer's language;
  any other value is a 400 `invalid_filter` naming `lang`.
- Without it, Django's LocaleMiddleware has already chosen from the request (the
  site's language cookie, then `Accept-Language`, else English).
- The answer says which in `Content-Language` (and `Vary: Accept-Language`), set by
  the middleware from the active language.

What the language changes: each verdict's `explanation` (rendered from its structured
`reasons`) and `label`, each state's and situation's `translated_name`, the site pages the answers link to
(`page_url`: /fr/... for French), and /search/'s `name` (what to show a reader) and `page`.
Data stays language-neutral: codes, ISO dates, and a record's `name`, the dataset's English
name.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter

from api.errors import InvalidFilter
from core import reasons as reasons_renderer
from core.echo import echoed

LANG = "lang"


def supported() -> list[str]:
    """The language codes `?lang=` accepts (settings.LANGUAGES: "en", "fr")."""
    return [code for code, _ in settings.LANGUAGES]


def requested_language(request) -> str | None:
    """The `?lang=` of the request, validated; None when absent or empty."""
    raw = request.query_params.get(LANG)
    if raw in (None, ""):
        return None
    value = raw.strip().lower()
    if value not in supported():
        raise InvalidFilter(
            {
                LANG: [
                    f"{echoed(raw)!r} is not a language the API answers in: use one of "
                    f"{', '.join(supported())}."
                ]
            }
        )
    return value


def activate_for(request) -> str:
    """Activate the answer's language for the rest of the request and return it."""
    language = requested_language(request)
    if language is not None:
        translation.activate(language)
    return answer_language()


def answer_language() -> str:
    """The active language, reduced to one the API answers in ('fr-ca' -> 'fr')."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return language if language in supported() else settings.LANGUAGE_CODE


def render_explanation(
    reasons: Sequence[dict] | None, stored: str, language: str | None = None
) -> str:
    """The explanation in `language` (default: the active one), from the structured reasons.

    Falls back to `stored` (the English rendering kept with the verdict) when there are
    no reasons (a verdict recorded before reasons were kept).
    """
    return reasons_renderer.explanation_or_stored(reasons, stored, language or answer_language())


def lang_parameter() -> OpenApiParameter:
    """The documented `?lang=` parameter."""
    return OpenApiParameter(
        LANG,
        str,
        OpenApiParameter.QUERY,
        enum=supported(),
        description=(
            "The language of the texts meant for readers: each verdict's `label` and `explanation` "
            "(rendered from its structured `reasons`), and each `cause` and `explanation` of a visit's "
            "`history`; each state's and situation's `translated_name`; each state's "
            "`treaty_status.explanation` and its obligations' `scope`; the site's pages linked "
            "(`page_url`, and /search/'s `page`) and /search/'s `name`. Wins over the `Accept-Language` "
            "header (also honoured, e.g. `Accept-Language: fr`); the answer's `Content-Language` says "
            "which was used. Default English. Codes, ISO dates and `name` (the dataset's English name) "
            "do not change. Any other value is a 400 `invalid_filter`."
        ),
    )
