"""The `finding` reasons stored with verdicts and their history, in the vocabulary of the
findings API (rule 2026.12.06).

Until then a decision of kind `other`, which makes no Art. 87(7) finding and only
informed the Assembly of States Parties or the Security Council (Kenya and Chad,
27 August 2010; Djibouti, 12 May 2011), gave those bodies as `referred_to_asp` and
`referred_to_unsc`, which the API's verdict `reasons` and `history[].reasons` (and the
downloads' `reasons`) passed on as a referral. Now every `finding` reason carries
`referred_to_asp`, `referred_to_unsc` (an Art. 87(7) finding's referral, false for any
other decision) and `informed_asp`, `informed_unsc` (what a decision of kind `other`
informed, false for a finding), as visits.models.decision_bodies gives them.

Only the keys change: every stored reason says what it said, and renders the same
sentence (core.reasons reads both forms). A verdict's rule_version is left as it was;
its re-evaluation under the new rule then finds the same reasons and records no history
entry for a vocabulary. Reversible: the reverse puts the older keys back.
"""

from django.db import migrations

ART_87_7 = "art_87_7"
BATCH = 500


def _apart(reason: dict) -> dict:
    """A `finding` reason with `informed_*` of its own; any other reason as it is."""
    if reason.get("key") != "finding" or "informed_asp" in reason:
        return reason
    finding = reason.get("kind", ART_87_7) == ART_87_7
    asp, unsc = bool(reason.get("referred_to_asp")), bool(reason.get("referred_to_unsc"))
    return {
        **reason,
        "referred_to_asp": finding and asp,
        "referred_to_unsc": finding and unsc,
        "informed_asp": not finding and asp,
        "informed_unsc": not finding and unsc,
    }


def _together(reason: dict) -> dict:
    """A `finding` reason as rules before 2026.12.06 stored it: the bodies a decision of
    kind `other` informed in its `referred_to_*`, no `informed_*`."""
    if reason.get("key") != "finding" or "informed_asp" not in reason:
        return reason
    older = {k: v for k, v in reason.items() if k not in ("informed_asp", "informed_unsc")}
    if reason.get("kind", ART_87_7) != ART_87_7:
        older["referred_to_asp"] = bool(reason.get("informed_asp"))
        older["referred_to_unsc"] = bool(reason.get("informed_unsc"))
    return older


def _rewrite(apps, convert) -> None:
    for name in ("Verdict", "VerdictChange"):
        model = apps.get_model("visits", name)
        rows = model.objects.filter(reasons__contains=[{"key": "finding"}]).only("pk", "reasons")
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            if not isinstance(row.reasons, list):
                continue
            reasons = [convert(r) if isinstance(r, dict) else r for r in row.reasons]
            if reasons != row.reasons:
                row.reasons = reasons
                batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, ["reasons"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["reasons"])


def informed_bodies_apart(apps, schema_editor):
    """Every stored `finding` reason in the current vocabulary (`_apart`)."""
    _rewrite(apps, _apart)


def informed_bodies_together(apps, schema_editor):
    """Every stored `finding` reason back in the older vocabulary (`_together`)."""
    _rewrite(apps, _together)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0046_report_restoration"),
    ]

    operations = [
        migrations.RunPython(informed_bodies_apart, informed_bodies_together),
    ]
