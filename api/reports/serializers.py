"""What a report says (the request body of POST /reports/) and how a report reads back."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import SkipField, empty

from api.base import KnownFieldsOnly, OptionalCharField, OptionalChoiceField
from api.lang import answer_language, render_explanation
from api.visits.serializers import VisitRefSerializer
from core import identifiers, tabular
from core.addresses import typed_address_refusal
from core.echo import echoed
from core.text import refuse_bidi_controls
from front import search
from visits import review
from visits.models import (
    OPEN_REPORT_STATES,
    Basis,
    HostControl,
    Report,
    ReportState,
    TextLanguage,
    VerdictCode,
    VisitOutcome,
    VisitStatus,
)
from visits.reports import (
    COMMENT_MAX_LENGTH,
    EXCERPT_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    NOT_TAKEN_STATUSES,
    NOTES_MAX_LENGTH,
    SOURCES_MAX,
    default_outcome,
    outcome_needed,
    too_many_sources,
)

# The fields a report gives of its visit (visits.review.VISIT_FIELDS), as the request names them.
VISIT_FIELDS = review.VISIT_FIELDS
# What the service calls citations, the API calls sources (as the visits endpoint does),
# a withdrawal's too.
SOURCES, CITATIONS = "sources", "citations"
WITHDRAWAL_SOURCES, WITHDRAWAL_CITATIONS = "withdrawal_sources", review.WITHDRAWAL_CITATIONS


# A visit's date as reports give it (YYYY-MM-DD, YYYY-MM or YYYY), from 1900 on
# (visits.review.EARLIEST_YEAR): the schema's pattern is the server's.
PARTIAL_DATE = r"^(?:19|[2-9][0-9])[0-9]{2}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"
FULL_DATE = r"^(?:19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"

# A body citing more than SOURCES_MAX sources: the newsroom's words (newsroom.forms,
# visits.reports.too_many_sources) in the reader's language, not DRF's "Ensure this field
# has no more than 50 elements." (DRF's `.format(max_length=…)` leaves them as they are).
TOO_MANY_SOURCES = lazy(too_many_sources, str)()

# The JSON type each kind of input field takes: a number where text is wanted is a 400,
# not the number's digits (DRF would read `"excerpt": 0` as "0").
_JSON_TYPES = (
    (serializers.BooleanField, bool, gettext_lazy("true or false")),
    (serializers.CharField, str, gettext_lazy("a string")),
    (serializers.ChoiceField, str, gettext_lazy("a string")),
    (serializers.DateField, str, gettext_lazy("a string")),
)


class ChoiceField(serializers.ChoiceField):
    """DRF's ChoiceField, whose refusal (`"…" is not a valid choice.`) repeats at most
    core.echo.ECHO_LENGTH characters of the value sent."""

    def fail(self, key, **kwargs):
        super().fail(key, **{k: echoed(v) if isinstance(v, str) else v for k, v in kwargs.items()})


class PlainText:
    """Input serializers: each text field refuses a bidirectional control character
    (core.text), where DRF's refuses a NUL and a lone surrogate, as the newsroom's forms do."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField):
                field.validators = [*field.validators, refuse_bidi_controls]
            child = getattr(field, "child", None)
            if isinstance(child, serializers.CharField):
                child.validators = [*child.validators, refuse_bidi_controls]
        return fields


class StrictJSONTypes:
    """Input serializers: each field's value must already be of the JSON type the schema gives."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue
                for kind, python_type, label in _JSON_TYPES:
                    if isinstance(field, kind) and not isinstance(value, python_type):
                        errors[name] = [
                            gettext("Expected %(expected)s, not %(sent)s.")
                            % {"expected": label, "sent": type(value).__name__}
                        ]
                        break
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "pattern": FULL_DATE,
        "description": "YYYY-MM-DD, from 1900.",
    }
)
class SinceNineteenHundredDateField(serializers.DateField):
    """A YYYY-MM-DD date from 1900 on, as the schema's pattern says (nothing looser)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not re.fullmatch(FULL_DATE, value):
            self.fail("invalid", format="YYYY-MM-DD, from 1900")
        return super().to_internal_value(value)


class AddressField(serializers.URLField):
    """A source's address, or its archived copy's: DRF's URLField, whose refusal of an
    address that is no URL says why in the project's words when the address rule can
    (core.addresses.typed_address_refusal: a space after the host, and where it is, to
    send as %20; a host without a dot, which only a network knows), as the newsroom's
    form says it (newsroom.forms.AddressField), not "Enter a valid URL." alone. The rest
    of the address rule is visits.review's, said with the body's other refusals."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except serializers.ValidationError as refused:
            said = typed_address_refusal(value) if isinstance(refused.detail, list) else None
            if said is None:
                raise
            # Only the URL check's refusal is reworded: another (its length) stands.
            raise serializers.ValidationError(
                [
                    ErrorDetail(said, code="invalid") if e.code == "invalid" else e
                    for e in refused.detail
                ]
            ) from None


class NullAsBlank:
    """An optional text of a request body that takes `null` for "" (nothing recorded):
    the API answers a text a record does not give as `null` (api.base.OptionalTextMixin),
    so that a correction sending a visit back as GET gave it (its `place`, its sources'
    `excerpt`) is read as the record holds it, not refused. The schema marks it
    nullable."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


