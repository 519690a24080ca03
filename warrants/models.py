"""People named in public ICC arrest warrants, and the warrants themselves."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import history
from core.models import DatePrecision, Source


class Situation(models.Model):
    """An ICC situation under investigation (Ukraine; Darfur, Sudan; State of Palestine; ...)."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Case(models.Model):
    """A case before the Court, e.g. "The Prosecutor v. Omar Hassan Ahmad Al Bashir"."""

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="cases")
    name = models.CharField(max_length=300)
    number = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="case_unique_name")]

    def __str__(self):
        return self.name


class PersonStatus(models.TextChoices):
    AT_LARGE = "at_large", _("at large (not in the Court's custody)")
    IN_CUSTODY = "in_custody", _("in custody")
    CONVICTED = "convicted", _("convicted")
    ACQUITTED = "acquitted", _("acquitted")
    DECEASED = "deceased", _("deceased")
    PROCEEDINGS_TERMINATED = "proceedings_terminated", _("proceedings terminated")
    WARRANT_WITHDRAWN = "warrant_withdrawn", _("warrant withdrawn")


class PersonQuerySet(models.QuerySet):
    def at_large(self):
        """People whose status is at large."""
        return self.filter(status=PersonStatus.AT_LARGE)


@history.track(exclude=["updated_at", "sounds"])
class Person(models.Model):
    """Someone named in a public ICC arrest warrant (the "subject" of visits).

    `sounds` is derived by PostgreSQL from the name and other names, by a trigger on every
    insert and update (whatever is written there is replaced): the Double Metaphone codes,
    primary and alternate (fuzzystrmatch's `dmetaphone`), of each word of three Latin
    letters or more but particles ("abu", "bin"), case and accents folded, as written and
    with "y" for "j" (`word_sounds`: "Benjamin" and "Benyamin" meet). Search matches a
    spelling from another language with it ("Poutine" is Putin, "Béchir" al-Bashir;
    front.search).
    """

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    other_names = ArrayField(models.CharField(max_length=200), blank=True, default=list)
    nationality = models.ForeignKey(
        "states.State", on_delete=models.PROTECT, null=True, blank=True, related_name="nationals"
    )
    born = models.DateField(null=True, blank=True)
    born_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    role = models.CharField(max_length=500, blank=True)
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="persons")
    status = models.CharField(max_length=32, choices=PersonStatus.choices)
    status_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="persons")
    # Also moved by the database when its nationality's or situation's name, its warrants
    # or its sources change, however written: visits migration 0045; and when a field of
    # its own it shows is written by a bulk update or in SQL: visits migration 0047.
    updated_at = models.DateTimeField(auto_now=True)
    # Filled by PostgreSQL on every write (warrants migration 0005), whatever is written
    # here; an instance just saved still holds its old value (only search reads it).
    sounds = ArrayField(models.TextField(), default=list, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "persons"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("person", kwargs={"slug": self.slug})


class WarrantEndReason(models.TextChoices):
    EXECUTED = "executed", _("executed (person surrendered)")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DECEASED = "deceased", _("death confirmed")
    OTHER = "other", _("other (see notes)")


class WarrantQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date, value: bool = True):
        """The warrants in force on `day` (or, `value` False, those not in force): started
        (issued, or made public when the issue date is unknown) on or before it and not
        ended before it, the last day counting (Warrant.in_force_on)."""
        condition = (Q(issued__lte=day) | Q(issued__isnull=True, made_public__lte=day)) & (
            Q(ended__isnull=True) | Q(ended__gte=day)
        )
        return self.filter(condition) if value else self.exclude(condition)


@history.track(exclude=["updated_at"])
class Warrant(models.Model):
    """An ICC arrest warrant against one person.

    It may be issued under seal and made public later; it stops being in force when
    executed, withdrawn, or the person's death is confirmed (`ended` is its last
    day). When the issue date is unknown, it counts from the day it was made public.
    """

    ref = models.SlugField(
        max_length=150, unique=True, help_text="Stable identifier: person and date."
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="warrants")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="warrants"
    )
    issued = models.DateField(null=True, blank=True)
    issued_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    made_public = models.DateField(null=True, blank=True)
    made_public_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    charges = models.TextField(blank=True)
    ended = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=WarrantEndReason.choices, blank=True)
    notes = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="warrants")
    # Also moved by the database when its person's name, their situation, its case or its
    # sources change, however written: visits migration 0045; and when a field of its own
    # it shows is written by a bulk update or in SQL: visits migration 0047.
    updated_at = models.DateTimeField(auto_now=True)

    objects = WarrantQuerySet.as_manager()

    class Meta:
        # The id last: two warrants of one person with the same (or no) issue date keep
        # one order everywhere they are listed.
        ordering = ["person", "issued", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued__isnull=False) | Q(made_public__isnull=False),
                name="warrant_has_a_start",
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | Q(issued__isnull=True)
                | Q(ended__gte=models.F("issued")),
                name="warrant_ends_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(made_public__isnull=True)
                | Q(issued__isnull=True)
                | Q(made_public__gte=models.F("issued")),
                name="warrant_public_after_issue",
            ),
        ]

    def __str__(self):
        when = self.issued or self.made_public
        return f"Warrant against {self.person.name} ({when})"

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the warrant is in force on `day`: issued (or, the issue date unknown,
        made public) on or before it, and `ended` is None or not before it, the last day
        counting, as the rule reads a warrant (compliance.facts.in_force_on). The site's
        lists, its exports and the API's `in_force` field and filter all say "in force
        today" by it, today being UTC's."""
        return in_force_on(self.issued, self.made_public, self.ended, day)


def in_force_on(
    issued: datetime.date | None,
    made_public: datetime.date | None,
    ended: datetime.date | None,
    day: datetime.date,
) -> bool:
    """Whether a warrant of these dates is in force on `day` (Warrant.in_force_on): for a
    warrant read as values, not as a model instance (the warrants' downloads,
    front.views.warrants)."""
    start = issued or made_public
    return start is not None and start <= day and (ended is None or day <= ended)
