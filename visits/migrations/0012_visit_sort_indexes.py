"""Indexes on the visits' sort keys (start, end, updated_at): a page of the lists and the
API reads the index instead of sorting every visit. Built concurrently: writes go on."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("visits", "0011_search_indexes")]

    operations = [
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(fields=["start"], name="visits_visit_start"),
        ),
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(fields=["end"], name="visits_visit_end"),
        ),
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(fields=["updated_at"], name="visits_visit_updated_at"),
        ),
    ]
