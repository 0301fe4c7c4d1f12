"""Loading, counts, validation and rendering of the clause catalogue (carbonms.standards.catalogue)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from carbonms.standards import catalogue
from carbonms.standards.catalogue import (
    DATA_DIR,
    MAP_PATH,
    REPO_ROOT,
    CatalogueError,
    Clause,
    Implementation,
    Standard,
    clause,
    get_standard,
    load_implementation,
    load_standards,
    load_topics,
    render_standards_map,
    validate,
)

CSES, CPQS, CIECCPA = "t-cses-2023", "t-cpqs-zc001-2025", "t-cieccpa-061-2023"


# --------------------------------------------------------------------------- loading


def test_load_standards_in_display_order():
    stds = load_standards()
    assert [s.id for s in stds] == [CSES, CPQS, CIECCPA]
    assert all(isinstance(s, Standard) for s in stds)
    assert all(isinstance(c, Clause) for s in stds for c in s.clauses)
    assert [s.code for s in stds] == ["T/CSES XXXX—2023", "T/CPQS ZC001—2025", "T/CIECCPA 061—2023"]


def test_headers():
    cses, cpqs, ciec = (get_standard(i) for i in (CSES, CPQS, CIECCPA))
    assert (cses.status, cses.status_zh, cses.issuer) == ("draft", "征求意见稿", "中国环境科学学会")
    assert cses.published is None
    assert (cpqs.status, cpqs.published, cpqs.effective) == ("published", "2025-10-14", "2025-10-14")
    assert cpqs.issuer == "中国消费品质量安全促进会"
    assert (ciec.published, ciec.effective, ciec.issuer) == (
        "2023-12-08",
        "2023-12-12",
        "中国工业节能与清洁生产协会",
    )
    assert ciec.title_zh == "工业企业碳中和管理体系 实施指南"
    assert [s.source_file for s in (cses, cpqs, ciec)] == [
        "000_d26f5641f56f5b89.txt",
        "001_d85f4bec6163fbe9.txt",
        "002_02804d8cc8793ae4.txt",
    ]


def test_get_standard_and_clause_lookup():
    assert clause(CIECCPA, "8.4").title_zh == "碳中和判定"
    assert clause(CIECCPA, "8.4").key == "t-cieccpa-061-2023:8.4"
    assert get_standard(CPQS).clause("7.3.3").title_zh == "碳交易管理评审"
    with pytest.raises(KeyError):
        get_standard("t-nonexistent")
    with pytest.raises(KeyError):
        clause(CIECCPA, "8.5")


# --------------------------------------------------------------------------- counts


def _numbers(std_id, **filters):
    return [
        c.number for c in get_standard(std_id).clauses if all(getattr(c, k) == v for k, v in filters.items())
    ]


def test_counts_t_cses():
    s = get_standard(CSES)
    assert len(s.clauses) == 95
    assert [c.number for c in s.top_level()] == [str(i) for i in range(1, 11)] + ["A"]
    assert _numbers(CSES, kind="introduction") == [f"0.{i}" for i in range(1, 8)]
    assert len(_numbers(CSES, kind="term")) == 5 + 14 + 14  # 3.1.1–3.1.5, 3.2.1–3.2.14, 3.3.1–3.3.14
    assert [c.number for c in s.children("6.3")] == [f"6.3.{i}" for i in range(1, 7)]
    assert [c.number for c in s.children("6")] == [f"6.{i}" for i in range(1, 8)]
    assert [c.number for c in s.children("9.5")] == ["9.5.1", "9.5.2"]
    assert _numbers(CSES, kind="clause", title_zh=None) == ["6.1.1", "6.1.3"]


def test_counts_t_cpqs():
    s = get_standard(CPQS)
    assert len(s.clauses) == 76
    assert [c.number for c in s.top_level()] == [str(i) for i in range(1, 12)] + ["A", "B"]
    assert _numbers(CPQS, kind="term") == [f"3.{i}" for i in range(1, 17)]
    assert [c.number for c in s.children("7.3")] == [f"7.3.{i}" for i in range(1, 6)]
    assert [c.number for c in s.children("9.2")] == [f"9.2.{i}" for i in range(1, 6)]
    assert [c.number for c in s.children("10")] == ["10.1", "10.2", "10.3"]
    assert _numbers(CPQS, kind="clause", title_zh=None) == []


def test_counts_t_cieccpa():
    s = get_standard(CIECCPA)
    assert len(s.clauses) == 139
    assert [c.number for c in s.top_level()] == [str(i) for i in range(1, 11)]
    assert [c.number for c in s.children("8")] == ["8.1", "8.2", "8.3", "8.4"]
    assert [c.number for c in s.children("8.2")] == [f"8.2.{i}" for i in range(1, 6)]
    assert [c.number for c in s.children("8.2.5")] == [f"8.2.5.{i}" for i in range(1, 7)]
    assert [c.number for c in s.children("8.4")] == [f"8.4.{i}" for i in range(1, 7)]
    assert _numbers(CIECCPA, kind="term") == []
    assert max(c.level for c in s.clauses) == 4
    assert len(_numbers(CIECCPA, kind="clause", title_zh=None)) == 80


# --------------------------------------------------------------------------- spot checks


@pytest.mark.parametrize(
    ("std_id", "number", "title_zh", "parent", "pdca"),
    [
        (CIECCPA, "8.4", "碳中和判定", "8", "do"),
        (CIECCPA, "8.2.5.2", "物料平衡法", "8.2.5", "do"),
        (CIECCPA, "8.2.4", "碳排放监测", "8.2", "do"),
        (CIECCPA, "9.3.2", "管理评审输入", "9.3", "check"),
        (CIECCPA, "10.2", "持续改进", "10", "act"),
        (CPQS, "9.2.1", "数据管理", "9.2", "do"),
        (CPQS, "7.6.1", "产业园区应识别的风险和机遇", "7.6", "plan"),
        (CPQS, "3.10", "碳资产", "3", None),
        (CPQS, "4.2", "透明性", "4", None),
        (CPQS, "B", "碳排放管理体系评审报告模板", None, None),
        (CSES, "6.3.1", "碳排放数据管理与评估", "6.3", "plan"),
        (CSES, "9.4", "不符合、纠正、纠正措施及预防措施", "9", "check"),
        (CSES, "3.3.11", "碳评审", "3.3", None),
        (CSES, "A", "工业园区碳排放管理体系建设流程文件参考", None, None),
        (CSES, "0.3", "本文件的方法论", None, None),
    ],
)
def test_spot_checks(std_id, number, title_zh, parent, pdca):
    c = clause(std_id, number)
    assert (c.title_zh, c.parent, c.pdca) == (title_zh, parent, pdca)


def test_excerpts_and_topics_of_key_clauses():
    c = clause(CIECCPA, "8.4.1")
    assert c.title_zh is None
    assert c.requirement_zh.startswith("组织核算边界内年度碳排放量小于等于用以抵销的碳配额")
    assert "neutrality" in c.topics
    assert "accounting" in clause(CIECCPA, "8.2.5.3").topics
    assert "monitoring_plan" in clause(CIECCPA, "8.2.4").topics
    assert "trading" in clause(CPQS, "9.2.3").topics
    assert "data_security" in clause(CPQS, "9.2.1").topics
    assert clause(CSES, "9.3").requirement_zh.startswith("工业园区应按计划的时间间隔实施内部审核")


def test_every_clause_is_well_formed():
    vocabulary = set(load_topics())
    for s in load_standards():
        for c in s.clauses:
            assert c.title_en.strip(), c.key
            assert set(c.topics) <= vocabulary, c.key
            assert c.requirement_zh is None or len(c.requirement_zh) <= 200, c.key
            if c.kind == "term":
                assert c.topics == ("terms",), c.key


# --------------------------------------------------------------------------- validation


def test_shipped_data_is_valid():
    assert validate() == []


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the data directory and an empty fake repository root."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    # The per-app mapping files name real repository paths; these tests use a fake repository.
    shutil.rmtree(data / "implementation", ignore_errors=True)
    repo = tmp_path / "repo"
    (repo / "carbonms" / "web").mkdir(parents=True)
    (repo / "carbonms" / "web" / "views.py").write_text("", encoding="utf-8")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_web.py").write_text("def test_neutrality():\n    pass\n", encoding="utf-8")
    return data, repo


def _edit_clauses(data: Path, std_id: str, edit) -> None:
    path = data / "clauses" / f"{std_id}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(raw["clauses"])
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _write_impl(data: Path, entries: dict) -> None:
    (data / "implementation.yaml").write_text(
        yaml.safe_dump({"clauses": entries}, allow_unicode=True), encoding="utf-8"
    )


def test_copy_of_the_data_is_valid(data_copy):
    data, repo = data_copy
    assert validate(data, repo) == []
    assert [s.id for s in load_standards(data)] == [CSES, CPQS, CIECCPA]


def _find(clauses, number):
    return next(c for c in clauses if c["number"] == number)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda cl: cl.insert(5, dict(cl[4])), "duplicate number"),
        (lambda cl: _find(cl, "8.4.1").update(parent="8.9"), "parent '8.9' should be '8.4'"),
        (lambda cl: _find(cl, "8.4").update(pdca="maybe"), "pdca 'maybe' not in"),
        (lambda cl: _find(cl, "8.4.1").update(pdca="check"), "differs from its parent"),
        (lambda cl: _find(cl, "3").update(pdca="plan"), "pdca must be null"),
        (
            lambda cl: _find(cl, "8.4").update(topics=["neutrality", "astrology"]),
            "topic 'astrology' is not in",
        ),
        (lambda cl: _find(cl, "8.4").update(topics=[]), "topics must be a non-empty list"),
        (lambda cl: _find(cl, "8.4").update(number=8.4), "must be a quoted string"),
        (lambda cl: _find(cl, "8.4").update(number="8.x"), "malformed number"),
        (lambda cl: _find(cl, "8.4.1").update(requirement_zh="碳" * 201), "max 200"),
        (lambda cl: _find(cl, "8.4").update(title_en=""), "title_en missing"),
        (lambda cl: _find(cl, "8.4").update(kind="chapter"), "kind 'chapter' not in"),
        (lambda cl: _find(cl, "8.4").update(colour="green"), "unknown field `colour`"),
        (lambda cl: _find(cl, "8.4").pop("parent"), "parent missing"),
        (lambda cl: cl.reverse(), "out of document order"),
        (lambda cl: cl.remove(_find(cl, "8.2.5")), "parent 8.2.5 does not exist"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else None,
)
def test_validation_catches_broken_clause_file(data_copy, edit, message):
    data, repo = data_copy
    _edit_clauses(data, CIECCPA, edit)
    errors = validate(data, repo)
    assert any(message in e for e in errors), errors
    with pytest.raises(CatalogueError) as exc:
        load_standards(data)
    assert any(message in e for e in exc.value.errors)


def test_validation_catches_bad_header_and_index(data_copy):
    data, repo = data_copy
    path = data / "clauses" / f"{CPQS}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["id"] = "t-cpqs-other"
    del raw["issuer"]
    raw["status"] = "final"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copy(path, data / "clauses" / "t-unlisted.yaml")
    errors = validate(data, repo)
    assert any("does not match the file name" in e for e in errors)
    assert any("`issuer` missing" in e for e in errors)
    assert any("status must be one of" in e for e in errors)
    assert any("t-unlisted.yaml: not listed in standards.yaml" in e for e in errors)


def test_validation_of_yaml_syntax_error(data_copy):
    data, repo = data_copy
    (data / "clauses" / f"{CSES}.yaml").write_text("clauses: [unclosed\n", encoding="utf-8")
    assert any("cannot read" in e for e in validate(data, repo))


def test_implementation_entries_are_checked(data_copy):
    data, repo = data_copy
    _write_impl(
        data,
        {
            f"{CIECCPA}:8.4": {
                "status": "implemented",
                "modules": ["carbonms/web/views.py"],
                "tests": ["tests/test_web.py::test_neutrality"],
                "note": "annual determination",
            },
            f"{CPQS}:9.2.1": {"status": "partial", "modules": ["carbonms/web"], "tests": []},
        },
    )
    assert validate(data, repo) == []
    impl = load_implementation(data)
    assert impl[f"{CIECCPA}:8.4"] == Implementation(
        key=f"{CIECCPA}:8.4",
        status="implemented",
        modules=("carbonms/web/views.py",),
        tests=("tests/test_web.py::test_neutrality",),
        note="annual determination",
    )


@pytest.mark.parametrize(
    ("entry_key", "entry", "message"),
    [
        (f"{CIECCPA}:8.5", {"status": "not_yet"}, "no such clause"),
        ("t-unknown:1", {"status": "not_yet"}, "no such clause"),
        (f"{CIECCPA}:8.4", {"status": "done"}, "status 'done' not in"),
        (
            f"{CIECCPA}:8.4",
            {"status": "partial", "modules": ["carbonms/missing.py"]},
            "does not exist in the repository",
        ),
        (
            f"{CIECCPA}:8.4",
            {
                "status": "implemented",
                "modules": ["carbonms/web/views.py"],
                "tests": ["tests/test_missing.py::test_x"],
            },
            "'tests/test_missing.py::test_x' does not exist",
        ),
        (
            f"{CIECCPA}:8.4",
            {"status": "implemented", "modules": ["carbonms/web/views.py"]},
            "at least one module and one test",
        ),
        (f"{CIECCPA}:8.4", {"status": "partial"}, "partial needs at least one module"),
        (
            f"{CIECCPA}:8.4",
            {"status": "partial", "modules": ["/etc/passwd"]},
            "does not exist in the repository",
        ),
        (
            f"{CIECCPA}:8.4",
            {"status": "partial", "modules": ["../outside.py"]},
            "does not exist in the repository",
        ),
        (f"{CIECCPA}:8.4", {"status": "partial", "modules": "carbonms/web"}, "must be a list"),
        (f"{CIECCPA}:8.4", {"status": "not_yet", "owner": "me"}, "unknown field `owner`"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else None,
)
def test_validation_catches_broken_implementation(data_copy, entry_key, entry, message):
    data, repo = data_copy
    _write_impl(data, {entry_key: entry})
    errors = validate(data, repo)
    assert any(message in e for e in errors), errors


# --------------------------------------------------------------------------- rendering


def test_docs_standards_map_is_up_to_date():
    doc = (REPO_ROOT / "docs" / "standards-map.md").read_text(encoding="utf-8")
    assert doc == render_standards_map(), (
        "docs/standards-map.md is stale: run `python -m carbonms.standards.catalogue render > docs/standards-map.md`"
    )


def test_map_lists_every_clause_with_status():
    text = render_standards_map()
    statuses = (" | not yet", " | partial", " | implemented")
    rows = [line for line in text.splitlines() if line.startswith("| ") and any(s in line for s in statuses)
            and not line.startswith("| standard |")]
    assert len(rows) == 95 + 76 + 139
    assert ("| &nbsp;&nbsp;8.4 | 碳中和判定 | Carbon neutrality determination | partial (from its sub-clauses) | — | — |"
            in text)
    assert "| 附录 B | 碳排放管理体系评审报告模板 |" in text
    assert (
        "| &nbsp;&nbsp;&nbsp;&nbsp;8.4.1 | *（无标题）* 组织核算边界内年度碳排放量小于等于用以抵销的碳配… |"
        in text
    )
    assert "- 9.5.1: Item g) is a lead-in sentence" in text
    assert text.count("Notes on the source text:") == 3
    for code in ("T/CSES XXXX—2023", "T/CPQS ZC001—2025", "T/CIECCPA 061—2023"):
        assert f"## {code}" in text


def test_per_app_mapping_files_merge(data_copy):
    data, repo = data_copy
    (data / "implementation").mkdir()
    (data / "implementation" / "a.yaml").write_text(yaml.safe_dump({"clauses": {
        f"{CIECCPA}:8.4": {"status": "partial", "modules": ["carbonms/web"], "note": "one"}}}), encoding="utf-8")
    (data / "implementation" / "b.yaml").write_text(yaml.safe_dump({"clauses": {
        f"{CIECCPA}:8.4": {"status": "implemented", "modules": ["carbonms/web/views.py"],
                           "tests": ["tests/test_web.py::test_neutrality"], "note": "two"}}}), encoding="utf-8")
    assert validate(data, repo) == []
    entry = load_implementation(data)[f"{CIECCPA}:8.4"]
    assert entry.status == "partial"  # the weakest place wins: one app implements only part of it
    assert entry.modules == ("carbonms/web", "carbonms/web/views.py")
    assert entry.note == "[a] one; [b] two"  # every note is kept, with the place it comes from
    (data / "implementation" / "c.yaml").write_text(yaml.safe_dump({"clauses": {
        f"{CIECCPA}:8.4": {"status": "implemented", "modules": ["carbonms/nope.py"],
                           "tests": ["tests/test_web.py::test_neutrality"]}}}),
        encoding="utf-8")
    assert any(e.startswith("implementation/c.yaml") and "carbonms/nope.py" in e for e in validate(data, repo))


def test_map_shows_implementation_and_counts(data_copy):
    data, repo = data_copy
    _write_impl(
        data,
        {
            f"{CIECCPA}:8.4": {
                "status": "implemented",
                "modules": ["carbonms/web/views.py"],
                "tests": ["tests/test_web.py::test_neutrality"],
                "note": "annual",
            },
            f"{CIECCPA}:8.4.1": {"status": "partial", "modules": ["carbonms/web"]},
        },
    )
    text = render_standards_map(load_standards(data), load_implementation(data))
    # 8.4 is marked implemented by hand, but its sub-clause 8.4.1 is partial: the chapter derives partial
    assert (
        "| &nbsp;&nbsp;8.4 | 碳中和判定 | Carbon neutrality determination | partial (from its sub-clauses) — annual |"
        " `carbonms/web/views.py` | `tests/test_web.py::test_neutrality` |"
    ) in text
    assert "| partial | `carbonms/web` | — |" in text
    # 8, 8.4 and 8.4.1 are partial (8 and 8.4 derived from their sub-clauses)
    assert "139 catalogued clauses (10 top level): 0 implemented, 3 partial, 136 not yet." in text
    assert "| 139 | 10 | 0 | 3 | 136 |" in text


def test_chapter_is_implemented_only_when_all_its_clauses_are(data_copy):
    data, repo = data_copy
    std = next(s for s in load_standards(data) if s.id == CIECCPA)
    children = [c.number for c in std.children("8.4")]
    done = {"status": "implemented", "modules": ["carbonms/web/views.py"], "tests": ["tests/test_web.py::test_neutrality"]}
    _write_impl(data, {f"{CIECCPA}:{n}": done for n in ["8.4", *children]})
    eff = catalogue.effective_implementation(std, load_implementation(data))
    assert eff["8.4"].status == "implemented" and eff["8"].status == "partial"
    _write_impl(data, {f"{CIECCPA}:{n}": done for n in children})  # the chapter itself unmapped
    assert catalogue.effective_implementation(std, load_implementation(data))["8.4"].status == "implemented"


@pytest.mark.parametrize("tests, message", [
    (["tests/test_web.py"], "implemented needs a named test"),
    (["tests/test_web.py::test_missing"], "is not a test function defined in that file"),
    (["carbonms/web/views.py::test_neutrality"], "implemented needs a named test"),
])
def test_implemented_needs_a_named_test_that_exists(data_copy, tests, message):
    data, repo = data_copy
    _write_impl(data, {f"{CIECCPA}:8.4.1": {"status": "implemented", "modules": ["carbonms/web/views.py"], "tests": tests}})
    assert any(message in e for e in validate(data, repo)), validate(data, repo)


def _defined_tests(path: Path) -> set[str]:
    import ast

    out = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            out.add(node.name)
        elif isinstance(node, ast.ClassDef):
            out |= {f"{node.name}::{n.name}" for n in node.body
                    if isinstance(n, ast.FunctionDef) and n.name.startswith("test")}
    return out


def test_every_implemented_clause_of_the_map_names_a_test_that_exists():
    """Parse docs/standards-map.md itself: a row marked implemented must name at least one pytest node id
    (``tests/…::test_name``) and every node id it names must be a test function defined in tests/."""
    text = (REPO_ROOT / MAP_PATH).read_text(encoding="utf-8")
    problems, implemented = [], 0
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:]
        if not line.startswith("| ") or line.startswith("| clause") or line.startswith("| standard"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 6:
            continue
        clause, status, tests_cell = cells[0].replace("&nbsp;", ""), cells[3], cells[5]
        node_ids = re.findall(r"`(tests/[^`]+::[^`]+)`", tests_cell)
        for node in node_ids:
            path, _sep, name = node.partition("::")
            file = REPO_ROOT / path
            if not file.is_file() or name.split("[", 1)[0] not in _defined_tests(file):
                problems.append(f"{section} {clause}: {node} does not exist")
        if status.startswith("implemented"):
            implemented += 1
            if not node_ids:
                problems.append(f"{section} {clause}: implemented without a named test")
    assert implemented > 50
    assert problems == []


# --------------------------------------------------------------------------- docs and CLI


def test_docs_describe_exactly_the_topic_vocabulary():
    doc = (REPO_ROOT / "docs" / "clause-catalogue.md").read_text(encoding="utf-8")
    section = doc.split("## Topic vocabulary", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(load_topics())


def test_cli_check_and_render(capsys):
    assert catalogue.main(["check"]) == 0
    assert "catalogue OK: 3 standards, 310 clauses" in capsys.readouterr().out
    assert catalogue.main(["render"]) == 0
    assert capsys.readouterr().out == render_standards_map()
    assert catalogue.main(["frobnicate"]) == 2


def test_module_runs_without_django():
    code = (
        "import sys, carbonms.standards.catalogue as c; c.load_standards(); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)
    out = subprocess.run(
        [sys.executable, "-m", "carbonms.standards.catalogue", "check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
