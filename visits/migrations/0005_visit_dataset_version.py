from django.db import migrations, models

HELP = (
    "The dataset version that last listed the visit ('unknown' when that folder had "
    "no VERSION); blank for visits reported on the site, which an import never withdraws."
)


def mark_imported_visits(apps, schema_editor):
    """Visits written by the importer have no author (the site and the API record one):
    they are the dataset's, listed by the latest import's version."""
    Visit = apps.get_model("visits", "Visit")
    DatasetImport = apps.get_model("dataset", "DatasetImport")
    latest = DatasetImport.objects.order_by("-imported_at", "-pk").first()
    if latest is None:
        return
    Visit.objects.filter(created_by__isnull=True, updated_by__isnull=True).update(
        dataset_version=latest.version or "unknown"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dataset", "0001_initial"),
        ("visits", "0004_nationality_not_a_visited_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="dataset_version",
            field=models.CharField(blank=True, db_default="", help_text=HELP, max_length=64),
        ),
        migrations.RunPython(mark_imported_visits, migrations.RunPython.noop),
    ]
