"""Template filters for the public pages: verdict labels and styles, dates and names in the
reader's language, explanations, standings."""

from django import template
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import pgettext

from compliance import partial_isoformat
from core import names, reasons
from core.locale import language_to_mark
from core.locale import site_path as site_path_of
from core.reasons import SITUATION_CASE, situation_words
from core.reasons import withdrawal_note as withdrawal_note_words
from front import rule_versions, summaries
from states.status import Standing

register = template.Library()

# The CSS class of each verdict: incidents stand out, trips not made and arrests are
# good news, the rest is neutral.
VERDICT_CLASSES = {
    "non_compliance": "v-incident",
    "complied": "v-complied",
    "deterred": "v-deterred",
    "pending": "v-pending",
    "upcoming": "v-upcoming",
    "withdrawn": "v-withdrawn",
}


@register.filter
def rule_version_link(version):
    """{{ verdict.rule_version|rule_version_link }} -> the version as a link to its entry
    in /method/'s "Versions of the rule" (front.rule_versions.url; the list itself for a
    version it does not list), e.g. '<a href="/method/#rule-2026.12.04.3">2026.12.04.3</a>'."""
    return format_html('<a href="{}">{}</a>', rule_versions.url(version), version)


@register.filter
def site_path(url):
    """{{ request.get_full_path|site_path }} -> the address as one of this site, for a link's
    `next` (core.locale.site_path): "/fr//evil.example" -> "/fr/evil.example", never one
    a browser, or the language switch once it drops "/fr", reads as another host's."""
    return site_path_of(str(url))


@register.filter
def withdrawal_note(note):
    """{{ visit.withdrawal_note|withdrawal_note }} -> why the visit was withdrawn, in the
    reader's language where the importer wrote it, without a closing full stop
    (core.reasons.withdrawal_note)."""
    return withdrawal_note_words(note)


@register.filter
def correction_reason(reason):
    """A correction's reason in the reader's language when the newsroom wrote it
    (core.reasons.correction_reason); an author's words as written."""
    return reasons.correction_reason(reason)


@register.filter
def visit_title(visit):
    """{{ visit|visit_title }} -> 'Vladimir Putin in Armenia, 20–21 November 2026', in the
    reader's language (front.summaries.visit_title): a visit as staff pages name it, not
    by its id."""
    return summaries.visit_title(visit)


@register.filter
def in_force_on(warrant, day):
    """{% if warrant|in_force_on:today %}: whether the warrant is in force on `day`
    (warrants.models.Warrant.in_force_on, the last day of an ended one counting)."""
    return warrant.in_force_on(day)


@register.filter
def warrant_end(warrant):
    """{{ warrant|warrant_end }} -> how an ended warrant ended, its date in words
    ("executed on 12 March 2025"; front.summaries.warrant_end_words).
    Only for a warrant whose `ended` is set: ValueError otherwise."""
    return summaries.warrant_end_words(warrant)


@register.filter
def places(place):
    """A visit's place in words ('Tianjin;Beijing' → 'Tianjin and Beijing')."""
    return summaries.place_words(place)


@register.filter
def status_outcome(visit):
    """{{ visit|status_outcome }} -> 'occurred, not arrested', 'occurred, outcome unknown',
    'cancelled': a visit's status and outcome together, in the reader's language
    (front.summaries.status_outcome_words)."""
    return summaries.status_outcome_words(visit)


@register.filter
def verdict_label(code, would_have_been_bound=None):
    """{{ visit.verdict.code|verdict_label }} -> the verdict in the reader's language ("" if none).

    With the verdict's `would_have_been_bound` ({{ code|verdict_label:verdict.would_have_been_bound }}),
    a trip called off (or attended by video) to a host that would have been bound reads "did
    not travel (host would have been bound)", any other "did not travel": the code is
    `deterred` (docs/DOMAIN.md), but nothing in the record says the warrant deterred it."""
    return summaries.verdict_words(code, would_have_been_bound)


@register.filter
def dates_passed(visit) -> bool:
    """{{ visit|dates_passed }} -> whether `visit` (a Visit, or a row with its `status`,
    `start`, `start_precision`, `end`, `end_precision` and `end_known`: the search's) is an
    announced trip whose dates have all passed today, never one whose end is not known
    (visits.models.announced_dates_passed): shown beside its `upcoming` verdict as "dates passed; not confirmed as taken". False for
    none. Pages are cached per day (core.pagecache), so it never outlives the day."""
    from visits.models import announced_dates_passed

    if not visit:
        return False
    if isinstance(visit, dict):
        get = visit.get
    else:

        def get(name):
            return getattr(visit, name, None)

    return announced_dates_passed(
        get("status"),
        get("start"),
        get("start_precision"),
        get("end"),
        get("end_precision"),
        end_known=get("end_known"),
    )


