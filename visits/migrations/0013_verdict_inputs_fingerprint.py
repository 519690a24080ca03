from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0012_visit_sort_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="verdict",
            name="inputs_fingerprint",
            field=models.BigIntegerField(
                blank=True,
                help_text=(
                    "A digest of everything the verdict was computed from (the visit's columns, the "
                    "person's warrants, the host's timeline, the findings, the rule version): a full "
                    "re-evaluation skips the visits whose digest did not change. Empty: not yet known."
                ),
                null=True,
            ),
        ),
    ]
