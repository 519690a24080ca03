"""The verdicts by rule version, for the sweeper's look for verdicts of another rule
(visits.outbox.request_outdated_rule_version): built CONCURRENTLY, outside a transaction,
so that no verdict written meanwhile waits on it (about a second at 1,000,000 verdicts)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("visits", "0036_deterred_label_did_not_travel"),
        ("warrants", "0006_person_status_label_not_in_court_custody"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="verdict",
            index=models.Index(fields=["rule_version"], name="visits_verdict_rule_version"),
        ),
    ]
