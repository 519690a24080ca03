"""Visits by wanted people, their sources, ICC findings, and the verdicts on their hosts."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncMonth, TruncYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compliance import Period, partial_isoformat, referral_sentence
from core import history
from core import reasons as reasons_text
from core.models import DatePrecision, Source


class VisitStatus(models.TextChoices):
    """What became of a trip (docs/DOMAIN.md, "Visit"): it took place (`occurred`, or
    `transit`, a stop on the territory), was called off (`cancelled`), attended by video
    instead (`virtual`), or is publicly planned and not yet taken (`announced`, verdict
    `upcoming`). The codes are the rule's (compliance.STATUSES)."""

    OCCURRED = "occurred", _("occurred")
    CANCELLED = "cancelled", _("cancelled")
    VIRTUAL = "virtual", _("attended by video")
    TRANSIT = "transit", _("transit stop")
    ANNOUNCED = "announced", _("announced")


class HostControl(models.TextChoices):
    """Whether the host controlled the place of the visit (docs/DOMAIN.md, "Visit")."""

    EFFECTIVE = "effective", _("effective")
    NONE = "none", _("none (occupied or outside the host's authority)")


class VisitOutcome(models.TextChoices):
    """What the host did (docs/DOMAIN.md, "Visit"): `not_arrested`, `left_early` and
    `released` are failures to arrest where the host was bound (Arts. 86, 89(1)),
    `arrested` is compliance, `self_surrendered` (the person gave himself up and was
    transferred to the Court) is compliance with no arrest by the host (verdict `complied`
    all the same, never told as an arrest), `unknown` keeps the verdict `pending`, and `n/a`
    is the only outcome of a trip that did not take place
    (visits.reports.NOT_TAKEN_STATUSES)."""

    NOT_ARRESTED = "not_arrested", _("not arrested")
    LEFT_EARLY = "left_early", _("left early")
    ARRESTED = "arrested", _("arrested")
    # Let go, or handed to another state instead of the Court (Blé Goudé, extradited from
    # Ghana to Côte d'Ivoire in 2013): the label says both, not "released" alone.
    RELEASED = "released", _("arrested, then released or handed elsewhere")
    # Gave himself up, to the host's authorities, a foreign embassy or the Court (Bosco
    # Ntaganda at the US Embassy in Kigali, 2013): not an arrest by the host.
    SELF_SURRENDERED = (
        "self_surrendered",
        _("surrendered voluntarily, then transferred to the Court"),
    )
    # Its own context: French writes it « inconnue », agreeing with « issue » (the outcome),
    # where an unknown date or version is « inconnu ».
    UNKNOWN = "unknown", pgettext_lazy("a visit's outcome", "unknown")
    NOT_APPLICABLE = "n/a", _("not applicable")


