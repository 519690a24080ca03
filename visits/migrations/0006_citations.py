"""A visit's sources become citations: the table Django created for the many-to-many
(visits_visit_sources) is kept, with its rows, and gains what the visit's record says
about each source (publisher, date, excerpt, archived copy)."""

import django.db.models.deletion
from django.db import migrations, models

ADD_COLUMNS = """
ALTER TABLE visits_visit_sources
    ADD COLUMN publisher varchar(200) NOT NULL DEFAULT '',
    ADD COLUMN published date NULL,
    ADD COLUMN excerpt text NOT NULL DEFAULT '',
    ADD COLUMN archived_url varchar(1000) NOT NULL DEFAULT '';
DO $$
DECLARE unique_name text;
BEGIN
    SELECT conname INTO unique_name FROM pg_constraint
    WHERE conrelid = 'visits_visit_sources'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE visits_visit_sources RENAME CONSTRAINT %I TO citation_once_per_visit',
                   unique_name);
END $$;
"""
DROP_COLUMNS = """
ALTER TABLE visits_visit_sources RENAME CONSTRAINT citation_once_per_visit
    TO visits_visit_sources_visit_id_source_id_uniq;
ALTER TABLE visits_visit_sources
    DROP COLUMN publisher, DROP COLUMN published, DROP COLUMN excerpt, DROP COLUMN archived_url;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_alter_source_table"),
        ("visits", "0005_visit_dataset_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_COLUMNS, DROP_COLUMNS)],
            state_operations=[
                migrations.CreateModel(
                    name="Citation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("publisher", models.CharField(blank=True, db_default="", max_length=200)),
                        ("published", models.DateField(blank=True, null=True)),
                        ("excerpt", models.TextField(blank=True, db_default="")),
                        (
                            "archived_url",
                            models.URLField(blank=True, db_default="", max_length=1000),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="core.source",
                            ),
                        ),
                        (
                            "visit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="visits.visit",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "visits_visit_sources",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("visit", "source"), name="citation_once_per_visit"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="sources",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="visits",
                        through="visits.Citation",
                        to="core.source",
                    ),
                ),
            ],
        ),
    ]
