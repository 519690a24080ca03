"""A record's history, and an account's, downloaded as CSV and JSON: one row per change
(when, who, path, why and the report, the field, before and after), for those who may read
the page, through the project's one table writer (core.tabular)."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from core import roles
from core.history import WritePath, recording
from visits import history, review
from visits.models import Visit

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
COLUMNS = [
    "at",
    "record_kind",
    "record",
    "action",
    "by",
    "path",
    "address",
    "why",
    "report",
    "field",
    "before",
    "after",
]


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def corrected(seeded):
    """Mongolia's end date corrected by rita, verified by victor (the report), and a
    correction by rosa nobody verified: (visit, verified report, pending report)."""
    rita, rosa = account("rita", roles.REPORTERS), account("rosa", roles.REPORTERS)
    victor = account("victor", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    with recording(WritePath.NEWSROOM, user=rita, url="/newsroom/reports/new/"):
        report = review.file_report(
            author=rita,
            data={**review.report_data_of(visit), "end": "2024-09-04"},
            citations=review.citations_of(visit),
            visit=visit,
            reason="The Kremlin's readout dates his departure to 4 September.",
        )
    with recording(WritePath.NEWSROOM, user=victor, url=f"/newsroom/reports/{report.pk}/verify/"):
        review.verify(report, victor)
    visit.refresh_from_db()
    with recording(WritePath.NEWSROOM, user=rosa):
        pending = review.file_report(
            author=rosa,
            data={**review.report_data_of(visit), "place": "A Place Nobody Verified"},
            citations=review.citations_of(visit),
            visit=visit,
        )
    return visit, report, pending


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_staff_download_a_visits_history_as_csv_one_row_per_change(client, corrected):
    visit, report, _pending = corrected
    client.force_login(account("sam", roles.REVIEWERS))
    response = client.get(f"/newsroom/history/visits.visit/{visit.pk}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert ".csv" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    rows = csv_rows(response)
    assert list(rows[0]) == COLUMNS

    end = [
        r
        for r in rows
        if (r["record_kind"], r["action"], r["field"]) == ("visit", "changed", "end")
    ]
    assert len(end) == 1, rows
    change = end[0]
    assert (change["before"], change["after"]) == ("3 September 2024", "4 September 2024")
    assert (change["by"], change["path"]) == ("victor", "newsroom")
    assert change["address"] == f"/newsroom/reports/{report.pk}/verify/"
    assert change["why"].startswith("a verified correction — The Kremlin's readout")
    assert change["report"] == str(report.pk)
    assert change["record"] == MONGOLIA
    assert change["at"].endswith("Z") and "T" in change["at"]

    # Every change the page lists, one row each (a record's event with none: one row).
    entries = history.history_of(Visit, visit.pk)
    assert len(rows) == sum(max(1, len(e.changes)) for e in entries)


def test_the_json_download_holds_the_same_rows_and_names_the_record(client, corrected):
    visit, report, _pending = corrected
    client.force_login(account("sam", roles.REVIEWERS))
    csv_response = client.get(f"/newsroom/history/visits.visit/{visit.pk}.csv")
    response = client.get(f"/newsroom/history/visits.visit/{visit.pk}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(b"".join(response.streaming_content))
    assert document["record"] == {"model": "visits.visit", "id": visit.pk, "name": MONGOLIA}
    assert document["count"] == len(document["results"])
    assert [list(row) for row in document["results"][:1]] == [COLUMNS]
    rows = csv_rows(csv_response)
    assert [r["field"] for r in document["results"]] == [r["field"] for r in rows]
    end = next(r for r in document["results"] if (r["action"], r["field"]) == ("changed", "end"))
    assert end["report"] == report.pk and end["by"] == "victor"


def test_a_download_is_for_whoever_may_read_the_page_and_no_one_else(client, corrected):
    visit, _report, pending = corrected
    address = f"/newsroom/history/visits.visit/{visit.pk}.csv"
    response = client.get(address)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    client.force_login(account("nobody"))
    assert client.get(address).status_code == 403
    # A reporter reads the visit's history without another person's unverified report,
    # as the page gives it; the report's own history is not theirs to download.
    client.force_login(account("sol", roles.REPORTERS))
    rows = csv_rows(client.get(address))
    assert rows and "A Place Nobody Verified" not in json.dumps(rows)
    assert all(r["report"] != str(pending.pk) for r in rows)
    assert client.get(f"/newsroom/history/visits.report/{pending.pk}.json").status_code == 404
    assert client.get(f"/newsroom/history/visits.nothing/{visit.pk}.csv").status_code == 404


def test_the_history_page_links_its_downloads_and_format_asks_for_one(client, corrected):
    visit, _report, _pending = corrected
    client.force_login(account("sam", roles.REVIEWERS))
    page = client.get(f"/newsroom/history/visits.visit/{visit.pk}/").content.decode()
    assert f'href="/newsroom/history/visits.visit/{visit.pk}.csv"' in page
    assert f'href="/newsroom/history/visits.visit/{visit.pk}.json"' in page
    for fmt in ("csv", "json"):
        response = client.get(f"/newsroom/history/visits.visit/{visit.pk}/", {"format": fmt})
        assert response.status_code == 302
        assert response["Location"] == f"/newsroom/history/visits.visit/{visit.pk}.{fmt}"


def test_a_french_reader_downloads_the_history_in_french(client, corrected):
    visit, _report, _pending = corrected
    client.force_login(account("sam", roles.REVIEWERS))
    client.cookies["django_language"] = "fr"
    rows = csv_rows(client.get(f"/newsroom/history/visits.visit/{visit.pk}.csv"))
    end = next(r for r in rows if (r["action"], r["field"]) == ("changed", "fin"))
    assert (end["before"], end["after"]) == ("3 septembre 2024", "4 septembre 2024")
    assert end["record_kind"] == "visite" and end["action"] == "changed"


# --- an account's history, for admins ---------------------------------------------------


def test_admins_download_an_accounts_history_as_csv_and_json(client, db):
    root = User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    nadia = account("nadia")
    with recording(WritePath.ADMIN, user=root):
        nadia.groups.add(Group.objects.get_or_create(name=roles.REVIEWERS)[0])
    client.force_login(root)

    page = client.get(reverse("admin:auth_user_history", args=[nadia.pk])).content.decode()
    csv_address = reverse("admin:auth_user_history_download", args=[nadia.pk, "csv"])
    json_address = reverse("admin:auth_user_history_download", args=[nadia.pk, "json"])
    assert f'href="{csv_address}"' in page and f'href="{json_address}"' in page

    response = client.get(csv_address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert list(rows[0]) == ["at", "what", "by", "path"]
    given = [r for r in rows if r["what"] == "role reviewer given"]
    assert len(given) == 1 and (given[0]["by"], given[0]["path"]) == ("root", "admin")

    document = json.loads(b"".join(client.get(json_address).streaming_content))
    assert document["account"] == {"id": nadia.pk, "username": "nadia"}
    assert [r["what"] for r in document["results"]] == [r["what"] for r in rows]

    client.force_login(account("vera", roles.REVIEWERS))
    assert client.get(csv_address).status_code in (302, 403)
