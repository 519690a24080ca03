"""A site whose database holds no dataset says so, instead of showing zeros as if they were facts."""

import datetime

import pytest

from tests.factories import make_state
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

NO_DATA = "No data has been imported yet: run <code>python3 manage.py import_dataset data/</code>"
NO_DATA_FR = "Aucune donnée n’a encore été importée\u00a0: lancez <code>python3 manage.py import_dataset data/</code>"


def test_the_home_page_and_the_country_list_say_no_data_has_been_imported(reader):
    home = body(reader.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert NO_DATA in home
    # Not "0 states bound today", "0 incidents", nor an empty map as if they were facts.
    assert "states bound today" not in home and "No incident is recorded." not in home
    assert 'id="map-table"' not in home

    states = body(reader.get("/states/", HTTP_ACCEPT_LANGUAGE="en"))
    assert NO_DATA in states and "No state matches these filters." not in states
    # A filter that matches nothing is still told apart from an empty database.
    filtered = body(reader.get("/states/", {"name": "zz"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "No state matches these filters." in filtered and NO_DATA not in filtered


def test_the_message_is_translated(reader):
    assert NO_DATA_FR in body(reader.get("/fr/"))
    assert NO_DATA_FR in body(reader.get("/fr/states/"))


def test_once_there_are_states_the_counts_replace_the_message(reader):
    make_state("MNG", "Mongolia", entry_into_force=datetime.date(2002, 7, 1))
    home = body(reader.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "No data has been imported yet" not in home
    assert "<strong>1</strong> state bound today" in home
    states = body(reader.get("/states/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "No data has been imported yet" not in states and 'data-id="MNG"' in states
