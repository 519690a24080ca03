"""One partial-date formatter and one referral wording, for the rule, the site and the data."""

import datetime

import pytest
from django.utils import translation

from compliance import Period, partial_isoformat, referral_bodies, referral_sentence
from front import summaries
from front.templatetags.iccwatch_tags import partial
from visits.models import Finding
from visits.reports import visit_slug

D = datetime.date


@pytest.mark.parametrize(
    ("day", "precision", "text"),
    [
        (D(2009, 3, 4), "day", "2009-03-04"),
        (D(2009, 3, 1), "month", "2009-03"),
        (D(2009, 1, 1), "year", "2009"),
        (None, "month", ""),
    ],
)
def test_a_partial_date_is_written_as_much_as_is_known_everywhere(day, precision, text):
    assert partial_isoformat(day, precision) == text
    assert partial(day, precision) == text  # the site's template filter
    if day is not None:
        assert Period.from_stored(day, precision).isoformat() == text
        assert visit_slug("omar-al-bashir", "ETH", day, precision) == f"omar-al-bashir-eth-{text}"


def test_the_prose_form_is_for_explanations_and_the_site_spans_use_the_data_form():
    assert str(Period.parse("2009-03")) == "March 2009"
    assert summaries.span(D(2009, 3, 1), "month", D(2009, 4, 1), "month") == "2009-03 – 2009-04"
    assert summaries.span(D(2012, 1, 1), "year", None, "day") == "2012"


@pytest.mark.parametrize(
    ("asp", "unsc", "bodies", "sentence", "french"),
    [
        (
            True,
            False,
            "the Assembly of States Parties",
            "Referred to the Assembly of States Parties.",
            "L’Assemblée des États parties a été saisie.",
        ),
        (
            False,
            True,
            "the UN Security Council",
            "Referred to the UN Security Council.",
            "Le Conseil de sécurité de l’ONU a été saisi.",
        ),
        (
            True,
            True,
            "the Assembly of States Parties and the UN Security Council",
            "Referred to the Assembly of States Parties and the UN Security Council.",
            "L’Assemblée des États parties et le Conseil de sécurité de l’ONU ont été saisis.",
        ),
        (
            False,
            False,
            "",
            "Not referred.",
            "Ni l’Assemblée des États parties ni le Conseil de sécurité n’ont été saisis.",
        ),
    ],
)
def test_a_referral_is_worded_in_one_place_and_translated_on_the_site(
    asp, unsc, bodies, sentence, french
):
    assert referral_bodies(asp, unsc) == bodies
    assert referral_sentence(asp, unsc) == sentence
    finding = Finding(decided=D(2024, 10, 24), referred_to_asp=asp, referred_to_unsc=unsc)
    assert finding.referral_sentence == sentence
    with translation.override("fr"):
        assert finding.referral_sentence == french
