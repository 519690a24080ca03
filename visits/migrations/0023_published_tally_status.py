"""The published visits' tally index also holds each visit's status: the list of states
counts the visits each state hosted (those that took place, as its page does) from this
index alone. The new index is built concurrently under a temporary name, the old one
dropped concurrently, then the new one renamed: writes and the lists' counts go on
throughout, always with one of the two to read."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

NAME = "visits_visit_published_tally"
BUILDING = "visits_visit_published_tally_new"


def _tally(name: str) -> models.Index:
    return models.Index(
        fields=["id"],
        include=["host", "person", "status"],
        condition=models.Q(review_state="verified"),
        name=name,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("visits", "0022_verdict_incident_start_index")]

    operations = [
        AddIndexConcurrently(model_name="visit", index=_tally(BUILDING)),
        RemoveIndexConcurrently(model_name="visit", name=NAME),
        migrations.RenameIndex(model_name="visit", new_name=NAME, old_name=BUILDING),
    ]