class ReviewState(models.TextChoices):
    """A visit's place in the record (French labels agree with « visite », feminine)."""

    REPORTED = "reported", pgettext_lazy("a visit's review state", "reported")
    VERIFIED = "verified", pgettext_lazy("a visit's review state", "verified")
    REJECTED = "rejected", pgettext_lazy("a visit's review state", "rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("a visit's review state", "withdrawn")


LEFT_THE_RECORD = (ReviewState.WITHDRAWN, ReviewState.REJECTED)


class TextLanguage(models.TextChoices):
    """The language a visit's own words are written in (`Visit.text_language`): one of the
    site's languages (settings.LANGUAGES), by its BCP 47 code. A page in another language
    marks those words with it (`lang`, WCAG 2.2 SC 3.1.2, language of parts), so that a
    screen reader reads them with the right voice."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


# The language the dataset's own words are written in (data/DICTIONARY.md): every visit
# recorded before a report said its language, and every visit whose occasion or host
# justification an import writes (dataset.importer).
DATASET_LANGUAGE = TextLanguage.ENGLISH.value
# A visit's free text its pages show (its occasion and its host's stated justification),
# in its `text_language`: the words that decide that language. An import that writes
# either gives them in the dataset's English; one that keeps both as recorded keeps their
# language, whatever it does to the notes.
PUBLIC_TEXT_FIELDS = ("occasion", "host_justification")
# A visit's free text, in its `text_language`: what its reporter wrote in their own words,
# its notes included as its report gave them (the researchers' own, never published:
# visits.history.PRIVATE_FIELDS_OF). Not its place, a name as the gazetteer spells it (a
# proper name: WCAG 3.1.2 asks no mark of one), nor the withdrawal's reason or a
# correction's, the words of the report that gave them.
TEXT_FIELDS = (*PUBLIC_TEXT_FIELDS, "notes")


def readable_review(*, review_state: str, visit: str, version: str | None = None) -> Q:
    """The condition `VisitQuerySet.readable` puts on a visit, for any query that names
    its review state and its id: the field `review_state` is `verified`, or `withdrawn`
    or `rejected` while the visit `visit` (an `OuterRef` name: "pk" on visits,
    "pgh_obj_id" on their recorded versions) was published once, that is, one of its
    recorded versions was `verified`. On recorded versions, `version` (their "pgh_id")
    asks for a `verified` one recorded before it: a version from before the visit was
    first published stays private even once it is."""
    earlier = {"pgh_id__lt": OuterRef(version)} if version else {}
    published_once = Exists(
        Visit.pgh_event_model.objects.filter(
            pgh_obj_id=OuterRef(visit), review_state=ReviewState.VERIFIED, **earlier
        )
    )
    return Q(**{review_state: ReviewState.VERIFIED}) | (
        Q(**{f"{review_state}__in": LEFT_THE_RECORD}) & published_once
    )


def readable_visit(visit_id: str = "visit_id") -> Exists:
    """Whether the visit a row names (`visit_id`, an `OuterRef` name) is one a reader may
    open (`VisitQuerySet.readable`): an annotation for findings, citations, verdicts."""
    return Exists(Visit.objects.readable().filter(pk=OuterRef(visit_id)))


class VisitQuerySet(models.QuerySet):
    """Visits by who may see them: `published` (verified), `readable` (published, or
    published once and since withdrawn or rejected), `withdrawn` (readable, not
    published), and `flagged` (the incidents)."""

    def published(self):
        """Visits a reviewer has verified: the only ones shown to the public."""
        return self.filter(review_state=ReviewState.VERIFIED)

    def readable(self):
        """Visits a reader may open: the published ones, and those that left the record
        after they were published (review state `withdrawn`: removed from a newer dataset
        version; `rejected`: its report rejected after all), with their withdrawn verdict
        and their history, so that a link in a feed or an article, or a copy kept in step
        through the API, learns what became of them (docs/DOMAIN.md, "The verdict for one visit").
        A visit never published (reported, or rejected or removed before a reviewer
        verified it) stays unreadable. "Published once" is read from the visit's own
        history: a recorded version of it whose review state was `verified`."""
        return self.filter(readable_review(review_state="review_state", visit="pk"))

    def withdrawn(self):
        """The readable visits that are not published: those that left the record (review
        state `withdrawn` or `rejected`) after they were published, whose verdict is
        `withdrawn`. A list of visits holds them only when asked for
        (visits.filters.VisitFilterSet.holds_withdrawn)."""
        return self.readable().filter(review_state__in=LEFT_THE_RECORD)

    def with_verdicts(self):
        """Visits with their person (situation, nationality), host and current verdict joined in."""
        return self.select_related(
            "person", "person__situation", "person__nationality", "host", "verdict"
        )

    def flagged(self):
        """Visits whose current verdict is non-compliance: the incidents."""
        return self.filter(verdict__code="non_compliance")

    def with_pending_reevaluation(self):
        """Visits with `reevaluation_pending`: whether the verdict shown was decided before a
        change to the visit's facts not evaluated yet (`reevaluation_pending`), read in the
        same query (a look into the outbox's primary key per row)."""
        return self.annotate(reevaluation_pending=reevaluation_pending())


@history.track(exclude=[*history.BOOKKEEPING, "dataset_version"])
class Visit(models.Model):
    """A reported trip of a wanted person to a state other than his own.

    Dates may be partial (a month or a year) when the sources give no day; `start`
    and `end` then hold the first day of that period and the precision says how
    much is known. A cancelled trip may have no date at all.
    """

    slug = models.SlugField(
        max_length=150,
        unique=True,
        help_text="Stable identifier, e.g. vladimir-putin-mng-2024-09-02.",
    )
    person = models.ForeignKey("warrants.Person", on_delete=models.PROTECT, related_name="visits")
    host = models.ForeignKey("states.State", on_delete=models.PROTECT, related_name="visits_hosted")
    place = models.CharField(max_length=200, blank=True)
    start = models.DateField(null=True, blank=True)
    start_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    occasion = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=VisitStatus.choices)
    outcome = models.CharField(max_length=16, choices=VisitOutcome.choices)
    host_notified = models.BooleanField(
        default=False, help_text="The host is known to have been notified of a sealed warrant."
    )
    host_justification = models.TextField(
        blank=True, help_text="What the host said to justify not arresting."
    )
    host_control = models.CharField(
        max_length=16,
        choices=HostControl.choices,
        default=HostControl.EFFECTIVE,
        db_default=HostControl.EFFECTIVE,
        help_text="Whether the host controlled the place (none: occupied territory).",
    )
    controlled_by = models.ForeignKey(
        "states.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occupied_places_visited",
        help_text="The state that controlled the place when the host did not, where known.",
    )
    expected_verdict = models.CharField(
        max_length=24,
        blank=True,
        db_default="",
        help_text="The verdict a researcher expects (the self-check compares with it).",
    )
    withdrawal_note = models.TextField(
        blank=True,
        db_default="",
        help_text="Why the visit left the record, e.g. 'removed from dataset version 2026.12.01'.",
    )
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.REPORTED
    )
    dataset_version = models.CharField(
        max_length=64,
        blank=True,
        db_default="",
        help_text=(
            "The dataset version that last listed the visit ('unknown' when that folder had "
            "no VERSION); blank for visits reported on the site, which an import never withdraws."
        ),
    )
    notes = models.TextField(blank=True, help_text="Researcher's notes.")
    sources = models.ManyToManyField(Source, through="Citation", blank=True, related_name="visits")
    created_at = models.DateTimeField(auto_now_add=True)
    # Also moved by the database when what the visit's record shows of other rows changes
    # (its person, host, findings, citations), however written, while it is published:
    # migration 0045; and when a field of its own it shows is written by a bulk update or
    # in SQL (but on a visit that left the record): migration 0047.
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Last, so that the bulk files' visits table (dataset.bulk, a column per field in this
    # order) keeps every other column in its place.
    text_language = models.CharField(
        max_length=8,
        choices=TextLanguage.choices,
        default=DATASET_LANGUAGE,
        db_default=DATASET_LANGUAGE,
        help_text=(
            "The language its occasion and host_justification are written in, and its notes as "
            "its report gave them (BCP 47: `en`, `fr`): a report's the one its author chose; "
            "`en`, the dataset's, once an import writes its occasion or host_justification. An "
            "import that changes only its notes (the researchers' own, never published) keeps it."
        ),
    )

    # After text_language, for the same reason: the bulk files' columns keep their places.
    end_known = models.BooleanField(
        default=True,
        db_default=True,
        help_text=(
            "False when the sources give the day the visit began but not the day it ended: "
            "end is then empty, and the visit is known to have covered its start (the verdict "
            "rests on it), not that it lasted that day alone."
        ),
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["start", "person", "host"]
        constraints = [
            # An end can fall on or after the start: one known to the month or the year
            # (stored as its first day) may be any day of it (docs/DOMAIN.md, partial dates).
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=False)
                & (
                    Q(end__gte=models.F("start"))
                    | Q(end_precision="month", end__gte=TruncMonth("start"))
                    | Q(end_precision="year", end__gte=TruncYear("start"))
                ),
                name="visit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=False) | Q(status="cancelled"),
                name="visit_dated_unless_cancelled",
            ),
            # An end not known is no end: nothing is stored in `end`, and the visit has a start.
            models.CheckConstraint(
                condition=Q(end_known=True) | Q(end__isnull=True, start__isnull=False),
                name="visit_unknown_end_is_empty",
            ),
            models.CheckConstraint(
                condition=Q(text_language__in=TextLanguage.values),
                name="visit_text_language_known",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "start"]),
            models.Index(fields=["host", "start"]),
            # The lists' and the API's sort keys (ties on a day are sorted incrementally).
            models.Index(fields=["start"], name="visits_visit_start"),
            # (Migration 0028 adds visits_visit_last_day and visits_visit_published_last_day,
            # for `?ordering=end`: the end, or the start of a one-day visit, both ways.)
            models.Index(fields=["updated_at"], name="visits_visit_updated_at"),
            # The visits whose end is not known (a few): the urgent alerts' scan reads them
            # whenever they began, beside those of the last year (alerts.urgent.candidates).
            models.Index(
                fields=["start"],
                condition=Q(end_known=False),
                name="visits_visit_end_unknown",
            ),
            # The published visits' hosts, persons and statuses, by id: the lists' counts per
            # state (visits hosted: those that took place) and per person read it alone (an
            # index-only scan, joined by id to the verdicts' (code, visit) index for the
            # incidents).
            models.Index(
                fields=["id"],
                include=["host", "person", "status"],
                condition=Q(review_state="verified"),
                name="visits_visit_published_tally",
            ),
            # The API's default order of the published visits, with the id: a deep page
            # finds its rows' ids in this index alone (api.paging.PagePagination).
            models.Index(
                fields=["start", "slug"],
                # start_precision: `?start_after=` reads a partial start (migration 0031).
                include=["id", "start_precision"],
                name="visits_visit_published_order",
                condition=Q(review_state="verified"),
            ),
            # The visits that left the record (a few in a hundred), by host and start: a
            # list's count of the withdrawn visits `verdict=withdrawn` would bring in
            # (the verdict facet's `withdrawn`: visits.filters.VisitFilterSet.brought_in)
            # reads a host's from here, not its every visit (migration 0055, built
            # CONCURRENTLY).
            models.Index(
                fields=["host", "start"],
                include=["start_precision"],
                condition=Q(review_state__in=["withdrawn", "rejected"]),
                name="visits_visit_withdrawn_host",
            ),
        ]
        # The rule "no visit to the person's own state" spans two tables, so a
        # trigger enforces it (see migration 0002_visit_not_own_state).

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("visit", kwargs={"slug": self.slug})

    def dates_passed(self, today: datetime.date | None = None) -> bool:
        """Whether this is an `announced` trip whose last possible day is before `today`
        (default: the local date): `announced_dates_passed`; never one whose end is not
        known. Decided when shown, never stored: the verdict stays `upcoming` whatever the
        day the rule ran."""
        return announced_dates_passed(
            self.status,
            self.start,
            self.start_precision,
            self.end,
            self.end_precision,
            today,
            end_known=self.end_known,
        )

    def possible_days(self) -> tuple[datetime.date, datetime.date | None] | None:
        """The first and last possible day of the visit, None when it is undated: a date
        known to the month or the year covers all of it, and a visit with no end covers
        its start's whole period (docs/DOMAIN.md, "Dates"). A visit whose end is not known
        (`end_known` False) has no last possible day: its possible days are its start
        onward, so the last is None (never its start's last day: it is not known to have
        lasted one day)."""
        if self.start is None:
            return None
        start = Period.from_stored(self.start, self.start_precision)
        if not self.end_known:
            return start.first, None
        end = Period.from_stored(self.end, self.end_precision) if self.end else start
        return start.first, end.last


