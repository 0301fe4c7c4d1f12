"""The `carbonms` console script."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "carbonms" / "accounting" / "data" / "templates" / "calc_template.csv"


def _carbonms() -> str:
    exe = shutil.which("carbonms") or str(Path(__import__("sys").executable).with_name("carbonms"))
    if not Path(exe).exists():
        pytest.skip("the carbonms console script is not installed in this environment (pip install -e .)")
    return exe


def test_calc_on_the_shipped_template_through_the_console_script(tmp_path):
    out = tmp_path / "result.json"
    r = subprocess.run([_carbonms(), "calc", str(TEMPLATE), "--format", "json", "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["rows"]) == 12
    t = data["totals"]
    assert t["gross"] == pytest.approx(t["direct"] + t["indirect_energy"] + t["other_indirect"])
    assert t["net"] == pytest.approx(t["gross"] - t["removals"])


def test_calc_error_exits_non_zero_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(TEMPLATE.read_text(encoding="utf-8").replace(",天然气,", ",不存在的燃料,", 1), encoding="utf-8")
    out = tmp_path / "out.json"
    r = subprocess.run([_carbonms(), "calc", str(bad), "--format", "json", "-o", str(out)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0
    assert not out.exists()
    assert "不存在的燃料" in r.stderr or "不存在的燃料" in r.stdout


def test_help_lists_the_commands():
    r = subprocess.run([_carbonms(), "--help"], capture_output=True, text=True, timeout=60)
    for cmd in ("demo", "serve", "calc", "manage"):
        assert cmd in r.stdout
