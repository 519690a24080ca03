"""/data/ says when the live data is newer than its latest build: a newsroom edit after
the build makes every page cite data the files do not hold yet, so the page says so, in
the reader's language, with when the next build is due (the beat schedule's
`dataset.build_downloads`, iccwatch/settings.py), or, where no scheduler runs, that the
files are built when the downloads are next built."""

import datetime
import time

import pytest
from django.utils import translation

from core.names import format_moment
from dataset import bulk
from dataset.state import data_state
from tests.site.conftest import body
from tests.site.test_citations import correct_mongolia

pytestmark = pytest.mark.django_db

BROKER = "redis://127.0.0.1:6379/0"


@pytest.fixture
def downloads(settings, tmp_path):
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.ICCWATCH_DOWNLOADS_DIR


def test_a_build_of_the_current_data_gets_no_notice(reader, seeded, downloads):
    bulk.build()
    assert 'id="build-behind"' not in body(reader.get("/data/"))


def test_after_a_newsroom_edit_the_page_says_the_files_are_older_and_when_the_next_is_due(
    reader, seeded, downloads, settings
):
    settings.CELERY_BROKER_URL = BROKER
    built = bulk.build()
    correct_mongolia()
    changed = data_state().changed_at
    assert changed > datetime.datetime.fromisoformat(built["data_as_of"])
    html = body(reader.get("/data/"))
    assert 'id="build-behind"' in html
    notice = html[html.index('id="build-behind"') :].split("</p>")[0]
    period = settings.CELERY_BEAT_SCHEDULE["build-downloads"]["schedule"]
    due = changed + datetime.timedelta(seconds=period)
    with translation.override("en"):
        assert format_moment(changed, seconds=True) in notice
        assert format_moment(due) in notice
    assert "newer" in notice
    french = body(reader.get("/fr/data/"))
    notice = french[french.index('id="build-behind"') :].split("</p>")[0]
    with translation.override("fr"):
        assert format_moment(changed, seconds=True) in notice
        assert format_moment(due) in notice
    assert "newer" not in notice and "plus récentes" in notice


def test_without_a_scheduler_the_page_says_the_files_are_built_with_the_downloads(
    reader, seeded, downloads, settings
):
    settings.CELERY_BROKER_URL = ""
    bulk.build()
    correct_mongolia()
    html = body(reader.get("/data/"))
    notice = html[html.index('id="build-behind"') :].split("</p>")[0]
    assert "build_downloads" in notice
    # A reader is told what to use meanwhile: the lists' own downloads.
    assert "CSV" in notice


def test_the_next_build_is_due_one_period_after_the_data_changed(settings):
    from front.views.data import next_build_due

    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_BEAT_SCHEDULE = {
        "build-downloads": {"task": "dataset.build_downloads", "schedule": 600}
    }
    changed = datetime.datetime(2026, 12, 5, 23, 40, 17, tzinfo=datetime.UTC)
    assert next_build_due(changed) == changed + datetime.timedelta(minutes=10)
    settings.CELERY_BEAT_SCHEDULE = {
        "build-downloads": {
            "task": "dataset.build_downloads",
            "schedule": datetime.timedelta(hours=2),
        }
    }
    assert next_build_due(changed) == changed + datetime.timedelta(hours=2)


def test_no_build_is_due_without_a_scheduler(settings):
    from front.views.data import next_build_due

    changed = datetime.datetime(2026, 12, 5, 23, 40, 17, tzinfo=datetime.UTC)
    settings.CELERY_BROKER_URL = ""
    assert next_build_due(changed) is None
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_BEAT_SCHEDULE = {}
    assert next_build_due(changed) is None


def test_a_build_overdue_says_it_is_late(reader, seeded, downloads, settings):
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_BEAT_SCHEDULE = {
        "build-downloads": {"task": "dataset.build_downloads", "schedule": 1}
    }
    bulk.build()
    correct_mongolia()
    time.sleep(2)  # the check due a second after the change has not built the files
    html = body(reader.get("/data/"))
    notice = html[html.index('id="build-behind"') :].split("</p>")[0]
    assert "late" in notice
