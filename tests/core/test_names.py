"""Country names in the reader's language (core.names)."""

from django.utils import translation

from core.names import country_name


def test_a_french_country_name_writes_the_typographic_apostrophe():
    """The standard's French catalogue writes "Côte d'Ivoire"; the site's messages write ’."""
    with translation.override("fr"):
        assert country_name("CIV") == "Côte d’Ivoire"
    with translation.override("en"):
        assert country_name("CIV", "Côte d'Ivoire") == "Côte d'Ivoire"


def test_french_country_names_are_the_official_short_names():
    """The Journal officiel's short names, where the ISO 3166 catalogue has a long form or
    another spelling ("Saint-Siège (état de la cité du Vatican)", "Vénézuela")."""
    expected = {
        "VAT": "Saint-Siège",
        "VEN": "Venezuela",
        "MAC": "Macao",
        "VIR": "Îles Vierges des États-Unis",
        "RUS": "Russie",
        "COG": "Congo",
        "FSM": "Micronésie",
        "COD": "République démocratique du Congo",
        "VGB": "Îles Vierges britanniques",
        "KOR": "Corée du Sud",
    }
    with translation.override("fr"):
        assert {iso3: country_name(iso3) for iso3 in expected} == expected
    with translation.override("en"):
        assert country_name("VAT") == "Holy See (Vatican City State)"
