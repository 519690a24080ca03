"""Visits with their verdicts, incidents and ICC findings (reports: api.reports)."""

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import (
    AS_OF,
    BlankTextAsNull,
    LinkField,
    OptionalCharField,
    OptionalChoiceField,
    PlainReadMixin,
    PrecisionField,
    SourceSerializer,
    page_url,
    plain_link,
)
from api.lang import answer_language, render_explanation
from api.states.serializers import (
    FINDING_DATASET_ID,
    DecisionBodiesMixin,
    StateRefSerializer,
    dataset_id_field,
    finding_visit,
)
from api.warrants.serializers import PersonRefSerializer, SituationSerializer, WarrantRefSerializer
from core import causes, tabular
from visits.models import (
    Basis,
    Finding,
    FindingKind,
    HostControl,
    ReviewState,
    TextLanguage,
    VerdictChange,
    VerdictCode,
    Visit,
    reevaluation_pending_of,
    verdict_label,
)


class VisitVerdictSerializer(PlainReadMixin, serializers.Serializer):
    """The verdict on a visit: the current one, or with `as_of` the one iccwatch showed then.

    With `as_of`, the verdict is the visit's latest recorded verdict change made before
    the end of that day (UTC): what iccwatch said at that moment, with the rule and facts
    it knew then. It is null when the visit had not been evaluated by then. Changes only
    record the code, basis and explanation, so `warrants` and `would_have_been_bound`
    are null for a past verdict.
    """

    code = serializers.ChoiceField(
        choices=VerdictCode.choices,
        help_text="The first matching row of the verdict table (docs/DOMAIN.md): `pending`, `upcoming` "
        "(an announced trip: an early warning, not an incident), `deterred` (a trip called off or "
        "attended by video: the person did not travel, for whatever reason), `no_warrant_in_force`, "
        "`warrant_not_public`, `no_control` (the host did not control the place), `complied`, "
        "`no_obligation`, `non_compliance` (the only incident); `withdrawn`: the visit left the record "
        "(rejected on review or removed from a newer dataset version; see `withdrawal_note`).",
    )
    label = serializers.CharField(
        help_text="The code in words, in the answer's language. `deterred` reads \"did not travel "
        '(host would have been bound)" where `would_have_been_bound` is true, else "did not travel".'
    )
    basis = OptionalChoiceField(
        choices=Basis.choices,
        help_text="Why the host was bound, first of state_party, art_127_2_residual, art_12_3_declaration, "
        "unsc_referral. For `non_compliance` and `complied`: the basis it was bound on; for `upcoming`, "
        "`deterred` and `no_control`: the basis it would have had (null if none); null for every other "
        "verdict.",
    )
    reasons = serializers.ListField(
        child=serializers.DictField(),
        allow_null=True,
        help_text="The rule's reasons as structured, language-neutral facts, as stored: each an object "
        'with a `key` and its parameters: dates as ISO strings, possibly partial (`2009-03`), `""` when '
        "unknown or not applicable; a state as an object `{iso3, name}` (ISO 3166-1 alpha-3 and its "
        "English name); a person and a situation by name. The keys, in the order a paragraph tells "
        "them: obligation (`bound_state_party`, `bound_residual`, `bound_declaration`, `bound_referral`, "
        "`never_party`, `not_party`, `not_yet_party`, `no_longer_party`, `not_bound`, "
        "`referral_not_binding` (the Security Council referred the situation by a resolution that "
        "does not oblige this host: `resolution`, `adopted`, `bound`, the states it obliges), "
        "`would_be_bound`, "
        "`would_not_be_bound`), warrant (`warrant`, `no_warrant_in_force`, `warrant_sealed`), visit "
        "(`visit`, `trip`, `no_control` (who controlled the place: `controlled_by`), "
        "`place_not_controlled` (a trip not made to a place the host did not control: it could not "
        "arrest there, so an announced one is no early warning; `state`, `status`, "
        "`controlled_by`)), `justification`, `finding` (an ICC decision on the visit: "
        "`decided`, `kind`, `chamber`, `reference`; `referred_to_asp` and `referred_to_unsc` where "
        "an Art. 87(7) finding was referred, false for a decision of kind `other`, whose "
        "`informed_asp` and `informed_unsc` say which bodies it only informed, as on /findings/), "
        "`no_standing_referral`, "
        "`no_court_finding` (a `non_compliance` verdict of which the Court has made no Art. 87(7) "
        "finding: iccwatch's reading of the facts; `no_failure`, where present, the date of a "
        "decision that found no failure to comply, against which it stands), `date_note`, "
        "`end_unknown` (a visit whose end "
        "is not known: the verdict rests on its `start`; every reason naming such a visit also "
        "carries `end_known` false), `sources`, and `pending` or `withdrawn` for a visit without a verdict. "
        "`explanation` is their rendering. Empty for a verdict recorded before reasons were kept.",
    )
    explanation = serializers.CharField(
        help_text="Plain-language explanation (basis, dates, articles, warrants, sources), rendered from "
        "`reasons` in the answer's language (`?lang=` or Accept-Language)."
    )
    would_have_been_bound = serializers.BooleanField(
        allow_null=True,
        help_text="For `upcoming`, `deterred` and `no_control`: whether the host would have been bound "
        "(on `basis`) on every possible day of the visit on which a warrant was in force (true), "
        "on none (false), or on only some, so that it depends on dates nobody knows (null); "
        "null for every other verdict.",
    )
    warrants = WarrantRefSerializer(
        many=True, allow_null=True, help_text="The warrants that decided the verdict."
    )
    rule_version = serializers.CharField()
    since = serializers.DateTimeField(help_text="When iccwatch recorded this verdict.")
    reevaluation_pending = serializers.BooleanField(
        help_text="true when this verdict was decided before a change to the facts it rests on "
        "(a verified correction of the visit, a warrant's or a state's change, a new rule "
        "version) that has not been evaluated yet: it may not follow from the visit's fields "
        "beside it, and will be replaced as soon as a worker evaluates the change (seconds "
        "normally; longer while no worker runs). The visit's page says so too, and so "
        "does the CSV's last column, `reevaluation_pending`. A change "
        "that cannot alter the verdict (an edit of the researchers' notes) does not count. "
        "false for a verdict that is up to date, and for a past verdict (`as_of`).",
    )
    as_of = serializers.DateField(
        allow_null=True, help_text="The as_of date asked for, or null for the current verdict."
    )

    def to_representation(self, visit):
        as_of = self.context.get(AS_OF)
        if as_of is None:
            try:
                verdict = visit.verdict
            except ObjectDoesNotExist:
                return None
            data = {
                "code": verdict.code,
                "basis": verdict.basis,
                "reasons": verdict.reasons or [],
                "explanation": render_explanation(verdict.reasons, verdict.explanation),
                "would_have_been_bound": verdict.would_have_been_bound,
                "warrants": verdict.warrants.all(),
                "rule_version": verdict.rule_version,
                "since": verdict.computed_at,
                "reevaluation_pending": reevaluation_pending_of(visit),
                "as_of": None,
            }
        else:
            changes = getattr(visit, "verdict_as_of", None)
            if not changes:
                return None
            change = changes[0]
            data = {
                "code": change.new_code,
                "basis": change.new_basis,
                "reasons": change.reasons or [],
                "explanation": render_explanation(change.reasons, change.explanation),
                "would_have_been_bound": None,
                "warrants": None,
                "rule_version": change.rule_version,
                "since": change.changed_at,
                "reevaluation_pending": False,
                "as_of": as_of,
                # What the change's reasons say of a called-off trip's host, as its page does.
                "label": change.new_label(),
            }
        if "label" not in data:
            data["label"] = verdict_label(data["code"], data["would_have_been_bound"])
        return super().to_representation(data)


