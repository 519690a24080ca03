"""An urgent alert through a real Celery worker and a private Redis (as tests/visits/test_pipeline.py).

The receiver on 127.0.0.1 answers 500 twice, then 200: the worker retries the delivery
with exponential back-off (1 s, then 2 s here: ICCWATCH_WEBHOOK_RETRY_BACKOFF=1 in the
worker's environment), every request is signed, and every attempt is in the log.
"""

import datetime
import json

import pytest
from django.utils import timezone

from alerts import services, webhooks
from alerts.models import Delivery, Subscription
from core import roles
from devtools.services import redis_answers
from tests.alerts.helpers import Receiver, account, mongolia, putin
from tests.factories import make_visit
from tests.pipeline import (
    CeleryProcess,
    broker_is_idle,
    publishing_to,
    wait_for,
    worker_database_url,
)
from visits.models import Verdict

pytestmark = pytest.mark.integration

WORKER_ENVIRONMENT = {
    "ICCWATCH_WEBHOOK_ALLOW_LOOPBACK": "1",
    "ICCWATCH_WEBHOOK_RETRY_BACKOFF": "1",
    "ICCWATCH_WEBHOOK_MAX_RETRIES": "3",
}


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, redis_server, tmp_path_factory):
    with django_db_blocker.unblock():
        database = worker_database_url()
    process = CeleryProcess(
        "worker",
        redis_server.url,
        database,
        tmp_path_factory.mktemp("celery"),
        environment=WORKER_ENVIRONMENT,
    )
    process.start()
    yield process
    process.stop()


@pytest.mark.django_db(transaction=True)
def test_a_webhook_answering_500_is_retried_by_the_worker_with_back_off(
    worker, redis_server, settings
):
    settings.ICCWATCH_WEBHOOK_ALLOW_LOOPBACK = True
    if not redis_answers(redis_server.url):
        redis_server.start()
    receiver = Receiver(statuses=[500, 500, 200])
    try:
        owner = account("victor", roles.REVIEWERS)
        subscription = Subscription.objects.create(owner=owner, webhook_url=receiver.url)
        today = timezone.localdate()
        visit = make_visit(putin(), mongolia(), start=today, end=today + datetime.timedelta(days=1))
        assert Verdict.objects.get(visit=visit).code == "non_compliance"  # evaluated inline

        with publishing_to(redis_server.url):
            assert services.scan() == 1  # enqueued to Redis after commit (autocommit here)
            delivery = wait_for(
                lambda: Delivery.objects.filter(status="delivered").first(),
                timeout=40,
                what="the worker to deliver the alert",
                on_timeout=worker.tail,
                give_up=worker.failure,
            )
            wait_for(
                lambda: broker_is_idle(redis_server),
                timeout=20,
                what="the broker to drain",
                on_timeout=worker.tail,
            )
    finally:
        receiver.close()

    assert delivery.attempts == 3
    assert [(a.number, a.response_code) for a in delivery.attempt_log.all()] == [
        (1, 500),
        (2, 500),
        (3, 200),
    ]
    assert len(receiver.requests) == 3
    for request in receiver.requests:
        assert webhooks.verify(
            subscription.secret,
            request["headers"][webhooks.TIMESTAMP_HEADER],
            request["body"],
            request["headers"][webhooks.SIGNATURE_HEADER],
        )
        assert json.loads(request["body"])["visit"] == visit.slug
    first, second, third = (r["at"] for r in receiver.requests)
    # Exponential back-off: about 1 s, then about 2 s (no jitter).
    assert (second - first).total_seconds() >= 0.9
    assert (third - second).total_seconds() >= 1.9
    assert "Retry in" in worker.tail()
