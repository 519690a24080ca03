"""Persons named in ICC arrest warrants, and the warrants."""

import datetime

from rest_framework import serializers

from api.base import (
    BlankTextAsNull,
    LinkField,
    OptionalCharField,
    OptionalChoiceField,
    PlainReadMixin,
    PrecisionField,
    SourceSerializer,
    list_url,
    page_url,
)
from api.states.serializers import StateRefSerializer
from core.names import situation_name
from warrants.models import Person, Situation, Warrant, WarrantEndReason

SITUATION_TRANSLATED_NAME = (
    "The situation's name in the answer's language (`?lang=` or Accept-Language), as the site "
    'shows it ("Darfour (Soudan)" for "Darfur, Sudan"); in English, the dataset\'s name.'
)


class SituationSerializer(PlainReadMixin, BlankTextAsNull, serializers.ModelSerializer):
    """A situation before the Court: `name` is the dataset's (the Court's English name),
    `translated_name` the reader's (core.names.situation_name)."""

    translated_name = serializers.SerializerMethodField(help_text=SITUATION_TRANSLATED_NAME)

    class Meta:
        model = Situation
        fields = ["slug", "name", "translated_name"]

    def get_translated_name(self, situation) -> str:
        return situation_name(situation.name)


class PersonRefSerializer(PlainReadMixin, BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A link to a person."""

    url = LinkField(view_name="api-person-detail", lookup_field="slug")

    class Meta:
        model = Person
        fields = ["url", "slug", "name"]


class WarrantRefSerializer(PlainReadMixin, BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """A link to a warrant."""

    url = LinkField(view_name="api-warrant-detail", lookup_field="ref")

    class Meta:
        model = Warrant
        fields = ["url", "ref", "issued", "made_public"]


class PersonSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """Someone named in a public ICC arrest warrant."""

    url = LinkField(view_name="api-person-detail", lookup_field="slug")
    nationality = StateRefSerializer(read_only=True, allow_null=True)
    situation = SituationSerializer(read_only=True)
    warrants = WarrantRefSerializer(many=True, read_only=True)
    visits_url = serializers.SerializerMethodField(help_text="This person's published visits.")
    page_url = serializers.SerializerMethodField(help_text="The person's page on the site.")
    sources = SourceSerializer(many=True, read_only=True)
    born_precision = PrecisionField("born")

    class Meta:
        model = Person
        fields = [
            "url",
            "slug",
            "name",
            "other_names",
            "nationality",
            "born",
            "born_precision",
            "role",
            "situation",
            "status",
            "status_date",
            "warrants",
            "visits_url",
            "page_url",
            "notes",
            "sources",
            "updated_at",
        ]

    def get_visits_url(self, person) -> str:
        return list_url(self.context, "api-visit-list", person=person.slug)

    def get_page_url(self, person) -> str:
        return page_url(self.context, person)


class CaseSerializer(serializers.Serializer):
    """The case a warrant was issued in: its name, and its number (null when not recorded)."""

    name = serializers.CharField()
    number = OptionalCharField(help_text="The case's number at the Court; null if not recorded.")


class WarrantSerializer(BlankTextAsNull, serializers.HyperlinkedModelSerializer):
    """An ICC arrest warrant: in force from `issued` to `ended` (inclusive), public from `made_public`."""

    url = LinkField(view_name="api-warrant-detail", lookup_field="ref")
    person = PersonRefSerializer(read_only=True)
    situation = SituationSerializer(source="person.situation", read_only=True)
    case = CaseSerializer(read_only=True, allow_null=True)
    end_reason = OptionalChoiceField(
        choices=WarrantEndReason.choices,
        read_only=True,
        help_text="Why the warrant ended: executed, withdrawn, deceased or other; null while in force.",
    )
    issued_under_seal = serializers.SerializerMethodField(
        help_text="Issued before it was made public (or not public at all)."
    )
    in_force = serializers.SerializerMethodField(help_text="In force today (UTC).")
    sources = SourceSerializer(many=True, read_only=True)
    issued_precision = PrecisionField("issued")
    made_public_precision = PrecisionField("made_public")

    class Meta:
        model = Warrant
        fields = [
            "url",
            "ref",
            "person",
            "situation",
            "case",
            "issued",
            "issued_precision",
            "made_public",
            "made_public_precision",
            "issued_under_seal",
            "in_force",
            "charges",
            "ended",
            "end_reason",
            "notes",
            "sources",
            "updated_at",
        ]

    def get_issued_under_seal(self, warrant) -> bool:
        if warrant.made_public is None:
            return True
        return warrant.issued is not None and warrant.made_public > warrant.issued

    def get_in_force(self, warrant) -> bool:
        return warrant.in_force_on(datetime.datetime.now(datetime.UTC).date())
