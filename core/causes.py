"""Why a verdict changed: structured causes, rendered in the reader's language.

A cause is a JSON-serialisable dict with a "key" (docs/DOMAIN.md: "each change is
kept in the verdict's history ... when, and why"). Things are named by their natural
keys (a state's ISO 3166-1 alpha-3 code, a person's or visit's slug, a warrant's
ref), never by a database id:

- {"key": "added" | "deleted" | "edited", "object": OBJECT, "name": str}
- {"key": "changed", "object": OBJECT, "name": str,
   "changes": [{"field": str, "old": str, "new": str}, ...]}  ("" is "none")
  An ICC decision (object "finding") also records its "kind" (visits.models.FindingKind:
  "art_87_7" or "other"; causes recorded before it did have none).
- {"key": "sources", "name": visit slug}
- {"key": "rule", "version": str}: the compliance rule changed
- {"key": "import", "version": str}: an import of the dataset (version "" if unknown)
- {"key": "text", "text": str}: a cause given in words (a command's, a test's)

OBJECT is one of OBJECTS' keys; a treaty event is named "<kind> of <ISO3>"
("withdrawal_effective of BDI"). A verdict's history entry stores
{"first": bool, "causes": [cause, ...]}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext, pgettext_lazy

from core.names import country_name, format_date
from core.reasons import withdrawal_note

OBJECTS = {
    "visit": gettext_noop("visit"),
    "warrant": gettext_noop("warrant"),
    "person": gettext_noop("person"),
    "state": gettext_noop("state"),
    # The Finding records hold every ICC decision on a state's cooperation: the object is
    # named by its kind (FINDING_KINDS), this only when the kind is not known.
    "finding": gettext_noop("ICC decision"),
    "declaration": gettext_noop("declaration"),
    "treaty event": gettext_noop("treaty event"),
    "situation": gettext_noop("situation"),
    "referral": gettext_noop("Security Council referral"),
}
# An ICC decision by its kind (visits.models.FindingKind): only an Art. 87(7) decision is
# a finding; one that informs the Security Council or the Assembly, or finds no failure,
# is another kind of decision, never called a finding (docs/DOMAIN.md, "ICC finding").
FINDING_KINDS = {
    "art_87_7": gettext_noop("ICC finding of non-compliance under Art. 87(7)"),
    "other": gettext_noop("ICC decision on cooperation"),
    "no_failure": gettext_noop("ICC decision finding no failure to comply"),
}
TREATY_EVENTS = {
    "signed": gettext_noop("signature"),
    "deposited": gettext_noop("deposit"),
    "entry_into_force": gettext_noop("entry into force"),
    "withdrawal_notified": gettext_noop("withdrawal notified"),
    "withdrawal_revoked": gettext_noop("withdrawal revoked"),
    "withdrawal_effective": gettext_noop("withdrawal effective"),
}
# Causes given in words by the project's own code, translated when shown.
WORDED_CAUSES = (
    gettext_noop("dataset import"),
    gettext_noop("a change to its facts"),
    gettext_noop("full re-evaluation"),
)
MAX_CAUSES = 20
# The fields a change names, as the data dictionary does (translated for other languages).
FIELDS = {
    "person": pgettext_lazy("history field", "person"),
    "host": pgettext_lazy("history field", "host"),
    "start": pgettext_lazy("history field", "start"),
    "end": pgettext_lazy("history field", "end"),
    "end_known": pgettext_lazy("history field", "end known"),
    "status": pgettext_lazy("history field", "status"),
    "outcome": pgettext_lazy("history field", "outcome"),
    "review_state": pgettext_lazy("history field", "review state"),
    "host_notified": pgettext_lazy("history field", "host notified"),
    "host_justification": pgettext_lazy("history field", "host's justification"),
    "place": pgettext_lazy("history field", "place"),
    "host_control": pgettext_lazy("history field", "host's control of the place"),
    "controlled_by": pgettext_lazy("history field", "controlled by"),
    "withdrawal_note": pgettext_lazy("history field", "withdrawal note"),
    "issued": pgettext_lazy("history field", "issued"),
    "made_public": pgettext_lazy("history field", "made public"),
    "ended": pgettext_lazy("history field", "ended"),
    "end_reason": pgettext_lazy("history field", "end reason"),
    "kind": pgettext_lazy("history field", "kind"),
    "date": pgettext_lazy("history field", "date"),
    "lodged": pgettext_lazy("history field", "lodged"),
    "situation": pgettext_lazy("history field", "situation"),
    "covers_from": pgettext_lazy("history field", "covers from"),
    "covers_to": pgettext_lazy("history field", "covers to"),
    "effect": pgettext_lazy("history field", "effect given by the Court"),
    "instrument": pgettext_lazy("history field", "instrument"),
    "adopted": pgettext_lazy("history field", "adopted"),
    "name": pgettext_lazy("history field", "name"),
    "nationality": pgettext_lazy("history field", "nationality"),
    "decided": pgettext_lazy("history field", "decided"),
    "referred_to_asp": pgettext_lazy("history field", "referred to the Assembly of States Parties"),
    "referred_to_unsc": pgettext_lazy("history field", "referred to the UN Security Council"),
    "visit": pgettext_lazy("history field", "visit"),
}
# The same fields of an ICC decision of kind `other`, which refers nothing: the bodies
# stored with it are those it informed (visits.models.decision_bodies).
INFORMED_FIELDS = {
    "referred_to_asp": pgettext_lazy("history field", "informed the Assembly of States Parties"),
    "referred_to_unsc": pgettext_lazy("history field", "informed the UN Security Council"),
}


def text_cause(text: str) -> dict:
    """A cause given in words, e.g. 'dataset import'."""
    return {"key": "text", "text": text}


def rule_cause(version: str) -> dict:
    """The cause of a verdict decided again because the compliance rule changed: the rule
    now in force is `version` (compliance.RULE_VERSION), rendered "the compliance rule
    changed (now version <version>)"."""
    return {"key": "rule", "version": version}


