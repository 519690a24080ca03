"""States with their Rome Statute timeline and status, and the joint statements they signed."""

import datetime

from rest_framework import serializers

from api.base import AS_OF, LinkField, SourceSerializer, list_url, page_url
from api.states.status import Timeline, treaty_status_on
from states.models import Declaration, JointStatement, State, TreatyEvent
from states.status import Standing
from visits.models import Basis


class StateRefSerializer(serializers.HyperlinkedModelSerializer):
    """A link to a state."""

    url = LinkField(view_name="api-state-detail", lookup_field="iso3")

    class Meta:
        model = State
        fields = ["url", "iso3", "name"]


class TreatyEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TreatyEvent
        fields = ["kind", "date", "precision", "note"]


class DeclarationSerializer(serializers.ModelSerializer):
    """An Art. 12(3) declaration: bound from `lodged` for that situation only."""

    situation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    situation_name = serializers.CharField(source="situation.name", read_only=True)

    class Meta:
        model = Declaration
        fields = ["lodged", "situation", "situation_name", "notes"]


class ObligationSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.choices)
    scope = serializers.CharField(help_text="Which warrants the obligation covers, in words.")
    since = serializers.DateField(allow_null=True)
    situation = serializers.CharField(
        allow_null=True, help_text="For an Art. 12(3) declaration: the situation (slug)."
    )
    warrants_issued_before = serializers.DateField(
        allow_null=True, help_text="For Art. 127(2): bound for warrants issued before this date."
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


class StateSerializer(serializers.HyperlinkedModelSerializer):
    """A country and its relation to the Rome Statute."""

    url = LinkField(view_name="api-state-detail", lookup_field="iso3")
    signed = serializers.SerializerMethodField()
    deposited = serializers.SerializerMethodField()
    entry_into_force = serializers.SerializerMethodField(
        help_text="As recorded, or computed from the deposit under Art. 126."
    )
    withdrawal_notified = serializers.SerializerMethodField()
    withdrawal_revoked = serializers.SerializerMethodField()
    withdrawal_effective = serializers.SerializerMethodField(
        help_text="As recorded, or one year after notification (Art. 127(1)); null if revoked before it took effect."
    )
    treaty_status = TreatyStatusSerializer(source="*", read_only=True)
    timeline = TreatyEventSerializer(source="treaty_events", many=True, read_only=True)
    declarations = DeclarationSerializer(many=True, read_only=True)
    visits_url = serializers.SerializerMethodField(help_text="The visits this state hosted.")
    page_url = serializers.SerializerMethodField(help_text="The state's page on the site.")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = State
        fields = [
            "url",
            "iso3",
            "name",
            "signed",
            "deposited",
            "entry_into_force",
            "withdrawal_notified",
            "withdrawal_revoked",
            "withdrawal_effective",
            "treaty_status",
            "timeline",
            "declarations",
            "visits_url",
            "page_url",
            "notes",
            "sources",
            "updated_at",
        ]

    def _event(self, state, kind) -> datetime.date | None:
        return _timeline(state).events.get(kind)

    def get_signed(self, state) -> datetime.date | None:
        return self._event(state, "signed")

    def get_deposited(self, state) -> datetime.date | None:
        return self._event(state, "deposited")

    def get_entry_into_force(self, state) -> datetime.date | None:
        return _timeline(state).facts().entry_into_force

    def get_withdrawal_notified(self, state) -> datetime.date | None:
        return self._event(state, "withdrawal_notified")

    def get_withdrawal_revoked(self, state) -> datetime.date | None:
        return self._event(state, "withdrawal_revoked")

    def get_withdrawal_effective(self, state) -> datetime.date | None:
        return _timeline(state).facts().withdrawal_effective

    def get_visits_url(self, state) -> str:
        return list_url(self.context, "api-visit-list", host=state.iso3)

    def get_page_url(self, state) -> str:
        return page_url(self.context, state)


class JointStatementSerializer(serializers.HyperlinkedModelSerializer):
    """A joint statement of support for the Court, and the states that signed it."""

    url = LinkField(view_name="api-statement-detail")
    signatories = StateRefSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = JointStatement
        fields = ["url", "id", "date", "title", "signatory_count", "signatories", "sources"]
