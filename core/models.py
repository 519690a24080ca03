"""Models shared by every app: the public sources that back each fact."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    """How much of a date the sources give: a partial date means "some day in that period"."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Source(models.Model):
    """A public document that backs a fact: a news report, a court decision, a treaty record.

    One row per URL; visits, warrants, treaty events, declarations, findings and
    statements point at the sources they rest on.
    """

    url = models.URLField(max_length=1000, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True)
    archived_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["url"]

    def __str__(self):
        return self.publisher or self.url

    def save(self, *args, **kwargs):
        if not self.publisher:
            self.publisher = publisher_from_url(self.url)
        super().save(*args, **kwargs)


def carries_credentials(url: str) -> bool:
    """Whether a source's address holds a user name or password ("https://ana:pw@host/"),
    which a public page would show to every reader: refused by the newsroom
    (visits.review.address_refusal) and the importer alike. An address urllib cannot
    split is not said to."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.username is not None or parts.password is not None


def publisher_from_url(url: str) -> str:
    """A readable publisher name from a URL's host (www. dropped)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
