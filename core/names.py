"""Country names, situation names and dates in the reader's language.

Country names come from pycountry's ISO 3166-1 gettext catalogues (maintained with the
standard), so that a French page reads "Mongolie" without the project keeping a list.
Dates on pages are written in words ("2 septembre 2024", "March 2009"); data files and
the API keep ISO 8601.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import gettext as gettext_module
import re

import pycountry
from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop, pgettext

from compliance import ImpossibleDate, Period, partial_isoformat
from compliance.facts import ordinal

# The dataset's situations, as the Court names them; translated in the project's catalogue.
SITUATION_NAMES = {
    name: name
    for name in (
        gettext_noop("Afghanistan"),
        gettext_noop("Central African Republic"),
        gettext_noop("Côte d'Ivoire"),
        gettext_noop("Darfur, Sudan"),
        gettext_noop("Democratic Republic of the Congo"),
        gettext_noop("Georgia"),
        gettext_noop("Kenya"),
        gettext_noop("Libya"),
        gettext_noop("Mali"),
        gettext_noop("Philippines"),
        gettext_noop("State of Palestine"),
        gettext_noop("Uganda"),
        gettext_noop("Ukraine"),
    )
}


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


@functools.cache
def _catalogue(language: str) -> gettext_module.NullTranslations:
    """pycountry's ISO 3166-1 translations for `language` (no-op for English or a missing one)."""
    if language == "en":
        return gettext_module.NullTranslations()
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _uninvert(name: str) -> str:
    """'Fédération de Russie' for 'Russie, Fédération de' (the standard sorts by the key word)."""
    head, sep, tail = name.partition(", ")
    if sep and tail.endswith((" of", " of the")):  # English: 'State of Palestine'
        return f"{tail.removeprefix('The ')} {head}"
    if sep and tail.endswith((" de", " du", " des", " d'")):
        return f"{tail[0].upper()}{tail[1:]} {head}".replace("d' ", "d'")
    if sep and tail in ("Île", "Îles", "Île de la"):
        # 'Åland, Îles' -> 'Îles Åland', 'Réunion, Île de la' -> 'Île de la Réunion'
        return f"{tail} {head}"
    return name


# Where the ISO 3166 catalogue's spelling is not the one to write: in English, where its
# short name is ambiguous ("Congo" beside the Democratic Republic of the Congo) and the
# dataset names the state otherwise; in French, where the Journal officiel's list of
# country names gives another.
_SPELLING = {
    "en": {
        "COG": "Republic of the Congo",
    },
    "fr": {
        "BLR": "Biélorussie",
        "BRN": "Brunei",
        "COG": "Congo",
        "FLK": "Îles Malouines",
        "FSM": "Micronésie",
        "GNQ": "Guinée équatoriale",
        "GRL": "Groenland",
        "KGZ": "Kirghizstan",
        "MAC": "Macao",
        "RUS": "Russie",
        "VAT": "Saint-Siège",
        "VEN": "Venezuela",
        "VIR": "Îles Vierges des États-Unis",
    },
}


@functools.cache
def _country_name(iso3: str, language: str) -> str | None:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return None
    if iso3 in _SPELLING.get(language, {}):
        return _SPELLING[language][iso3]
    catalogue = _catalogue(language)
    common = getattr(country, "common_name", None)
    name = _uninvert(catalogue.gettext(common or country.name))
    # French typography writes the apostrophe ’ ("Côte d’Ivoire"), as the site's own
    # messages do; the standard's catalogue has the straight one.
    return name.replace("'", "’") if language == "fr" else name


def country_name(iso3: str, default: str = "") -> str:
    """The name of the country `iso3` (ISO 3166-1 alpha-3) in the active language.

    In English the dataset's own name (`default`, e.g. "State of Palestine") wins over
    the standard's ("Palestine, State of"); in other languages the standard's catalogue
    gives it ("Mongolie"). An unknown code gives `default`, or the code itself.
    """
    language = _language()
    if language == "en" and default:
        return default
    return _country_name(iso3, language) or default or iso3


