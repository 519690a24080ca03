"""States with their Rome Statute timeline and status, and the joint statements they signed."""

import datetime

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import (
    AS_OF,
    BlankTextAsNull,
    LinkField,
    OptionalCharField,
    PlainReadMixin,
    PrecisionField,
    SourceSerializer,
    list_url,
    page_url,
)
from api.states.status import Timeline, treaty_status_on
from core.names import country_name
from states.models import (
    Declaration,
    DeclarationEffect,
    JointStatement,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
)
from states.status import Standing
from visits.models import Basis, Finding, FindingKind

# StateFacts.joined's readings, as the API names the instrument.
INSTRUMENTS = {"ratified": "ratification", "acceded": "accession", "succeeded": "succession"}


def finding_visit(finding):
    """The finding's visit when a reader may open it (its queryset annotates
    `visit_readable`, visits.models.readable_visit: published, or withdrawn or rejected
    after it was), else None: a visit never published has no public page."""
    visit = finding.visit
    return visit if visit is not None and finding.visit_readable else None


# A finding's or a joint statement's identifier in the dataset (findings.csv and
# statements.csv `id`): the API's `id` is the database's number, which the dataset does
# not know; its detail answers at either (the dataset's redirects to the number's).
FINDING_DATASET_ID = (
    "The decision's identifier in the dataset (findings.csv `id`, e.g. `jor-2017-12-11`): "
    "`/findings/{dataset_id}/` redirects (301) to this finding's `url`. Null for a decision "
    "no import has named."
)
STATEMENT_DATASET_ID = (
    "The statement's identifier in the dataset (statements.csv `id`, e.g. `2024-06-14`): "
    "`/statements/{dataset_id}/` redirects (301) to this statement's `url`. Null for a "
    "statement no import has named."
)


def dataset_id_field(help_text: str) -> OptionalCharField:
    """A record's dataset identifier (its model's `slug`), null until an import names it."""
    return OptionalCharField(source="slug", read_only=True, allow_null=True, help_text=help_text)


# What a decision did with the Assembly and the Council (visits.models.decision_bodies):
# only an Art. 87(7) finding refers; a decision of kind `other` informs.
REFERRED_TO_ASP = (
    "Whether the chamber referred its Art. 87(7) finding of non-compliance to the Assembly of "
    "States Parties. Always false for a decision of kind `other`, which makes no finding and "
    "refers nothing (see `informed_asp`)."
)
REFERRED_TO_UNSC = (
    "Whether the chamber referred its Art. 87(7) finding of non-compliance to the UN Security "
    "Council. Always false for a decision of kind `other`, which makes no finding and refers "
    "nothing (see `informed_unsc`)."
)
INFORMED_ASP = (
    "Whether a decision of kind `other` informed the Assembly of States Parties (of a visit, "
    "for it to take any measure it deems appropriate): no finding, no referral (Kenya and "
    "Chad, 27 August 2010). Always false for an Art. 87(7) finding (see `referred_to_asp`)."
)
INFORMED_UNSC = (
    "Whether a decision of kind `other` informed the UN Security Council (of a visit, for it to "
    "take any measure it deems appropriate): no finding, no referral (Kenya and Chad, 27 August "
    "2010). Always false for an Art. 87(7) finding (see `referred_to_unsc`)."
)


class DecisionBodiesMixin(serializers.Serializer):
    """A decision's `referred_to_asp`, `referred_to_unsc`, `informed_asp` and `informed_unsc`
    (visits.models.decision_bodies, from a visits.Finding's `bodies`): a decision that is
    not an Art. 87(7) finding refers nothing, and what it informed is said apart."""

    referred_to_asp = serializers.BooleanField(
        source="bodies.referred_to_asp", read_only=True, help_text=REFERRED_TO_ASP
    )
    referred_to_unsc = serializers.BooleanField(
        source="bodies.referred_to_unsc", read_only=True, help_text=REFERRED_TO_UNSC
    )
    informed_asp = serializers.BooleanField(
        source="bodies.informed_asp", read_only=True, help_text=INFORMED_ASP
    )
    informed_unsc = serializers.BooleanField(
        source="bodies.informed_unsc", read_only=True, help_text=INFORMED_UNSC
    )


