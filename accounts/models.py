"""What the project keeps of a staff account beyond Django's user: the language it last
used the newsroom in (accounts.languages), the language of its mails."""

from django.conf import settings
from django.db import models


class NewsroomLanguage(models.Model):
    """The language (a code of settings.LANGUAGES: "en", "fr") in which `user` last loaded
    a newsroom page; one row per account that ever did, none for the others. Written by
    accounts.middleware.NewsroomLanguageMiddleware only when it changes, read by every
    mail to the account (accounts.languages.language_of)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="newsroom_language",
    )
    language = models.CharField(
        max_length=8, help_text="The language of the account's last newsroom page, and its mails."
    )

    def __str__(self):
        return f"{self.user_id}: {self.language}"
