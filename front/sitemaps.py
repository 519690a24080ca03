"""sitemap.xml: every public page a search engine should know, in each language.

/sitemap.xml is an index of sections (/sitemap-states.xml, ...), each split into files
of at most 50,000 addresses (?p=2, ...): the limit search engines read. The visits'
section is split by ranges of ids instead (`VisitSitemap.ids_per_file`, `IdRanges`), at
most 10,000 addresses a file, each read with a range query on the key: any file costs
about the same at a thousand visits or a million. Every address comes once per language
(/states/MNG/, /fr/states/MNG/), each with its alternates (hreflang en, fr and
x-default), as Django's sitemaps framework writes them.

Django's i18n sitemaps build the list of (item, language) pairs of a whole section in
memory; `LocalizedSitemap` reads a page's pairs with one sliced query instead (an OFFSET:
fine for the states and persons, too slow for the last file of a million visits, hence
`IdRanges`), and writes its elements itself (`url_elements`, streamed by
front.views.home.sitemap_section): the index is Django's own view.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

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

    def url_elements(self, page: int, base: str) -> Iterator[str]:
        """The <url> elements of file `page` (1-based) of this section, `base` the site's
        scheme and host ("https://iccwatch.example.org"). Raises django.core.paginator's
        InvalidPage for a page that does not exist.

        The same elements Django's sitemap view writes (its template takes about four
        times as long at 50,000 addresses), with each item's address reversed once: the
        other languages' addresses are the English one under their prefix (/fr/...), as
        i18n_patterns builds them.
        """
        languages = self._languages()
        prefixes = {}
        for code in languages:
            with translation.override(code):
                prefixes[code] = reverse("home")  # "/" or "/fr/"
        english = prefixes[settings.LANGUAGE_CODE]
        pairs = self.paginator.page(page).object_list
        current, locations, alternates = None, {}, ""
        for item, language in pairs:
            if item is not current:
                current = item
                with translation.override(settings.LANGUAGE_CODE):
                    rest = self.location(item).removeprefix(english)
                locations = {code: escape(base + prefixes[code] + rest) for code in languages}
                links = [*locations.items(), ("x-default", locations[settings.LANGUAGE_CODE])]
                alternates = "".join(
                    f'<xhtml:link rel="alternate" hreflang="{code}" href="{url}"/>'
                    for code, url in links
                )
            yield f"<url><loc>{locations[language]}</loc>{alternates}</url>\n"


class ListQuery(list):
    """A fixed list that answers `count()` like a queryset (for LanguagePairs)."""

    def count(self) -> int:  # type: ignore[override]
        return len(self)


class PageSitemap(LocalizedSitemap):
    """The home page, the lists (unfiltered) and the pages about the site and its data."""

    NAMES = (
        "home",
        "incidents",
        "visits",
        "states",
        "persons",
        "warrants",
        "method",
        "changes",
        "data",
        "data-changelog",
        "data-dictionary",
    )

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


@dataclass
class _File:
    object_list: list


class IdRanges:
    """The files of a section split by ranges of primary keys, as a Paginator is read by
    Django's sitemap index (`num_pages`) and by `LocalizedSitemap.url_elements`
    (`page(n).object_list`, the (item, language) pairs of file n).

    The ranges are those of `ids_per_file` consecutive keys, ((r * ids_per_file,
    (r + 1) * ids_per_file]), that hold at least one listed item: file n is the n-th of
    them, so no file is an empty urlset (which the sitemap schema does not allow) however
    many ids in a row are deleted, unpublished or held by reports not yet verified. A file
    holds at most `ids_per_file` items, each once per language, read with one range query
    on the key after one that finds the ranges (an index probe per range), never an OFFSET
    that grows with the file's number. Raises PageNotAnInteger or EmptyPage
    (django.core.paginator's InvalidPage) as Paginator.page does.
    """

    def __init__(self, queryset: QuerySet, languages: list[str], ids_per_file: int):
        self.queryset = queryset.order_by("pk")
        self.languages = languages
        self.ids_per_file = ids_per_file

    @cached_property
    def ranges(self) -> list[int]:
        """The numbers r (from 0) of the ranges that hold a listed item, in order. One
        recursive query that jumps from each range's first listed key to the next range."""
        listed, params = self.queryset.order_by().values_list("pk").query.sql_with_params()
        size = self.ids_per_file
        sql = f"""
            WITH RECURSIVE firsts(pk) AS (
                SELECT min(listed.pk) FROM ({listed}) AS listed(pk)
                UNION ALL
                SELECT (
                    SELECT min(listed.pk) FROM ({listed}) AS listed(pk)
                    WHERE listed.pk > ((firsts.pk - 1) / %s + 1) * %s
                )
                FROM firsts WHERE firsts.pk IS NOT NULL
            )
            SELECT (pk - 1) / %s FROM firsts WHERE pk IS NOT NULL
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *params, size, size, size])
            return [row[0] for row in cursor.fetchall()]

    @property
    def num_pages(self) -> int:
        """The number of files: one per range holding a listed item, at least 1."""
        return max(1, len(self.ranges))

    def page(self, number) -> _File:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results")
        if not self.ranges:  # nothing listed: one empty file, as Django's paginator gives
            return _File([])
        first = self.ranges[number - 1] * self.ids_per_file
        items = self.queryset.filter(pk__gt=first, pk__lte=first + self.ids_per_file)
        return _File([(item, language) for item in items for language in self.languages])


class VisitSitemap(LocalizedSitemap):
    """Every published visit's page (withdrawn records keep their page, off the map), in
    files of `ids_per_file` consecutive ids (`IdRanges`): at most twice as many addresses
    (one per language), whatever the number of visits."""

    ids_per_file = 5000

    def items(self):
        return Visit.objects.published().order_by("pk").only("slug")

    @property
    def paginator(self) -> IdRanges:
        return IdRanges(self.items(), self._languages(), self.ids_per_file)


SITEMAPS = {
    "pages": PageSitemap,
    "states": StateSitemap,
    "persons": PersonSitemap,
    "visits": VisitSitemap,
}