class OptionalTextInput(NullAsBlank, serializers.CharField):
    """An optional text of a body: `null` or "" for none (`NullAsBlank`)."""


class OptionalAddressField(NullAsBlank, AddressField):
    """An optional address of a body (a source's archived copy): `null` or "" for none
    (`NullAsBlank`)."""


# What the schema says of a report's `person`, a filing's and a resubmission's alike.
PERSON_HELP = (
    "Their slug, e.g. `vladimir-putin`, or their name in any spelling that names them "
    "alone: the name or another name in full, whole words of them (`Putin`), or words "
    "that each sound like one of theirs, as another language writes them (`Vladimir "
    "Poutine`, `Omar el-Béchir`, `Benyamin Netanyahou`). The report records the slug. A "
    "name that several persons may have (`Kadhafi`), or that names nobody (a spelling "
    "only close to one: `Bashar al-Assad`), is a 400 saying whom it may mean."
)
# A name as long as a person's may be (warrants.models.Person.name), or a slug.
PERSON_MAX_LENGTH = 200


class PersonField(serializers.CharField):
    """A report's person: a slug, or a name in any spelling that names one wanted person
    (front.search.report_person: "Putin", "Vladimir Poutine", "Omar el-Béchir"), read as
    that person's slug, as the newsroom's form reads it; one that names several persons
    or nobody is refused in the form's words, naming whom it may mean. Checked after the
    text's own checks (a NUL, a bidirectional control), so that only a plain text is
    looked up."""

    # The person the last validation read (warrants.models.Person), for the view to hand
    # to visits.review.file_report, which then does not read it again (a field is copied
    # for each serializer, so this is the request's own).
    person = None

    def run_validation(self, data=empty):
        value = super().run_validation(data)
        try:
            self.person = search.report_person(value)
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.messages, code=refused.code) from None
        return self.person.slug


class SourceInputSerializer(KnownFieldsOnly, PlainText, StrictJSONTypes, serializers.Serializer):
    """A source as this report cites it: what it says of the document is the report's own."""

    url = AddressField(max_length=1000, help_text="The document's public address.")
    publisher = OptionalTextInput(max_length=200, required=False, allow_blank=True, default="")
    published = SinceNineteenHundredDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Publication date (YYYY-MM-DD, from 1900).",
    )
    excerpt = OptionalTextInput(
        required=False, allow_blank=True, default="", max_length=EXCERPT_MAX_LENGTH
    )
    archived_url = OptionalAddressField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="An archived copy (e.g. web.archive.org).",
    )


def as_citations(sources: list[dict]) -> list[dict]:
    """The service's citations (visits.review) from a body's validated sources (a visit's
    `sources`, a withdrawal's `withdrawal_sources`): the same dicts, each `published` an
    ISO date (YYYY-MM-DD) or None."""
    return [
        {**c, "published": c["published"].isoformat() if c["published"] else None} for c in sources
    ]


def outcome_by_default(attrs: dict) -> bool:
    """The outcome a body leaves out, as the newsroom's form has it (newsroom.forms
    .ReportForm.clean, visits.reports.default_outcome): a trip that did not take place
    (a `status` in NOT_TAKEN_STATUSES: announced, called off, attended by video) has no
    outcome yet or ever, so left out it is `n/a`, the only one it takes (docs/DOMAIN.md);
    set in `attrs` in place. Whether `attrs` has an outcome now: False when it names a
    trip that took place, or no status, without one (a filing is then asked for it)."""
    if "outcome" not in attrs:
        default = default_outcome(attrs.get("status"))
        if default is not None:
            attrs["outcome"] = default
    return "outcome" in attrs