def announced_dates_passed(
    status: str | None,
    start: datetime.date | None,
    start_precision: str | None,
    end: datetime.date | None,
    end_precision: str | None,
    today: datetime.date | None = None,
    *,
    end_known: bool | None = True,
) -> bool:
    """Whether a trip recorded as `announced` (docs/DOMAIN.md, "Visit": publicly planned for
    future dates and not yet taken) has dates that have all passed: its last possible day
    (the end, else the start, read to the end of its month or year when partial) is before
    `today` (default: the local date). Such a trip is not known to have been taken: the site
    and the API say "dates passed; not confirmed as taken", and it is no longer an early
    warning, until someone records what became of it (`manage.py announced_passed` lists
    them). False for any other status and for an undated trip.

    A trip whose end is not known (`end_known` False; None, a row without the field, reads
    as known) has no last possible day: it may still be going on, so its dates have never
    passed, however long ago it began (`manage.py announced_passed` lists it apart, as "end
    not known", once its start is past). Decided at display time, never stored: the rule's
    verdict (`upcoming`) does not depend on the day it ran."""
    if status != "announced" or start is None or end_known is False:
        return False
    today = today or timezone.localdate()
    if end is not None:
        last = Period.from_stored(end, end_precision or "day").last
    else:
        last = Period.from_stored(start, start_precision or "day").last
    return last < today


def dates_passed_condition(today: datetime.date | None = None) -> Q:
    """`announced_dates_passed` as a condition on Visit querysets: an announced trip whose
    last possible day is before `today` (default: the local date); never one whose end is
    not known (`end_known` False: it may still be going on). A date known to the
    month or the year is stored as its first day, so it has passed when that day falls
    before the first day of `today`'s month or year."""
    today = today or timezone.localdate()
    bounds = {
        "day": today,
        "month": today.replace(day=1),
        "year": today.replace(month=1, day=1),
    }

    def passed(field: str) -> Q:
        condition = Q()
        for precision, bound in bounds.items():
            condition |= Q(**{f"{field}_precision": precision, f"{field}__lt": bound})
        return condition

    return Q(status="announced") & (
        Q(end__isnull=False) & passed("end")
        | Q(end__isnull=True, start__isnull=False, end_known=True) & passed("start")
    )


def started_end_unknown_condition(today: datetime.date | None = None) -> Q:
    """An announced trip whose end is not known and whose first possible day is before
    `today` (default: the local date): it may be going on or over, so its dates have not
    passed (`announced_dates_passed`), but nobody has recorded whether it began; staff see
    it in `manage.py announced_passed` as "end not known". A start known to the month or
    the year (stored as its first day) counts from that first day."""
    today = today or timezone.localdate()
    return Q(status="announced", end_known=False, start__isnull=False, start__lt=today)


class CitedDetails(models.Model):
    """What a record says of a source it cites (an abstract model: Citation,
    WithdrawalCitation, each with its own `visit` and `source`): its publisher, date,
    excerpt and archived copy, each empty when the record gives none, shown with the
    Source's own details filling what it leaves empty: `shown_publisher`,
    `shown_published` (a date or None), `shown_excerpt`, `shown_archived_url`."""

    publisher = models.CharField(max_length=200, blank=True, db_default="")
    published = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True, db_default="")
    archived_url = models.URLField(max_length=1000, blank=True, db_default="")

    class Meta:
        abstract = True

    @property
    def shown_publisher(self) -> str:
        return self.publisher or self.source.publisher

    @property
    def shown_published(self):
        return self.published or self.source.published

    @property
    def shown_excerpt(self) -> str:
        return self.excerpt or self.source.excerpt

    @property
    def shown_archived_url(self) -> str:
        return self.archived_url or self.source.archived_url


@history.track()
class Citation(CitedDetails):
    """A visit's citation of a source: what this visit's record says about the document.

    The Source row holds only what identifies the document (its URL, and the details
    first recorded for it); the publisher, date, excerpt and archived copy a report
    gives belong to its citation, so that a report citing a URL another visit cites
    never changes what that visit shows. Empty fields fall back to the Source's.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")

    class Meta:
        db_table = "visits_visit_sources"
        constraints = [
            models.UniqueConstraint(fields=["visit", "source"], name="citation_once_per_visit")
        ]

    def __str__(self):
        return f"{self.visit_id} cites {self.source_id}"


@history.track()
class WithdrawalCitation(CitedDetails):
    """A source the withdrawal of a visit cites: what the withdrawal says of the document
    that shows why the visit left the record (a retraction, a denial, a correction by the
    visit's own source). A Citation in all but what it backs: the withdrawal's reason
    (Visit.withdrawal_note), shown with it on the visit's page and in the API
    (`withdrawal_sources`). Written by visits.reports.withdraw_visit only, from a verified
    withdrawal; a visit restored to the record loses them with its note."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="withdrawal_citations")
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="withdrawal_citations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "source"], name="withdrawal_citation_once_per_visit"
            )
        ]

    def __str__(self):
        return f"the withdrawal of {self.visit_id} cites {self.source_id}"


