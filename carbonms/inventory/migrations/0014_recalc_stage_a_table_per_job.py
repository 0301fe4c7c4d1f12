"""A recalculation job stages its results in a table of its own (carbonms.inventory.recalc.create_stage),
created with the job and dropped by its assembly, not in one shared table: with no index and no other job's
rows in it, the parts append and the assembly reads without a lock on the others. Staged rows live minutes
and are not migrated: a job running during the upgrade fails and is started again."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0013_recalc_stage_holds_only_what_the_part_computed'),
    ]

    operations = [
        migrations.DeleteModel(
            name='RecalcStage',
        ),
    ]