# English writes these country names with "the" inside a sentence ("visited the
# Philippines", "the United States is not a party"), as the UN's own style does.
_ENGLISH_ARTICLE_PREFIXES = (
    "Central African Republic",
    "Democratic ",
    "Dominican Republic",
    "Federated States",
    "Holy See",
    "Islamic Republic",
    "Kingdom of",
    "Lao People",
    "Plurinational",
    "Bolivarian",
    "Republic of",
    "Russian Federation",
    "State of ",
    "Syrian Arab Republic",
    "United ",
)
_ENGLISH_ARTICLE_NAMES = frozenset(
    {
        "Bahamas",
        "Comoros",
        "Congo",
        "Czech Republic",
        "Gambia",
        "Maldives",
        "Netherlands",
        "Philippines",
    }
)


def in_sentence(name: str) -> str:
    """A country's name as it reads inside an English sentence: "the Philippines", "the
    Democratic Republic of the Congo", "Mongolia" (other languages: the name unchanged; a
    sentence that starts with it is capitalised by whoever ends it, e.g. core.reasons)."""
    if _language() != "en" or not name:
        return name
    if (
        name in _ENGLISH_ARTICLE_NAMES
        or name.startswith(_ENGLISH_ARTICLE_PREFIXES)
        or " Islands" in name  # the Cayman Islands, the Faroe Islands
    ):
        return f"the {name}"
    return name


# French: the states named without an article inside a sentence (islands and city-states
# mostly: "concernant Cuba", "concernant Saint-Marin"), those whose name is plural ("les
# Philippines") and the masculine and feminine names their ending does not tell ("le
# Mexique", "la Sierra Leone"). Otherwise a name whose first word ends in "e" is feminine,
# any other masculine, and "le"/"la" elide before a vowel ("l’Inde"; an h is aspirated in
# the names concerned: "la Hongrie", "le Honduras").
_FRENCH_BARE_NAMES = frozenset(
    {
        "Andorre", "Anguilla", "Antigua-et-Barbuda", "Aruba", "Bahreïn", "Chypre", "Cuba",
        "Curaçao", "Djibouti", "Gibraltar", "Guam", "Guernesey", "Haïti", "Hong Kong",
        "Israël", "Jersey", "Kiribati", "Macao", "Madagascar", "Malte", "Maurice",
        "Mayotte", "Monaco", "Montserrat", "Nauru", "Nioue", "Oman", "Porto Rico", "Samoa",
        "Sao Tomé-et-Principe", "Singapour", "Taïwan", "Tokelau", "Tonga", "Trinité-et-Tobago",
        "Tuvalu", "Vanuatu", "Wallis et Futuna",
    }
)  # fmt: skip
_FRENCH_PLURAL_NAMES = frozenset(
    {
        "Bahamas", "Bermudes", "Comores", "Émirats arabes unis", "États-Unis", "Fidji",
        "Maldives", "Palaos", "Pays-Bas", "Philippines", "Samoa américaines", "Seychelles",
        "Terres australes françaises",
    }
)  # fmt: skip
_FRENCH_MASCULINE_IN_E = frozenset(
    {"Belize", "Cambodge", "Mexique", "Mozambique", "Royaume-Uni", "Saint-Siège", "Zimbabwe"}
    | {"Territoire britannique de l\u2019océan Indien"}
)
_FRENCH_FEMININE_OTHERWISE = frozenset({"Sierra Leone"})
_FRENCH_VOWELS = "AEIOUÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜ"


def with_article(name: str) -> str:
    """A country's name (already in the active language, e.g. from country_name) as it
    reads after a preposition that takes no contraction ("concernant", "about"): French
    gives it its article ("la Hongrie", "les États-Unis", "l’Inde", "le Mexique"; none for
    "Cuba", "Saint-Marin"), English the one in_sentence gives ("the Philippines"); other
    languages the name unchanged. '' stays ''."""
    language = _language()
    if language == "en":
        return in_sentence(name)
    if language != "fr" or not name:
        return name
    if name in _FRENCH_PLURAL_NAMES or name.startswith(("Îles ", "Îles-")):
        return f"les {name}"
    if name in _FRENCH_BARE_NAMES or (
        name.startswith(("Saint-", "Sainte-", "Saint ")) and name not in _FRENCH_MASCULINE_IN_E
    ):
        return name
    if name[0].upper() in _FRENCH_VOWELS:
        return f"l\u2019{name}"
    first = re.split(r"[ -]", name, maxsplit=1)[0]
    feminine = name in _FRENCH_FEMININE_OTHERWISE or (
        first.endswith("e") and name not in _FRENCH_MASCULINE_IN_E
    )
    return f"{'la' if feminine else 'le'} {name}"


