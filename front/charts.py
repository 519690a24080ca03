"""Charts drawn on the server as accessible SVG, each with its data as a table.

Three charts, each counted in SQL (one GROUP BY year query), and each count kept as a
summary recounted after writes (core.pagecache.summary), so that a page rendered again
after an unrelated write does not count a million visits again:

- `incidents_per_year()`: the incidents (non-compliance) by the year the visit began;
- `trips_per_year(person)`: a person's trips by year and verdict;
- `country_record(state, events)`: a state's visits by year and verdict on a line of
  time that also marks its Rome Statute steps and shades its years as a State Party.

A chart is a `Chart`: the counts (what the table shows) and the geometry of its bars
in the SVG's own units (what `templates/includes/chart_years.html` draws). Colour is
never the only channel: each verdict group has its own pattern, its name in the
legend, and every bar its total written above it (where the next total leaves it room:
`Bar.show_total`); the table gives every number.

Each chart is drawn twice, in two frames (`Frame`): `WIDE`, 560 units across, for a tablet
or a desktop, and `NARROW`, 320 units across with larger words and fewer year labels, for
a phone (`Chart.narrow`; the stylesheet shows one of them, by the width of the screen). A
drawing scales to the width of the page, its words with it: the wide one on a 360 px
phone wrote its years and totals at 7 to 10 px; the narrow one writes them at 12 px or
more there.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import pagecache
from core.names import elide, format_date, in_sentence, possessive
from states import status as treaty_status
from visits.models import VerdictCode, Visit, dates_passed_condition

# The verdict groups a chart stacks, in stacking order (bottom first), with the pattern
# that tells them apart besides their colour (static/css/site.css, `.chart-fill-<key>`:
# at least 3:1 against the white background, WCAG 1.4.11). Verdicts outside the first
# five (pending, no warrant in force, no control, withdrawn, ...) and visits not yet
# evaluated count as "other". A chart shows only the groups it has visits in.
GROUPS = (
    ("incident", gettext_lazy("non-compliance"), "hatch"),
    # An arrest or a voluntary surrender: the person taken into custody (VerdictCode's label).
    ("complied", gettext_lazy("complied (taken into custody)"), "solid"),
    # Every trip called off or attended by video, whether or not its host would have been
    # bound (India, 2023, was not): "deterred" would say more than the count knows.
    ("deterred", gettext_lazy("did not travel (called off or by video)"), "dots"),
    ("upcoming", gettext_lazy("upcoming (announced trip)"), "lines"),
    # An announced trip whose dates have passed on the day the chart is drawn, with nothing
    # recorded of what became of it (visits.models.announced_dates_passed): not upcoming.
    ("dates_passed", gettext_lazy("announced, dates passed (not confirmed as taken)"), "grid"),
    ("no_obligation", gettext_lazy("no obligation"), "columns"),
    ("other", gettext_lazy("other verdicts"), "cross"),
)
GROUP_OF_CODE = {
    VerdictCode.NON_COMPLIANCE: "incident",
    VerdictCode.COMPLIED: "complied",
    VerdictCode.DETERRED: "deterred",
    VerdictCode.UPCOMING: "upcoming",
    VerdictCode.NO_OBLIGATION: "no_obligation",
}

LEFT, RIGHT, BOTTOM = 40, 12, 34
TOP = 22  # room for the totals above the bars
MARKER_LANES = 3
# A label's bold glyphs average about this share of its font size.
LABEL_GLYPH_WIDTH = 0.62
LABEL_PAD = 4
# A total's digits: about this share of the font size each; and the room (SVG units) left
# between two totals, so that two years' "1" and "1" never read as "11".
DIGIT_WIDTH = 0.6
TOTAL_GAP = 5


@dataclass(frozen=True)
class Frame:
    """A coordinate system a chart is drawn in (the SVG's viewBox, which the page scales to
    its width), with the sizes its drawing uses, in its own units: its words' (`text_size`,
    the stylesheet's font size for `.chart-svg[data-frame=<name>] text`, which places the
    band's label and the bars' totals), the numbered circles' radius, how far apart two of
    them must be to sit side by side and how far below each other their lanes are, the top
    of the plot under them, and how many years may be written under the axis."""

    name: str
    width: int
    height: int
    text_size: int
    max_year_labels: int
    marker_radius: int
    marker_gap: int
    lane_height: int
    top_with_events: int

    @property
    def marker_top(self) -> int:
        """The centre of a numbered circle in the first lane."""
        return self.marker_radius + 3


# A tablet's or a desktop's: at 600 px and wider, its words are 12 px or more (the numbered
# steps' 12 units, the rest 13).
WIDE = Frame("wide", 560, 240, 13, 12, 8, 17, 17, 58)
# A phone's (static/css/site.css shows it below --phone-width): at 360 px, 328 px of page
# draw its 320 units at 1.02 px each, its words at 13 to 14 px (the steps' 13 units).
NARROW = Frame("narrow", 320, 260, 14, 6, 10, 21, 21, 72)
# The frames each chart is drawn in: its own (WIDE), then the narrow one (Chart.narrow).
FRAMES = (WIDE, NARROW)


@dataclass
class Series:
    """One verdict group: its key (CSS class and pattern id), label and pattern."""

    key: str
    label: str
    pattern: str


@dataclass
class Segment:
    """One verdict's part of a year's bar: its series, how many rows it counts, and its
    top and height in SVG units."""

    series: Series
    count: int
    y: float
    height: float


@dataclass
class Bar:
    """One year's bar: x and width in SVG units, its stacked segments, its total."""

    year: int
    x: float
    width: float
    total: int
    segments: list[Segment]
    label: bool  # whether the year is written under the axis (thinned when many)
    label_x: float = 0.0
    show_total: bool = True  # whether its total is written above it (`_place_totals`)

    @property
    def top(self) -> float:
        """The y of the bar's top (where its total is written above)."""
        return min((s.y for s in self.segments), default=0.0)


