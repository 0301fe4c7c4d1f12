"""Existing tasks get a title code and parameters, so that their titles show in the reader's language.

Import notices take their parameters from the import (ref ``import:<id>:<status>``); reminder titles
written by the nightly job are read back with the patterns they were written with (Chinese, the default
language, or English). A title that matches nothing keeps no code and shows as stored."""
import re

from django.db import migrations

PATTERNS = {  # code -> (ref prefix, [patterns of the stored title])
    "review_policy": ("policy:", [r"^评审方针：(?P<p>.+)$", r"^Review the policy: (?P<p>.+)$"]),
    "review_document": ("document:", [r"^评审文件：(?P<d>.+)$", r"^Review the document: (?P<d>.+)$"]),
    "hold_training": ("training:", [r"^实施培训：(?P<t>.+)$", r"^Hold the training: (?P<t>.+)$"]),
    "corrective_action": ("action:", [r"^(?P<nc>[^：:]+)：(?P<a>.+)$", r"^(?P<nc>[^：:]+): (?P<a>.+)$"]),
    "calibrate": ("calibration:", [r"^检定/校准：(?P<i>.+)$", r"^Calibrate (?P<i>.+)$"]),
}
IMPORT_CODES = {"validated": "import_validated", "committed": "import_committed"}


def forwards(apps, schema_editor):
    Task = apps.get_model("conformity", "Task")
    DataImport = apps.get_model("carbondata", "DataImport")
    for task in Task.objects.filter(title_code="").iterator():
        code, params = "", None
        if task.ref.startswith("import:"):
            parts = task.ref.split(":")
            imp = DataImport.objects.filter(pk=int(parts[1])).first() if len(parts) == 3 and parts[1].isdigit() else None
            if imp is not None:
                code = IMPORT_CODES.get(parts[2], "import_refused")
                params = {"name": imp.original_name, "n": imp.n_rows, "errors": len(imp.errors or [])}
        else:
            for c, (prefix, patterns) in PATTERNS.items():
                if task.ref.startswith(prefix):
                    m = next((m for m in (re.match(p, task.title) for p in patterns) if m), None)
                    if m:
                        code, params = c, m.groupdict()
                    break
        if code:
            Task.objects.filter(pk=task.pk).update(title_code=code, title_params=params)


class Migration(migrations.Migration):
    dependencies = [
        ("conformity", "0004_task_title_code_and_params"),
        ("carbondata", "0005_calibrations_and_plan_items_protected"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
