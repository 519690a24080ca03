"""The dataset's identifiers: what a slug and an ISO3 code look like, everywhere.

- A **slug** names a person, a situation, a warrant (`vladimir-putin-2023-03-17`) or a
  visit (`vladimir-putin-mng-2024-09-02`): lowercase ASCII letters and digits in words
  joined by single hyphens, at most `SLUG_MAX_LENGTH` characters.
- An **ISO3** code names a state: ISO 3166-1 alpha-3, stored in capitals (`MNG`).
  Addresses and query parameters accept any case (`/states/mng/` redirects to
  `/states/MNG/`), so `ISO3_ANY_CASE` is what a URL matches.

The patterns carry no anchors (URL converters and `re.fullmatch` need none); the
`*_ANCHORED` forms are for regex fields of the OpenAPI schema and database checks.
The URL converters are registered as `<slug_id:...>` and `<iso3:...>` when the `core`
app is ready.
"""

import datetime
import re

from django.core.validators import RegexValidator

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# A slug as a reader may type it, capitals and all (/persons/Vladimir-Putin/): the site
# redirects it to its lower case.
SLUG_ANY_CASE = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
SLUG_MAX_LENGTH = 150
ISO3 = r"[A-Z]{3}"
ISO3_ANY_CASE = r"[A-Za-z]{3}"
# Findings and joint statements have no dataset id: their addresses use the database's,
# written one way only (ASCII digits, no leading zero: no "01" or "١٢" beside "12").
DATABASE_ID = r"[1-9][0-9]{0,17}"

# A whole number in a query parameter (a page, a page size, a cursor, a year, a limit):
# ASCII digits only, as many as a PostgreSQL bigint holds. Python's int() also reads a
# sign, spaces, underscores and every script's digits ("+1", " 1", "1_0", "１", "١"),
# each another spelling of a value the address should write one way.
WHOLE_NUMBER = r"[0-9]{1,19}"
# A day in a query parameter (the lists' date filters, `as_of`): YYYY-MM-DD in ASCII digits,
# as the schema's `format: date` (RFC 3339's full-date) has it. Python's strptime and
# Django's date parsing also read other scripts' digits and an unpadded month or day
# ("٢٠٢٤-01-01", "２０２４-01-01", "2024-1-1"), and Django's date fields the locale's
# forms ("01/02/2024", a different day in English and in French).
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

SLUG_ANCHORED = rf"^{SLUG}$"
ISO3_ANCHORED = rf"^{ISO3}$"
ISO3_ANY_CASE_ANCHORED = rf"^{ISO3_ANY_CASE}$"

_SLUG_RE = re.compile(SLUG)
_ISO3_RE = re.compile(ISO3)
_WHOLE_NUMBER_RE = re.compile(WHOLE_NUMBER)
_ISO_DATE_RE = re.compile(ISO_DATE)


def is_slug(value: object) -> bool:
    """True for a well-formed slug (`vladimir-putin`), whether or not it names anything."""
    return (
        isinstance(value, str)
        and len(value) <= SLUG_MAX_LENGTH
        and _SLUG_RE.fullmatch(value) is not None
    )


def is_iso3(value: object) -> bool:
    """True for a well-formed ISO 3166-1 alpha-3 code in capitals (`MNG`)."""
    return isinstance(value, str) and _ISO3_RE.fullmatch(value) is not None


def whole_number(raw: object) -> int | None:
    """`raw` as an int when it is a string of 1 to 19 ASCII digits (`"42"`, `"0042"`), else
    None: the one reading of every integer query parameter (api.paging, the year filters,
    the API's search `limit`), so that each refuses what the others refuse."""
    if isinstance(raw, str) and _WHOLE_NUMBER_RE.fullmatch(raw):
        return int(raw)
    return None


def iso_date(raw: object) -> datetime.date | None:
    """`raw` as a date when it is a day of the calendar written YYYY-MM-DD in ASCII digits
    (`"2024-09-02"`), else None (`"2024-9-2"`, `"２０２４-09-02"`, `"2024-02-30"`,
    `"20240902"`): the one reading of every date query parameter (core.filters.IsoDateField,
    api.base.as_of_from), so that each refuses what the others refuse."""
    if isinstance(raw, str) and _ISO_DATE_RE.fullmatch(raw):
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:  # no such day (2024-02-30, 2024-13-01, 0000-01-01)
            return None
    return None


validate_slug = RegexValidator(
    rf"^{SLUG}\Z",
    "Use lowercase letters and digits in words joined by hyphens (e.g. vladimir-putin).",
)
validate_iso3 = RegexValidator(
    rf"^{ISO3}\Z", "Use an ISO 3166-1 alpha-3 code in capitals (e.g. MNG)."
)


class _PatternConverter:
    """A path converter that matches `regex` and passes the text through unchanged."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SlugConverter(_PatternConverter):
    """`<slug_id:slug>`: a dataset slug in an address."""

    regex = SLUG


class Iso3Converter(_PatternConverter):
    """`<iso3:iso3>`: an ISO3 code in an address, in any case (the view redirects to capitals)."""

    regex = ISO3_ANY_CASE


CONVERTERS = {"slug_id": SlugConverter, "iso3": Iso3Converter}
