"""The visits that left the record (review state `withdrawn` or `rejected`) by host and
start: the verdict facet's count of the withdrawn visits `verdict=withdrawn` would bring
into a list (visits.filters.VisitFilterSet.brought_in) reads a host's from this index,
not every visit of the host. Built CONCURRENTLY, outside a transaction, so that no visit
written meanwhile waits on it."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("visits", "0054_visit_visits_visit_end_unknown"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(
                condition=models.Q(("review_state__in", ["withdrawn", "rejected"])),
                fields=["host", "start"],
                include=["start_precision"],
                name="visits_visit_withdrawn_host",
            ),
        ),
    ]
