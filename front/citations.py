""" "Cite this page": how a country, person, visit or list page is cited, as text, BibTeX and RIS.

A verdict can change (a new fact, a new dataset version, a new version of the rule), so
every citation names the day of the verdicts it saw, the rule version that produced
them and the data the page was built from: the latest import's dataset version, and the
moment the data last changed (dataset.state), said as changes after that version when
the newsroom, the admin or a new verdict changed anything since the import (a dataset
version's files do not hold a correction made after it). That moment is the `data_as_of`
of the bulk files of /data/ built from the same data. Next to these, the address (the
page's canonical one, as its <link rel="canonical">: a list's filters and nothing else of
the query string the reader came with) and the day the reader accessed it. The page
itself offers the text; `?cite=bibtex` and `?cite=ris` on the same address download the
same citation for a reference manager (BibTeX written by bibtexparser, RIS by rispy).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from compliance import RULE_VERSION
from core.locale import canonical_url, query_digest
from core.names import format_date, format_moment
from dataset.state import data_state
from front import summaries

# ?cite=<format>: (content type, file extension).
FORMATS = {
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
}

# LaTeX's special characters, escaped so that BibTeX reads them as text.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(c) for c in _LATEX))


def latex_text(value: str) -> str:
    """`value` as BibTeX field text: LaTeX's ten special characters escaped, everything
    else (accents, typographic quotes) kept as UTF-8, which biblatex and modern BibTeX read."""
    return _LATEX_PATTERN.sub(lambda m: _LATEX[m.group(0)], value)


@dataclass(frozen=True)
class Citation:
    """What one page cites: its title and address (its canonical one: `url`; `path` and
    `query`, a list's filters, for the download links), the day the reader accessed it,
    the day of the newest verdict it shows (on a list, among the rows on screen; None
    when it shows none), the rule version, the
    dataset's version (the latest import's VERSION, "" when none is recorded), when the
    data last changed (`data_as_of`, UTC, None on an empty database) and whether that was
    after the import (`changed_since_import`), and for a visit page the verdict itself
    (its label, in the page's language)."""

    title: str
    url: str
    path: str
    query: str
    accessed: datetime.date
    verdicts_as_of: datetime.date | None
    rule_version: str
    language: str
    verdict: str = ""
    dataset_version: str = ""
    data_as_of: datetime.datetime | None = None
    changed_since_import: bool = False
    # A list's sort and page when the reader chose them ("ordering=person&page=3"): kept by
    # the download links (the file cites the newest verdict of the same rows), never by
    # the cited address.
    rows_query: str = ""

    @property
    def key(self) -> str:
        """A BibTeX key from the address: 'iccwatch-states-MNG', plus a short digest of
        the query for a filtered list ('iccwatch-visits-1a2b3c4d')."""
        key = "iccwatch-" + (re.sub(r"[^A-Za-z0-9]+", "-", self.path).strip("-") or "home")
        if self.query:
            # The digest a download of the same rows is named by (dataset.state.download_name).
            key += "-" + query_digest(self.query)
        return key

    @property
    def note(self) -> str:
        """'Verdicts as of 30 November 2026, rule version 2026.11.30, dataset version
        2026.12.03 with later changes up to 5 December 2026, 11:40:17 UTC', in the page's
        language (`data_note`)."""
        data = self.data_note
        if not data:
            return self._verdicts_note()
        return _("%(note)s, %(data)s") % {"note": self._verdicts_note(), "data": data}

    @property
    def data_note(self) -> str:
        """The data the page was built from, in the page's language: 'dataset version
        2026.12.04 with later changes up to 5 December 2026, 11:40:17 UTC' when the data
        changed after the latest import, 'dataset version 2026.12.04, data as of 4
        December 2026, 09:12:03 UTC' when it did not, 'data as of …' when no import
        recorded a version; '' on an empty database."""
        moment = format_moment(self.data_as_of, seconds=True) if self.data_as_of else ""
        if self.dataset_version and moment and self.changed_since_import:
            return _("dataset version %(version)s with later changes up to %(moment)s") % {
                "version": self.dataset_version,
                "moment": moment,
            }
        if self.dataset_version and moment:
            return _("dataset version %(version)s, data as of %(moment)s") % {
                "version": self.dataset_version,
                "moment": moment,
            }
        if self.dataset_version:
            return _("dataset version %(version)s") % {"version": self.dataset_version}
        if moment:
            return _("data as of %(moment)s") % {"moment": moment}
        return ""

    @property
    def data_as_of_iso(self) -> str:
        """`data_as_of` as ISO 8601 in UTC ('2026-12-05T11:40:17Z'), for <time datetime>."""
        if self.data_as_of is None:
            return ""
        return self.data_as_of.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")

    def _verdicts_note(self) -> str:
        if self.verdict:
            if self.verdicts_as_of:
                return _("Verdict: %(verdict)s, as of %(date)s, rule version %(version)s") % {
                    "verdict": self.verdict,
                    "date": format_date(self.verdicts_as_of),
                    "version": self.rule_version,
                }
            return _("Verdict: %(verdict)s, rule version %(version)s") % {
                "verdict": self.verdict,
                "version": self.rule_version,
            }
        if self.verdicts_as_of:
            return _("Verdicts as of %(date)s, rule version %(version)s") % {
                "date": format_date(self.verdicts_as_of),
                "version": self.rule_version,
            }
        return _("No verdict on this page, rule version %(version)s") % {
            "version": self.rule_version
        }

    def text(self) -> str:
        """The citation as one line of text, for pasting into an article."""
        return _("iccwatch, “%(title)s”. %(note)s. %(url)s (accessed %(date)s).") % {
            "title": self.title,
            "note": self.note,
            "url": self.url,
            "date": format_date(self.accessed),
        }

    def bibtex(self) -> str:
        """One @misc entry (biblatex reads its url and urldate; classic BibTeX its
        howpublished and note)."""
        fields = [
            ("author", "{iccwatch}"),
            # Braced: a style must not lowercase a country's or a person's name.
            ("title", "{" + latex_text(self.title) + "}"),
            # In a macro's argument, \url needs its percent signs escaped; the url field
            # is read verbatim.
            ("howpublished", r"\url{" + self.url.replace("%", r"\%") + "}"),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
            ("year", str((self.verdicts_as_of or self.accessed).year)),
            ("note", latex_text(self.note)),
            ("langid", _BIBLATEX_LANGUAGES.get(self.language, self.language)),
        ]
        entry = Entry("misc", self.key, [Field(k, v) for k, v in fields])
        return bibtexparser.write_string(bibtexparser.Library([entry]))

    def ris(self) -> str:
        """One ELEC (web page) reference, RIS dates as YYYY/MM/DD."""
        reference = {
            "type_of_reference": "ELEC",
            "id": self.key,
            "title": self.title,
            "authors": ["iccwatch"],
            "publisher": "iccwatch",
            "urls": [self.url],
            "access_date": self.accessed.strftime("%Y/%m/%d"),
            "notes": [self.note],
            "language": self.language,
        }
        if self.verdicts_as_of:
            reference["date"] = self.verdicts_as_of.strftime("%Y/%m/%d")
            reference["year"] = str(self.verdicts_as_of.year)
        return rispy.dumps([reference], implementation=_RisWriter)

    def download_url(self, fmt: str) -> str:
        """This page's address with ?cite=<fmt> (relative; a list's filters kept, and its
        sort and page when the reader chose them: `rows_query`)."""
        query = "&".join(q for q in (self.query, self.rows_query, f"cite={fmt}") if q)
        return f"{self.path}?{query}"

    @property
    def bibtex_url(self) -> str:
        return self.download_url("bibtex")

    @property
    def ris_url(self) -> str:
        return self.download_url("ris")


# biblatex names languages as babel does.
_BIBLATEX_LANGUAGES = {"en": "english", "fr": "french"}


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its '1.' line before each reference: a bare RIS file."""

    def set_header(self, count: int) -> str:
        return ""


def cite(
    request: HttpRequest,
    title: str,
    *,
    verdicts_as_of: datetime.datetime | datetime.date | None,
    canonical_query: str = "",
    rows_query: str = "",
    rule_version: str = RULE_VERSION,
    verdict: str = "",
) -> Citation:
    """The citation of the page answering `request`, accessed today. Its address is the
    page's canonical one (core.locale.canonical_url, as its <link rel="canonical">): the
    path with `canonical_query`, a list's known filters sorted (front.listing
    .canonical_query; "" on a record's page), never the rest of the query string the
    reader arrived with (`utm_source`, `fbclid`, `lang`, the sort, the page, `cite`).
    `rows_query` is a list's sort and page, kept by the download links alone
    (Citation.rows_query). `verdicts_as_of` is a datetime (a verdict's computed_at, read
    in UTC) or a date: the newest verdict the page shows (on a list, among the rows on
    screen), None when it shows none. One
    query: the data's state (dataset.state.data_state: the latest import's version, when
    the data last changed)."""
    if isinstance(verdicts_as_of, datetime.datetime):
        verdicts_as_of = timezone.localdate(verdicts_as_of)
    state = data_state()
    return Citation(
        title=str(title),
        url=canonical_url(request, canonical_query),
        path=request.path,
        query=canonical_query,
        accessed=timezone.localdate(),
        verdicts_as_of=verdicts_as_of,
        rule_version=rule_version,
        language=get_language() or "en",
        verdict=str(verdict),
        dataset_version=state.version or "",
        data_as_of=state.changed_at,
        changed_since_import=state.changed_since_import,
        rows_query=rows_query,
    )


def latest_verdict(visits) -> datetime.datetime | None:
    """When the newest verdict among `visits` (loaded with their verdicts) was computed."""
    verdicts = (summaries.verdict_of(v) for v in visits)
    return max((v.computed_at for v in verdicts if v is not None), default=None)


def download(citation: Citation, fmt: str) -> HttpResponse:
    """The citation as a file to save (`fmt` one of FORMATS); any other format is a 400
    that says which exist."""
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            _("Unknown citation format “%(format)s”: use %(formats)s.")
            % {"format": fmt[:40], "formats": ", ".join(FORMATS)},
            content_type="text/plain; charset=utf-8",
        )
    content_type, extension = FORMATS[fmt]
    body = citation.bibtex() if fmt == "bibtex" else citation.ris()
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{extension}"'
    return response