class EachFieldChecked:
    """Input serializers whose refusal is said with every error of the body at once
    (api.reports.views: a filing, a resubmission, a withdrawal): after `is_valid()`, what
    each field says checked alone, so that the checks of the service layer read what the
    body gives that can be read."""

    def each_field(self) -> tuple[dict, dict]:
        """After `is_valid()`: each field the refusal did not name, checked alone: (the
        validated value of each one accepted, {name: detail} of each one refused; a
        refusal of the JSON types stops before the fields' own checks, so these may be
        more). ({}, {}) when the body is no object. For the checks of the service layer to
        read what can be read (api.reports.views.refuse_with_every_error and its kin)."""
        data = self.initial_data
        if not isinstance(data, dict):
            return {}, {}
        accepted, refused = {}, {}
        for name, field in self.fields.items():
            if field.read_only or name in self.errors:
                continue
            try:
                accepted[name] = field.run_validation(field.get_value(data))
            except SkipField:
                continue
            except serializers.ValidationError as invalid:
                refused[name] = invalid.detail
        return accepted, refused

    def accepted_citations(self, name: str = SOURCES) -> list[dict]:
        """After `is_valid()` refused the body's list of sources `name` (a visit's
        `sources`, a withdrawal's `withdrawal_sources`): the service's citations of each
        source, at its own index: one it accepted as it is; of one it refused, what each
        of its fields gives checked alone (`accepted_fields`), each refused field blank
        (its `url` ""), so that the service checks the rest of it (a publication date in
        the future beside an address holding a space), and the caller leaves the refusals
        of a field refused already to the body's; a source that is no object, a citation
        without an address. [] when the body gives no list."""
        given = self.initial_data.get(name) if isinstance(self.initial_data, dict) else None
        if not isinstance(given, list):
            return []
        child = self.fields[name].child
        citations = []
        for item in given:
            try:
                citations.extend(as_citations([child.run_validation(item)]))
            except serializers.ValidationError:
                citations.extend(as_citations([accepted_fields(child, item)]))
        return citations


def accepted_fields(source: serializers.Serializer, item) -> dict:
    """What each field of a source the body gives (`item`, refused by `source`, its
    SourceInputSerializer) says checked alone: {field: validated value}, a field refused
    or left out blank ("", `published` None); every field blank when `item` is no
    object."""
    accepted = {"url": "", "publisher": "", "published": None, "excerpt": "", "archived_url": ""}
    if not isinstance(item, dict):
        return accepted
    for field_name, field in source.fields.items():
        try:
            value = field.run_validation(field.get_value(item))
        except (serializers.ValidationError, SkipField):
            continue
        if value is not None:
            accepted[field_name] = value
    return accepted