TRANSLATED_NAME = (
    "The country's name in the answer's language (`?lang=` or Accept-Language), from the ISO 3166-1 "
    "catalogue; in English, the dataset's name."
)


class StateRefSerializer(PlainReadMixin, BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A link to a state. `name` is the dataset's English name; `translated_name` the reader's."""

    url = LinkField(view_name="api-state-detail", lookup_field="iso3")
    translated_name = serializers.SerializerMethodField(help_text=TRANSLATED_NAME)

    class Meta:
        model = State
        fields = ["url", "iso3", "name", "translated_name"]

    def get_translated_name(self, state) -> str:
        return country_name(state.iso3, state.name)


class TreatyEventSerializer(BlankTextAsNull, serializers.ModelSerializer):
    """One dated step of the state's Rome Statute timeline, with the sources it rests on
    (the importer gives each its state's `source_urls`: /data/dictionary/, `states.csv`)."""

    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = TreatyEvent
        fields = ["kind", "date", "precision", "note", "sources"]


class DeclarationSerializer(BlankTextAsNull, serializers.ModelSerializer):
    """An Art. 12(3) declaration: bound from `lodged` for that situation only, with the
    sources it rests on.

    `covers_from`/`covers_to` are the period of alleged crimes it accepts jurisdiction
    over (possibly partial: see the `_precision` fields; `covers_to` null: open-ended).
    """

    situation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    situation_name = serializers.CharField(source="situation.name", read_only=True)
    covers_from_precision = PrecisionField("covers_from")
    covers_to_precision = PrecisionField("covers_to")
    given_effect = serializers.SerializerMethodField(
        help_text="Whether the declaration was given effect. False for one lodged but not "
        "acted on (Palestine's of 22 January 2009, on which the Prosecutor did not act: his "
        "statement of 3 April 2012): iccwatch counts no obligation from it, so no verdict and "
        "no `treaty_status` obligation rests on it."
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "lodged",
            "situation",
            "situation_name",
            "covers_from",
            "covers_from_precision",
            "covers_to",
            "covers_to_precision",
            "given_effect",
            "notes",
            "sources",
        ]

    def get_given_effect(self, declaration) -> bool:
        return declaration.effect != DeclarationEffect.NOT_GIVEN_EFFECT


class CouncilReferralRefSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A Security Council resolution (Chapter VII) that binds this state for one situation."""

    url = LinkField(view_name="api-referral-detail")
    situation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    situation_name = serializers.CharField(source="situation.name", read_only=True)

    class Meta:
        model = SecurityCouncilReferral
        fields = ["url", "resolution", "adopted", "situation", "situation_name"]


class StateFindingSerializer(
    DecisionBodiesMixin, BlankTextAsNull, serializers.HyperlinkedModelSerializer
):
    """An ICC finding about this state, with or without a visit (see /findings/ for the details)."""

    url = LinkField(view_name="api-finding-detail")
    dataset_id = dataset_id_field(FINDING_DATASET_ID)
    kind = serializers.ChoiceField(choices=FindingKind.choices, read_only=True)
    persons = serializers.ListField(
        child=serializers.CharField(),
        source="person_slugs",
        read_only=True,
        help_text="The persons concerned (slugs).",
    )
    visit = serializers.SerializerMethodField(
        help_text="The visit's id, or null for a failure with no (published) visit."
    )
    counts_as_finding = serializers.BooleanField(
        source="first_finding",
        read_only=True,
        help_text="Whether this decision is a failure the Court found, the first Art. 87(7) "
        "finding about it, as /findings/ says: the state's page counts these.",
    )

    class Meta:
        model = Finding
        fields = [
            "url",
            "id",
            "dataset_id",
            "kind",
            "decided",
            "decided_precision",
            "chamber",
            "decision_reference",
            "persons",
            "visit",
            "referred_to_asp",
            "referred_to_unsc",
            "informed_asp",
            "informed_unsc",
            "counts_as_finding",
        ]

    def get_visit(self, finding) -> str | None:
        visit = finding_visit(finding)
        return visit.slug if visit is not None else None


def listed_count(statement) -> int:
    """How many signatories are listed: annotated (`listed`) or counted from the prefetch."""
    listed = getattr(statement, "listed", None)
    return listed if listed is not None else len(statement.signatories.all())


def is_complete(statement) -> bool:
    """Whether a joint statement lists every signatory: true when its recorded count is
    unknown or its listed signatories reach it (docs/DOMAIN.md, "Joint statement")."""
    count = statement.signatory_count
    return count is None or listed_count(statement) >= count


LISTED_COUNT = "How many signatories are listed here."
COMPLETE = (
    "Whether every signatory is listed: false when fewer are listed than `signatory_count` (an "
    "unlisted state is then not known to have signed, never known not to have)."
)


SIGNED = "signed"
NOT_KNOWN = "not_known"
SIGNATURE = (
    "This state's signature: `signed` (listed as a signatory) or `not_known` (not listed, "
    "but the list is incomplete: fewer states recorded, `listed_count`, than signed it, "
    '`signatory_count`, and the state was a State Party that day). Never "did not sign" '
    'for an unlisted state of an incomplete list (docs/DOMAIN.md, "Joint statement").'
)


class StatementRefSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A joint statement in a state's record, with that state's `signature`: `signed` when
    the state is listed; `not_known` when it is not but the list is incomplete (fewer
    listed than `signatory_count`) and the state was a State Party that day, as the
    state's page says "signature not known (65 of 93 signatories recorded)"."""

    url = LinkField(view_name="api-statement-detail")
    dataset_id = dataset_id_field(STATEMENT_DATASET_ID)
    signature = serializers.SerializerMethodField(help_text=SIGNATURE)
    listed_count = serializers.SerializerMethodField(help_text=LISTED_COUNT)
    complete = serializers.SerializerMethodField(help_text=COMPLETE)

    class Meta:
        model = JointStatement
        fields = [
            "url",
            "id",
            "dataset_id",
            "date",
            "title",
            "signature",
            "signatory_count",
            "listed_count",
            "complete",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=[SIGNED, NOT_KNOWN]))
    def get_signature(self, statement) -> str:
        return NOT_KNOWN if getattr(statement, "signature_not_known", False) else SIGNED

    def get_listed_count(self, statement) -> int:
        return listed_count(statement)

    def get_complete(self, statement) -> bool:
        return is_complete(statement)


def with_listed_count(statements):
    """Statements annotated with `listed`, the number of signatories listed (a subquery: the
    count stays right inside a prefetch filtered by one signatory)."""
    through = JointStatement.signatories.through
    listed = (
        through.objects.filter(jointstatement_id=OuterRef("pk"))
        .order_by()
        .values("jointstatement_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return statements.annotate(listed=Coalesce(Subquery(listed), 0))


def incomplete_statements(context: dict) -> list:
    """The joint statements whose signatory list is missing or incomplete (none listed, or
    fewer than `signatory_count`), oldest first, each with its `listed` count: read once
    per answer (one query), kept in the serializer's `context`."""
    if "_incomplete_statements" not in context:
        statements = with_listed_count(JointStatement.objects.order_by("date", "id"))
        context["_incomplete_statements"] = [
            s for s in statements if not s.listed or (s.signatory_count or 0) > s.listed
        ]
    return context["_incomplete_statements"]


def statements_not_known(state, facts, context: dict) -> list:
    """The joint statements whose list is incomplete, that do not list `state`, and that
    were made on a day `state` was a State Party (`facts`, compliance.StateFacts): whether
    it signed them is not known (docs/DOMAIN.md, "Joint statement"), as the state's page
    (front.views.states) lists them. Each is marked `signature_not_known`."""
    listed = {s.pk for s in state.joint_statements.all()}
    unknown = []
    for statement in incomplete_statements(context):
        if statement.pk in listed or facts is None or not facts.party_on(statement.date):
            continue
        statement.signature_not_known = True
        unknown.append(statement)
    return unknown


class ObligationSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.choices)
    scope = serializers.CharField(help_text="Which warrants the obligation covers, in words.")
    since = serializers.DateField(allow_null=True)
    situation = serializers.CharField(
        allow_null=True,
        help_text="For an Art. 12(3) declaration or a Security Council referral: the situation (slug).",
    )
    warrants_issued_before = serializers.DateField(
        allow_null=True,
        help_text="For Art. 127(2): counted as bound only for warrants issued before this date "
        "(iccwatch's reading of Art. 127(2), which also keeps cooperation in proceedings begun "
        "before then).",
    )
    covers_from = serializers.CharField(
        allow_null=True,
        help_text="For an Art. 12(3) declaration: the first day of the alleged crimes it covers "
        "(YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known); null if it "
        "records none.",
    )
    covers_to = serializers.CharField(
        allow_null=True,
        help_text="For an Art. 12(3) declaration: the last day of the alleged crimes it covers "
        "(as `covers_from`); null: open-ended.",
    )


class TreatyStatusSerializer(serializers.Serializer):
    """The state's status on one day: today, or the `as_of` date."""

    on = serializers.DateField()
    status = serializers.ChoiceField(choices=Standing.choices)
    party = serializers.BooleanField(
        help_text="Bound as a State Party that day (also while a withdrawal is pending)."
    )
    entry_into_force = serializers.DateField(allow_null=True)
    withdrawal_effective = serializers.DateField(
        allow_null=True, help_text="When a withdrawal notified by that day takes or took effect."
    )
    obligations = ObligationSerializer(many=True)
    explanation = serializers.CharField()

    def to_representation(self, state):
        day = self.context.get(AS_OF) or datetime.datetime.now(datetime.UTC).date()
        return super().to_representation(treaty_status_on(_timeline(state), day))


def _timeline(state) -> Timeline:
    if not hasattr(state, "_api_timeline"):
        state._api_timeline = Timeline.of(state)
    return state._api_timeline


class StateSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A country and its relation to the Rome Statute."""

    url = LinkField(view_name="api-state-detail", lookup_field="iso3")
    signed = serializers.SerializerMethodField()
    deposited = serializers.SerializerMethodField()
    instrument = serializers.SerializerMethodField(
        help_text="How the state became bound: `ratification`, `accession` or `succession` (a "
        "new state succeeding to its predecessor's ratification: Montenegro, bound from its "
        "independence on 3 June 2006). As recorded (states.csv `instrument`), or else read "
        "from the signature (Art. 125: a signatory by 31 December 2000 ratifies, any other "
        "accedes); null when no instrument was deposited."
    )
    entry_into_force = serializers.SerializerMethodField(
        help_text="As recorded, or computed from the deposit under Art. 126; null when the "
        "instrument was withdrawn before that day (the state never became a party)."
    )
    withdrawal_notified = serializers.SerializerMethodField()
    withdrawal_revoked = serializers.SerializerMethodField()
    withdrawal_effective = serializers.SerializerMethodField(
        help_text="As recorded, or one year after notification (Art. 127(1)); null if revoked "
        "before it took effect. For a state whose instrument was withdrawn before the Statute "
        "entered into force for it (`entry_into_force` null: never a party), the day of that "
        "withdrawal."
    )
    treaty_status = TreatyStatusSerializer(source="*", read_only=True)
    timeline = TreatyEventSerializer(source="treaty_events", many=True, read_only=True)
    declarations = DeclarationSerializer(many=True, read_only=True)
    council_referrals = CouncilReferralRefSerializer(
        many=True,
        read_only=True,
        help_text="Security Council referrals that bind this state for a situation (basis `unsc_referral`).",
    )
    findings = StateFindingSerializer(
        many=True,
        read_only=True,
        help_text="ICC findings about this state, with or without a visit.",
    )
    statements = StatementRefSerializer(
        source="joint_statements",
        many=True,
        read_only=True,
        help_text="Joint statements of support this state is listed as signing (`signature` "
        "`signed`). A statement whose list is incomplete may have other signatories: those "
        "this state may have signed are in `statements_not_known`.",
    )
    statements_not_known = serializers.SerializerMethodField(
        help_text="Joint statements whose signatory list is incomplete (`listed_count` of "
        "`signatory_count` recorded), made while this state was a State Party, that do not "
        'list it: whether it signed is not known (`signature` `not_known`), never "did not '
        'sign". A statement in neither list was made when the state was not a party, or '
        "lists every signatory and not this state."
    )
    translated_name = serializers.SerializerMethodField(help_text=TRANSLATED_NAME)
    territory_of = StateRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="For an ISO 3166-1 entry that is a territory of a State, not a State (Réunion: "
        "France), that State; its `treaty_status.status` is then `territory`. Whether the "
        "State's ratification covers the territory is not recorded. Null for a State.",
    )
    visits_url = serializers.SerializerMethodField(help_text="The visits this state hosted.")
    page_url = serializers.SerializerMethodField(help_text="The state's page on the site.")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = State
        fields = [
            "url",
            "iso3",
            "name",
            "translated_name",
            "territory_of",
            "signed",
            "deposited",
            "instrument",
            "entry_into_force",
            "withdrawal_notified",
            "withdrawal_revoked",
            "withdrawal_effective",
            "treaty_status",
            "timeline",
            "declarations",
            "council_referrals",
            "findings",
            "statements",
            "statements_not_known",
            "visits_url",
            "page_url",
            "notes",
            "sources",
            "updated_at",
        ]

    def get_translated_name(self, state) -> str:
        return country_name(state.iso3, state.name)

    def _event(self, state, kind) -> datetime.date | None:
        return _timeline(state).events.get(kind)

    def get_signed(self, state) -> datetime.date | None:
        return self._event(state, "signed")

    def get_deposited(self, state) -> datetime.date | None:
        return self._event(state, "deposited")

    def get_instrument(self, state) -> str | None:
        joined = _timeline(state).facts(instrument=state.instrument).joined
        return INSTRUMENTS.get(joined)

    def get_entry_into_force(self, state) -> datetime.date | None:
        return _timeline(state).facts().party_since

    def get_withdrawal_notified(self, state) -> datetime.date | None:
        return self._event(state, "withdrawal_notified")

    def get_withdrawal_revoked(self, state) -> datetime.date | None:
        return self._event(state, "withdrawal_revoked")

    def get_withdrawal_effective(self, state) -> datetime.date | None:
        return _timeline(state).facts().withdrawal_effective

    @extend_schema_field(StatementRefSerializer(many=True))
    def get_statements_not_known(self, state) -> list[dict]:
        unknown = statements_not_known(state, _timeline(state).facts(), self.context)
        return StatementRefSerializer(unknown, many=True, context=self.context).data

    def get_visits_url(self, state) -> str:
        return list_url(self.context, "api-visit-list", host=state.iso3)

    def get_page_url(self, state) -> str:
        return page_url(self.context, state)


class JointStatementSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A joint statement of support for the Court, and the states recorded as signing it.

    A list may be incomplete: `listed_count` states are recorded of `signatory_count`
    (the count the statement gives). A listed state signed; an unlisted one is not known
    to have signed, never "did not sign".
    """

    url = LinkField(view_name="api-statement-detail")
    dataset_id = dataset_id_field(STATEMENT_DATASET_ID)
    signatory_count = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="How many states signed, as the statement says (null: not recorded).",
    )
    listed_count = serializers.SerializerMethodField(
        help_text="How many signatories are listed here."
    )
    complete = serializers.SerializerMethodField(
        help_text="Whether every signatory is listed: false when fewer are listed than `signatory_count`."
    )
    signatories = StateRefSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = JointStatement
        fields = [
            "url",
            "id",
            "dataset_id",
            "date",
            "title",
            "signatory_count",
            "listed_count",
            "complete",
            "signatories",
            "sources",
        ]

    def get_listed_count(self, statement) -> int:
        return listed_count(statement)

    def get_complete(self, statement) -> bool:
        return is_complete(statement)


class CouncilReferralSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A Security Council referral of a situation (Chapter VII, Art. 13(b)).

    The resolution *decides* that `bound_states` shall cooperate fully with the Court:
    they are bound for this situation from `adopted`, whatever their treaty status.
    """

    url = LinkField(view_name="api-referral-detail")
    situation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    situation_name = serializers.CharField(source="situation.name", read_only=True)
    bound_states = StateRefSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = SecurityCouncilReferral
        fields = [
            "url",
            "id",
            "resolution",
            "adopted",
            "situation",
            "situation_name",
            "bound_states",
            "notes",
            "sources",
        ]
