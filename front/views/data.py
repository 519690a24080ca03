"""/data/: the whole dataset to download, its data changelog (a page and an Atom feed), and
the "last updated" date of every page's footer.

The files themselves are built by `dataset.bulk` (a management command and a beat task);
this page lists the latest build from its manifest, with each file's size and SHA-256,
and the earlier builds still kept (a file no longer kept answers 410 Gone with a page
that says so), and describes the dataset in schema.org terms (a `Dataset` with its distributions) for
search engines and data catalogues. The changelog is the CHANGELOG.md of the folder the
latest import read (DatasetImport.documents; data/CHANGELOG.md before any import): one entry
per dataset version, newest first. The dictionary is that folder's DICTIONARY.md.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import re
from dataclasses import dataclass

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML

from core import names
from dataset import bulk
from dataset.changelog import ENTRY_HEADING
from dataset.models import DatasetImport
from dataset.state import data_state
from front.feeds import IncidentFeed
from front.pages import render_page
from visits.models import VerdictChange, Visit

LAST_UPDATED_KEY = "front:last-updated"
LAST_UPDATED_SECONDS = 300
# Raw HTML in the changelog is shown as text, never as markup.
_markdown = MarkdownIt("commonmark", {"html": False})
# The dictionary's columns are Markdown (GitHub) tables.
_markdown_with_tables = MarkdownIt("commonmark", {"html": False}).enable("table")


def _code_region(renderer, tokens, idx, options, env) -> str:
    """A code example (a fenced or an indented block) as markdown-it writes it, its <pre> a
    region the keyboard reaches and a screen reader names (WCAG 2.1.1: on a phone the
    example scrolls sideways inside its own box, site.css, which a keyboard scrolls only
    once it has the focus): `<pre tabindex="0" role="region" aria-label="Code example
    (python)">`, named in the reader's language, with the fence's language if it gives one."""
    token = tokens[idx]
    write = RendererHTML.fence if token.type == "fence" else RendererHTML.code_block
    html = write(renderer, tokens, idx, options, env)
    language = token.info.split()[0] if token.info.strip() else ""
    name = (
        _("Code example (%(language)s)") % {"language": language} if language else _("Code example")
    )
    opening = format_html('<pre tabindex="0" role="region" aria-label="{}"', name)
    return html.replace("<pre", opening, 1)


_markdown_with_tables.add_render_rule("fence", _code_region)
_markdown_with_tables.add_render_rule("code_block", _code_region)


@dataclass(frozen=True)
class ChangelogEntry:
    """One version's entry of the data changelog: its version, release date and text (Markdown)."""

    version: str
    date: datetime.date | None
    text: str

    @property
    def anchor(self) -> str:
        return "v" + self.version

    @property
    def html(self) -> str:
        return mark_safe(_markdown.render(self.text))  # noqa: S308 - raw HTML is disabled


def changelog_entries(text: str | None = None) -> list[ChangelogEntry]:
    """The entries of `text`, or of the latest import's changelog (DatasetImport.documents),
    newest first (as the file lists them)."""
    text = DatasetImport.documents()["changelog"] if text is None else text
    entries, current, lines = [], None, []
    for line in text.splitlines():
        match = ENTRY_HEADING.match(line)
        if match:
            if current:
                entries.append(ChangelogEntry(*current, "\n".join(lines).strip()))
            day = match["date"]
            current = (match["version"], datetime.date.fromisoformat(day) if day else None)
            lines = []
        elif current:
            lines.append(line)
    if current:
        entries.append(ChangelogEntry(*current, "\n".join(lines).strip()))
    return entries


def last_updated() -> datetime.datetime | None:
    """When the public data last changed: the latest dataset import, verdict change or
    change to a verified visit (None on an empty database). Cached for five minutes."""
    value = cache.get(LAST_UPDATED_KEY)
    if value is None:
        moments = [
            DatasetImport.objects.aggregate(m=Max("imported_at"))["m"],
            VerdictChange.objects.aggregate(m=Max("changed_at"))["m"],
            Visit.objects.published().aggregate(m=Max("updated_at"))["m"],
        ]
        known = [m for m in moments if m is not None]
        value = max(known).isoformat() if known else ""
        cache.set(LAST_UPDATED_KEY, value, LAST_UPDATED_SECONDS)
    return datetime.datetime.fromisoformat(value) if value else None