class ReportInputSerializer(
    KnownFieldsOnly, EachFieldChecked, PlainText, StrictJSONTypes, serializers.Serializer
):
    """A new visit, or (with `visit`) a correction of a published one.

    The checks that need the data (a person or state that does not exist, a date that is
    not one, a visit to one's own state, an end before the start, ...) are the service
    layer's (visits.review), the same for the newsroom's form: each is a 400 naming the
    field. For a correction, the fields left out keep the published visit's values and
    `sources` defaults to the visit's citations. A field it does not have, here or in a
    source, is a 400 naming it (api.base.KnownFieldsOnly), never dropped unseen.
    """

    visit = serializers.RegexField(
        identifiers.SLUG_ANCHORED,
        max_length=identifiers.SLUG_MAX_LENGTH,
        required=False,
        allow_null=True,
        help_text="For a correction: the id of the published visit it corrects, e.g. "
        "`vladimir-putin-mng-2024-09-02`. Omit it for a new visit.",
    )
    based_on = serializers.DateTimeField(
        required=False,
        help_text="For a correction: the visit's `updated_at` as you read it (GET "
        "/api/v1/visits/{id}/). If the visit changed since, the correction is a 409 and "
        "nothing is filed: read the visit again, so that the correction does not undo a "
        "change you never saw. Omitted, the correction is based on the visit as it stands "
        "when filed. Given for a new visit, it is a 400.",
    )
    reason = serializers.CharField(
        max_length=review.REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="For a correction: why the visit should change (the new source or the error "
        "it answers), read by the reviewer and shown with the correction on the visit's page: "
        f"at least {review.WITHDRAWAL_NOTE_MIN} characters (the spaces around it not counted), "
        "as a withdrawal's reason. The newsroom asks for it; omitted (or empty), the "
        "correction has none. Given for a new visit, it is a 400.",
    )
    person = PersonField(
        max_length=PERSON_MAX_LENGTH,
        required=False,
        help_text=f"The person (required for a new visit). {PERSON_HELP}",
    )
    host = serializers.CharField(
        max_length=3,
        required=False,
        help_text="The host state, ISO 3166-1 alpha-3 (required for a new visit).",
    )
    start = serializers.RegexField(
        PARTIAL_DATE,
        max_length=10,
        required=False,
        allow_null=True,
        error_messages={
            "invalid": "This is not a date: use YYYY-MM-DD, YYYY-MM or YYYY, from 1900."
        },
        help_text="YYYY-MM-DD, YYYY-MM or YYYY, from 1900; may be null only for a cancelled trip.",
    )
    end = serializers.RegexField(
        # A date as `start`, or "?" (visits.reports.UNKNOWN_END): the end is not known.
        PARTIAL_DATE.removesuffix("$") + r"$|^\?$",
        max_length=10,
        required=False,
        allow_null=True,
        error_messages={
            "invalid": "This is not a date: use YYYY-MM-DD, YYYY-MM or YYYY, from 1900, or ? "
            "when the end is not known."
        },
        help_text="Like start; null (or left out) for a visit of one day, its start; `?` when "
        "the sources give the day the visit began but not the day it ended (the visit then "
        "has `end` null and `end_known` false).",
    )
    place = OptionalTextInput(required=False, allow_blank=True, max_length=200)
    occasion = OptionalTextInput(required=False, allow_blank=True, max_length=500)
    status = ChoiceField(
        choices=VisitStatus.choices,
        required=False,
        help_text="`announced` for a trip not yet taken (required for a new visit).",
    )
    outcome = ChoiceField(
        choices=VisitOutcome.choices,
        required=False,
        help_text="What the host did, or `unknown`, for a trip that `occurred` or was a "
        "`transit` stop (required for such a new visit). A trip `announced` (not yet taken), "
        "`cancelled` or `virtual` did not take place: its outcome is `n/a`, and only that; "
        "left out, a new visit's is `n/a` (any other value is a 400).",
    )
    host_notified = serializers.BooleanField(
        required=False, help_text="Whether the host was notified of a sealed warrant."
    )
    host_justification = OptionalTextInput(
        required=False, allow_blank=True, max_length=JUSTIFICATION_MAX_LENGTH
    )
    host_control = ChoiceField(
        choices=HostControl.choices,
        required=False,
        help_text="`none` when the host did not control the place (occupied territory).",
    )
    controlled_by = serializers.CharField(
        max_length=3,
        required=False,
        allow_null=True,
        help_text="Where host_control is `none`: the state that controlled the place (ISO3).",
    )
    notes = OptionalTextInput(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH)
    text_language = ChoiceField(
        choices=TextLanguage.choices,
        required=False,
        help_text="The language `occasion`, `host_justification` and `notes` are written in "
        "(BCP 47: `en` or `fr`), which the site's pages mark them with where they show them in "
        "another (a screen reader then reads them with the right voice). Left out, a new "
        "visit's is the request's language (`?lang=`, else `Accept-Language`; `en` for any "
        "other), and a correction keeps the visit's.",
    )
    sources = SourceInputSerializer(
        many=True,
        required=False,
        min_length=1,
        max_length=SOURCES_MAX,
        # The newsroom's words (newsroom.forms), not DRF's "at least 1 elements".
        error_messages={
            "min_length": gettext_lazy("At least one source (a public URL) is required."),
            "max_length": TOO_MANY_SOURCES,
        },
        help_text=f"At least one public source (required for a new visit), at most {SOURCES_MAX}. "
        "Each address is cited once: a later source giving it again is refused at its "
        "`sources.<n>.url`, naming the first by its place in the list counted from 1 "
        "(`sources.0` is source 1).",
    )

    another_visit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For a new visit: `true` to confirm that it is another visit than those "
        "recorded of the same person to the same host on days that may overlap, and than "
        "the reports of that trip already filed and awaiting review (or sent back for "
        "changes) or your own drafts of it, or, when a visit of that trip was withdrawn "
        "from the record, that it belongs on the record all the same. Without it, such a "
        "report is a 400 naming `another_visit`, those visits (a withdrawn one with when "
        "and why it was withdrawn), how many such reports were filed and those you may "
        "read (id and address; a colleague's draft is never counted), with the body's other "
        "errors in the same answer, nothing filed (the newsroom's form asks the same): add "
        "your sources to the recorded visit as a correction (`visit`) or to your own report, "
        "or send `true`. The same report again is a 409 `duplicate_report`. A correction "
        "ignores it.",
    )

    def validate(self, attrs):
        refused = self.new_visit_refusals(attrs)
        if refused:
            raise serializers.ValidationError(refused)
        return attrs

    @classmethod
    def new_visit_refusals(cls, attrs: dict, *, refused=()) -> dict[str, list[str]]:
        """{field: [message]} for what a new visit's body (no `visit`) lacks or may not
        give: a `based_on`, a field of NEW_VISIT_REQUIRES, the outcome of a trip that took
        place; {} for a correction. `attrs` are the validated values (an outcome left out
        of a trip not taken is set to `n/a` in it, outcome_by_default); a field named in
        `refused` was given, and refused for its value: it is not missing."""
        if attrs.get("visit") or "visit" in refused:
            return {}
        errors = {}
        if "based_on" in attrs:
            errors["based_on"] = [
                gettext("Only a correction (with `visit`) is based on a visit's version.")
            ]
        # DRF's own words for a missing field, in the reporter's language.
        required = serializers.Field.default_error_messages["required"]
        for name in cls.NEW_VISIT_REQUIRES:
            if name not in attrs and name not in refused:
                errors[name] = [str(required)]
        if (
            "outcome" not in refused
            and not outcome_by_default(attrs)
            and attrs.get("status") is not None
        ):
            # One that took place is asked what the host did, in the form's words.
            errors["outcome"] = [outcome_needed()]
        return errors

    # The schema's form of validate(): a new visit names these, and the outcome of a trip
    # that took place (NOT_TAKEN_STATUSES aside); a correction names its visit.
    NEW_VISIT_REQUIRES = ("person", "host", "status", SOURCES)
    SCHEMA_REQUIREMENT = {
        "anyOf": [
            {"required": [*NEW_VISIT_REQUIRES, "outcome"]},
            {
                "required": list(NEW_VISIT_REQUIRES),
                "properties": {"status": {"enum": [s.value for s in NOT_TAKEN_STATUSES]}},
            },
            {"required": ["visit"], "properties": {"visit": {"type": "string"}}},
        ]
    }

    @staticmethod
    def data_and_citations(attrs: dict, visit=None) -> tuple[dict, list[dict]]:
        """The service's (data, citations): a correction starts from the visit's own; a new
        visit's text is in the request's language unless the body says (`text_language`:
        api.lang.answer_language, English for a language the API does not answer in)."""
        data = review.report_data_of(visit) if visit is not None else {}
        if visit is None:
            data["text_language"] = answer_language()
        data.update({k: v for k, v in attrs.items() if k in VISIT_FIELDS})
        if SOURCES in attrs:
            citations = as_citations(attrs[SOURCES])
        else:
            citations = review.citations_of(visit) if visit is not None else []
        return data, citations


