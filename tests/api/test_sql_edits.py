"""A write made outside Django (an `UPDATE` in psql, a script on its own connection) moves
no data version: the cached answers and their ETags stay the old ones until the next
write through Django. `manage.py bump_data_version`, run after such an edit, makes them
stale at once."""

import pytest
from django.core.management import call_command
from django.db import connection

from core.pagecache import data_version

pytestmark = pytest.mark.django_db


def edit_outside_django(sql: str, params) -> None:
    """Run `sql` through psycopg itself, as psql or a script of its own would: none of
    Django's execute wrappers sees it (core.pagecache.install)."""
    connection.ensure_connection()
    connection.connection.execute(sql, params)


def test_bump_data_version_makes_an_edit_in_sql_show(seeded, api_client):
    first = api_client.get("/api/v1/states/ARG/")
    assert first.status_code == 200
    edit_outside_django(
        "UPDATE states_state SET notes = %s WHERE iso3 = 'ARG'", ["Edited in psql."]
    )
    # Nothing told the page cache.
    stale = api_client.get("/api/v1/states/ARG/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert stale.status_code == 304

    version = data_version()
    call_command("bump_data_version", verbosity=0)

    assert data_version() != version
    fresh = api_client.get("/api/v1/states/ARG/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh.json()["notes"] == "Edited in psql."
    assert fresh["ETag"] != first["ETag"]