def last_updated_words() -> str:
    """'Data last updated on 30 November 2026', in the reader's language ('' before any data)."""
    moment = last_updated()
    if moment is None:
        return ""
    day = timezone.localtime(moment).date()
    return _("Data last updated on %(date)s") % {"date": names.format_date(day)}


def size_words(size: int) -> str:
    """A file size for readers: '1.2 MB', '840 kB'."""
    if size >= 1_000_000:
        # The number in the reader's notation: '1.2 MB', '1,2 Mo'.
        return _("%(n)s MB") % {"n": formats.number_format(size / 1_000_000, 1)}
    return _("%(n)d kB") % {"n": max(1, round(size / 1000))}


def _json_ld(request, manifest: dict | None, version: str | None) -> str:
    """The schema.org Dataset describing the bulk downloads, as `<script>`-safe JSON: its
    `version` the build's (`manifest`), or before a build the latest import's (`version`)."""
    page = request.build_absolute_uri(reverse("data"))
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": _("iccwatch: travel of persons wanted by the ICC, and the verdicts on their hosts"),
        "description": _(
            "Visits of persons wanted under ICC arrest warrants, the states that hosted them, "
            "the Rome Statute obligations of those states, and iccwatch's verdict on each visit "
            "with its history."
        ),
        "url": page,
        "license": settings.DATA_LICENCE["url"],
        "creator": {"@type": "Organization", "name": "iccwatch"},
        "isAccessibleForFree": True,
    }
    if version:
        dataset["version"] = version
    if manifest:
        dataset["version"] = manifest["version"]
        dataset["dateModified"] = manifest["built_at"]
        dataset["distribution"] = [
            {
                "@type": "DataDownload",
                "encodingFormat": file["media_type"],
                "contentUrl": request.build_absolute_uri(
                    reverse("data-file", kwargs={"name": file["name"]})
                ),
                "contentSize": str(file["bytes"]),
                "sha256": file["sha256"],
            }
            for file in manifest["files"]
        ]
    text = json.dumps(dataset, ensure_ascii=False, indent=1)
    # Nothing in it may close the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _moment(value: str | None) -> datetime.datetime | None:
    """A manifest's ISO 8601 time as a datetime; None when the manifest has none (a build
    recorded before builds kept their data's date, or no build yet)."""
    return datetime.datetime.fromisoformat(value) if value else None


# The beat task that builds the bulk files when the data changed (dataset.tasks).
BUILD_TASK = "dataset.build_downloads"


def next_build_due(changed_at: datetime.datetime) -> datetime.datetime | None:
    """When the bulk files of the data as it changed at `changed_at` (UTC) are due: the
    first run after that moment of the beat task `dataset.build_downloads`
    (`CELERY_BEAT_SCHEDULE` of iccwatch/settings.py, every `ICCWATCH_DOWNLOADS_SECONDS`,
    an hour by default), each run building the files when the data changed since the
    last build. A period (seconds, or a timedelta) gives `changed_at` plus that period; a
    crontab, its next run after `changed_at`. None when no scheduler runs the task:
    without `CELERY_BROKER_URL` no beat runs (tasks run inline), and the files are built
    by `python3 manage.py build_downloads`, which `up` runs when it starts."""
    if not settings.CELERY_BROKER_URL:
        return None
    entry = next(
        (e for e in settings.CELERY_BEAT_SCHEDULE.values() if e.get("task") == BUILD_TASK),
        None,
    )
    if entry is None:
        return None
    period = entry["schedule"]
    if isinstance(period, int | float):
        period = datetime.timedelta(seconds=period)
    if isinstance(period, datetime.timedelta):
        return changed_at + period
    # A celery schedule (crontab, solar): the time left until its next run after changed_at.
    return timezone.now() + maybe_schedule(period).remaining_estimate(changed_at)