class ResubmissionSerializer(ReportInputSerializer):
    """The author's answer to a reviewer's request for changes (POST
    /reports/{id}/resubmit/): what the report sent back now says, and the answer.

    A field left out keeps the report's value as it stands when the resubmission is saved
    (an edit saved meanwhile in the newsroom is kept), except an `outcome` left out while
    `status` becomes a trip not taken, `n/a` as in a filing (outcome_by_default);
    `sources`, given, replaces the report's list. Each field given is checked as a
    filing's, then the report as edited by visits.review.resubmit, as the newsroom's edit
    form has it checked: each problem a 400 naming the field, and nothing changes; a new
    visit's report that may now repeat a trip already known asks for `another_visit`, as a
    filing does. Which visit a correction changes stays as filed (no `visit`).
    """

    visit = None
    reply = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        error_messages={"required": review.ANSWER_FIRST, "blank": review.ANSWER_FIRST},
        help_text="Your answer to the reviewer's `comment`: what you changed, or why you "
        "changed nothing (required; never published). The reviewer reads it with the "
        "report.",
    )
    seen = serializers.CharField(
        max_length=64,
        required=False,
        help_text="The report's `version` as you read it, unchanged (optional): a report "
        "saved since (in the newsroom, or by another request) is not overwritten: 409 "
        "`conflict`, nothing saved; read it again.",
    )

    # The filing's help texts that say otherwise of an edit: what it leaves out, it keeps.
    HELP = {
        "person": f"The person; left out, the report's. {PERSON_HELP}",
        "host": "The host state, ISO 3166-1 alpha-3; left out, the report's.",
        "status": "`announced` for a trip not yet taken; left out, the report's.",
        "outcome": "`n/a` for a trip `cancelled`, `virtual` or `announced` (and only for "
        "those); what the host did, or `unknown`, for one that `occurred` or was a `transit` "
        "stop; left out, the report's (`n/a` when the body's `status` is `cancelled`, "
        "`virtual` or `announced`).",
        "sources": f"At least one public source (at most {SOURCES_MAX}), in place of the "
        "report's; left out, the report's.",
        "based_on": "For a correction whose visit changed since it was begun: the visit's "
        "`updated_at` as you read it again (GET /api/v1/visits/{id}/), the fields sent "
        "rebuilt from it. Without it, such a correction is a 409 `conflict`, nothing saved. "
        "Given for a new visit's report, it is a 400.",
        "reason": "For a correction: why the visit should change, as when it was filed (at "
        f"least {review.WITHDRAWAL_NOTE_MIN} characters besides the spaces around it); left "
        "out, the report's. Given for a new visit's report, it is a 400.",
        "text_language": "The language `occasion`, `host_justification` and `notes` are "
        "written in (`en` or `fr`); left out, the report's.",
        "another_visit": "For a new visit's report: `true` to confirm that, as edited, it "
        "is another visit than those recorded of the same person to the same host on days "
        "that may overlap (or one of that trip withdrawn from the record, which belongs on "
        "it all the same), and than the reports of that trip not yet closed or your own "
        "drafts of it. Without it, such an answer is a 400 naming `another_visit` and those "
        "visits and reports, as a filing is, and the report stays sent back, unchanged. A "
        "correction ignores it.",
    }

    def get_fields(self):
        fields = super().get_fields()
        for name, text in self.HELP.items():
            fields[name].help_text = text
        return fields

    def validate(self, attrs):
        # Nothing is required of the visit's fields: those left out keep the report's. A
        # status changed to a trip not taken without an outcome has `n/a`, as in a filing.
        outcome_by_default(attrs)
        return attrs

    @staticmethod
    def changes(attrs: dict) -> tuple[dict, list[dict] | None]:
        """The service's (data, citations) for visits.review.resubmit: only what the body
        gives, which the service lays over the report as it stands once locked (a field
        left out keeps the report's value then, not as this request first read it);
        citations None when the body gives no `sources` (the report's are kept)."""
        data = {k: v for k, v in attrs.items() if k in VISIT_FIELDS}
        citations = as_citations(attrs[SOURCES]) if SOURCES in attrs else None
        return data, citations


