"""A non-party host in a situation the Security Council referred: what did not bind it.

In a situation referred under Art. 13(b) (Darfur, S/RES/1593; Libya, S/RES/1970) the
Court's jurisdiction depends on no state's acceptance, so the explanation never says a
non-party host "had not accepted the Court's jurisdiction": it says the host had lodged no
Art. 12(3) declaration, so the Statute did not bind it, and the next sentence says the
resolution did not bind it either (`referral_not_binding`).
"""

import pytest

pytestmark = pytest.mark.django_db

EGYPT = "/api/v1/visits/omar-al-bashir-egy-2009-03-25/"


def explanation(api_client, lang: str) -> str:
    response = api_client.get(EGYPT, {"lang": lang})
    assert response.status_code == 200, response.content
    return response.json()["verdict"]["explanation"]


def test_a_non_party_in_a_referred_situation_had_lodged_no_declaration(seeded, api_client):
    english = explanation(api_client, "en")
    assert english.startswith(
        "Egypt is not a State Party to the Rome Statute and had lodged no declaration under "
        "Art. 12(3) accepting the Court's jurisdiction over the situation in Darfur, Sudan, so "
        "the Statute did not bind it to arrest. UN Security Council resolution S/RES/1593 "
        "(2005), adopted on 31 March 2005, referred the situation in Darfur, Sudan"
    ), english
    assert "had not accepted" not in english
    french = explanation(api_client, "fr")
    assert french.startswith(
        "Égypte\u00a0: État non partie au Statut de Rome, qui n’avait déposé aucune déclaration "
        "au titre de l’art. 12-3 acceptant la compétence de la Cour pour la situation "
        "«\u00a0Darfour (Soudan)\u00a0»\u202f; le Statut ne l’obligeait donc pas à arrêter. "
        "L’État hôte (Égypte) n’est pas non plus lié par la résolution S/RES/1593 (2005)"
    ), french
    assert "n’avait pas accepté" not in french