class FindingKind(models.TextChoices):
    """An ICC decision on cooperation (docs/DOMAIN.md, "ICC finding"): a finding of
    non-compliance under Art. 87(7) of the Rome Statute, or any other decision (one that
    only informs the Security Council or the Assembly, or finds no failure), which is
    never counted as a finding; `no_failure`, a decision on the visit that found no failure
    to comply (Nigeria, 5 September 2013), which the rule tells against its own reading
    (compliance.NO_FAILURE_FINDING)."""

    ART_87_7 = "art_87_7", _("Art. 87(7) finding of non-compliance")
    OTHER = "other", _("other decision on cooperation (no Art. 87(7) finding)")
    NO_FAILURE = "no_failure", _("decision finding no failure to comply")


@history.track()
class Finding(models.Model):
    """An ICC decision on a state's failure to arrest and surrender.

    `kind` art_87_7 is a Pre-Trial Chamber finding of non-compliance under Art. 87(7);
    `other` another decision on the state's cooperation, which makes no Art. 87(7)
    finding (most inform the Security Council or the Assembly of States Parties);
    `no_failure` a decision on the visit that found no failure to comply. Most concern one visit; some a failure on the state's own territory
    with no visit (Sudan 2010 and 2015, Libya 2014). `decided` may be known only to the
    month or year (`decided_precision`).
    """

    state = models.ForeignKey("states.State", on_delete=models.PROTECT, related_name="findings")
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    decided = models.DateField()
    decided_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        db_default=DatePrecision.DAY,
    )
    kind = models.CharField(
        max_length=16,
        choices=FindingKind.choices,
        default=FindingKind.ART_87_7,
        db_default=FindingKind.ART_87_7,
    )
    chamber = models.CharField(max_length=100, blank=True, db_default="")
    decision_reference = models.TextField(blank=True)
    persons = models.ManyToManyField("warrants.Person", blank=True, related_name="findings")
    referred_to_asp = models.BooleanField(
        default=False,
        help_text="Art. 87(7) finding: referred to the Assembly of States Parties. Another kind "
        "of decision: the Assembly was informed of it (no finding to refer).",
    )
    referred_to_unsc = models.BooleanField(
        default=False,
        help_text="Art. 87(7) finding: referred to the UN Security Council. Another kind of "
        "decision: the Council was informed of it (no finding to refer).",
    )
    notes = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="findings")
    # Last, so that the bulk files' findings table keeps every other column in its place.
    slug = models.SlugField(
        max_length=100,
        blank=True,
        db_index=False,  # looked up by the unique index of the non-empty ones
        default="",
        db_default="",
        help_text="The decision's identifier in the dataset (findings.csv `id`), by which an "
        "import finds it whatever else a newer version corrects, so that it keeps its `id` "
        "and address; empty until an import that gives it one.",
    )
    # After `slug`, for the same reason.
    reported_by = models.CharField(
        max_length=8,
        blank=True,
        default="",
        db_default="",
        # In the reader's language: the admin's choices, get_reported_by_display().
        choices=[
            ("", _("its publication or independent reports")),
            ("state", _("the state alone")),
        ],
        help_text="Empty: the decision is known from the Court's publication or independent "
        "reports. `state`: known only from the state concerned's own report, its text not "
        "read (findings.csv `reported_by`: Nigeria, 5 September 2013), so that the site "
        "attributes its holding to that report rather than stating it as established.",
    )

    class Meta:
        ordering = ["decided", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "visit", "decided", "kind"],
                name="finding_unique",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=~Q(slug=""), name="finding_slug_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.state} ({self.decided})"

    @property
    def referred(self) -> bool:
        """Whether the Chamber referred the finding to the ASP or the UN Security Council:
        an Art. 87(7) finding's referral; never a decision of kind `other`, which informs
        (`decision_bodies`)."""
        bodies = self.bodies
        return bodies["referred_to_asp"] or bodies["referred_to_unsc"]

    @property
    def bodies(self) -> dict[str, bool]:
        """What this decision did with the Assembly and the Council, as the public outputs
        say it: `decision_bodies` of its kind and stored bodies."""
        return decision_bodies(self.kind, self.referred_to_asp, self.referred_to_unsc)

    def as_reason(self) -> dict:
        """This decision as the rule's `finding` reason (compliance.explanation.finding_reason):
        {"key": "finding", "decided": "2017-12-11" (partial ISO), "kind", "chamber",
        "reference", "referred_to_asp", "referred_to_unsc", "informed_asp",
        "informed_unsc"[, "reported_by"]}: a decision of kind `other` refers nothing, and the bodies stored
        with it are those it informed (`decision_bodies`)."""
        return {
            "key": "finding",
            "decided": partial_isoformat(self.decided, self.decided_precision or "day"),
            "kind": self.kind,
            "chamber": self.chamber,
            "reference": self.decision_reference,
            **self.bodies,
            **({"reported_by": self.reported_by} if self.reported_by else {}),
        }

    @property
    def referral_sentence(self) -> str:
        """'Referred to the Assembly of States Parties.' (or 'Not referred.') in the reader's
        language: a decision of kind `other` referred nothing (`decision_bodies`)."""
        bodies = self.bodies
        return gettext(referral_sentence(bodies["referred_to_asp"], bodies["referred_to_unsc"]))


def decision_bodies(kind: str, asp: bool, unsc: bool) -> dict[str, bool]:
    """What an ICC decision did with the Assembly of States Parties and the UN Security
    Council, from its `kind` and the bodies stored with it (Finding.referred_to_asp and
    referred_to_unsc, the dataset's `referred_to`): {"referred_to_asp", "referred_to_unsc",
    "informed_asp", "informed_unsc"}, each a bool, as the API and the bulk downloads give
    them. Only an Art. 87(7) finding refers a failure (Rome Statute, Art. 87(7);
    docs/DOMAIN.md, "ICC finding"): its bodies are where it was referred, and it informed
    none. A decision of kind `other` refers nothing: its bodies are those it only informed
    (Kenya and Chad, 27 August 2010; Djibouti, 12 May 2011)."""
    finding = kind == FindingKind.ART_87_7
    return {
        "referred_to_asp": finding and bool(asp),
        "referred_to_unsc": finding and bool(unsc),
        "informed_asp": not finding and bool(asp),
        "informed_unsc": not finding and bool(unsc),
    }