@dataclass
class Marker:
    """A dated treaty step drawn as a numbered line across the plot."""

    number: int
    x: float
    date: datetime.date
    precision: str
    text: str
    cy: float = 0.0  # the height of its numbered circle (staggered when steps are close)

    @property
    def words(self) -> str:
        return format_date(self.date, self.precision)


@dataclass
class Band:
    """A shaded span of years (the years as a State Party), with its label.

    The label starts inside the band's left edge; when it would then run past the plot's
    right edge (a state that joined a year or two ago: its band is a sliver at the right),
    it ends at the band's right edge instead, so that it is never cut off."""

    x: float
    width: float
    text: str
    right: float = WIDE.width - RIGHT
    font_size: float = WIDE.text_size

    @property
    def label_width(self) -> float:
        """The label's width in the SVG's units, at its frame's font size (estimated)."""
        return len(self.text) * self.font_size * LABEL_GLYPH_WIDTH

    @property
    def anchor(self) -> str:
        """The label's text-anchor: "start", or "end" where starting would cut it off."""
        fits = self.x + LABEL_PAD + self.label_width <= self.right
        return "start" if fits else "end"

    @property
    def label_x(self) -> float:
        """Where the label is anchored (its start, or its end: see `anchor`)."""
        if self.anchor == "start":
            return round(self.x + LABEL_PAD, 2)
        return round(self.x + self.width - LABEL_PAD, 2)


@dataclass
class Chart:
    """A chart by year: the counts for its table and the geometry for its SVG.

    `rows` is [(year, [count per series], total)] for every year from the first to the
    last (years without a visit included, at 0); `undated` counts visits with no
    start date (in the table, not on the axis). `empty` says what a chart with nothing
    to count has none of (no incident, no trip, no visit): under a country's record that
    also lists the Court's findings, a bare "None is recorded." read as if nothing were.
    Its geometry is in its `frame`'s units; `narrow` is the same chart drawn in the
    NARROW frame, for a phone (None on that drawing itself).
    """

    id: str
    title: str
    description: str
    series: list[Series]
    rows: list[tuple[int, list[int], int]]
    empty: str = ""
    undated: list[int] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[int, float]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    band: Band | None = None
    frame: Frame = WIDE
    top: int = TOP
    left: int = LEFT
    slot: float = 0.0  # the width of one year
    first_year: int = 0
    narrow: Chart | None = None

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def right(self) -> int:
        return self.frame.width - RIGHT

    @property
    def baseline(self) -> int:
        return self.frame.height - BOTTOM

    @property
    def svg_id(self) -> str:
        """The prefix of the ids in its drawing (title, description, patterns): the chart's
        id, with the frame's name after it but for the wide one, so that both drawings of
        a chart may be in one page."""
        return self.id if self.frame is WIDE else f"{self.id}-{self.frame.name}"

    @property
    def total(self) -> int:
        return sum(total for _year, _counts, total in self.rows) + sum(self.undated)

    @property
    def plot_height(self) -> int:
        return self.baseline - self.top

    @property
    def table_rows(self) -> list[tuple[str, list[tuple[str, int]], int]]:
        """The table's rows: (year, [(series label, count)], total) for each year with a
        visit, then ("", ...) for the undated ones if any."""
        labels = [s.label for s in self.series]
        rows = [(str(y), list(zip(labels, c, strict=True)), t) for y, c, t in self.rows if t]
        if self.undated:
            rows.append(("", list(zip(labels, self.undated, strict=True)), sum(self.undated)))
        return rows

    @property
    def total_cells(self) -> list[tuple[str, int]]:
        return list(zip([s.label for s in self.series], self.totals, strict=True))

    @property
    def legend_series(self) -> list[Series]:
        """The series the chart draws at least one visit of, for its legend: a chart with no
        visit (a country that hosted none) names no verdict it does not show."""
        return [s for s, total in zip(self.series, self.totals, strict=True) if total]

    @property
    def undated_total(self) -> int:
        return sum(self.undated)

    @property
    def totals(self) -> list[int]:
        """The total of each series over every year (the table's last row)."""
        sums = [sum(counts[i] for _y, counts, _t in self.rows) for i in range(len(self.series))]
        return [s + u for s, u in zip(sums, self.undated or [0] * len(sums), strict=True)]


