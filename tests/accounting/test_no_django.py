"""Hard rule: nothing under carbonms/accounting imports Django (checked on the source with ast)."""

from __future__ import annotations

import ast
from pathlib import Path

import carbonms.accounting

PACKAGE = Path(carbonms.accounting.__file__).parent


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_every_module_is_checked():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) >= 10


def test_no_module_imports_django():
    offenders = {
        str(path.relative_to(PACKAGE)): name
        for path in PACKAGE.rglob("*.py")
        for name in _imports(path)
        if name == "django" or name.startswith("django.") or name.startswith("rest_framework")
    }
    assert offenders == {}


def test_dynamic_import_of_django_is_absent():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import_module(\"django" not in text and "__import__(\"django" not in text, path
