"""Indexes that count the published visits and incidents of every state and person (the
lists' figures) from indexes alone: the published visits' hosts and persons by id, and
the verdicts by code and visit. Built concurrently: writes go on."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("visits", "0014_verdict_computed_at_index")]

    operations = [
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(
                fields=["id"],
                include=["host", "person"],
                condition=models.Q(review_state="verified"),
                name="visits_visit_published_tally",
            ),
        ),
        AddIndexConcurrently(
            model_name="verdict",
            index=models.Index(fields=["code", "visit"], name="visits_verdict_code_visit"),
        ),
    ]
