"""Country names in the reader's language (core.names)."""

from django.utils import translation

from core.names import country_name


def test_a_french_country_name_writes_the_typographic_apostrophe():
    """The standard's French catalogue writes "Côte d'Ivoire"; the site's messages write ’."""
    with translation.override("fr"):
        assert country_name("CIV") == "Côte d’Ivoire"
    with translation.override("en"):
        assert country_name("CIV", "Côte d'Ivoire") == "Côte d'Ivoire"