def with_rule_change(found: Sequence[dict], version: str) -> list[dict]:
    """`found` (the causes of a change to a verdict) with the rule change to `version` named
    first (`rule_cause`), once, in place of any rule change `found` named (an earlier
    version's is out of date): for a verdict that was recorded under another version of
    the rule, whatever else moved it."""
    return [rule_cause(version), *(c for c in found if c.get("key") != "rule")]


def as_causes(value: str | dict | Sequence[dict]) -> list[dict]:
    """Normalise what callers pass as a cause (words, one cause, or several) to a list."""
    if isinstance(value, str):
        return [text_cause(value)]
    if isinstance(value, dict):
        return [value]
    return list(value)


def dumps(causes: Sequence[dict]) -> str:
    """The stored form of a list of causes (EvaluationRequest.reason)."""
    return json.dumps(list(causes)[:MAX_CAUSES], ensure_ascii=False, sort_keys=True)


def loads(stored: str | None) -> list[dict]:
    """Causes from their stored form; text stored before causes were structured is kept as words."""
    if not stored:
        return []
    try:
        value = json.loads(stored)
    except ValueError:
        return [text_cause(stored)]
    return as_causes(value) if isinstance(value, list | dict) else [text_cause(stored)]


# A finding or a declaration is named by its state and day ("MNG 2024-10-24"), a day
# known only to the month or year as far as it is known ("SDN 2015-06").
_STATE_AND_DAY = re.compile(r"(?P<iso3>[A-Z]{3}) (?P<day>\d{4}(?:-\d{2}(?:-\d{2})?)?)")


def named_things(causes: Sequence[dict]) -> set[tuple[str, str]]:
    """The (object, natural key) pairs that `causes` name: what a caller may put into words
    for `render`'s `names` ("visit" and its slug, "person" and its slug)."""
    things = set()
    for cause in causes:
        if cause.get("key") == "sources":
            things.add(("visit", cause.get("name", "")))
        elif cause.get("object") and cause.get("name"):
            things.add((cause["object"], cause["name"]))
    return things


