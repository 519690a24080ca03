"""The law: was the host bound to arrest this person on the days of the visit, and did it?

Pure Python: no Django, no Celery, so that a lawyer can read it and a test can run
it without a database. The specification is docs/DOMAIN.md; the articles cited are the
Rome Statute's.

- `compliance.facts`: the facts the rule reads (frozen dataclasses) and its vocabulary;
- `compliance.treaty`: treaty arithmetic (Art. 126 entry into force, Art. 127 withdrawal);
- `compliance.verdict`: the verdict table, in DOMAIN.md's order, and the self-check;
- `compliance.explanation`: the plain-language explanation of a verdict.

The names below are the package's public surface: `from compliance import evaluate`.
"""

from compliance.explanation import situation_phrase
from compliance.facts import (
    ART_12_3_DECLARATION,
    ART_127_2_RESIDUAL,
    BASES,
    COMPLIED,
    DETERRED,
    DETERRED_STATUSES,
    FAILED_OUTCOMES,
    FOUNDING_DEPOSIT_DEADLINE,
    IMPRECISE_REASON,
    NO_OBLIGATION,
    NO_WARRANT_IN_FORCE,
    NON_COMPLIANCE,
    PENDING,
    PENDING_OUTCOME_REASON,
    PRESENT_STATUSES,
    RULE_VERSION,
    STATE_PARTY,
    STATUTE_IN_FORCE,
    VERDICT_CODES,
    WARRANT_NOT_PUBLIC,
    DeclarationFacts,
    FindingFacts,
    Period,
    SourceFacts,
    StateFacts,
    Verdict,
    VisitFacts,
    WarrantFacts,
    partial_isoformat,
    referral_bodies,
    referral_sentence,
)
from compliance.treaty import entry_into_force_for, state_facts, withdrawal_effective_for
from compliance.verdict import basis_on, evaluate, in_force_on, public_on, self_check

__all__ = [
    "ART_12_3_DECLARATION",
    "ART_127_2_RESIDUAL",
    "BASES",
    "COMPLIED",
    "DETERRED",
    "DETERRED_STATUSES",
    "FAILED_OUTCOMES",
    "FOUNDING_DEPOSIT_DEADLINE",
    "IMPRECISE_REASON",
    "NO_OBLIGATION",
    "NO_WARRANT_IN_FORCE",
    "NON_COMPLIANCE",
    "PENDING",
    "PENDING_OUTCOME_REASON",
    "PRESENT_STATUSES",
    "RULE_VERSION",
    "STATE_PARTY",
    "STATUTE_IN_FORCE",
    "VERDICT_CODES",
    "WARRANT_NOT_PUBLIC",
    "DeclarationFacts",
    "FindingFacts",
    "Period",
    "SourceFacts",
    "StateFacts",
    "Verdict",
    "VisitFacts",
    "WarrantFacts",
    "basis_on",
    "entry_into_force_for",
    "evaluate",
    "in_force_on",
    "partial_isoformat",
    "public_on",
    "referral_bodies",
    "referral_sentence",
    "self_check",
    "situation_phrase",
    "state_facts",
    "withdrawal_effective_for",
]