def decision_incoherences(
    kind: str | None, *, on_visit: bool, asp: bool, unsc: bool, reported_by: str
) -> list[str]:
    """The fields of a Finding that contradict its `kind` (docs/DOMAIN.md, "ICC finding";
    data/DICTIONARY.md, findings.csv), in this order, each at most once; empty when the
    decision is coherent. The one rule of every write path of a finding: the importer's
    check of findings.csv (dataset.importer.decision_coherence) and the admin's form
    (visits.admin.FindingAdminForm), each saying why in its own words.

    - "visit": a `no_failure` decision is a decision on a visit (it found no failure to
      comply on it), yet `on_visit` is False;
    - "referred_to_asp", "referred_to_unsc": a `no_failure` decision refers nothing and
      informs no body (Nigeria, 5 September 2013: no referral), yet `asp` or `unsc` is
      set: the API would report the body informed while its explanation says it referred
      nothing;
    - "reported_by": `reported_by` "state" (known only from the state's own report) is
      read only with a `no_failure` decision, whose holding the explanation then
      attributes to that report (core.reasons); an `art_87_7` finding or an `other`
      decision is stated as the Court's, from its publication or independent reports.

    `kind` None or unknown (refused on its own) contradicts nothing."""
    if kind == FindingKind.NO_FAILURE:
        return [
            field
            for field, contradicts in (
                ("visit", not on_visit),
                ("referred_to_asp", asp),
                ("referred_to_unsc", unsc),
            )
            if contradicts
        ]
    if kind in FindingKind.values and reported_by:
        return ["reported_by"]
    return []


def decision_visit_incoherences(
    state: str | None, *, host: str | None, traveller: str | None, persons: list[str]
) -> list[str]:
    """The fields of a Finding that contradict the visit it is on (data/DICTIONARY.md,
    findings.csv `state_iso3` and `persons`), in this order, each at most once; empty when
    the decision is coherent with its visit. The one rule of every write path of a
    finding, beside decision_incoherences: the importer's check of findings.csv
    (dataset.importer.decision_visit_coherence) and the admin's form
    (visits.admin.FindingAdminForm), each saying why in its own words; and of every
    correction of a visit with decisions on it, which may not move its host or person
    away from them (visits.review.contradicted_decisions, when filed and when verified).

    - "visit": the visit was hosted by `host`, not by the decision's `state`: a decision
      on a visit rules on what its host did (an Art. 87(7) finding is about the host's
      failure to arrest), so that a finding on Mongolia cannot be about a visit to South
      Africa;
    - "persons": the decision names `persons`, none of them the visit's `traveller`: a
      decision on a visit concerns the arrest of the person who made it. It may name others
      besides; one that names nobody is not checked.

    `state` and `host` identify states, `traveller` and `persons` persons, each kind the
    same way (the importer's ISO3 codes and slugs, as the admin's). A decision with no
    visit passes `host` and `traveller` None; any of `state`, `host`, `traveller` None (not
    known: refused on its own) contradicts nothing."""
    return [
        field
        for field, contradicts in (
            ("visit", None not in (state, host) and host != state),
            ("persons", traveller is not None and bool(persons) and traveller not in persons),
        )
        if contradicts
    ]


def decision_body_conditions() -> dict[str, Q]:
    """`decision_bodies` as conditions on a Finding queryset's rows (column name -> Q), for
    the filters and annotations that must say the same."""
    finding = Q(kind=FindingKind.ART_87_7)
    return {
        "referred_to_asp": finding & Q(referred_to_asp=True),
        "referred_to_unsc": finding & Q(referred_to_unsc=True),
        "informed_asp": ~finding & Q(referred_to_asp=True),
        "informed_unsc": ~finding & Q(referred_to_unsc=True),
    }


def decision_body_expressions() -> dict:
    """`decision_body_conditions` as boolean expressions (column name -> an expression), to
    annotate a Finding queryset with."""
    return {
        name: models.ExpressionWrapper(condition, output_field=models.BooleanField())
        for name, condition in decision_body_conditions().items()
    }


def first_finding():
    """An annotation for Finding querysets (a boolean expression): whether a decision is a
    failure the Court found, the first Art. 87(7) finding of non-compliance about its
    failure to arrest (the same visit; a decision with no visit stands alone), in (decided,
    id) order, as a state's and a person's pages count them (front.summaries.
    describe_findings). False for an appeal judgment upholding an earlier finding (Jordan,
    6 May 2019), a later referral of it (Italy, 26 January 2026), any later decision on it,
    and every decision of kind `other`."""
    earlier = Finding.objects.filter(
        Q(decided__lt=models.OuterRef("decided"))
        | Q(decided=models.OuterRef("decided"), id__lt=models.OuterRef("id")),
        visit=models.OuterRef("visit"),
        kind=FindingKind.ART_87_7,
    )
    return models.ExpressionWrapper(
        Q(kind=FindingKind.ART_87_7) & ~models.Exists(earlier),
        output_field=models.BooleanField(),
    )


def referral_lifted():
    """An annotation for Finding querysets (a boolean expression): whether a finding's
    referral was lifted by a later decision about the same visit, read as the visit's
    explanation reads it (compliance.explanation: `no_standing_referral`): the visit's
    latest Art. 87(7) finding, in the order (decided, id) the explanation sorts them, came
    after this one and made no referral (Jordan: referred on 11 December 2017, the referral
    reversed on appeal on 6 May 2019). What a decision referred is `decision_bodies`'s (its
    conditions, `decision_body_conditions`): a decision of kind `other`, which only informed
    the Assembly or the Council, neither refers nor lifts a referral. False for a finding
    with no visit."""
    bodies = decision_body_conditions()
    finding = Q(kind=FindingKind.ART_87_7)

    def after(outer) -> Q:
        # Later than the finding `outer` (an OuterRef) in (decided, id) order.
        return Q(decided__gt=outer("decided")) | Q(decided=outer("decided"), id__gt=outer("id"))

    latest_after = Finding.objects.filter(
        after(models.OuterRef),
        finding & ~bodies["referred_to_asp"] & ~bodies["referred_to_unsc"],
        visit=models.OuterRef("visit"),
    ).exclude(
        # No finding after it: the visit's latest Art. 87(7) finding.
        models.Exists(
            Finding.objects.filter(after(models.OuterRef), finding, visit=models.OuterRef("visit"))
        )
    )
    return models.Exists(latest_after)


class VerdictCode(models.TextChoices):
    """The verdict on a visit's host: the rule's codes (compliance.ALL_CODES), in the
    order docs/DOMAIN.md's table applies them, and `withdrawn` for a visit that left the
    record. A database constraint keeps Verdict.code among them. Only `non_compliance` is
    an incident."""

    PENDING = "pending", _("pending")
    UPCOMING = "upcoming", _("upcoming (announced trip)")
    # Cancelled, or attended by video instead of travelling: the person did not travel.
    # Its label says only that: the record never shows why a trip was called off, and
    # whether the host would have been bound is the verdict's (verdict_label), which a list
    # of codes does not know. The code keeps its name: API clients filter on it.
    DETERRED = "deterred", _("did not travel")
    NO_WARRANT_IN_FORCE = "no_warrant_in_force", _("no warrant in force")
    WARRANT_NOT_PUBLIC = "warrant_not_public", _("warrant not public")
    NO_CONTROL = "no_control", _("no control of the place")
    # The person was taken into custody: arrested by the host, or gave himself up
    # (outcome `self_surrendered`), which is no arrest by the host (docs/DOMAIN.md). The
    # label says what is true of both; the explanation says which.
    COMPLIED = "complied", _("complied (taken into custody)")
    NO_OBLIGATION = "no_obligation", _("no obligation")
    NON_COMPLIANCE = "non_compliance", _("non-compliance")
    WITHDRAWN = "withdrawn", _("withdrawn")