class VerdictChangeSerializer(PlainReadMixin, BlankTextAsNull, serializers.ModelSerializer):
    """One change of the verdict: when a flag appeared, changed or was withdrawn, and why."""

    old_code = OptionalChoiceField(
        choices=VerdictCode.choices,
        read_only=True,
        help_text="The verdict before the change, or null for the visit's first verdict.",
    )
    old_basis = OptionalChoiceField(
        choices=Basis.choices,
        read_only=True,
        help_text="The basis before the change, or null when there was none.",
    )
    new_basis = OptionalChoiceField(
        choices=Basis.choices,
        read_only=True,
        help_text="The basis after the change, or null when there is none.",
    )

    reasons = serializers.JSONField(
        read_only=True, help_text="The new verdict's structured reasons, as stored."
    )
    explanation = serializers.SerializerMethodField(
        help_text="The new verdict's explanation, rendered from `reasons` in the answer's language."
    )
    cause = serializers.SerializerMethodField(
        help_text=(
            "Why it changed, rendered from `cause_facts` in the answer's language (the stored "
            "English for changes recorded before causes were structured); a withdrawal reads "
            "'withdrawn: removed from dataset version X'."
        )
    )
    cause_facts = serializers.JSONField(
        read_only=True,
        help_text="Why it changed, structured (what changed, named by natural keys; empty for older changes).",
    )
    caused_at = serializers.DateTimeField(
        source="happened_at",
        read_only=True,
        help_text="When the change of facts that caused it was recorded (UTC; the latest, when "
        "several waited for one evaluation): a verified correction's or withdrawal's time, "
        "however long its evaluation waited for a worker, so the day a visit was withdrawn is "
        "the day its withdrawal was verified. Before `changed_at`, the moment the verdict "
        "itself changed (which `as_of` reads), by as long as the evaluation waited; equal to "
        "it for a change no recorded change of facts caused (a full re-evaluation) and for "
        "changes recorded before this was kept.",
    )

    class Meta:
        model = VerdictChange
        fields = [
            "changed_at",
            "caused_at",
            "old_code",
            "new_code",
            "old_basis",
            "new_basis",
            "reasons",
            "explanation",
            "cause",
            "cause_facts",
            "rule_version",
        ]

    def get_explanation(self, change) -> str:
        return render_explanation(change.reasons, change.explanation)

    def get_cause(self, change) -> str:
        if not change.cause_facts:
            return change.cause
        return causes.render(change.cause_facts, answer_language())


