"""A NUL character typed or sent in the report form's host box is refused beside the box,
never looked up: PostgreSQL cannot store or compare a NUL in text, and the place
suggestions were once looked up with the value as sent (a 500, DataError)."""

import html

import pytest
from django.urls import reverse

from newsroom import places
from newsroom.forms import ReportForm
from tests.newsroom.conftest import form_data
from visits.models import Report

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def host_error(page: str) -> str:
    """What the page says beside the host's box ('' when nothing)."""
    said = html.unescape(page)
    if 'id="id_host-error">' not in said:
        return ""
    return said.split('id="id_host-error">', 1)[1].split("</p>", 1)[0]


def suggested_places(page: str) -> str:
    """The place box's suggestions (the <datalist> the page carries)."""
    return page.split('<datalist id="place-list">', 1)[1].split("</datalist>", 1)[0]


@pytest.mark.parametrize("action", ["preview", "draft", "submit"])
def test_a_nul_in_the_host_of_a_new_report_is_refused_beside_its_box(
    client, seeded, reporter, tajikistan_removed, action
):
    """Found by a tester: POST /newsroom/reports/new/ with host=MNG%00 answered 500."""
    client.force_login(reporter)
    response = client.post(reverse("newsroom:new"), form_data(action=action, host="MNG\x00"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice." in host_error(page)
    assert "<option" not in suggested_places(page)
    assert not Report.objects.filter(author=reporter).exists()


@pytest.mark.parametrize("action", ["add_source", "unknown"])
def test_a_nul_in_the_host_is_never_looked_up_when_the_form_is_shown_unchecked(
    client, seeded, reporter, tajikistan_removed, action
):
    """Adding a source, and an action the form does not know, show the form as filled,
    unchecked (no errors yet): without place suggestions for a host that is no state."""
    client.force_login(reporter)
    response = client.post(reverse("newsroom:new"), form_data(action=action, host="MNG\x00"))
    assert response.status_code == (200 if action == "add_source" else 400)
    assert "<option" not in suggested_places(response.content.decode())
    assert not Report.objects.filter(author=reporter).exists()


@pytest.mark.parametrize("action", ["preview", "draft", "submit"])
def test_a_nul_in_the_host_of_a_correction_is_refused_beside_its_box(
    client, seeded, reporter, action
):
    """Found by a tester: the correction form (/newsroom/visits/<slug>/correct/) with
    host=\\x00x answered 500."""
    client.force_login(reporter)
    form = client.get(reverse("newsroom:correct", args=[MONGOLIA])).content.decode()
    based_on = form.split('name="based_on" value="', 1)[1].split('"', 1)[0]
    data = form_data(action=action, host="\x00x", reason="The host was misread.")
    response = client.post(
        reverse("newsroom:correct", args=[MONGOLIA]), {**data, "based_on": based_on}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice." in host_error(page)
    assert "<option" not in suggested_places(page)
    assert not Report.objects.filter(author=reporter).exists()


def test_the_host_the_form_names_is_the_cleaned_one_or_none():
    """newsroom.forms.ReportForm.chosen_host: a state's code as the box cleans it, else None,
    bound or not; places.place_suggestions looks up no value that is no ISO3 code."""
    from tests.factories import make_state

    make_state("MNG", "Mongolia")
    assert ReportForm({"host": "MNG"}).chosen_host() == "MNG"
    assert ReportForm(initial={"host": "MNG"}).chosen_host() == "MNG"
    for sent in ("MNG\x00", "\x00x", "mng", "XXX", ""):
        assert ReportForm({"host": sent}).chosen_host() is None
        assert ReportForm(initial={"host": sent}).chosen_host() is None
        assert places.place_suggestions(sent) == []