class WithdrawalInputSerializer(
    KnownFieldsOnly, EachFieldChecked, PlainText, StrictJSONTypes, serializers.Serializer
):
    """The withdrawal of a published visit from the record: why it leaves (its page shows
    the reason to every reader) and the public sources that show it, if any.

    Filed for review like any report: the visit stays published until a reviewer who is
    not its author verifies the withdrawal. The sources are checked as a visit's are
    (each a 400 naming `withdrawal_sources.<n>.<field>`); none is required, as an error
    in the record's own entry may have no outside source (the reviewer sees that none
    was given).
    """

    visit = serializers.RegexField(
        identifiers.SLUG_ANCHORED,
        max_length=identifiers.SLUG_MAX_LENGTH,
        help_text="The id of the published visit to withdraw, e.g. "
        "`vladimir-putin-mng-2024-09-02`.",
    )
    withdrawal_note = serializers.CharField(
        min_length=review.WITHDRAWAL_NOTE_MIN,
        max_length=review.WITHDRAWAL_NOTE_MAX,
        help_text="Why the visit leaves the record, in a sentence or more: once verified, the "
        "visit's page shows it to every reader.",
    )
    withdrawal_sources = SourceInputSerializer(
        many=True,
        required=False,
        max_length=SOURCES_MAX,
        error_messages={"max_length": TOO_MANY_SOURCES},
        help_text="The public documents that show why (a retraction, a denial, the source's own "
        f"correction), each as a visit's sources are given; omitted or [] for none, at most "
        f"{SOURCES_MAX}. An address given twice is refused as in `sources` (the first named "
        "by its place counted from 1: `withdrawal_sources.0` is source 1).",
    )

    @staticmethod
    def citations(attrs: dict) -> list[dict]:
        """The service's citations (visits.review.propose_withdrawal) from the body's
        `withdrawal_sources`."""
        return as_citations(attrs.get(WITHDRAWAL_SOURCES, []))


class RestorationInputSerializer(
    KnownFieldsOnly, PlainText, StrictJSONTypes, serializers.Serializer
):
    """The restoration of a withdrawn visit to the record (withdrawn by mistake): why it
    returns (its page shows the reason to every reader once verified).

    Filed for review like any report: the visit stays withdrawn until a reviewer who is not
    its author verifies the restoration; verified, the same visit returns to the record
    under its own id (visits.review.propose_restoration).
    """

    visit = serializers.RegexField(
        identifiers.SLUG_ANCHORED,
        max_length=identifiers.SLUG_MAX_LENGTH,
        help_text="The id of the withdrawn visit to restore, e.g. `vladimir-putin-mng-2024-09-02`.",
    )
    restoration_note = serializers.CharField(
        min_length=review.WITHDRAWAL_NOTE_MIN,
        max_length=review.WITHDRAWAL_NOTE_MAX,
        help_text="Why the visit returns to the record (it was withdrawn by mistake), in a "
        "sentence or more: once verified, the visit's page shows it to every reader.",
    )


def seen_before_closing() -> serializers.CharField:
    """The optional `seen` of request-changes and reject (visits.review.request_changes)."""
    return serializers.CharField(
        max_length=64,
        required=False,
        help_text=(
            "The report's `version` as the reviewer read it, unchanged (optional; the "
            "newsroom's pages always send it). A report saved since (its author took it back, "
            "changed it and submitted it again) is neither sent back nor rejected: 409 "
            "`conflict`; read it again."
        ),
    )


class ReviewCommentSerializer(KnownFieldsOnly, PlainText, StrictJSONTypes, serializers.Serializer):
    """What a reviewer asks the report's author to change (request-changes)."""

    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, help_text="What the author should change (request-changes)."
    )
    seen = seen_before_closing()


class VerificationSerializer(KnownFieldsOnly, PlainText, StrictJSONTypes, serializers.Serializer):
    """A reviewer's verification of a report: the version read, and the visits compared with it."""

    seen = serializers.CharField(
        max_length=64,
        help_text=(
            "The report's `version` as the reviewer read it, unchanged. A report saved since "
            "(its author took it back, changed it and submitted it again) is not published: "
            "409 `conflict`; read it again."
        ),
    )
    different_from = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        max_length=100,
        help_text=(
            "The ids of the visits the reviewer compared the report with (its "
            "`possible_duplicates`: same person and host, days that may overlap, withdrawn "
            "ones of the trip included), confirming it is another visit. A report that may "
            "duplicate a visit not listed here is not published (409 `conflict`, naming it)."
        ),
    )

    # The tick a former version of verify read.
    RETIRED_FIELDS = {
        "different_visit": gettext_lazy(
            "Replaced by `different_from`: list the ids of the visits you compared the "
            "report with (its `possible_duplicates`)."
        )
    }


