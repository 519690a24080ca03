"""Countries and their relation to the Rome Statute over time."""

import pghistory
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import history, identifiers
from core.models import DatePrecision, Source


class TreatyEventKind(models.TextChoices):
    """The steps of a state's Rome Statute timeline, in the order they happen."""

    SIGNED = "signed", _("Signed the Rome Statute")
    DEPOSITED = "deposited", _("Ratification or accession deposited")
    ENTRY_INTO_FORCE = "entry_into_force", _("Entry into force: a State Party from this day")
    WITHDRAWAL_NOTIFIED = (
        "withdrawal_notified",
        _("Withdrawal notified to the UN Secretary-General"),
    )
    WITHDRAWAL_REVOKED = "withdrawal_revoked", _("Withdrawal revoked")
    WITHDRAWAL_EFFECTIVE = (
        "withdrawal_effective",
        _("Withdrawal effective: no longer a State Party"),
    )


class Instrument(models.TextChoices):
    """How a state became bound by the Rome Statute, where the dataset records it
    (states.csv `instrument`): a signatory's ratification (Art. 125(2)), any other state's
    accession (Art. 125(3)), or a new state's succession to a predecessor's ratification
    (Montenegro, 2006: bound from its independence, the notification received later).
    Blank: not recorded, read from the signature (StateFacts.joined)."""

    RATIFICATION = "ratification", _("ratification")
    ACCESSION = "accession", _("accession")
    SUCCESSION = "succession", _("succession")


class DeclarationEffect(models.TextChoices):
    """Whether an Art. 12(3) declaration was given effect (declarations.csv `effect`).
    Blank: given effect, binding from its lodging; `not_given_effect`: lodged, but not
    acted on (Palestine's of 22 January 2009: the Prosecutor did not act on it, his
    statement of 3 April 2012), so iccwatch counts no obligation from it."""

    GIVEN_EFFECT = "", _("given effect")
    NOT_GIVEN_EFFECT = "not_given_effect", _("not given effect")


class StateQuerySet(models.QuerySet):
    def with_timeline(self):
        """States with their treaty events and declarations loaded in two extra queries."""
        return self.prefetch_related("treaty_events", "declarations__situation")


class State(models.Model):
    """A country, identified by its ISO 3166-1 alpha-3 code.

    Whether it must arrest a wanted person on a given day follows from its treaty
    timeline (TreatyEvent) and any Article 12(3) declarations (Declaration). An entry
    that is a territory of a State (`territory_of`, see states.territories) has no
    standing of its own: only States join the Rome Statute.
    """

    iso3 = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=200)
    # An ISO 3166-1 entry that is a territory of a State, not a State (Réunion: France);
    # set by the importer from states.territories, never for a row of states.csv.
    territory_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
    )
    notes = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="states")
    # Also moved by the database whenever what the state's record shows of other rows
    # changes (its timeline, declarations, referrals, findings, joint statements, sources),
    # however written: visits migration 0045.
    updated_at = models.DateTimeField(auto_now=True)
    # How it became bound, where recorded (Instrument; blank: read from the signature).
    # Last, so that the bulk files' states table keeps every other column in its place.
    instrument = models.CharField(
        max_length=12,
        choices=Instrument.choices,
        blank=True,
        default="",
        db_default="",
        help_text="How the state became bound, as the dataset records it (states.csv "
        "`instrument`): `ratification`, `accession` or `succession`; empty when not recorded "
        "(a signature by 31 December 2000 then reads as a ratification, Art. 125).",
    )

    objects = StateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(iso3__regex=identifiers.ISO3_ANCHORED), name="state_iso3_format"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("state", kwargs={"iso3": self.iso3})


@history.track()
class TreatyEvent(models.Model):
    """One dated step in a state's relation to the Rome Statute (signature, deposit, ...).

    Entry into force is normally computed under Art. 126 from the deposit; a stored
    value overrides the computation (e.g. Montenegro's succession date).
    """

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="treaty_events")
    kind = models.CharField(max_length=32, choices=TreatyEventKind.choices)
    date = models.DateField()
    precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    note = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="treaty_events")

    class Meta:
        ordering = ["state", "date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["state", "kind"], name="treaty_event_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.state.iso3} {self.get_kind_display()} {self.date}"


