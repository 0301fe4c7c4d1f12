"""Hard rule: the planning core imports no Django (checked on the source with ast), like the accounting core."""
from __future__ import annotations

import ast
from pathlib import Path

import carbonms.planning

PACKAGE = Path(carbonms.planning.__file__).parent


def test_no_module_of_the_planning_core_imports_django():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) >= 7
    offenders = {}
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            for name in names:
                if name.split(".")[0] in ("django", "rest_framework"):
                    offenders[path.name] = name
    assert offenders == {}