def build_behind(manifest: dict | None, state) -> dict | None:
    """What /data/ says when the data changed after its latest build (`manifest`), so that
    the pages cite data the files do not hold yet (a newsroom edit since): {"data_as_of":
    when the data last changed (`state`, dataset.state.DataState), "due": when the next
    build is due (`next_build_due`; None when no scheduler builds them), "late": whether
    that moment has passed}. None when the build holds the current data, when there is
    no build (the page says the files are being prepared), or for a build recorded before
    builds kept their data's date."""
    built = _moment((manifest or {}).get("data_as_of"))
    if built is None or state.changed_at is None or state.changed_at <= built:
        return None
    due = next_build_due(state.changed_at)
    return {
        "data_as_of": state.changed_at,
        "due": due,
        "late": due is not None and due <= timezone.now(),
    }


def data_page(request):
    """/data/: the bulk downloads of the latest build (each file's size and SHA-256), the
    earlier builds still kept (bulk: a cited file stays available), the dataset's version
    and its changelog.

    The version is the latest import's (DatasetImport), as the build names its files by
    it: "Latest version" under Changes is that version's entry of the changelog, left out
    when the changelog has none (an import recorded before the importer asked a new
    version for its entry, or a folder without CHANGELOG.md), never the changelog's
    newest entry whatever the data is.

    When the data changed after the latest build (a newsroom edit), the page says so and
    when the next build is due (`build_behind`): every page then cites data as of a later
    moment than the files hold."""
    manifest = bulk.latest_manifest()
    version = DatasetImport.latest_version()
    entries = changelog_entries()
    files = []
    for file in (manifest or {}).get("files", []):
        files.append(
            {
                **file,
                "url": reverse("data-file", kwargs={"name": file["name"]}),
                "size": size_words(file["bytes"]),
                "label": _("The whole dataset as a zip of CSV files")
                if file["format"] == "zip"
                else _("The whole dataset as one SQLite database"),
            }
        )
    earlier = [
        {
            **build,
            # None for a build recorded before builds kept their data's date.
            "data_as_of": _moment(build.get("data_as_of")),
            "files": [
                {
                    **file,
                    "url": reverse("data-file", kwargs={"name": file["name"]}),
                    "size": size_words(file["bytes"]),
                }
                for file in build["files"]
            ],
        }
        for build in (manifest or {}).get("earlier", [])
    ]
    context = {
        "title": _("Data"),
        "manifest": manifest,
        "built_at": datetime.datetime.fromisoformat(manifest["built_at"]) if manifest else None,
        "data_as_of": _moment((manifest or {}).get("data_as_of")),
        "behind": build_behind(manifest, data_state()),
        "files": files,
        "earlier": earlier,
        "keep": settings.ICCWATCH_DOWNLOADS_KEEP,
        "latest": next((e for e in entries if version and e.version == version), None),
        "json_ld": format_html(
            '<script type="application/ld+json">{}</script>',
            mark_safe(_json_ld(request, manifest, version)),  # noqa: S308 - escaped above
        ),
    }
    return render_page(request, "data/data.html", context)


def data_file(request, name: str):
    """A file of the current build, or of an earlier one still kept (bulk.published), as an
    attachment. A name /data/ once published but no longer keeps is a 410 Gone page in the
    reader's language that names the file, says a newer build superseded it, and links the
    current downloads and the data changelog (`gone`); only a name never published is a 404."""
    found = bulk.published(name)
    path = bulk.downloads_dir() / name
    if found is not None and found.kept and path.exists():
        response = FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=name,
            content_type=found.file["media_type"],
        )
        # RFC 9530: the file's SHA-256 (as the page shows it in hex), for clients that check it.
        digest = base64.b64encode(bytes.fromhex(found.file["sha256"])).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
        return response
    if found is not None:
        return gone(request, name, found.file, found.build)
    version = bulk.named_like_a_build(name)
    if version is not None:
        # Removed before builds recorded what they removed: only its name is known.
        return gone(request, name, {"name": name}, {"version": version})
    raise Http404(_("No such file."))