@register.filter
def partial(day, precision="day"):
    """{{ warrant.issued|partial:warrant.issued_precision }} -> 2009-03-04, 2009-03 or 2009
    (for data: <time datetime>, downloads)."""
    return partial_isoformat(day, precision or "day")


@register.filter
def when(value, precision="day"):
    """{{ warrant.issued|when:warrant.issued_precision }} -> "2 septembre 2024", "mars 2009", "2009".

    `value` is a date (with its precision), a Period or an ISO string, possibly partial.
    """
    return names.format_date(value, precision or "day")


@register.filter
def moment(value):
    """{{ verdict.computed_at|moment }} -> "5 December 2026, 11:40 UTC" ("5 décembre 2026,
    11 h 40 UTC"): core.names.format_moment."""
    return names.format_moment(value) if value else ""


@register.filter
def moment_with_seconds(value):
    """{{ citation.data_as_of|moment_with_seconds }} -> "5 December 2026, 11:40:17 UTC"
    ("5 décembre 2026, 11 h 40 min 17 s UTC"): core.names.format_moment."""
    return names.format_moment(value, seconds=True) if value else ""


@register.filter
def span_end(value, precision="day"):
    """{{ d.covers_from|span_end:d.covers_from_precision }} -> a date as one end of a span of
    dates, as core.names.span_end writes it ("le 4 mars 2004", "mars 2004" in French)."""
    return names.span_end(value, precision or "day")


@register.filter(expects_localtime=True)
def time_with_seconds(value):
    """{{ attempt.at|time_with_seconds }} -> a time of day to the second in the reader's
    language ("15:07:42", French "15 h 07 min 42 s"), for a log whose entries may be
    seconds apart; '' for None."""
    if not value:
        return ""
    return formats.time_format(
        value, pgettext("a time with its seconds, in Django's date format", "H:i:s")
    )


@register.filter
def country(value, default=""):
    """{{ state|country }} or {{ "MNG"|country }} -> the country's name in the reader's language."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return names.country_name(value, default)
    return names.country_name(value.iso3, value.name)


@register.filter
def in_sentence(name):
    """{{ name|in_sentence }} or {{ visit.host|country|in_sentence }} -> a country's name as
    it reads inside a sentence or a caption: "the Philippines", "the Central African
    Republic", "Mongolia" in English; unchanged in French, whose sentences put the name
    after a colon (core.names.in_sentence). A sentence that starts with it adds |capfirst."""
    return names.in_sentence(str(name or ""))


@register.filter
def standing_label(standing, sovereign=None):
    """{{ s|standing_label:state.territory_of }} -> the standing in words, "territory of the
    United States" for a territory of a State (front.summaries.standing_label)."""
    return summaries.standing_label(str(standing), country(sovereign))


@register.filter
def situation_phrase(value):
    """{{ "State of Palestine"|situation_phrase }} -> "situation in the State of Palestine"
    (French: "situation « État de Palestine »"), as the explanations write it."""
    if value is None or value == "":
        return ""
    return situation_words(getattr(value, "name", value))


@register.filter
def situation(value):
    """{{ person.situation|situation }} or {{ "Darfur, Sudan"|situation }} -> in the reader's language."""
    if value is None or value == "":
        return ""
    return names.situation_name(getattr(value, "name", value))


@register.filter
def span(visit):
    """{{ visit|span }} -> 2 September 2024 – 3 September 2024 (in the reader's language)."""
    if isinstance(visit, dict):
        return summaries.span_words(
            visit["start"],
            visit["start_precision"],
            visit["end"],
            visit["end_precision"],
            visit.get("end_known", True),
        )
    return summaries.visit_span_words(visit)


@register.filter
def explanation(verdict, text_language=None):
    """{{ visit.verdict|explanation }}: the verdict's (or a change's) reasons in the reader's
    language; the stored English explanation where no structured reasons are recorded.
    {{ visit.verdict|explanation:visit.text_language }}: the host's justification it
    quotes, the visit's own words, marked with their language where the page is in
    another (WCAG 3.1.2; core.reasons.render_html)."""
    return summaries.explanation(verdict, text_language or None)


@register.filter
def change_cause(change):
    """{{ change|change_cause }}: why a verdict changed, in the reader's language where the
    change records its cause as facts; else the stored English cause."""
    return summaries.change_cause(change)


