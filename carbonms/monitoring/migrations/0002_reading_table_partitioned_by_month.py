"""The reading stream table.

PostgreSQL: declaratively partitioned by month of ``ts`` (UTC), primary key (meter_id, ts); monthly
partitions are created on demand by ``carbonms.monitoring.storage.ensure_partitions`` before rows of a
new month are inserted. SQLite: a plain table with the same columns and key (WITHOUT ROWID).
"""
from django.db import migrations

PG = """
CREATE TABLE monitoring_reading (
    meter_id bigint NOT NULL,
    ts timestamptz NOT NULL,
    value double precision NOT NULL,
    received_at timestamptz NOT NULL,
    batch_id bigint NOT NULL,
    PRIMARY KEY (meter_id, ts)
) PARTITION BY RANGE (ts);
"""
SQLITE = """
CREATE TABLE monitoring_reading (
    meter_id integer NOT NULL,
    ts datetime NOT NULL,
    value real NOT NULL,
    received_at datetime NOT NULL,
    batch_id integer NOT NULL,
    PRIMARY KEY (meter_id, ts)
) WITHOUT ROWID;
"""


def create(apps, schema_editor):
    sql = PG if schema_editor.connection.vendor == "postgresql" else SQLITE
    schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE monitoring_reading")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_meters_gateways_readings_rollups")]
    operations = [migrations.RunPython(create, drop)]