def gone(request, name: str, file: dict, build: dict):
    """410 Gone: the file `name` was a build of the dataset (`build`: its version, and when
    known the moment its data is of) that newer builds superseded, and it is no longer
    kept; with its SHA-256 when recorded, and links to the current files and the
    changelog."""
    as_of = build.get("data_as_of")
    context = {
        "title": _("File no longer kept"),
        "name": name,
        "version": build.get("version") or "",
        "data_as_of": datetime.datetime.fromisoformat(as_of) if as_of else None,
        "sha256": file.get("sha256") or "",
    }
    return render_page(request, "data/gone.html", context, status=410)


def dictionary_html(text: str | None = None) -> str:
    """`text`, or the latest import's DICTIONARY.md (DatasetImport.documents), as HTML (its
    tables included; raw HTML shown as text; its code examples named in the reader's
    language, `_code_region`)."""
    text = DatasetImport.documents()["dictionary"] if text is None else text
    return _dictionary_html(text, get_language())


@functools.lru_cache(maxsize=len(settings.LANGUAGES))
def _dictionary_html(text: str, language: str) -> str:
    """The dictionary's HTML, rendered once per process and language (the names of its code
    examples are the reader's) for the text an import kept."""
    # The file's own title is the page's heading.
    body = re.sub(r"\A# [^\n]*\n", "", text)
    tokens = _reflowing(_markdown_with_tables.parse(body))
    html = _markdown_with_tables.renderer.render(tokens, _markdown_with_tables.options, {})
    return mark_safe(html)  # noqa: S308 - raw HTML is disabled


def _reflowing(tokens: list) -> list:
    """`tokens` (markdown-it's) with each table made one that reflows on a phone, as the
    site's other tables do (class `reflow`, each cell labelled by its column's heading in
    `data-label`: site.css shows each row as a labelled card below 600 px)."""
    headings, column, in_head = [], 0, False
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            token.attrSet("class", "reflow")
            headings = []
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "th_open" and in_head:
            # The heading's words as a reader sees them: its text and code, no markup.
            inline = tokens[index + 1].children or []
            headings.append("".join(t.content for t in inline if t.type in ("text", "code_inline")))
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if column < len(headings):
                token.attrSet("data-label", headings[column])
            column += 1
    return tokens


def dictionary_page(request):
    """/data/dictionary/: every file and column of the dataset (and of the downloads and
    the API's CSV, which share them), with its type, vocabulary and meaning."""
    context = {"title": _("Data dictionary"), "dictionary": dictionary_html()}
    return render_page(request, "data/dictionary.html", context)


def changelog_page(request):
    """/data/changelog/: the latest import's changelog, one entry per dataset version."""
    context = {"title": _("Data changelog"), "entries": changelog_entries()}
    return render_page(request, "data/changelog.html", context)


class DataChangelogFeed(IncidentFeed):
    """The data changelog as an Atom feed: one entry per dataset version, newest first."""

    def title(self, obj=None):
        return _("iccwatch: dataset versions")

    def subtitle(self, obj=None):
        return _("What changed in each version of the iccwatch dataset, file by file.")

    def link(self, obj=None):
        return reverse("data-changelog")

    def feed_url(self, obj=None):
        return reverse("data-changelog-feed")

    def items(self, obj=None):
        return changelog_entries()

    def item_title(self, entry):
        return _("Dataset version %(version)s") % {"version": entry.version}

    def item_description(self, entry):
        return entry.text

    def item_link(self, entry):
        return f"{reverse('data-changelog')}#{entry.anchor}"

    def item_guid(self, entry):
        return self.item_link(entry)

    def _moment(self, entry):
        day = entry.date or datetime.date(2000, 1, 1)
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, entry):
        return self._moment(entry)

    def item_pubdate(self, entry):
        return self._moment(entry)

    def item_extra_kwargs(self, entry):
        # The entries are written in English, whatever the feed's language (as on the page).
        return {"recorded": self._moment(entry), "summary_language": "en"}

    def item_categories(self, entry):
        return [pgettext("a feed entry's category", "dataset")]
