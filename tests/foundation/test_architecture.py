"""Rules of the architecture that a test can hold."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "carbonms"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_views_and_api_never_filter_by_scope_by_hand():
    """Views reach records through the tenancy mechanism, not with their own park/enterprise filters."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name not in {"views.py", "api.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        if ".objects.get(" in text or "get_object_or_404(" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_pure_modules_do_not_import_django():
    for rel in ("standards/catalogue.py", "organizations/credit_code.py"):
        assert not any(n == "django" or n.startswith("django.") for n in _imports(ROOT / rel)), rel
