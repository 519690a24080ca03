"""The language of a staff account's mails: the one it last used the newsroom in.

Accounts choose no language: the newsroom, like the admin and the API, is in the language
of the browser's cookie (the language switch) or its Accept-Language header
(core.locale). Each time a signed-in account loads a newsroom page the language of that
page is recorded for it (`record`, from accounts.middleware.NewsroomLanguageMiddleware),
written only when it differs from the one recorded, so that an account working in one
language costs one read per page and no write. Every mail to an account is then written
in that language (`language_of`): a report awaiting review to its reviewers, a review's
outcome to its author, a password link; an account that never loaded a newsroom page
gets the language the mail's caller names (the language the reviewer acted in, the page
the reset was asked from), else the site's default (settings.LANGUAGE_CODE).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from accounts.models import NewsroomLanguage


def supported(code: str | None) -> str | None:
    """The language of settings.LANGUAGES that `code` names ("fr", "fr-ca" -> "fr", any
    case), or None for an empty or unknown code ("de", "")."""
    primary = (code or "").split("-")[0].lower()
    return primary if primary in dict(settings.LANGUAGES) else None


def record(user, language: str | None) -> bool:
    """Record that `user` (a saved account) used the newsroom in `language`; returns True
    when this changed what was recorded, False when it was recorded already or `language`
    is not one of the site's (nothing written then). One read; one statement more when
    it changed (an INSERT ... ON CONFLICT UPDATE: two first pages at once write the same
    row, never fail)."""
    code = supported(language)
    if code is None:
        return False
    rows = NewsroomLanguage.objects.filter(user_id=user.pk)
    if rows.values_list("language", flat=True).first() == code:
        return False
    NewsroomLanguage.objects.bulk_create(
        [NewsroomLanguage(user_id=user.pk, language=code)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["language"],
    )
    return True


def language_of(user, fallback: str | None = None) -> str:
    """The language to write to `user` in: the one it last used the newsroom in, else
    `fallback` when the site has it ("fr-ca" reads "fr"), else settings.LANGUAGE_CODE.
    Reads the recorded language with `user` when it was loaded with it
    (`select_related("newsroom_language")`: no query), else in one query."""
    try:
        recorded = supported(user.newsroom_language.language)
    except ObjectDoesNotExist:
        recorded = None
    return recorded or supported(fallback) or settings.LANGUAGE_CODE