def finding_noun(cause: dict, names: Mapping[tuple[str, str], str] | None = None) -> str:
    """What a cause about an ICC decision (object "finding") calls it, in the active
    language: "ICC finding of non-compliance under Art. 87(7)" for kind art_87_7, "ICC
    decision on cooperation" for kind other (one that informs the Security Council or the
    Assembly, or finds no failure: never a finding, docs/DOMAIN.md "ICC finding"), plain
    "ICC decision" when its kind is not known or is what changed.

    The kind is the cause's own ("kind"); a cause recorded before causes named it takes
    the one `names` gives under ("finding kind", name) (front.summaries.cause_names)."""
    name = cause.get("name", "")
    if any(c.get("field") == "kind" for c in cause.get("changes", ())):
        # "ICC decision (…): kind other decision → Art. 87(7) finding": it was both.
        return _(OBJECTS["finding"])
    kind = cause.get("kind") or (names or {}).get(("finding kind", name))
    return _(FINDING_KINDS.get(kind, OBJECTS["finding"]))


def _fields(cause: dict, names: Mapping[tuple[str, str], str] | None = None) -> Mapping:
    """The words for the fields a "changed" cause names: FIELDS, but for an ICC decision of
    kind `other` (its own, or the one `names` gives, as `finding_noun` reads it; not one
    whose kind is what changed), whose `referred_to_asp` and `referred_to_unsc` are the
    bodies it informed, never a referral (INFORMED_FIELDS)."""
    if cause.get("object") != "finding" or any(
        c.get("field") == "kind" for c in cause.get("changes", ())
    ):
        return FIELDS
    kind = cause.get("kind") or (names or {}).get(("finding kind", cause.get("name", "")))
    return {**FIELDS, **INFORMED_FIELDS} if kind == "other" else FIELDS


def _label(cause: dict, names: Mapping[tuple[str, str], str] | None = None) -> str:
    obj = cause.get("object", "")
    name = cause.get("name", "")
    if obj == "finding":
        noun = finding_noun(cause, names)
        match = _STATE_AND_DAY.fullmatch(name)
        if match:
            # "finding MNG 2024-10-24" reads "… (Mongolia, 24 October 2024)".
            return "%s (%s, %s)" % (  # noqa: UP031 (the one form every language shares)
                noun,
                country_name(match["iso3"]),
                format_date(match["day"]),
            )
        return f"{noun} {name}".strip()
    words = (names or {}).get((obj, name))
    if words:
        # "visit (Vladimir Putin in Mongolia, 2–3 September 2024)", not its slug.
        return "%s (%s)" % (_(OBJECTS.get(obj, obj)), words)  # noqa: UP031
    if obj == "state" and re.fullmatch(r"[A-Z]{3}", name):
        return "%s (%s)" % (_(OBJECTS[obj]), country_name(name))  # noqa: UP031
    if obj == "treaty event" and " of " in name:
        kind, _sep, iso3 = name.partition(" of ")
        event = _(TREATY_EVENTS[kind]) if kind in TREATY_EVENTS else kind.replace("_", " ")
        return pgettext("treaty event of a state", "%(event)s of %(state)s") % {
            "event": event,
            "state": iso3,
        }
    match = _STATE_AND_DAY.fullmatch(name)
    if obj == "declaration" and match:
        # "declaration MNG 2024-10-24" reads "declaration (Mongolia, 24 October 2024)".
        return "%s (%s, %s)" % (  # noqa: UP031 (the one form every language shares)
            _(OBJECTS[obj]),
            country_name(match["iso3"]),
            format_date(match["day"]),
        )
    return f"{_(OBJECTS.get(obj, obj))} {name}".strip()


# Words for the stored codes of a field ("left_early" -> "left early"), by field name:
# registered by the apps that own the choices (visits.apps), as core imports no app.
VALUE_LABELS: dict[str, dict[str, str]] = {}
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def register_value_labels(field: str, choices) -> None:
    """Render `field`'s stored codes by their labels: `choices` is a model field's
    (value, label) pairs, the labels lazily translated."""
    VALUE_LABELS.setdefault(field, {}).update(dict(choices))


