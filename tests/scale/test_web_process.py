"""The web process settles at start-up (carbonms/config/wsgi.py): every view imported, then what is loaded
moved into the collector's permanent generation, so full collections stop walking it on requests (issue 16;
bench/pages.py measures the effect on p95)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wsgi_start_up_imports_the_views_and_freezes_what_it_loaded():
    code = ("import gc, sys; import carbonms.config.wsgi as w; "
            "print(gc.get_freeze_count(), 'carbonms.inventory.views' in sys.modules, callable(w.application))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "carbonms.config.settings_test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    frozen, views_loaded, app = out.stdout.split()[-3:]
    assert int(frozen) > 50_000, f"only {frozen} objects frozen"
    assert views_loaded == "True" and app == "True"
