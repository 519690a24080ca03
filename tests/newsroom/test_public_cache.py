"""What staff do before anything is published leaves the public pages' cache and ETags alone.

Every write that changes a public page moves the data version (core.pagecache); a sign-in,
a draft, a submission or a review exchange changes none, so an anonymous reader must not
see the ETags move when staff are at work.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from core.pagecache import _is_write, data_version
from tests.newsroom.conftest import form_data, version_now
from tests.site.conftest import body
from visits import flagging
from visits.models import Report

pytestmark = pytest.mark.django_db

PAGE = "/states/TJK/"


def sign_in(user) -> Client:
    """A browser signed in through the sign-in form, as staff are (it records last_login)."""
    browser = Client()
    response = browser.post(
        reverse("newsroom:sign-in"),
        {"username": user.username, "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    return browser


def test_staff_at_work_leave_the_public_etags_alone_until_a_report_is_verified(
    tajikistan_removed, reporter, reviewer, reader
):
    etag = reader.get(PAGE)["ETag"]
    version = data_version()

    author = sign_in(reporter)
    author.post(reverse("newsroom:new"), form_data(action="draft"))
    report = Report.objects.get()
    edit = reverse("newsroom:edit", args=[report.pk])
    author.post(edit, form_data(place="Dushanbe, Tajikistan", seen=version_now(report)))
    checker = sign_in(reviewer)
    checker.post(
        reverse("newsroom:request-changes", args=[report.pk]),
        {"comment": "Add the readout.", "seen": version_now(report)},
    )
    author.post(edit, form_data(reply="Added.", seen=version_now(report)))
    report.refresh_from_db()
    assert report.state == "submitted" and report.comment == "Add the readout."
    assert reporter.__class__.objects.get(pk=reporter.pk).last_login is not None

    assert data_version() == version
    assert reader.get(PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 304

    page = body(checker.get(reverse("newsroom:report", args=[report.pk])))
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    assert (
        checker.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen}).status_code
        == 302
    )
    flagging.evaluate_pending()
    assert data_version() != version
    fresh = reader.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "visits_report" ("state") VALUES (%s)', False),
        ('UPDATE "visits_reportevent" SET "state" = %s', False),
        ('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s', False),
        # A write to a shown table that only reads an ignored one, or that changes more of
        # a user than the sign-in does, still moves the version.
        (
            'UPDATE "visits_visit" SET "notes" = %s WHERE "id" IN '
            '(SELECT "visit_id" FROM "visits_report" WHERE "state" = %s)',
            True,
        ),
        ('UPDATE "auth_user" SET "last_login" = %s, "username" = %s WHERE "id" = %s', True),
        (
            "SELECT set_config('pghistory.context_id', %s, true); UPDATE \"visits_visit\" SET x = 1",
            True,
        ),
        (
            "SELECT set_config('pghistory.context_id', %s, true); INSERT INTO \"visits_report\" (x)",
            False,
        ),
        ("TRUNCATE visits_report, visits_visit", True),
        ('INSERT INTO "visits_visit" ("slug") VALUES (%s) ON CONFLICT DO NOTHING', True),
        ('INSERT INTO "authtoken_token" ("key", "user_id") VALUES (%s, %s)', False),
        ('INSERT INTO "alerts_subscription" ("owner_id") VALUES (%s)', False),
        # The language an account last used the newsroom in (accounts.languages.record).
        (
            'INSERT INTO "accounts_newsroomlanguage" ("user_id", "language") VALUES (%s, %s) '
            'ON CONFLICT("user_id") DO UPDATE SET "language" = EXCLUDED."language"',
            False,
        ),
        # An account's history: the "sessions ended" event accounts.offboarding writes.
        (
            'INSERT INTO "accounts_accountevent" ("pgh_label", "pgh_context_id") '
            "VALUES (%s, _pgh_attach_context())",
            False,
        ),
        # A table named like an ignored one is not ignored for it.
        ('UPDATE "visits_reporting_summary" SET "n" = 1', True),
        ('SELECT * FROM "visits_visit"', False),
        ('SELECT "id" FROM "visits_visit" WHERE "id" = %s FOR NO KEY UPDATE', False),
        # Writes behind a comment, in or after a common table expression, or executed by
        # EXPLAIN ANALYZE; a plain EXPLAIN runs nothing.
        ('/* the importer */ UPDATE "visits_visit" SET "notes" = %s', True),
        ('-- fix\nDELETE FROM "states_state" WHERE "id" = %s', True),
        ('WITH gone AS (DELETE FROM "visits_visit" WHERE "id" = %s RETURNING 1) SELECT 1', True),
        ('WITH old AS (SELECT 1) UPDATE "warrants_warrant" SET "ended" = %s', True),
        (
            'WITH gone AS (DELETE FROM "django_session" RETURNING 1) SELECT count(*) FROM gone',
            False,
        ),
        ('EXPLAIN ANALYZE UPDATE "visits_visit" SET "notes" = %s', True),
        ('EXPLAIN (ANALYZE, BUFFERS) INSERT INTO "visits_visit" ("slug") VALUES (%s)', True),
        ('EXPLAIN ANALYSE DELETE FROM "visits_visit"', True),
        ('EXPLAIN UPDATE "visits_visit" SET "notes" = %s', False),
        # A write after a long first statement (only the first 2,000 characters were read).
        ("SELECT " + "1, " * 1000 + '1; UPDATE "visits_visit" SET "notes" = %s', True),
        (
            'INSERT INTO "visits_visit" ("slug") VALUES (%s) '
            'ON CONFLICT ("slug") DO UPDATE SET "notes" = EXCLUDED."notes"',
            True,
        ),
        (
            'INSERT INTO "django_session" ("a") VALUES (%s) ON CONFLICT ("a") DO UPDATE SET "a" = 1',
            False,
        ),
        ('SELECT "update", "copy" FROM "visits_visit" WHERE ("delete") ; SELECT 1', False),
    ],
)
def test_which_statements_move_the_data_version(sql, writes):
    assert _is_write(sql) is writes


def test_a_change_to_a_verified_report_alone_moves_the_version(
    tajikistan_removed, reporter, reviewer
):
    """A verified report's reason and changes are on its visit's page: a write to it alone
    (a fix in a shell, a data migration) moves the version, as a draft's does not
    (visits.signals.verified_report_changes_public_pages)."""
    from tests.newsroom.test_pages import file
    from visits import review

    report = file(reporter)
    version = data_version()
    report.reason = "Edited while under review."
    report.save()
    assert data_version() == version
    review.verify(report, reviewer, seen=review.version_of(report))
    report.refresh_from_db()
    assert report.state == "verified"
    version = data_version()
    with transaction.atomic():
        report.reason = "A reason added afterwards."
        report.save(update_fields=["reason"])
    assert data_version() != version
