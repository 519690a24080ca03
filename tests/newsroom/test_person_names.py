"""The report form's person box takes the names the French press writes, as the public
search does (front.search.report_person): « Vladimir Poutine », « Omar el-Béchir »,
« Benyamin Netanyahou » were refused with "Did you mean Vladimir Vladimirovich Putin?"
while /fr/search/ found them. A name several persons may have is refused naming them; one
only close in spelling is still refused with a suggestion, never filed."""

import html

import pytest

from tests.newsroom.conftest import form_data
from visits.models import Report

pytestmark = pytest.mark.django_db

NEW_REPORT = "/newsroom/reports/new/"
GADDAFIS = "Muammar Mohammed Abu Minyar Gaddafi or Saif Al-Islam Gaddafi"
GADDAFIS_FR = "Muammar Mohammed Abu Minyar Gaddafi ou Saif Al-Islam Gaddafi"


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def reporting_in(language: str, reporter, signed_in):
    """The test client of `reporter`, signed in, reading the newsroom in `language` (the
    newsroom's language is the one chosen, /fr/newsroom/… sets it)."""
    client = signed_in(reporter)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Vladimir Poutine", "vladimir-putin"),
        ("Omar el-Béchir", "omar-al-bashir"),
        ("Benyamin Netanyahou", "benjamin-netanyahu"),
        ("Benyamin Nétanyahou", "benjamin-netanyahu"),  # the project's own French
        ("Poutine", "vladimir-putin"),
        ("Mouammar Kadhafi", "muammar-gaddafi"),  # another name of his, in the dataset
    ],
)
def test_a_name_as_the_french_press_writes_it_is_the_persons(
    tajikistan_removed, reporter, signed_in, language, typed, slug
):
    """Each word typed sounds like a word of the person's names (or is one): the report is
    filed under that person's slug, whatever the page's language."""
    client = reporting_in(language, reporter, signed_in)
    response = client.post(NEW_REPORT, form_data(action="draft", person=typed))
    assert response.status_code == 302, page_of(response)
    assert Report.objects.get().data["person"] == slug


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Several persons wanted by the ICC may be called Kadafi: did you mean "
            f"{GADDAFIS}? Type the name of one as it is listed.",
        ),
        (
            "fr",
            "Plusieurs personnes recherchées par la CPI peuvent s’appeler Kadafi\u00a0: "
            f"vouliez-vous dire {GADDAFIS_FR}\u202f? Saisissez le nom de l’une d’elles tel "
            "qu’il figure dans la liste.",
        ),
    ],
)
def test_a_spelling_two_persons_may_have_is_refused_naming_both(
    tajikistan_removed, reporter, signed_in, language, said
):
    """ "Kadafi" sounds like Muammar Gaddafi and like his son Saif al-Islam: neither is
    taken, both are named, beside the box."""
    client = reporting_in(language, reporter, signed_in)
    for action in ("draft", "submit"):
        response = client.post(NEW_REPORT, form_data(action=action, person="Kadafi"))
        assert response.status_code == 200 and not Report.objects.exists(), action
        assert said in page_of(response)
        assert 'id="id_person-error"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "No person wanted by the ICC is called Bashar al-Assad. Did you mean Omar Hassan "
            "Ahmad Al Bashir? Type the name as it is listed.",
        ),
        (
            "fr",
            "Aucune personne recherchée par la CPI ne s’appelle Bashar al-Assad. Vouliez-vous "
            "dire Omar Hassan Ahmad Al Bashir\u202f? Saisissez le nom tel qu’il figure dans la "
            "liste.",
        ),
    ],
)
def test_a_name_only_close_in_spelling_is_still_a_suggestion(
    tajikistan_removed, reporter, signed_in, language, said
):
    """The search finds al-Bashir for "Bashar al-Assad" (a close spelling), but no word of
    his names sounds like "Assad": nothing is filed, he is only suggested."""
    client = reporting_in(language, reporter, signed_in)
    response = client.post(NEW_REPORT, form_data(person="Bashar al-Assad"))
    assert response.status_code == 200 and not Report.objects.exists()
    assert said in page_of(response)