def situation_name(name: str) -> str:
    """A situation's name in the active language ("Darfur, Sudan" -> "Darfour (Soudan)").

    Known situations are translated in the project's catalogue; a situation named like a
    country takes the country's name; anything else is shown as recorded.
    """
    if name in SITUATION_NAMES:
        return gettext(SITUATION_NAMES[name])
    country = pycountry.countries.get(name=name)
    if country is not None:
        return country_name(country.alpha_3, name)
    return name


def format_date(value: datetime.date | Period | str | None, precision: str = "day") -> str:
    """A date in words in the active language: '2 September 2024' / '2 septembre 2024'.

    `value` is a date (with `precision` 'day', 'month' or 'year'), a Period, or an ISO
    string possibly partial ('2009-03', '2009'); month precision gives 'March 2009' /
    'mars 2009', year precision '2009'. French writes the first of the month '1er'.
    None or '' gives ''. Raises ValueError for a string that is not such a date.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = Period.parse(value)
    if isinstance(value, Period):
        value, precision = value.first, value.precision
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if _language() == "fr" and value.day == 1:
        return formats.date_format(value, "1\\e\\r F Y")
    return formats.date_format(value, "j F Y")


def impossible_date(error: ImpossibleDate) -> str:
    """Why a date written in the right shape is none (compliance.ImpossibleDate), in the
    reader's language: "February 2026 has no 30th day." ("Février 2026 n’a pas de 30e
    jour."), "There is no day 00: days run from 01 to 28." (the month's length), "There is
    no month 13: months run from 01 to 12." The newsroom's form and the
    API's reports (visits.review.resolve) say it instead of "not a date"; the importer
    gives the error's own English text."""
    if not 1 <= error.month <= 12:
        return gettext("There is no month %(month)s: months run from 01 to 12.") % {
            "month": f"{error.month:02d}"
        }
    if error.day < 1:
        # "has no 0th day" reads as nonsense: say the days the month has.
        return gettext("There is no day %(day)s: days run from 01 to %(last)s.") % {
            "day": f"{error.day:02d}",
            "last": f"{calendar.monthrange(max(error.year, 1), error.month)[1]:02d}",
        }
    month = formats.date_format(datetime.date(max(error.year, 1), error.month, 1), "F Y")
    return gettext("%(month)s has no %(nth)s day.") % {
        "month": month[:1].upper() + month[1:],
        "nth": day_ordinal(error.day),
    }


def day_ordinal(day: int) -> str:
    """A day of the month as an ordinal in the reader's language: "30th", "31st" ("30e",
    "31e"), by English's suffixes (compliance.facts.ordinal), each translated."""
    suffix = ordinal(day).removeprefix(str(day))
    words = {
        "st": pgettext("a day of the month's ordinal", "%(day)sst"),
        "nd": pgettext("a day of the month's ordinal", "%(day)snd"),
        "rd": pgettext("a day of the month's ordinal", "%(day)srd"),
        "th": pgettext("a day of the month's ordinal", "%(day)sth"),
    }
    return words[suffix] % {"day": day}


def format_moment(value: datetime.datetime, seconds: bool = False) -> str:
    """A moment in words, in UTC: '2 December 2026, 04:59 UTC' ('2 décembre 2026, 04 h 59
    UTC'), the time in the language's TIME_FORMAT (core/formats); with `seconds`,
    '2 December 2026, 04:59:07 UTC' ('2 décembre 2026, 04 h 59 min 07 s UTC'). A naive
    `value` is read as UTC."""
    utc = value.astimezone(datetime.UTC) if value.tzinfo else value
    shape = pgettext("a time with its seconds, in Django's date format", "H:i:s")
    return gettext("%(date)s, %(time)s UTC") % {
        "date": format_date(utc.date()),
        "time": formats.time_format(utc.time(), shape if seconds else None),
    }


