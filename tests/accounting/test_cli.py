"""``carbonms calc`` through ``main([...])`` and through a subprocess."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import openpyxl
import pytest

from carbonms.accounting.cli import add_calc_parser, main

TEMPLATE = Path(str(resources.files("carbonms.accounting").joinpath("data/templates/calc_template.csv")))
ROW_KEYS = {"co2e_t", "by_gas", "factor", "category"}
TOTAL_KEYS = {"direct", "indirect_energy", "indirect_energy_market", "other_indirect", "removals", "gross", "net",
              "by_category", "by_gas", "by_entity", "energy_tce"}


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path


GOOD = [
    {"entity": "A", "period": "2022", "source": "锅炉", "category": "固定燃烧", "method": "fuel_combustion",
     "material": "柴油", "amount": "100", "unit": "t"},
    {"entity": "B", "period": "2022", "source": "电", "category": "外购电力", "method": "emission_factor",
     "material": "电力", "amount": "10000", "unit": "MWh"},
    {"entity": "B", "period": "2022", "source": "绿地", "category": "碳汇", "method": "emission_factor",
     "material": "绿地", "amount": "10", "unit": "ha", "ef": "3", "ef_unit": "tCO2/ha"},
]


def test_template_computes_with_the_json_shape_of_the_issue(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert main(["calc", str(TEMPLATE), "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"rows", "totals"}
    assert len(data["rows"]) == 12
    for r in data["rows"]:
        assert set(r) >= ROW_KEYS
        assert set(r["factor"]) >= {"id", "version"}
    assert set(data["totals"]) >= TOTAL_KEYS
    t = data["totals"]
    assert t["gross"] == pytest.approx(t["direct"] + t["indirect_energy"] + t["other_indirect"])
    assert t["net"] == pytest.approx(t["gross"] - t["removals"])
    assert t["removals"] > 0 and t["indirect_energy_market"] is not None
    assert data["rows"][0]["factor"]["version_id"] == "fuel/CN-industry-other-2015/天然气@1"


def test_json_rows_are_in_input_order_and_figures_full_precision(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", GOOD)
    assert main(["calc", str(src), "--format", "json", "--gwp", "SAR"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["source"] for r in data["rows"]] == ["锅炉", "电", "绿地"]
    assert data["rows"][0]["co2e_t"] == pytest.approx(100 * 42.652 * 0.0202 * 0.98 * 44 / 12, rel=1e-14)
    assert data["rows"][1]["co2e_t"] == 5366.0  # 10000 × 0.5366 without binary noise
    assert data["totals"]["removals"] == 30.0
    assert data["totals"]["by_entity"]["B"]["net"] == pytest.approx(5336.0)
    assert data["gwp_set"] == "SAR"
    assert data["totals"]["indirect_energy_market"] is None


def test_table_rounds_to_two_decimals(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", GOOD)
    assert main(["calc", str(src)]) == 0
    out = capsys.readouterr().out
    assert "309.59" in out and "5,366.00" in out and "309.5909" not in out


def test_csv_and_xlsx_outputs(tmp_path):
    src = write_csv(tmp_path / "in.csv", GOOD)
    assert main(["calc", str(src), "--format", "csv", "-o", str(tmp_path / "o.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()))
    assert [r["kind"] for r in rows[:3]] == ["row", "row", "row"]
    assert {r["name"] for r in rows if r["kind"] == "total"} >= {"direct", "gross", "net", "removals"}
    assert main(["calc", str(src), "--format", "xlsx", "-o", str(tmp_path / "o.xlsx")]) == 0
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb.sheetnames == ["rows", "totals"] and wb["rows"].max_row == 4


def test_xlsx_and_json_inputs(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    keys = list(GOOD[0])
    ws.append(keys)
    ws.append([GOOD[0][k] if k != "amount" else 100 for k in keys])
    wb.save(tmp_path / "in.xlsx")
    assert main(["calc", str(tmp_path / "in.xlsx"), "--format", "json"]) == 0
    from_xlsx = json.loads(capsys.readouterr().out)
    (tmp_path / "in.json").write_text(json.dumps(GOOD[:1], ensure_ascii=False), encoding="utf-8")
    assert main(["calc", str(tmp_path / "in.json"), "--format", "json"]) == 0
    from_json = json.loads(capsys.readouterr().out)
    assert from_xlsx["totals"]["gross"] == from_json["totals"]["gross"]


def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    bad = write_csv(tmp_path / "bad.csv", [GOOD[0], {**GOOD[0], "amount": "-1"}, {**GOOD[0], "unit": "MWh"}])
    out = tmp_path / "out.json"
    assert main(["calc", str(bad), "--format", "json", "-o", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "row 2, field 'amount': a negative value is not allowed here (-1)" in err
    assert "row 3, field 'unit': unit 'MWh' cannot be converted to 't'" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left behind either


def test_existing_output_is_not_replaced_on_error(tmp_path, capsys):
    bad = write_csv(tmp_path / "bad.csv", [{**GOOD[0], "material": "不存在"}])
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    assert main(["calc", str(bad), "--format", "json", "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "previous"
    assert "第 1 行，字段“material”" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "name", "needle"), [
    ("entity,period\nA,2022\n", "x.csv", "missing required columns: source, category, method, material, amount, unit"),
    ("entity,period,source,category,method,material,amount,unit\n", "x.csv", "the input has no data rows"),
    ('{"a": 1}', "x.json", "JSON input must be a list of row objects"),
    ("whatever", "x.txt", "unsupported file format '.txt'"),
])
def test_file_problems_exit_2(tmp_path, capsys, content, name, needle):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["calc", str(path), "--lang", "en"]) == 2
    assert needle in capsys.readouterr().err


def test_missing_input_file_and_xlsx_without_output(tmp_path, capsys):
    assert main(["calc", str(tmp_path / "nope.csv")]) == 2
    assert "无法读取输入文件" in capsys.readouterr().err
    assert main(["calc", str(TEMPLATE), "--format", "xlsx"]) == 2


def test_extra_factors_become_new_versions(tmp_path, capsys):
    extra = write_csv(tmp_path / "f.csv", [
        {"kind": "fuel", "name": "柴油", "factor_set": "CN-industry-other-2015", "ncv": "43.0", "ncv_unit": "GJ/t",
         "carbon_content": "0.0202", "oxidation_rate": "0.98", "source": "lab report 2022-17", "status": "verified"},
        {"kind": "ef", "name": "钢材", "value": "2.1", "unit": "tCO2e/t", "gas": "CO2e", "source": "supplier EPD"},
    ])
    src = write_csv(tmp_path / "in.csv", [GOOD[0], {**GOOD[0], "category": "purchased_products",
                                                    "method": "emission_factor", "material": "钢材", "amount": "10"}])
    assert main(["calc", str(src), "--format", "json", "--factors", str(extra)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"][0]["factor"]["version_id"] == "fuel/CN-industry-other-2015/柴油@2"
    assert data["rows"][0]["factor"]["source"] == "lab report 2022-17"
    assert data["rows"][1]["co2e_t"] == 21.0 and data["rows"][1]["by_gas"] == {"CO2e": 21.0}


def test_bad_factor_file_is_reported(tmp_path, capsys):
    extra = write_csv(tmp_path / "f.csv", [{"kind": "ef", "name": "x", "value": "-1", "unit": "tCO2/t"}])
    assert main(["calc", str(TEMPLATE), "--factors", str(extra), "--lang", "en"]) == 1
    assert "factor file row 1: value must not be negative" in capsys.readouterr().err


def test_intensity_options(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", GOOD[:1])
    assert main(["calc", str(src), "--format", "json", "--value-added", "100", "--production", "50",
                 "--production-unit", "t"]) == 0
    t = json.loads(capsys.readouterr().out)["totals"]
    assert t["intensity"]["per_10k_yuan_value_added"] == pytest.approx(t["gross"] / 100)
    assert t["intensity"]["per_output"] == pytest.approx(t["gross"] / 50)


def test_add_calc_parser_registers_a_function_returning_an_exit_code(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="carbonms")
    sub = parser.add_subparsers(dest="command")
    add_calc_parser(sub)
    args = parser.parse_args(["calc", str(TEMPLATE), "--gwp", "AR6", "--format", "json"])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["gwp_set"] == "AR6"


def test_usage_error_returns_2(capsys):
    assert main(["calc", str(TEMPLATE), "--gwp", "AR9"]) == 2


def test_standalone_module_in_a_subprocess(tmp_path):
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "carbonms.accounting.cli", "calc", str(TEMPLATE), "--format", "json",
                           "-o", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["totals"]["gross"] > 0
    bad = write_csv(tmp_path / "bad.csv", [{**GOOD[0], "oxidation_rate": "2"}])
    proc = subprocess.run([sys.executable, "-m", "carbonms.accounting.cli", "calc", str(bad), "-o",
                           str(tmp_path / "x.json"), "--lang", "en"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "row 1, field 'oxidation_rate': '2' is not a fraction between 0 and 1" in proc.stderr
    assert not (tmp_path / "x.json").exists()