def _counts_by_year(
    visits, *, by_verdict: bool, today: datetime.date | None = None
) -> dict[int | None, dict[str, int]]:
    """{year or None: {group key: count}} from one GROUP BY query (picklable: a summary).
    By verdict, an announced trip whose dates have passed by `today` (default: the local
    date) counts as `dates_passed`, not `upcoming`."""
    fields = ("year", "verdict__code", "passed") if by_verdict else ("year",)
    rows = (
        visits.annotate(
            year=ExtractYear("start"),
            passed=Case(
                When(dates_passed_condition(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values(*fields)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int | None, dict[str, int]] = {}
    for row in rows:
        key = GROUP_OF_CODE.get(row.get("verdict__code"), "other") if by_verdict else "incident"
        if key == "upcoming" and row.get("passed"):
            key = "dates_passed"
        year = counts.setdefault(row["year"], {})
        year[key] = year.get(key, 0) + row["n"]
    return counts


def _nice_step(maximum: int) -> int:
    """A round step for about four gridlines up to `maximum` (1, 2, 5, 10, 20, 50, ...)."""
    rough = max(1, maximum / 4)
    power = 10 ** math.floor(math.log10(rough))
    for m in (1, 2, 5, 10):
        if m * power >= rough:
            return int(m * power)
    return int(10 * power)  # pragma: no cover


def _build(
    chart_id: str,
    title: str,
    description: str,
    counts: dict[int | None, dict[str, int]],
    series: list[Series],
    *,
    years: tuple[int, int] | None = None,
    events: bool = False,
    empty: str = "",
    frame: Frame = WIDE,
) -> Chart:
    """The chart of `counts` ({year or None: {series key: count}}) drawn in `frame`, its
    plot lowered under the numbered treaty steps when it has `events`, every year from the
    first to the last counted (or `years`, widened to them)."""
    counts = dict(counts)  # a summary's value, possibly shared: read, never changed
    undated = counts.pop(None, {})
    top = frame.top_with_events if events else TOP
    chart = Chart(chart_id, title, description, series, rows=[], top=top, empty=empty, frame=frame)
    if undated:
        chart.undated = [undated.get(s.key, 0) for s in series]
    known = sorted(counts)
    if years is None and not known:
        return chart
    first, last = years or (known[0], known[-1])
    if known:
        first, last = min(first, known[0]), max(last, known[-1])
    for year in range(first, last + 1):
        row = [counts.get(year, {}).get(s.key, 0) for s in series]
        chart.rows.append((year, row, sum(row)))
    peak = max((total for _y, _c, total in chart.rows), default=0)
    step = _nice_step(peak)
    ymax = max(step, step * math.ceil(peak / step))
    plot = chart.baseline - chart.top

    def y_of(value: float) -> float:
        return round(chart.baseline - plot * value / ymax, 2)

    chart.ticks = [(v, y_of(v)) for v in range(0, ymax + 1, step)]
    slot = (chart.right - chart.left) / len(chart.rows)
    every = math.ceil(len(chart.rows) / frame.max_year_labels)
    for i, (year, row, total) in enumerate(chart.rows):
        x = chart.left + slot * i
        width = max(1.0, slot * 0.7)
        segments, level = [], 0
        for s, n in zip(series, row, strict=True):
            if n:
                segments.append(
                    Segment(s, n, y_of(level + n), round(y_of(level) - y_of(level + n), 2))
                )
                level += n
        chart.bars.append(
            Bar(
                year,
                round(x + (slot - width) / 2, 2),
                round(width, 2),
                total,
                segments,
                label=(year - first) % every == 0,
                label_x=round(x + slot / 2, 2),
            )
        )
    chart.slot = slot
    chart.first_year = first
    _place_totals(chart)
    return chart


def _place_totals(chart: Chart) -> None:
    """Write a bar's total above it only where it keeps its distance (`TOTAL_GAP`) from the
    last one written, from the left: in the narrow frame a year is 9.6 units wide on a
    record of 28 years, and two years' totals side by side ran together ("1" and "1" read
    "11"). The axis's ticks still give the bar's height, and the table every number."""
    last_right = -math.inf
    for bar in chart.bars:
        if not bar.total:
            continue
        half = len(str(bar.total)) * chart.frame.text_size * DIGIT_WIDTH / 2
        bar.show_total = bar.label_x - half >= last_right + TOTAL_GAP
        if bar.show_total:
            last_right = bar.label_x + half


def _x_of_date(chart: Chart, day: datetime.date) -> float:
    """Where a day falls on the chart's axis of years (each year one slot wide)."""
    start = datetime.date(day.year, 1, 1)
    fraction = (day - start).days / (datetime.date(day.year + 1, 1, 1) - start).days
    return round(chart.left + chart.slot * (day.year - chart.first_year + fraction), 2)


def _series(counts: dict[int | None, dict[str, int]]) -> list[Series]:
    """The verdict groups with at least one visit in `counts` (non-compliance if none)."""
    present = {key for year in counts.values() for key, n in year.items() if n} or {"incident"}
    return [Series(k, str(label), p) for k, label, p in GROUPS if k in present]


def _sentence_of_counts(chart: Chart) -> str:
    """The chart's point in words for its description: '19 in total; the most in 2011, 2016,
    2017 and 2025 (3 each).' Every year tied for the most is named; a chart whose visits are
    all undated says so (it has no year to name)."""
    if not chart.total:
        return chart.empty
    dated = [(year, total) for year, _counts, total in chart.rows if total]
    if not dated:
        return ngettext(
            "%(total)d in total, without a known date.",
            "%(total)d in total, none with a known date.",
            chart.total,
        ) % {"total": chart.total}
    peak = max(total for _year, total in dated)
    years = [year for year, total in dated if total == peak]
    if len(years) == 1:
        return ngettext(
            "%(total)d in total; the most in %(year)d (%(peak)d).",
            "%(total)d in total; the most in %(year)d (%(peak)d).",
            chart.total,
        ) % {"total": chart.total, "year": years[0], "peak": peak}
    return _("%(total)d in total; the most in %(years)s and %(last)s (%(peak)d each).") % {
        "total": chart.total,
        "years": ", ".join(map(str, years[:-1])),
        "last": years[-1],
        "peak": peak,
    }


def incident_counts() -> dict[int | None, dict[str, int]]:
    """{year or None: {"incident": n}}: the published non-compliance verdicts per year of
    the visit, counted now (one GROUP BY over every incident)."""
    return _counts_by_year(Visit.objects.published().flagged(), by_verdict=False)


def trip_counts(person) -> dict[int | None, dict[str, int]]:
    """{year or None: {verdict group: n}}: a person's published trips, counted now."""
    return _counts_by_year(Visit.objects.published().filter(person=person), by_verdict=True)


def record_counts(state) -> dict[int | None, dict[str, int]]:
    """{year or None: {verdict group: n}}: the published visits a state hosted, counted now."""
    return _counts_by_year(Visit.objects.published().filter(host=state), by_verdict=True)


def incidents_summary() -> dict:
    """`incident_counts()`, counted once per data version (the summary `chart:incidents`)."""
    return pagecache.summary("chart:incidents", incident_counts)


def trips_summary(person) -> dict:
    """`trip_counts(person)`, counted once per data version and day
    (`chart:person:<id>:<day>`: an announced trip's dates pass with the days)."""
    # Counted per day too: an announced trip's dates pass with the days.
    today = timezone.localdate().isoformat()
    return pagecache.summary(f"chart:person:{person.pk}:{today}", lambda: trip_counts(person))


def record_summary(state) -> dict:
    """`record_counts(state)`, counted once per data version and day
    (`chart:state:<id>:<day>`)."""
    today = timezone.localdate().isoformat()
    return pagecache.summary(f"chart:state:{state.pk}:{today}", lambda: record_counts(state))


def incidents_per_year() -> Chart:
    """The incidents (published visits with a non-compliance verdict) per year of the visit,
    from the summary `chart:incidents` (incident_counts)."""
    counts = incidents_summary()
    chart = _drawn(
        "chart-incidents",
        _("Incidents per year"),
        counts,
        _series(counts),
        empty=_("No incident is recorded."),
    )
    _describe(chart, _("Failures to arrest and surrender, by the year the visit began."))
    return chart


def _drawn(chart_id: str, title: str, counts, series: list[Series], **options) -> Chart:
    """The chart drawn in each of `FRAMES`: the wide drawing, with the narrow one as its
    `narrow` (`options` as `_build`'s)."""
    wide, narrow = (
        _build(chart_id, title, "", counts, series, frame=frame, **options) for frame in FRAMES
    )
    wide.narrow = narrow
    return wide


def _describe(chart: Chart, words: str) -> None:
    """Give both drawings of `chart` its description: `words`, then its point in numbers
    (`_sentence_of_counts`)."""
    chart.description = " ".join((words, _sentence_of_counts(chart)))
    if chart.narrow is not None:
        chart.narrow.description = chart.description


def trips_per_year(person) -> Chart:
    """A person's published trips per year, stacked by verdict group, from the summary
    `chart:person:<id>` (trip_counts)."""
    counts = trips_summary(person)
    chart = _drawn(
        "chart-trips",
        _("Trips per year, by verdict"),
        counts,
        _series(counts),
        empty=_("No verified trip is recorded."),
    )
    _describe(
        chart,
        elide(
            _("%(person)s's recorded trips, by the year each began, stacked by verdict.")
            % {"person": person.name}
        ),
    )
    return chart


def country_record(state, name: str, events) -> Chart:
    """A state's record on a line of time: visits it hosted per year by verdict, its
    treaty steps (`events`: its TreatyEvents, already loaded) as numbered markers, and
    its years as a State Party shaded (entry into force to the withdrawal's effect). The
    counts come from the summary `chart:state:<id>` (record_counts)."""
    counts = record_summary(state)
    # In the order of the procedure, as the page's timeline lists them: Malaysia's notice of
    # 29 April 2019 before its effect that day (by kind's name, the effect came first).
    events = sorted(events, key=treaty_status.procedure_order)
    years = None
    if events:
        this_year = timezone.localdate().year
        years = (events[0].date.year, max(this_year, *(e.date.year for e in events)))
    chart = _drawn(
        "chart-record",
        # "The Philippines' record over time": the name with its article, as in a sentence.
        capfirst(
            possessive(
                _("%(state)s's record over time") % {"state": in_sentence(name)},
                in_sentence(name),
            )
        ),
        counts,
        _series(counts),
        years=years,
        events=bool(events),
        empty=_("No verified visit is recorded."),
    )
    for drawing in (chart, chart.narrow):
        _mark_treaty_steps(drawing, events)
    _describe(
        chart,
        _(
            "Recorded visits to %(state)s (trips called off included), by year and "
            "verdict, with its Rome Statute steps numbered and its years as a State "
            "Party shaded."
        )
        % {"state": in_sentence(name)},
    )
    return chart


def _mark_treaty_steps(chart: Chart, events) -> None:
    """Draw a state's treaty steps (`events`, in the order of the procedure) on `chart` as
    numbered markers, staggered in lanes where two are closer than the frame's
    `marker_gap`, and shade its years as a State Party (entry into force to the
    withdrawal's effect)."""
    if not chart.rows:
        return
    frame = chart.frame
    lanes: list[float] = []  # the x of the last circle in each lane
    for number, event in enumerate(events, start=1):
        x = _x_of_date(chart, event.date)
        lane = next((i for i, last in enumerate(lanes) if x - last >= frame.marker_gap), None)
        if lane is None:
            lane = len(lanes) if len(lanes) < MARKER_LANES else len(lanes) - 1
            lanes.extend([x] * (lane + 1 - len(lanes)))
        lanes[lane] = x
        chart.markers.append(
            Marker(
                number,
                x,
                event.date,
                event.precision,
                getattr(event, "label", None) or event.get_kind_display(),
                cy=frame.marker_top + frame.lane_height * lane,
            )
        )
    by_kind = {e.kind: e.date for e in events}
    joined = by_kind.get("entry_into_force")
    if joined:
        left = by_kind.get("withdrawal_effective")
        end = min(_x_of_date(chart, left), chart.right) if left and left >= joined else chart.right
        start = _x_of_date(chart, joined)
        chart.band = Band(
            start, round(end - start, 2), _("State Party"), chart.right, frame.text_size
        )