def span_end(value: datetime.date | Period | str | None, precision: str = "day") -> str:
    """A date as one end of a span of dates (`format_date`'s arguments): "4 March 2004",
    "March 2004"; in French "le 4 mars 2004" for a day, "mars 2004" or "2011" for a month or
    a year, so that a declaration's covered period reads "commis entre 2011 et le 31
    décembre 2027" or "depuis mars 2004", never "du 2011" or "depuis le mars 2004"."""
    if isinstance(value, str) and value:
        value = Period.parse(value)
    if isinstance(value, Period):
        precision = value.precision
    words = format_date(value, precision or "day")
    if words and (precision or "day") == "day":
        return pgettext("a day, as one end of a span of dates", "%(date)s") % {"date": words}
    return words


def as_period(value: datetime.date | Period | str | None, precision: str = "day") -> Period | None:
    """`value` (a date with its `precision`, a Period or an ISO string, possibly partial) as
    a Period; None for None or ''. Raises ValueError for a string that is not a date."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return Period.parse(value)
    if isinstance(value, Period):
        return value
    # A month or a year is stored as its first day; any day of it names the same period.
    return Period.parse(partial_isoformat(value, precision or "day"))


def without_year(period: Period) -> str:
    """A day or a month as a date inside its own year names it: "15 October", "October";
    in French "15 octobre", "1er octobre", "octobre". A year gives itself."""
    if period.precision == "year":
        return str(period.first.year)
    if period.precision == "month":
        return formats.date_format(period.first, "F")
    return format_date(period.first).rsplit(" ", 1)[0]


def _from(words: str, precision: str) -> str:
    if precision == "day":
        return pgettext("from a day on", "from %(date)s") % {"date": words}
    # French "à partir de mars", "à partir d’octobre" (elide).
    return elide(pgettext("from a month or year on", "from %(date)s") % {"date": words})


def until(value: datetime.date | Period | str, precision: str = "day") -> str:
    """The last day of a span whose start is unknown, or a note on where a span ends:
    "until 3 March 2025", "until March 2025" (French "jusqu’au 3 mars 2025", "jusqu’en
    mars 2025", "jusqu’en 2025")."""
    period = as_period(value, precision)
    return _until(format_date(period), period.precision)


def from_unknown_end(value: datetime.date | Period | str, precision: str = "day") -> str:
    """The dates of a visit whose end is not known (`format_date`'s arguments): "from 2
    February 2025, end not known", "from March 2009, end not known" (French "à partir du 2
    février 2025, fin inconnue", "à partir de mars 2009, fin inconnue"), never a day alone,
    which would read as a visit of that day."""
    period = as_period(value, precision)
    return pgettext("a visit whose end is not known", "%(from)s, end not known") % {
        "from": _from(format_date(period), period.precision)
    }


def _until(words: str, precision: str) -> str:
    if precision == "day":
        return pgettext("until a day", "until %(date)s") % {"date": words}
    return pgettext("until a month or year", "until %(date)s") % {"date": words}


def nested_span(start: Period, end: Period | None) -> tuple[Period, str] | None:
    """For a span one of whose ends falls inside the other's month or year, the wider of
    the two and a note saying where in it the span starts or ends: a visit from October
    2025 to some day of 2025 is (2025, "from October"), one from some day of October
    2025 to 20 October is (October 2025, "until 20 October"); in French "à partir
    d’octobre", "jusqu’au 20 octobre". "October 2025 – 2025" would read as going
    backwards. None when the two ends are apart (or the same period, or there is no end).

    Dates known to the day, the month or the year are calendar periods: two of them are
    either apart or one inside the other."""
    if end is None or end == start:
        return None
    if end.first <= start.first and start.last <= end.last:  # starts inside the end's period
        return end, _from(without_year(start), start.precision)
    if start.first <= end.first and end.last <= start.last:  # ends inside the start's period
        return start, _until(without_year(end), end.precision)
    return None


def with_note(words: str, note: str, *, bracketed: bool = False) -> str:
    """A date in words followed by a note on it (`nested_span`): "2025 (from October)", or
    where the whole already stands inside brackets (`bracketed`), "2025, from October", so
    that no bracket opens inside another."""
    if bracketed:
        return pgettext("a date and a note on it, inside brackets", "%(date)s, %(note)s") % {
            "date": words,
            "note": note,
        }
    return pgettext("a date and a note on it", "%(date)s (%(note)s)") % {
        "date": words,
        "note": note,
    }


def collation_key(name: str) -> str:
    """`name` as a list sorts it: case and accents folded ("Côte d'Ivoire" → "cote d'ivoire"),
    so that Côte d'Ivoire comes before Croatia and Åland before Albania, in English as in
    French. The same folding as `sort_name` in SQL (f_unaccent(lower(...))), so that a
    list sorted by the database and one sorted here agree."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def codes_named(text: str, language: str | None = None) -> list[str]:
    """The ISO 3166-1 alpha-3 codes whose name in `language` (None: the active one) contains
    `text`, accents and case folded ("hongrie" -> ["HUN"], "afrique du sud" -> ["ZAF"]);
    [] for English, whose names the database holds, or for a blank `text`. For the filters
    and the search, so that a reader finds a state by the name the page shows it under."""
    language = (language or _language()).split("-")[0]
    needle = collation_key(text.strip())
    if language == "en" or not needle:
        return []
    return [iso3 for iso3, folded in _folded_names(language) if needle in folded]


def local_names(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(ISO3, name) of every country in `language` (None: the active one); () in English."""
    language = (language or _language()).split("-")[0]
    if language == "en":
        return ()
    return _local_names(language)


@functools.cache
def _local_names(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (c.alpha_3, _country_name(c.alpha_3, language) or c.name) for c in pycountry.countries
    )


@functools.cache
def _folded_names(language: str) -> tuple[tuple[str, str], ...]:
    return tuple((iso3, collation_key(name)) for iso3, name in _local_names(language))


def sort_name(expression):
    """A SQL expression of `expression` (a field name or expression) with case and accents
    folded: f_unaccent(lower(...)), the immutable wrapper of core's search migration. For
    ORDER BY on names: the databases' C collation sorts by byte, "Côte" after "Czechia"."""
    from django.db.models import CharField, F, Func
    from django.db.models.functions import Lower

    if isinstance(expression, str):
        expression = F(expression)
    return Func(Lower(expression), function="f_unaccent", output_field=CharField())


# "de" before a word that begins with a vowel sound, as a French sentence reads it once a
# person's name is put in: "visite de Omar al-Bashir" is "visite d’Omar al-Bashir" (with
# the typographic apostrophe, as the catalogue writes every French one). A name
# that begins with an h or a y keeps "de" (Haroun, Yoav Gallant). Country names take an
# article instead ("des États-Unis"): the catalogue does not put them after "de".
_ELIDED_DE = re.compile(r"\b([Dd])e (?=[AEIOUÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜaeiouàâäæéèêëîïôöœùûü])")


def possessive(text: str, name: str) -> str:
    """`text` with the English possessive of a name that reads as a plural written as such
    ("the Netherlands' record", "French Southern Territories' record") where the catalogue
    wrote "name's"; unchanged in any other language and for other names ("Mongolia's",
    "Belarus's")."""
    if _language() != "en" or not name.endswith("s") or name.endswith("us"):
        return text
    return text.replace(f"{name}'s", f"{name}'")


def elide(text: str) -> str:
    """`text` with French elision applied after a person's name or a month was put in ("de
    Omar" → "d’Omar", "à partir de octobre" → "à partir d’octobre", the typographic
    apostrophe); unchanged in any other language. For sentences that put a name or a date
    after "de" (the catalogue cannot know which)."""
    if _language() != "fr":
        return text
    return _ELIDED_DE.sub("\\1\u2019", text)


def country_sort_name(iso3_field: str = "iso3", name_field: str = "name"):
    """A SQL expression of a state's name as a list in the reader's language sorts it: in
    English the dataset's name folded (`sort_name`); in another language the name this
    module gives for its ISO 3166-1 code, folded by `collation_key` ("allemagne" for DEU on
    a French page), the dataset's name folded for a code the standard lacks. The names
    travel as literals of one CASE (about 250 codes), so a list still sorts and pages in
    SQL without a table of translations."""
    from django.db.models import Case, CharField, Value, When

    language = _language()
    if language == "en":
        return sort_name(name_field)
    whens = [When(**{iso3_field: iso3}, then=Value(key)) for iso3, key in _sort_keys(language)]
    return Case(*whens, default=sort_name(name_field), output_field=CharField())


@functools.cache
def _sort_keys(language: str) -> tuple[tuple[str, str], ...]:
    """(ISO 3166-1 alpha-3, folded name in `language`) for every code the standard names."""
    return tuple(
        (country.alpha_3, collation_key(name))
        for country in pycountry.countries
        if (name := _country_name(country.alpha_3, language))
    )