def verdict_label(code: str, would_have_been_bound: bool | None = None) -> str:
    """A verdict code in the active language ('' for none), as every page, feed and API
    answer labels it.

    A trip called off (or attended by video), code `deterred`, reads "did not travel (host
    would have been bound)" where the verdict records that the host would have been bound
    (`would_have_been_bound` True, docs/DOMAIN.md); otherwise, where it would not have been,
    where that depends on an unknown date, or where it is not known (a filter menu, a count
    of codes), plain "did not travel", the code's own label. Neither claims that the warrant
    deterred the trip: the record shows only that it did not happen. Raises ValueError for
    an unknown code.
    """
    if not code:
        return ""
    if code == VerdictCode.DETERRED and would_have_been_bound:
        return gettext("did not travel (host would have been bound)")
    return str(VerdictCode(code).label)


class Basis(models.TextChoices):
    """Why the host was bound to arrest (docs/DOMAIN.md, "The verdict for one visit"), in
    the rule's order, the first that applies reported (compliance.BASES): a State Party (Rome Statute Arts. 86,
    89(1)); a withdrawn state still bound for warrants issued before its withdrawal took
    effect (Art. 127(2)); an Art. 12(3) declaration covering the person's situation; a
    Security Council referral under Chapter VII naming the host among the states it
    obliges."""

    STATE_PARTY = "state_party", _("State Party")
    ART_127_2_RESIDUAL = "art_127_2_residual", _("Art. 127(2) residual obligation")
    ART_12_3_DECLARATION = "art_12_3_declaration", _("Art. 12(3) declaration")
    UNSC_REFERRAL = "unsc_referral", _("Security Council referral")


class Verdict(models.Model):
    """The current verdict on one visit: derived data, recomputed whenever its facts change.

    Its history is kept in VerdictChange; `warrants` are those that decided it.
    """

    visit = models.OneToOneField(
        Visit, on_delete=models.CASCADE, primary_key=True, related_name="verdict"
    )
    code = models.CharField(max_length=24, choices=VerdictCode.choices)
    basis = models.CharField(max_length=24, choices=Basis.choices, blank=True)
    would_have_been_bound = models.BooleanField(
        null=True,
        blank=True,
        help_text="For upcoming, deterred and no-control verdicts: whether the host would have been bound.",
    )
    warrants = models.ManyToManyField("warrants.Warrant", blank=True, related_name="verdicts")
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="The rule's reasons (compliance), rendered per language.",
    )
    explanation = models.TextField(help_text="The reasons rendered in English.")
    self_check = models.TextField(
        blank=True, help_text="Disagreement with a finding or a researcher's note."
    )
    rule_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()
    inputs_fingerprint = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=(
            "A digest of everything the verdict was computed from (the visit's columns, the "
            "person's warrants, the host's timeline, the findings, the rule version): a full "
            "re-evaluation skips the visits whose digest did not change. Empty: not yet known."
        ),
    )
    # Copies of two of the visit's columns, kept equal to them by triggers (migration
    # 0021): a new verdict takes them from its visit, whoever inserts it, and a change to
    # the visit updates them in the same statement. The incidents list, newest first,
    # reads a page's keys from one index of this table alone (visits_verdict_incident_start,
    # migration 0022; front.views.visits.incident_keys). Whatever is assigned here is
    # replaced by the visit's values when the row is inserted.
    visit_start = models.DateField(
        null=True, blank=True, editable=False, help_text="The visit's start (a copy)."
    )
    visit_published = models.BooleanField(
        default=False,
        editable=False,
        help_text="Whether the visit is published, i.e. verified (a copy).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(code="non_compliance", basis__gt="") | ~Q(code="non_compliance"),
                name="incident_has_basis",
            ),
            # Only the rule's codes: a list sorted by verdict reads one code at a time
            # (core.paging.partitioned_keys), so a row with another would not be listed.
            models.CheckConstraint(
                condition=Q(code__in=VerdictCode.values), name="verdict_code_known"
            ),
        ]
        indexes = [
            # The newest verdict (a list's citation) is read backwards on it.
            models.Index(fields=["computed_at"], name="visits_verdict_computed_at"),
            # The visits with a verdict (incidents: non_compliance), by id: see Visit's
            # `visits_visit_published_tally`.
            models.Index(fields=["code", "visit"], name="visits_verdict_code_visit"),
            # The verdicts of another rule than the running one, as two ranges of it: the
            # sweeper asks every 30 s (visits.outbox.request_outdated_rule_version), and
            # almost always finds none (migration 0037 builds it CONCURRENTLY).
            models.Index(fields=["rule_version"], name="visits_verdict_rule_version"),
            # (Migration 0022 adds visits_verdict_incident_start, built CONCURRENTLY: the
            # published incidents by (visit_start DESC NULLS LAST, visit_id), the incidents
            # list's default order.)
        ]

    def __str__(self):
        return f"{self.visit_id}: {self.code}"

    def explanation_text(self, language: str | None = "en") -> str:
        """The explanation in `language` ('en', 'fr'; None: the active one), rendered from
        the structured `reasons`. The rule stores no prose (`explanation` stays blank); a
        row recorded before reasons were kept has none and shows its stored English text.
        """
        return _explanation_text(self, language)


def _explanation_text(row, language: str | None) -> str:
    return reasons_text.explanation_or_stored(row.reasons, row.explanation, language)


class CurrentTransactionId(models.Func):
    """The id of the transaction that inserts the row (PostgreSQL's pg_current_xact_id())."""

    template = "(pg_current_xact_id()::text::bigint)"
    output_field = models.BigIntegerField()


