"""Two partial indexes for the API's paging, built concurrently (writes go on):

- the changes that made a visit an incident, by (xact_id, id): a page of the incidents
  feed reads a range of it, from its cursor on, instead of every incident;
- the published visits by (start, slug), with their id: a deep page of /api/v1/visits/
  finds its rows in the index alone (and the count reads it rather than the table).
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("visits", "0016_list_indexes")]

    operations = [
        AddIndexConcurrently(
            model_name="verdictchange",
            index=models.Index(
                fields=["xact_id", "id"],
                name="visits_change_flag_position",
                condition=Q(new_code="non_compliance") & ~Q(old_code="non_compliance"),
            ),
        ),
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(
                fields=["start", "slug"],
                include=["id"],
                name="visits_visit_published_order",
                condition=Q(review_state="verified"),
            ),
        ),
    ]