class RejectionSerializer(KnownFieldsOnly, PlainText, StrictJSONTypes, serializers.Serializer):
    """A reviewer's rejection of a report, with the reason given to its author."""

    reason = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        help_text=(
            "Why the report is rejected, for its author (kept, never public): at least 20 "
            "characters, as a correction's or a withdrawal's reason (a rejection is final)."
        ),
    )
    seen = seen_before_closing()

    def validate_reason(self, value: str) -> str:
        """The reason, refused (400 naming `reason`) when shorter than a correction's
        (visits.review.rejection_reason_errors)."""
        if refused := review.rejection_reason_errors(value):
            raise serializers.ValidationError(refused)
        return value


class CitedSourceSerializer(serializers.Serializer):
    """A source as a report cites it, as a visit's `sources` give it: what the report does
    not say of it (its publisher, excerpt, archived copy) null."""

    url = serializers.CharField()
    publisher = OptionalCharField()
    published = serializers.DateField(allow_null=True)
    excerpt = OptionalCharField()
    archived_url = OptionalCharField()


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The visit's field, or `sources`.")
    old = serializers.JSONField(help_text="Its published value before (for sources: how many).")
    new = serializers.JSONField(help_text="Its value after the correction.")


class PreviewSerializer(serializers.Serializer):
    """The verdict the rule would give if the report were verified (nothing is saved)."""

    code = serializers.ChoiceField(
        choices=VerdictCode.choices,
        help_text="The verdict the rule would give (see VisitVerdict.code).",
    )
    basis = OptionalChoiceField(
        choices=Basis.choices,
        help_text="The basis the host would be bound on, or null if none.",
    )
    reasons = serializers.JSONField(
        help_text="The rule's reasons, structured, as a verdict keeps them."
    )
    explanation = serializers.CharField(help_text="Rendered in the answer's language.")


def report_url(report: Report, request=None) -> str:
    """A report's address in the API: absolute with a request, its path without one."""
    path = reverse("api-report-detail", kwargs={"pk": report.pk})
    return request.build_absolute_uri(path) if request is not None else path


