"""sitemap.xml: every public page a search engine should know, in each language.

/sitemap.xml is an index of sections (/sitemap-states.xml, ...), each split into files
of at most 50,000 addresses (?p=2, ...): the limit search engines read. Every address
comes once per language (/states/MNG/, /fr/states/MNG/), each with its alternates
(hreflang en, fr and x-default), as Django's sitemaps framework writes them.

Django's i18n sitemaps build the list of (item, language) pairs of a whole section in
memory; `LocalizedSitemap` reads a page's pairs with one sliced query instead, so a
file costs the same with a thousand visits or a million.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from states.models import State
from visits.models import Visit
from warrants.models import Person


class LanguagePairs:
    """The (item, language) pairs of an ordered queryset, read a slice at a time.

    Behaves as the sequence a Paginator needs: `count()` and slicing.
    """

    def __init__(self, queryset: QuerySet, languages: list[str]):
        self.queryset = queryset
        self.languages = languages

    def count(self) -> int:
        return self.queryset.count() * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("LanguagePairs supports contiguous slices only")
        per_item = len(self.languages)
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        first, last = start // per_item, -(-stop // per_item)
        pairs = [
            (item, language) for item in self.queryset[first:last] for language in self.languages
        ]
        offset = first * per_item
        return pairs[start - offset : stop - offset]


class LocalizedSitemap(Sitemap):
    """A section listed in every language, with hreflang alternates and x-default."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        return LanguagePairs(self.items(), self._languages())


class ListQuery(list):
    """A fixed list that answers `count()` like a queryset (for LanguagePairs)."""

    def count(self) -> int:  # type: ignore[override]
        return len(self)


class PageSitemap(LocalizedSitemap):
    """The home page and the lists (unfiltered)."""

    NAMES = ("home", "incidents", "visits", "states", "persons", "warrants", "changes")

    def items(self):
        return ListQuery(self.NAMES)

    def location(self, item):
        return reverse(item)


class StateSitemap(LocalizedSitemap):
    """Every state's page."""

    def items(self):
        return State.objects.order_by("iso3").only("iso3")


class PersonSitemap(LocalizedSitemap):
    """Every person's page."""

    def items(self):
        return Person.objects.order_by("pk").only("slug")


class VisitSitemap(LocalizedSitemap):
    """Every published visit's page (withdrawn records keep their page, off the map)."""

    def items(self):
        return Visit.objects.published().order_by("pk").only("slug")


SITEMAPS = {
    "pages": PageSitemap,
    "states": StateSitemap,
    "persons": PersonSitemap,
    "visits": VisitSitemap,
}
