"""The staging table of recalculation jobs is UNLOGGED on PostgreSQL: its rows are moved into the results
within minutes, so they need no write-ahead log (a crash empties it; the job's assembly then finds fewer
staged rows than computed and fails, and the recalculation is started again)."""
from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_recalcstage SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_recalcstage SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0010_recalculation_jobs")]
    operations = [migrations.RunPython(unlogged, logged)]