class FindingRefSerializer(
    PlainReadMixin, DecisionBodiesMixin, serializers.HyperlinkedModelSerializer
):
    """An ICC finding about this visit, in short: its kind, its date, where it was referred
    (an Art. 87(7) finding) or which bodies it informed (a decision of kind `other`); the
    whole decision at `url`."""

    url = LinkField(view_name="api-finding-detail")
    dataset_id = dataset_id_field(FINDING_DATASET_ID)
    kind = serializers.ChoiceField(choices=FindingKind.choices, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "url",
            "dataset_id",
            "kind",
            "decided",
            "decided_precision",
            "referred_to_asp",
            "referred_to_unsc",
            "informed_asp",
            "informed_unsc",
        ]


class CitationSerializer(PlainReadMixin, serializers.Serializer):
    """A public document as a visit cites it (visits.models.Citation, shown_* values)."""

    url = serializers.CharField(
        source="source.url", read_only=True, help_text="The document's address, as published."
    )
    publisher = OptionalCharField(
        source="shown_publisher", read_only=True, help_text="Its publisher; null if not recorded."
    )
    published = serializers.DateField(source="shown_published", read_only=True, allow_null=True)
    excerpt = OptionalCharField(
        source="shown_excerpt", read_only=True, help_text="What it says; null if not recorded."
    )
    archived_url = OptionalCharField(
        source="shown_archived_url", read_only=True, help_text="An archived copy; null if none."
    )