class ReportSerializer(serializers.Serializer):
    """A report: a new visit, a correction, a withdrawal or a restoration, its state in
    review, and what the review said.

    Never public: only its author, the reviewers (once it is submitted) and the admins read it.
    """

    url = serializers.SerializerMethodField(help_text="This report's API URL.")
    id = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(
        choices=ReportState.choices,
        read_only=True,
        help_text="`submitted` awaits review; `changes_requested` went back to its author "
        "(see `comment`); `verified` is published (see `visit`); `rejected` is kept, never public.",
    )
    is_correction = serializers.BooleanField(read_only=True)
    withdrawal_note = serializers.CharField(
        read_only=True,
        help_text="A withdrawal (proposed in the newsroom, or with POST "
        "/api/v1/reports/withdrawals/): why its visit leaves the record, shown on the visit's "
        "page once verified; empty for any other report.",
    )
    withdrawal_sources = CitedSourceSerializer(
        many=True,
        help_text="A withdrawal: the sources its reason cites ([] when it gives none: the "
        "reviewer sees that none was given), shown with the reason once verified; [] for any "
        "other report, whose `sources` are its visit's.",
    )
    restoration_note = serializers.CharField(
        read_only=True,
        help_text="A restoration (proposed in the newsroom, or with POST "
        "/api/v1/reports/restorations/): why its withdrawn visit returns to the record, under "
        "its own id, shown on the visit's page once verified; empty for any other report.",
    )
    visit = serializers.SerializerMethodField(
        help_text="The visit a correction changes, or the visit a verified new report became; "
        "null otherwise."
    )
    person = serializers.CharField(allow_null=True)
    host = serializers.CharField(allow_null=True)
    start = serializers.CharField(allow_null=True)
    end = serializers.CharField(allow_null=True)  # described in api.schema.GLOSSARY
    # A text the report does not give is null, as a visit's (api.base.OptionalCharField).
    place = OptionalCharField()
    occasion = OptionalCharField()
    status = serializers.CharField(allow_null=True)
    outcome = serializers.CharField(allow_null=True)
    host_notified = serializers.BooleanField()
    host_justification = OptionalCharField()
    host_control = serializers.CharField()
    controlled_by = serializers.CharField(allow_null=True)
    notes = OptionalCharField()
    text_language = serializers.CharField(
        help_text="The language its `occasion`, `host_justification` and `notes` are written "
        "in (`en` or `fr`; `en` for a report filed before reports said it)."
    )
    sources = CitedSourceSerializer(many=True, help_text="The sources as this report cites them.")
    author = serializers.CharField(help_text="The reporter's username.")
    reviewer = serializers.CharField(
        allow_null=True, help_text="Who verified, rejected or sent it back."
    )
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(
        help_text="The reviewer's request for changes, or the reason for rejecting."
    )
    reply = serializers.CharField(
        help_text="The author's answer to the reviewer's last request for changes (written in "
        "the newsroom, on the edit page or a withdrawal's own page, or sent with POST "
        "/api/v1/reports/{id}/resubmit/), required before the report is submitted again; "
        "never published."
    )
    reason = serializers.CharField(
        help_text="A correction's reason, as its author gave it ('' for none, and for a new "
        "visit); shown with the correction on the visit's page once verified."
    )
    changes = ChangeSerializer(
        many=True, help_text="For a verified correction: what changed on the published visit."
    )
    version = serializers.CharField(
        help_text="An opaque token that changes whenever the report is saved: give it back "
        "unchanged as `seen` when verifying, so that only the version you read is published."
    )

    def get_url(self, report) -> str:
        return report_url(report, self.context.get("request"))

    @extend_schema_field(VisitRefSerializer(allow_null=True))
    def get_visit(self, report):
        if report.visit_id is None:
            return None
        return VisitRefSerializer(report.visit, context=self.context).data

    def to_representation(self, report):
        data = review.normalise(report.data or {})
        # A one-day visit's `end` is null, as GET /visits/{id}/ gives it, whether the
        # report left it out or repeats its `start` (a correction copies its visit's row).
        data["end"] = tabular.shown_end(data["start"], data["end"])
        shown = {
            **data,
            "id": report.pk,
            "state": report.state,
            "is_correction": report.is_correction,
            "withdrawal_note": report.withdrawal_note,
            "withdrawal_sources": review.normalise_citations(report.withdrawal_citations or []),
            "restoration_note": report.restoration_note,
            "sources": review.normalise_citations(report.citations or []),
            "author": report.author.get_username(),
            "reviewer": report.reviewer.get_username() if report.reviewer_id else None,
            "created_at": report.created_at,
            "submitted_at": report.submitted_at,
            "reviewed_at": report.reviewed_at,
            "comment": report.comment,
            "reply": report.reply,
            "reason": report.reason,
            "changes": report.changes or [],
            "version": review.version_of(report),
        }
        out = {}
        for name, field in self.fields.items():
            if isinstance(field, serializers.SerializerMethodField):
                out[name] = field.to_representation(report)
            else:
                value = shown.get(name)
                out[name] = None if value is None else field.to_representation(value)
        return out


class ReportDetailSerializer(ReportSerializer):
    """A report with what a reviewer needs: the rule's verdict on it and possible duplicates."""

    preview = serializers.SerializerMethodField(
        help_text="The verdict the rule would give if it were verified (null when the data "
        "cannot be evaluated, for a withdrawal or a restoration, and once the report is "
        "verified or rejected: a verified report's verdict is its visit's)."
    )
    possible_duplicates = serializers.SerializerMethodField(
        help_text="Visits of the person to the host on days that may overlap (published "
        "or not, and for a new visit those withdrawn from the record too: its trip is not "
        "published again unseen): the ids a reviewer compares a new report with and names "
        "in `different_from` when verifying."
    )

    @extend_schema_field(PreviewSerializer(allow_null=True))
    def get_preview(self, report):
        if report.keeps_facts:  # it changes no fact: the rule's answer does not move
            return None
        if report.state not in OPEN_REPORT_STATES:
            # Verified, its verdict is the published visit's; rejected, it has none (as the
            # newsroom's report page shows).
            return None
        try:
            verdict = review.preview(
                report.data or {},
                getattr(report, "resolved", None),
                # The verdict reads the findings on the visit the report changes.
                visit=report.visit,
            )
        except (DjangoValidationError, KeyError, ValueError):  # data the rule cannot read
            return None
        return {
            "code": verdict.code,
            "basis": verdict.basis or None,
            "reasons": list(verdict.reasons),
            "explanation": render_explanation(list(verdict.reasons), verdict.reason),
        }

    @extend_schema_field(VisitRefSerializer(many=True))
    def get_possible_duplicates(self, report):
        if report.is_withdrawal:
            return []
        # Read already when filing looked for them (review.file_report's refuse_duplicates).
        visits = getattr(report, "possible_duplicates", None)
        if visits is None:
            visits = review.possible_duplicates(
                report.data or {},
                exclude=report.visit if report.is_correction else None,
                withdrawn=not report.is_correction,
            )
        # The visits verify compares a new report with (withdrawn ones of its trip too), so
        # that a client can name each in `different_from`.
        listed = [v for v in visits if v.pk != report.visit_id]
        return VisitRefSerializer(listed, many=True, context=self.context).data