@register.filter
def verdict_class(code):
    """{{ code|verdict_class }} -> the CSS class that colours the verdict."""
    return VERDICT_CLASSES.get(code or "", "v-other")


@register.filter
def get_status(statuses, iso3):
    """{{ statuses|get_status:state.iso3 }}: a state's Standing from the page's mapping.

    It renders as its code ({{ s }}, for CSS classes) and has its translated {{ s.label }}.
    """
    return Standing(statuses.get(iso3, Standing.NON_PARTY))


@register.filter
def labelled_sources(sources):
    """[(url, label)] for a list of core.models.Source, each URL once, in order.

    The label is the publisher (the URL's host when none is recorded); sources that would
    share a label are told apart by the last part of their address ("github.com:
    persons.csv"), so a reader never sees two identical links."""
    from urllib.parse import urlsplit

    from core.models import publisher_from_url

    unique = list({s.url: s for s in sources}.values())
    labels = [s.publisher or publisher_from_url(s.url) or s.url for s in unique]
    shared = {label for label in labels if labels.count(label) > 1}
    result = []
    for source, label in zip(unique, labels, strict=True):
        if label in shared:
            parts = urlsplit(source.url)
            tail = parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.query or source.url
            label = f"{label}{summaries.colon()} {tail}"
        result.append((source.url, label))
    return result


@register.filter
def chamber(name):
    """{{ finding.chamber|chamber }}: "PTC II" in full, in the reader's language ("Pre-Trial
    Chamber II", "Chambre préliminaire II"; core.reasons.chamber_name)."""
    from core.reasons import chamber_name

    return chamber_name(name or "")


# The language the dataset's own texts are written in (notes, occasions, charges,
# statement titles): the site translates its interface, not the research.
DATA_LANGUAGE = "en"
# How the dataset separates the parts of one research note (data/DICTIONARY.md, `notes`).
NOTE_SEPARATOR = " | "


@register.simple_tag
def data_lang(language=DATA_LANGUAGE):
    """` lang="en"` on an element holding the dataset's own words, when the page is in
    another language, so that a screen reader reads them with the right voice (WCAG 3.1.2,
    language of parts); nothing on an English page.

    {% data_lang visit.text_language %}: words written in `language` (a visit's own, in
    the language its report gave: visits.models.Visit.text_language), marked with it when
    the page is in another (` lang="fr"` on an English page); nothing for a `language`
    empty or None (words in the page's own language: a value said in words, "none")."""
    lang = language_to_mark(language)
    return format_html(' lang="{}"', lang) if lang else ""


@register.filter
def note_parts(notes: str) -> list[str]:
    """A row's research notes as the dataset writes them, one part each: the researchers
    separate the parts of a note with " | " (data/DICTIONARY.md, `notes`), a reader
    follows them better as a list. Blank parts are dropped; [] for no notes."""
    return [part.strip() for part in (notes or "").split(NOTE_SEPARATOR) if part.strip()]


@register.simple_tag
def case_name(case):
    """{% case_name warrant.case %}: a case's name as the dataset records it (in English,
    marked as such, see `data_lang`); one named after its situation ("Situation in
    Ukraine") names that situation in the reader's language, as the page's "Situation"
    does (core.reasons.case_name: « Situation « Ukraine » »), its parenthesis kept. ""
    for no case."""
    name = getattr(case, "name", "") or ""
    if SITUATION_CASE.fullmatch(name):
        return reasons.case_name(name)
    return format_html("<span{}>{}</span>", data_lang(), name) if name else ""


@register.simple_tag
def colon():
    """The colon between a label and what follows, as the reader's language writes it: ':'
    in English, ' :' with a no-break space in French ("24 octobre 2024 : constat")."""
    return summaries.colon()


@register.filter
def after_colon(text):
    """{{ messages|join:" "|after_colon }}: a sentence as it goes on after {% colon %} in
    the reader's language: French lower-cases its first letter ("`foo` : cette page n'a
    pas…"), unless the first word is an acronym or a code ("ISO", "MNG"); English keeps it
    ("`foo`: This list has…"). Keeps a safe string safe."""
    safe = isinstance(text, SafeData)
    text = str(text or "")
    if translation.get_language() != "fr" or not text[:1].isupper() or text[1:2].isupper():
        return text
    lowered = text[0].lower() + text[1:]
    return mark_safe(lowered) if safe else lowered  # noqa: S308


@register.simple_tag
def list_separator():
    """Between the items of a list given in one line, as the reader's language writes it
    (front.summaries.list_separator)."""
    return summaries.list_separator()