class VerdictChange(models.Model):
    """One change of a visit's verdict: when it appeared, changed or was withdrawn, and why.

    `xact_id` is the id of the transaction that recorded it: the incidents feed hands out
    changes in (xact_id, id) order, and only those of transactions older than every one
    still running (api.paging.IncidentFeedPagination), so it is gap-free without a lock.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="verdict_changes")
    changed_at = models.DateTimeField()
    caused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the change of facts that caused it was recorded (its evaluation request's "
            "change_recorded_at: the latest change that may change a verdict when several "
            "waited for one evaluation, never a bare edit's: a verified "
            "correction's or withdrawal's, however long the evaluation waited for a worker); "
            "empty when no recorded change caused it (a full re-evaluation) or for a change "
            "recorded before this was kept: then changed_at."
        ),
    )
    old_code = models.CharField(max_length=24, choices=VerdictCode.choices, blank=True)
    new_code = models.CharField(max_length=24, choices=VerdictCode.choices)
    old_basis = models.CharField(max_length=24, choices=Basis.choices, blank=True)
    new_basis = models.CharField(max_length=24, choices=Basis.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    explanation = models.TextField(help_text="The reasons rendered in English.")
    cause = models.TextField(help_text="Why it changed, in English.")
    cause_facts = models.JSONField(
        default=dict, blank=True, help_text="Why it changed, structured (rendered per language)."
    )
    rule_version = models.CharField(max_length=20)
    xact_id = models.BigIntegerField(
        db_default=CurrentTransactionId(),
        editable=False,
        help_text="The transaction that recorded this change (the incidents feed's position).",
    )

    class Meta:
        ordering = ["visit", "changed_at", "id"]
        indexes = [
            models.Index(fields=["changed_at"]),
            models.Index(fields=["xact_id", "id"], name="visits_change_feed_position"),
            # The changes that made a visit an incident, in feed order: a page of the
            # incidents feed is a range of this index (api.paging.IncidentFeedPagination).
            models.Index(
                fields=["xact_id", "id"],
                name="visits_change_flag_position",
                condition=Q(new_code="non_compliance") & ~Q(old_code="non_compliance"),
            ),
        ]

    def __str__(self):
        return f"{self.visit_id}: {self.old_code or '-'} -> {self.new_code}"

    @property
    def happened_at(self) -> datetime.datetime:
        """When what it records happened, as a reader dates it: the time the change of facts
        that caused it was recorded (`caused_at`: a verified withdrawal's or correction's),
        else the time the verdict changed (`changed_at`). An evaluation that waited for a
        worker (an outage) does not move a withdrawal to the day the worker came back."""
        return self.caused_at or self.changed_at

    def new_label(self) -> str:
        """The new verdict's label (verdict_label), its reasons telling whether the host of a
        trip called off would have been bound ("host would have been bound" only then;
        core.reasons.host_would_be_bound)."""
        return verdict_label(self.new_code, reasons_text.host_would_be_bound(self.reasons))

    def explanation_text(self, language: str | None = "en") -> str:
        """The explanation of the new verdict in `language` (None: the active one), from
        `reasons`; the stored English text for a change recorded before reasons were kept."""
        return _explanation_text(self, language)


class EvaluationRequest(models.Model):
    """The outbox: "this visit's verdict must be recomputed", committed with the change.

    The relay enqueues a task right after commit and marks the request `relayed_at`;
    the periodic sweeper re-enqueues what was never relayed (the broker was down), or
    was relayed so long ago that its message must be lost, so a dead broker or worker
    delays a verdict but never loses it, and work still queued is not queued twice.
    """

    visit = models.OneToOneField(
        Visit, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    reason = models.TextField()
    change_recorded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the latest change among its causes that may change the verdict was "
            "recorded (may_change_verdict: a verified correction's or withdrawal's, never a "
            "bare edit's); empty when its only causes are bare edits. The history row of the "
            "change it causes is dated by it (VerdictChange.caused_at), as is the notice of "
            "a verdict awaiting it. requested_at, by contrast, moves with every request: it "
            "tells the evaluation that read the request whether another came meanwhile."
        ),
    )
    relayed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a task for it was last enqueued (empty: never)."
    )

    class Meta:
        indexes = [models.Index(fields=["requested_at"])]

    def __str__(self):
        return f"evaluate {self.visit_id}: {self.reason}"

    @staticmethod
    def may_change_verdict(causes) -> bool:
        """Whether a request with these causes (core.causes dicts, as `reason` stores them)
        may change what its visit's verdict says: any cause but a bare edit of the visit
        (`{"key": "edited", "object": "visit"}`: a save that changed none of the fields the
        verdict's history tracks, visits.signals.TRACKED, such as its researcher's notes,
        its occasion or the verdict a researcher expects, which the rule does not read or
        reads for the staff's self-check only). Such a request is evaluated all the same;
        its verdict is not told as out of date meanwhile. `CHANGES_A_VERDICT_SQL` is the
        same test in SQL."""
        return any(
            not (cause.get("key") == "edited" and cause.get("object") == "visit")
            for cause in causes
        )


# EvaluationRequest.may_change_verdict in SQL, on visits_evaluationrequest (alias `er`): a
# cause other than a bare edit of the visit. visits.outbox.request_evaluation, the only
# writer of requests, sets `change_recorded_at` exactly then and keeps it when a bare edit
# joins (migration 0040 set it on the requests outstanding before): read from that column,
# not from `reason` parsed again for every row shown (whose causes are cut at
# core.causes.MAX_CAUSES, which could drop the one that decides).
CHANGES_A_VERDICT_SQL = "er.change_recorded_at IS NOT NULL"


class RangeEvaluationRequest(models.Model):
    """The outbox of a queued full re-evaluation (`manage.py evaluate_visits --queue`): one
    share, the visits with `after` < id <= `upto`, committed before its task is enqueued.

    Its `visits.reevaluate_range` task deletes it when the share is done; the periodic
    sweeper enqueues again a share never relayed (the broker was down) or relayed
    ICCWATCH_SWEEP_REDELIVER_SECONDS ago and not touched since (the task touches
    `relayed_at` after each chunk it writes), so a Redis restarted with its queue emptied
    delays the pass but loses none of it (visits.outbox.sweep_ranges).
    """

    after = models.BigIntegerField(help_text="The share's visits have an id above this.")
    upto = models.BigIntegerField(help_text="... and at most this.")
    force = models.BooleanField(
        default=False, help_text="Run the rule on every visit, unchanged ones included."
    )
    queue = models.CharField(
        max_length=200, blank=True, help_text="The Celery queue (empty: the default one)."
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    relayed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its task was last enqueued, or last wrote a chunk (empty: never).",
    )

    class Meta:
        indexes = [models.Index(fields=["requested_at"])]

    def __str__(self):
        return f"re-evaluate visits {self.after + 1}-{self.upto}"


class _OutstandingRequest(models.Func):
    """Whether the visit whose id is the expression has an evaluation request that may change
    its verdict (EvaluationRequest.may_change_verdict): one look into the requests' primary
    key."""

    template = (
        "EXISTS (SELECT 1 FROM visits_evaluationrequest er "
        f"WHERE er.visit_id = %(expressions)s AND {CHANGES_A_VERDICT_SQL})"
    )
    output_field = models.BooleanField()


def reevaluation_pending(visit: str = "pk") -> models.Func:
    """An annotation: whether the visit a row names (`visit`, a field or lookup path to its
    id) has a verdict decided before a change to its facts that has not been evaluated yet
    (an outstanding EvaluationRequest that may change it, recorded in the transaction of the
    change: a correction or withdrawal verified while no worker ran). The site's pages and
    lists, the search results, the API's JSON answers and every download of visits (the
    site's CSV and JSON, the API's CSV, the bulk files, `export_verdicts`) showing such a
    verdict say it is out of date, and the evaluation that clears the request moves the data
    version (visits.flagging), so no cached page or download keeps saying so.

    An `EXISTS` in the rows' own query, never a query per row: PostgreSQL hashes the
    outstanding requests once when they are few, or looks each row's visit up in their
    primary key (a few microseconds a row, when a new rule version has queued one per
    visit), so a download streamed in chunks stays in flat memory."""
    return _OutstandingRequest(models.F(visit))


def reevaluation_pending_of(visit) -> bool:
    """Whether `visit`'s current verdict awaits re-evaluation (`reevaluation_pending`): its
    `reevaluation_pending` annotation (VisitQuerySet.with_pending_reevaluation), which every
    list, detail and download of visits reads with its rows; one query for a visit read
    without it. What the API's `verdict.reevaluation_pending` and the downloads'
    `reevaluation_pending` column (visits.tables.visit_row) both say."""
    pending = getattr(visit, "reevaluation_pending", None)
    if pending is None:
        pending = (
            Visit.objects.filter(pk=visit.pk)
            .with_pending_reevaluation()
            .values_list("reevaluation_pending", flat=True)
            .first()
        )
    return bool(pending)


def outstanding_requests():
    """The evaluation requests that tell their visit's verdict as awaiting re-evaluation
    (`reevaluation_pending`: CHANGES_A_VERDICT_SQL, as a queryset), e.g. for a digest of
    which verdicts are out of date (dataset.bulk.data_key)."""
    return EvaluationRequest.objects.filter(change_recorded_at__isnull=False)


class ReportState(models.TextChoices):
    """Where a newsroom report stands in its review (four eyes: never its author's)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


OPEN_REPORT_STATES = (ReportState.DRAFT, ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED)
# Open and out of their author's hands: what a reviewer reads (the queue, a report sent back).
UNDER_REVIEW_STATES = (ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED)


@history.track(exclude=["updated_at"])
class Report(models.Model):
    """A report from the newsroom: a new visit, a correction to a published one, the
    withdrawal of a published one (a correction with a `withdrawal_note`), or the
    restoration of a withdrawn one (a correction with a `restoration_note`).

    Nothing of it is public until a reviewer who is not its author verifies it
    (visits.review): a new report then becomes a published Visit with its citations,
    a correction changes its visit and records what changed (`changes`), a withdrawal
    takes its visit out of the record (docs/DOMAIN.md: withdrawn, never deleted, its page
    saying why), a restoration puts a withdrawn visit back on it, under its own address
    (withdrawn by mistake: its page then says when it came back, and why). `data` holds
    the visit's fields as the API writes them (person slug, host ISO3, ISO dates that
    may be partial, ...); `citations` the sources with what this report says of them.
    """

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The visit a correction changes, or the visit a verified new report became.",
    )
    is_correction = models.BooleanField(default=False)
    withdrawal_note = models.TextField(
        blank=True,
        db_default="",
        help_text=(
            "A withdrawal: why the published visit leaves the record (shown on its page once "
            "verified). Empty for any other report."
        ),
    )
    withdrawal_citations = models.JSONField(
        default=list,
        blank=True,
        db_default=[],
        help_text=(
            "A withdrawal: the sources its reason cites, in `citations`' shape (none may be "
            "given); the visit's page shows them with the reason once verified. Empty for "
            "any other report."
        ),
    )
    restoration_note = models.TextField(
        blank=True,
        db_default="",
        help_text=(
            "A restoration: why the withdrawn visit returns to the record (withdrawn by "
            "mistake), shown with it on the visit's page once verified. Empty for any other "
            "report."
        ),
    )
    reason = models.TextField(
        blank=True,
        db_default="",
        help_text=(
            "A correction: why the published visit should change (what new source or error "
            "it answers), read by the reviewer and shown with the correction on the visit's "
            "page once verified. Empty for a new report."
        ),
    )
    based_on = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "For a correction: the corrected visit's last change (its updated_at) when the "
            "correction was filled from it. Verifying refuses the correction once the visit "
            "changed after that: it would undo the change."
        ),
    )
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    data = models.JSONField(default=dict)
    citations = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        blank=True, help_text="The reviewer's request for changes, or the reason for rejecting."
    )
    reply = models.TextField(
        blank=True,
        db_default="",
        help_text=(
            "The author's answer to the reviewer's last request for changes: kept with the "
            "report (and its history), never published nor copied to the visit."
        ),
    )
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="For a verified correction: [{field, old, new}], what the public page shows.",
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(
        max_length=64, help_text="Identifies identical open reports (sha256 of what they say)."
    )

    class Meta:
        ordering = ["submitted_at", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="report_idempotency_key_once_per_author",
            ),
            # One report of the same content under review; a draft is its author's own,
            # so it neither blocks a colleague's report nor is named to them.
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(state__in=["submitted", "changes_requested"]),
                name="report_not_twice_under_review",
            ),
            models.UniqueConstraint(
                fields=["author", "fingerprint"],
                condition=Q(state="draft"),
                name="report_draft_once_per_author",
            ),
            models.CheckConstraint(
                condition=~Q(is_correction=True, visit__isnull=True),
                name="report_correction_has_visit",
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_note="") | Q(is_correction=True),
                name="report_withdrawal_is_of_a_visit",
            ),
            models.CheckConstraint(
                condition=Q(restoration_note="") | Q(is_correction=True),
                name="report_restoration_is_of_a_visit",
            ),
            # A report withdraws its visit or restores it, never both.
            models.CheckConstraint(
                condition=Q(restoration_note="") | Q(withdrawal_note=""),
                name="report_withdraws_or_restores",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self):
        what = f"correction of {self.visit}" if self.is_correction else "new visit"
        if self.is_withdrawal:
            what = f"withdrawal of {self.visit}"
        if self.is_restoration:
            what = f"restoration of {self.visit}"
        return f"report {self.pk} ({what}, {self.state})"

    @property
    def is_withdrawal(self) -> bool:
        return bool(self.withdrawal_note)

    @property
    def is_restoration(self) -> bool:
        """The restoration of a withdrawn visit to the record (its `restoration_note`)."""
        return bool(self.restoration_note)

    @property
    def keeps_facts(self) -> bool:
        """A withdrawal or a restoration: it moves its visit off the record or back onto
        it and changes none of its facts; its author rewords its reason on its page,
        never in the report form."""
        return self.is_withdrawal or self.is_restoration