@history.track()
class Declaration(models.Model):
    """An Article 12(3) declaration: a non-party accepts the Court's jurisdiction.

    From the day it is lodged, the declaring state must cooperate "without any delay
    or exception in accordance with Part 9" for the situation it covers, and only that.
    `covers_from`..`covers_to` is the period of alleged crimes it accepts (open-ended
    without `covers_to`); where several cover a situation the rule cites the latest.
    """

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="declarations")
    lodged = models.DateField()
    situation = models.ForeignKey(
        "warrants.Situation", on_delete=models.PROTECT, related_name="declarations"
    )
    covers_from = models.DateField(null=True, blank=True)
    covers_from_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        db_default=DatePrecision.DAY,
    )
    covers_to = models.DateField(null=True, blank=True)
    covers_to_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        db_default=DatePrecision.DAY,
    )
    notes = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="declarations")
    # Blank: given effect; `not_given_effect`: lodged, but it binds to nothing
    # (DeclarationEffect). Last, so that the bulk files' declarations table keeps every
    # other column in its place.
    effect = models.CharField(
        max_length=16,
        choices=DeclarationEffect.choices,
        blank=True,
        default="",
        db_default="",
        help_text="Empty: the Court gave the declaration effect; `not_given_effect`: lodged, "
        "but not acted on, so it created no obligation (declarations.csv `effect`).",
    )

    class Meta:
        ordering = ["state", "lodged"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "lodged", "situation"], name="declaration_unique"
            ),
        ]

    def __str__(self):
        return f"{self.state.iso3} Art. 12(3) declaration of {self.lodged} ({self.situation})"


@history.track()
class SecurityCouncilReferral(models.Model):
    """A Chapter VII resolution referring a situation to the Court (Art. 13(b)).

    It *decides* that the named states shall cooperate fully with the Court: they are
    bound for that situation from the adoption date, whatever their treaty status
    (Darfur: S/RES/1593 (2005) binds Sudan; Libya: S/RES/1970 (2011) binds Libya).
    """

    situation = models.ForeignKey(
        "warrants.Situation", on_delete=models.PROTECT, related_name="council_referrals"
    )
    resolution = models.CharField(max_length=40, unique=True, help_text="e.g. S/RES/1593 (2005)")
    adopted = models.DateField()
    bound_states = models.ManyToManyField(State, related_name="council_referrals")
    notes = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="council_referrals")

    class Meta:
        ordering = ["adopted"]

    def __str__(self):
        return f"{self.resolution} ({self.situation})"


@history.track()
class JointStatement(models.Model):
    """A joint statement of support for the Court and the states that signed it."""

    date = models.DateField()
    title = models.CharField(max_length=500)
    signatory_count = models.PositiveIntegerField(null=True, blank=True)
    signatories = models.ManyToManyField(State, blank=True, related_name="joint_statements")
    sources = models.ManyToManyField(Source, blank=True, related_name="joint_statements")
    # Last, so that the bulk files' statements table keeps every other column in its place.
    slug = models.SlugField(
        max_length=100,
        blank=True,
        db_index=False,  # looked up by the unique index of the non-empty ones
        default="",
        db_default="",
        help_text="The statement's identifier in the dataset (statements.csv `id`), by which "
        "an import finds it whatever else a newer version corrects, so that it keeps its `id` "
        "and address; empty until an import that gives it one.",
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "title"], name="statement_unique"),
            models.UniqueConstraint(
                fields=["slug"], condition=~Q(slug=""), name="statement_slug_unique"
            ),
        ]

    def __str__(self):
        return f"{self.date}: {self.title}"


# Which states signed a joint statement: each signature added or removed is an event. The
# triggers sit on a proxy of the link table, so that they are created by a migration.
@pghistory.track(
    pghistory.InsertEvent("signatory.add"),
    pghistory.DeleteEvent("signatory.remove"),
    obj_field=None,
    model_name="JointStatementSignatoryEvent",
)
class JointStatementSignatory(JointStatement.signatories.through):
    class Meta:
        proxy = True
