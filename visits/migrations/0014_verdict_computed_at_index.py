"""An index on when each verdict was computed: the newest verdict of a published visit
(the lists' citation) is read backwards on it instead of from every verdict. Built
concurrently: writes go on."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("visits", "0013_verdict_inputs_fingerprint")]

    operations = [
        AddIndexConcurrently(
            model_name="verdict",
            index=models.Index(fields=["computed_at"], name="visits_verdict_computed_at"),
        ),
    ]
