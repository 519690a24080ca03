"""A country's name with the article French gives it inside a sentence."""

import pytest
from django.utils import translation

from core.names import with_article


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hongrie", "la Hongrie"),
        ("États-Unis", "les États-Unis"),
        ("Philippines", "les Philippines"),
        ("Inde", "l’Inde"),
        ("Afghanistan", "l’Afghanistan"),
        ("Mexique", "le Mexique"),
        ("Honduras", "le Honduras"),
        ("Pays-Bas", "les Pays-Bas"),
        ("Îles Cook", "les Îles Cook"),
        ("Cuba", "Cuba"),
        ("Saint-Marin", "Saint-Marin"),
        ("Saint-Siège", "le Saint-Siège"),
        ("Royaume-Uni", "le Royaume-Uni"),
        ("République centrafricaine", "la République centrafricaine"),
        ("État de Palestine", "l’État de Palestine"),
        ("Sierra Leone", "la Sierra Leone"),
    ],
)
def test_a_french_country_name_takes_its_article(name, expected):
    with translation.override("fr"):
        assert with_article(name) == expected


def test_an_english_country_name_takes_the_article_english_gives_it():
    with translation.override("en"):
        assert with_article("Philippines") == "the Philippines"
        assert with_article("Hungary") == "Hungary"
