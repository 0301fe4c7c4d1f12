"""Remove secrets (gateway token hashes…) from change records written before they were redacted at write
time. The history is append-only for the platform; this one-off rewrite only takes secrets out."""
from django.db import migrations

SECRET_KEYS = ("token_hash", "password", "secret", "token")
REDACTED = "[redacted]"


def redact_stored_secrets(apps, schema_editor):
    ChangeRecord = apps.get_model("changelog", "ChangeRecord")
    base = ChangeRecord._base_manager
    for key in SECRET_KEYS:
        for pk, changes in base.filter(changes__has_key=key).values_list("pk", "changes").iterator():
            change = changes[key]
            if isinstance(change, list):
                changes[key] = [None if v is None else REDACTED for v in change]
            else:
                changes[key] = REDACTED
            base.filter(pk=pk).update(changes=changes)


class Migration(migrations.Migration):
    dependencies = [("changelog", "0001_initial")]
    operations = [migrations.RunPython(redact_stored_secrets, migrations.RunPython.noop)]
