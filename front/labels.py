"""The interface's words for each stored code, translated (the data itself stays in its language).

The models' TextChoices carry English labels for the admin and the API. The public
site shows the same codes in the reader's language, so each vocabulary is listed
here once with a translatable label; a test checks that every model choice has one.
"""

from django.utils.translation import gettext_lazy as _

VERDICT = {
    "pending": _("pending"),
    "deterred": _("deterred (trip called off)"),
    "no_warrant_in_force": _("no warrant in force"),
    "warrant_not_public": _("warrant not public"),
    "complied": _("complied (arrested)"),
    "no_obligation": _("no obligation"),
    "non_compliance": _("non-compliance"),
}

BASIS = {
    "state_party": _("State Party"),
    "art_127_2_residual": _("Art. 127(2) residual obligation"),
    "art_12_3_declaration": _("Art. 12(3) declaration"),
}

VISIT_STATUS = {
    "occurred": _("occurred"),
    "cancelled": _("cancelled"),
    "virtual": _("attended by video"),
    "transit": _("transit stop"),
}

VISIT_OUTCOME = {
    "not_arrested": _("not arrested"),
    "left_early": _("left early"),
    "arrested": _("arrested"),
    "released": _("arrested, then released"),
    "unknown": _("unknown"),
    "n/a": _("not applicable"),
}

PERSON_STATUS = {
    "at_large": _("at large"),
    "in_custody": _("in custody"),
    "convicted": _("convicted"),
    "acquitted": _("acquitted"),
    "deceased": _("deceased"),
    "proceedings_terminated": _("proceedings terminated"),
    "warrant_withdrawn": _("warrant withdrawn"),
}

TREATY_EVENT = {
    "signed": _("Signed the Rome Statute"),
    "deposited": _("Ratification or accession deposited"),
    "entry_into_force": _("Entry into force: a State Party from this day"),
    "withdrawal_notified": _("Withdrawal notified to the UN Secretary-General"),
    "withdrawal_revoked": _("Withdrawal revoked"),
    "withdrawal_effective": _("Withdrawal effective: no longer a State Party"),
}

WARRANT_END = {
    "executed": _("executed (person surrendered)"),
    "withdrawn": _("withdrawn"),
    "deceased": _("death confirmed"),
    "other": _("other (see notes)"),
}

# A state's relation to the Statute on a given day (states.status).
STATE_STATUS = {
    "party": _("State Party"),
    "withdrawing": _("withdrawing (notified, not yet effective)"),
    "withdrawn": _("withdrawn"),
    "non_party": _("not a party"),
}

VOCABULARIES = {
    "verdict": VERDICT,
    "basis": BASIS,
    "visit_status": VISIT_STATUS,
    "visit_outcome": VISIT_OUTCOME,
    "person_status": PERSON_STATUS,
    "treaty_event": TREATY_EVENT,
    "warrant_end": WARRANT_END,
    "state_status": STATE_STATUS,
}


def label(vocabulary: str, code: str | None) -> str:
    """The reader's word for `code` in one of the VOCABULARIES; the code itself if unknown."""
    if not code:
        return ""
    return str(VOCABULARIES[vocabulary].get(code, code))


def choices(vocabulary: str) -> list[tuple[str, str]]:
    """Form choices for a vocabulary, in its stored order, with translated labels."""
    return [(code, text) for code, text in VOCABULARIES[vocabulary].items()]