def value_words(value, field: str = "") -> str:
    """A changed field's value in words: a code by its label, a (partial) ISO date in words,
    a boolean as yes or no; "(none)" for nothing."""
    if value in (None, ""):
        return pgettext("no value", "(none)")
    if isinstance(value, bool) or value in ("True", "False"):
        return _("yes") if value in (True, "True") else _("no")
    label = VALUE_LABELS.get(field, {}).get(value)
    if label is not None:
        return str(label)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return format_date(value)
        except ValueError:  # shaped like a date, but none ("2024-13" as a place)
            return value
    return str(value)


def render_one(cause: dict, names: Mapping[tuple[str, str], str] | None = None) -> str:
    """One cause in the active language: 'warrant putin-2023: issued 2023-03-17 → 2023-03-18';
    `names` gives the words for a thing named by its natural key (`render`)."""
    key = cause.get("key")
    if key == "added":
        return _("%(thing)s was added") % {"thing": _label(cause, names)}
    if key == "deleted":
        return _("%(thing)s was deleted") % {"thing": _label(cause, names)}
    if key == "edited":
        return _("%(thing)s was edited") % {"thing": _label(cause, names)}
    if key == "changed":
        fields = _fields(cause, names)
        changes = ", ".join(
            f"{fields.get(c['field'], c['field'])} {value_words(c.get('old'), c['field'])} → "
            f"{value_words(c.get('new'), c['field'])}"
            for c in cause.get("changes", [])
        )
        return pgettext("what changed", "%(thing)s: %(changes)s") % {
            "thing": _label(cause, names),
            "changes": changes,
        }
    if key == "sources":
        slug = cause.get("name", "")
        visit = (names or {}).get(("visit", slug))
        if visit:
            return _("sources of the visit (%(visit)s) changed") % {"visit": visit}
        return _("sources of visit %(visit)s changed") % {"visit": slug}
    if key == "rule":
        return _("the compliance rule changed (now version %(version)s)") % {
            "version": cause.get("version", "")
        }
    if key == "import":
        if cause.get("version"):
            return _("import of dataset version %(version)s") % {"version": cause["version"]}
        return _("dataset import")
    if key == "text":
        return _(cause.get("text", ""))
    return str(cause)


def render(
    history_cause: dict | Sequence[dict],
    language: str | None = None,
    names: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """A history entry's cause in `language` (the active one when None).

    `names` maps (object, natural key) to words a reader understands, e.g. ("visit",
    "vladimir-putin-mng-2024-09-02") to "Vladimir Putin in Mongolia, 2–3 September 2024"
    (front.summaries.cause_names); a thing not in it is named by its key.

    `history_cause` is {"first": bool, "causes": [...], "withdrawn": note} ("withdrawn"
    only when the verdict was withdrawn) or a bare list of causes.
    'first evaluation (visit x was added)' / 'première évaluation (ajout : visite x)';
    'withdrawn: removed from dataset version 2026.12.01' (docs/DOMAIN.md).
    """
    if language is not None:
        with translation.override(language):
            return render(history_cause, names=names)
    if isinstance(history_cause, dict) and "causes" in history_cause:
        first, causes = history_cause.get("first", False), history_cause["causes"]
    else:
        first, causes = False, as_causes(history_cause)
    if first:
        # A new visit comes with its sources: "its sources changed" told nothing there.
        causes = [c for c in causes if c.get("key") != "sources"]
    text = pgettext("between clauses of a sentence", "; ").join(
        render_one(c, names) for c in causes
    )
    if isinstance(history_cause, dict) and "withdrawn" in history_cause:
        note = withdrawal_note(history_cause["withdrawn"]) or text
        return _("withdrawn: %(note)s") % {"note": note}
    if first:
        return (
            _("first evaluation (%(cause)s)") % {"cause": text} if text else _("first evaluation")
        )
    return text