class VisitSerializer(PlainReadMixin, BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A trip of a wanted person to another state, with the verdict on the host.

    Dates may be partial: `start` and `end` then hold the first day of the month or
    year, and `start_precision`/`end_precision` say how much is known.
    """

    url = LinkField(view_name="api-visit-detail", lookup_field="slug", lookup_url_kwarg="id")
    id = serializers.CharField(
        source="slug",
        read_only=True,
        help_text="The visit's stable id: its person, host and the start known when it was "
        "first recorded, kept when its dates are corrected (`omar-al-bashir-zaf-2015-06-14` "
        "began on 13 June 2015). Read the dates from `start` and `end`, not from the id.",
    )
    person = PersonRefSerializer(read_only=True)
    situation = SituationSerializer(source="person.situation", read_only=True)
    host = StateRefSerializer(read_only=True)
    host_control = serializers.ChoiceField(
        choices=HostControl.choices,
        read_only=True,
        help_text="Whether the host controlled the place: `effective` (the default) or `none` (occupied "
        "territory or outside the host's authority: the verdict is then `no_control`).",
    )
    controlled_by = StateRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Where `host_control` is `none`: the state that controlled the place, if known.",
    )
    text_language = serializers.ChoiceField(
        choices=TextLanguage.choices,
        read_only=True,
        help_text="The language `occasion` and `host_justification` are written in (BCP 47: `en` "
        "or `fr`): the one its report gave for a visit reported in the newsroom or the API, "
        "kept by an import that leaves both as recorded; `en`, the dataset's, for a visit "
        "recorded before and once an import writes either of them. A page in another language "
        "marks them with it.",
    )
    verdict = VisitVerdictSerializer(source="*", read_only=True, allow_null=True)
    findings = FindingRefSerializer(
        many=True, read_only=True, help_text="ICC findings (Art. 87(7) or other) about this visit."
    )
    expected_verdict = OptionalCharField(
        read_only=True,
        help_text="The verdict code the researchers expect (null if none noted); the self-check "
        "compares it with `verdict.code`.",
    )
    withdrawal_note = OptionalCharField(
        read_only=True,
        help_text="For a withdrawn visit: why it left the record, e.g. 'removed from dataset version "
        "2026.12.01'; null otherwise.",
    )
    sources = CitationSerializer(
        source="citations",
        many=True,
        read_only=True,
        help_text="The sources as this visit's record cites them (publisher, date, excerpt and "
        "archived copy are this visit's, so another visit citing the same URL never changes them).",
    )
    withdrawal_sources = serializers.SerializerMethodField(
        help_text="For a visit withdrawn by a verified withdrawal: the sources its "
        "`withdrawal_note` cites, as the withdrawal cites them (the same fields as `sources`); "
        "[] otherwise, and when the withdrawal gave none (an error in the record's own entry "
        "may have no outside source).",
    )
    page_url = serializers.SerializerMethodField(help_text="The visit's page on the site.")
    dates_passed = serializers.SerializerMethodField(
        help_text="True for an `announced` trip whose last possible day (the end, else the "
        "start, to the end of its month or year when partial) is before today: not confirmed "
        "as taken, and no longer an early warning, though its verdict stays `upcoming` (the "
        "verdict does not depend on the day the rule ran). False otherwise. Decided when "
        "answered, each day."
    )
    start_precision = PrecisionField("start")
    end_precision = PrecisionField(
        "end",
        help_text="How much of `end` is known: `day`, `month` or `year`; null when `end` is (a "
        "one-day visit: it ends on its start; an undated one; one whose end is not known).",
    )
    end_known = serializers.BooleanField(
        read_only=True,
        help_text="False when the sources give the day the visit began but not the day it "
        "ended: `end` is then null, and the visit is known to have covered its `start`, not "
        "that it lasted that day alone (the verdict rests on the start; its reasons carry "
        "`end_known` false and an `end_unknown` reason). True otherwise: a null `end` is then "
        "a visit of one day.",
    )

    class Meta:
        model = Visit
        fields = [
            "url",
            "id",
            "person",
            "situation",
            "host",
            "host_control",
            "controlled_by",
            "place",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "end_known",
            "occasion",
            "status",
            "dates_passed",
            "outcome",
            "host_notified",
            "host_justification",
            "text_language",
            "review_state",
            "withdrawal_note",
            "withdrawal_sources",
            "expected_verdict",
            "verdict",
            "findings",
            "sources",
            "page_url",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A visit that ends on its start has a null `end` (and `end_precision`) however it
        # is stored, as in every other output (core.tabular.dated_span).
        dates = tabular.dated_span(
            instance.start, instance.start_precision, instance.end, instance.end_precision
        )
        if dates["end"] is None:
            data["end"] = data["end_precision"] = None
        return data

    @extend_schema_field(CitationSerializer(many=True))
    def get_withdrawal_sources(self, visit) -> list[dict]:
        # Only a withdrawn visit cites any (one restored loses them): a published visit,
        # a page of the incidents feed, asks nothing more of the database. A list that
        # may hold withdrawn visits read them for the page
        # (visits.tables.with_withdrawal_sources); a withdrawn visit alone, here.
        if visit.review_state != ReviewState.WITHDRAWN:
            return []
        cited = getattr(visit, "withdrawal_cited", None)
        if cited is None:
            cited = visit.withdrawal_citations.select_related("source").order_by("source__url")
        return CitationSerializer(many=True, context=self.context).to_representation(cited)

    def get_dates_passed(self, visit) -> bool:
        return visit.dates_passed()

    def get_page_url(self, visit) -> str:
        # Visit.get_absolute_url, without a reverse() per row.
        url = plain_link(self.context.get("request"), "visit", "slug", visit.slug)
        return url if url is not None else page_url(self.context, visit)


class VisitDetailSerializer(VisitSerializer):
    """A visit with its verdict history (up to the as_of day, when given), oldest first."""

    history = VerdictChangeSerializer(source="history_rows", many=True, read_only=True)

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "history"]


class IncidentSerializer(VisitSerializer):
    """A visit whose current verdict is non-compliance, with its position in the feed."""

    flag_id = serializers.IntegerField(
        read_only=True,
        help_text="Position in the feed: the id of the verdict change that made this visit an incident. "
        "Pass the last one you have as `cursor` to get the incidents after it. The feed lists incidents "
        "in the order they were recorded, which two writers at the same moment may make differ from "
        "the order of their flag_ids.",
    )
    flagged_at = serializers.DateTimeField(
        read_only=True, help_text="When the visit became an incident."
    )

    class Meta(VisitSerializer.Meta):
        fields = ["flag_id", "flagged_at", *VisitSerializer.Meta.fields]


class VisitRefSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A link to a visit."""

    url = LinkField(view_name="api-visit-detail", lookup_field="slug", lookup_url_kwarg="id")
    id = serializers.CharField(source="slug")

    class Meta:
        model = Visit
        fields = ["url", "id"]


class FindingSerializer(
    DecisionBodiesMixin, BlankTextAsNull, serializers.HyperlinkedModelSerializer
):
    """An ICC decision on a state's failure to arrest and surrender.

    `kind` `art_87_7`: a Pre-Trial Chamber finding of non-compliance under Art. 87(7),
    which may be referred (`referred_to_asp`, `referred_to_unsc`); `other`: a decision that
    makes no such finding and refers nothing, most of which only inform the Security
    Council or the Assembly (`informed_unsc`, `informed_asp`). Most
    concern one visit; some a failure on the state's own territory with no visit (`visit`
    null: Sudan 2010 and 2015, Libya 2014). `decided` may be known only to the month or
    year: it is then the first day of that month or year, `decided_precision` saying how
    much of it is known (`2010-05-01` and `month`, in JSON and CSV alike).
    """

    url = LinkField(view_name="api-finding-detail")
    dataset_id = dataset_id_field(FINDING_DATASET_ID)
    state = StateRefSerializer(read_only=True)
    kind = serializers.ChoiceField(choices=FindingKind.choices, read_only=True)
    persons = PersonRefSerializer(many=True, read_only=True, help_text="The persons concerned.")
    visit = serializers.SerializerMethodField(
        help_text="The visit it concerns, or null (no visit, or one not published)."
    )
    sources = SourceSerializer(many=True, read_only=True)
    counts_as_finding = serializers.BooleanField(
        source="first_finding",
        read_only=True,
        help_text="Whether this decision is a failure the Court found: the first Art. 87(7) "
        "finding about its failure to arrest (a decision with no visit stands alone). False "
        "for an appeal judgment upholding it (Jordan, 6 May 2019), a later referral of it "
        "(Italy, 26 January 2026) and every decision of kind `other`. A state's page counts "
        "the rows where it is true.",
    )
    referral_stands = serializers.SerializerMethodField(
        help_text="Whether this decision's referral to the Assembly or the Council still "
        "stands: false when it made none (a decision of kind `other` never does: informing a "
        "body is no referral), or when the latest Art. 87(7) finding about the same visit "
        "came after it and made none (Jordan: referred in 2017, the referral reversed on "
        "appeal on 6 May 2019), as the visit's explanation says. A decision of kind `other` "
        "neither refers nor lifts a referral."
    )

    class Meta:
        model = Finding
        fields = [
            "url",
            "id",
            "dataset_id",
            "state",
            "kind",
            "visit",
            "persons",
            "decided",
            "decided_precision",
            "chamber",
            "decision_reference",
            "referred_to_asp",
            "referred_to_unsc",
            "referral_stands",
            "informed_asp",
            "informed_unsc",
            "counts_as_finding",
            "notes",
            "sources",
        ]

    def get_referral_stands(self, finding) -> bool:
        if not finding.referred:  # no referral, or a decision that only informed
            return False
        # Annotated by FindingViewSet's queryset (visits.models.referral_lifted), in the
        # list's own query: never a query per row.
        return not finding.referral_lifted

    @extend_schema_field(VisitRefSerializer(allow_null=True))
    def get_visit(self, finding):
        visit = finding_visit(finding)
        if visit is None:
            return None  # an unpublished visit has no public page
        return VisitRefSerializer(visit, context=self.context).data
