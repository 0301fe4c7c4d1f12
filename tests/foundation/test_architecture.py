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


def test_pure_modules_do_not_import_django():
    for rel in ("standards/catalogue.py", "organizations/credit_code.py"):
        assert not any(n == "django" or n.startswith("django.") for n in _imports(ROOT / rel)), rel


# --------------------------------------------------------------------------- views and API (issue 9)
#
# Every module of the project is read, not only files named views.py/api.py: a module is a view module
# when it defines a Django View or a DRF APIView class (found by importing every module and inspecting
# its classes), or lives under a views/ or api/ package, or is named views.py, api.py or endpoint.py.

# Page views that are not scoped by the common bases, each with its reason.
PAGE_ALLOW_LIST = {
    "carbonms.accounts.views.LoginView": "the login page is public",
    "carbonms.accounts.views.LogoutView": "logging out concerns only the caller's own session",
}
# API views that are not ScopedModelViewSet, each with its reason.
API_ALLOW_LIST = {
    "carbonms.api.views.SchemaView": "the OpenAPI schema describes endpoints, no records",
    "carbonms.api.views.DocsView": "the API docs page shows the schema, no records",
}


def _modules():
    import importlib
    import pkgutil

    import carbonms

    names = []
    for info in pkgutil.walk_packages(carbonms.__path__, "carbonms."):
        if ".migrations" in info.name or info.name.endswith((".cli", ".wsgi", ".asgi")) or ".management.commands" in info.name:
            continue
        names.append(info.name)
    mods = []
    for name in names:
        try:
            mods.append(importlib.import_module(name))
        except ImportError as exc:  # pragma: no cover - optional dependency of a module
            raise AssertionError(f"{name} cannot be imported: {exc}") from exc
    return mods


def _view_classes():
    import inspect

    from django.views import View
    from rest_framework.views import APIView

    pages, apis = [], []
    for mod in _modules():
        for _name, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ != mod.__name__:
                continue
            if issubclass(cls, APIView):
                apis.append(cls)
            elif issubclass(cls, View):
                pages.append(cls)
    return pages, apis


def _view_module_paths() -> set[Path]:
    pages, apis = _view_classes()
    paths = {Path(__import__("sys").modules[c.__module__].__file__) for c in pages + apis}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if path.name in {"views.py", "api.py", "endpoint.py"} or "views" in rel[:-1] or "api" in rel[:-1]:
            paths.add(path)
    return {p for p in paths if "migrations" not in p.parts}


def test_every_view_module_is_found_beyond_the_file_names():
    """The walk finds view modules that are not named views.py/api.py (the gap the issue names)."""
    paths = {str(p.relative_to(ROOT)) for p in _view_module_paths()}
    assert "carbondata/views/activity.py" in paths and "carbondata/views/base.py" in paths
    assert "web/views.py" in paths and "monitoring/api.py" in paths


def test_every_page_view_declares_its_access_on_the_common_bases():
    """Pages subclass carbonms.common.views (declared access); file downloads carbonms.common.files."""
    from carbonms.common.files import ScopedFileDownloadView
    from carbonms.common.views import ScopedViewMixin

    pages, _apis = _view_classes()
    assert len(pages) > 50
    offenders = sorted(f"{c.__module__}.{c.__qualname__}" for c in pages
                       if not issubclass(c, (ScopedViewMixin, ScopedFileDownloadView)) and f"{c.__module__}.{c.__qualname__}" not in PAGE_ALLOW_LIST
                       and not c.__module__.startswith("carbonms.common."))
    assert offenders == [], f"page views outside carbonms.common.views bases: {offenders}"


def test_every_api_view_is_a_scoped_viewset():
    from carbonms.common.api import ScopedAPIView, ScopedModelViewSet

    _pages, apis = _view_classes()
    assert len(apis) > 20
    offenders = sorted(f"{c.__module__}.{c.__qualname__}" for c in apis
                       if not issubclass(c, (ScopedModelViewSet, ScopedAPIView))
                       and f"{c.__module__}.{c.__qualname__}" not in API_ALLOW_LIST
                       and not c.__module__.startswith("carbonms.common."))
    assert offenders == [], f"API views outside carbonms.common.api bases: {offenders}"


def _unrestricted_manager_calls(path: Path) -> list[str]:
    """``X.objects.get(`` / ``X.objects.filter(`` (and ``get_object_or_404``): a queryset not started from restrict."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == "get_object_or_404":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} get_object_or_404")
        if (isinstance(f, ast.Attribute) and f.attr in {"get", "filter", "exclude"}
                and isinstance(f.value, ast.Attribute) and f.value.attr in {"objects", "_default_manager"}):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{f.value.attr}.{f.attr}(")
    return found


def test_view_and_api_modules_start_every_queryset_from_restrict():
    offenders = [hit for path in sorted(_view_module_paths()) if "common" not in path.parts
                 for hit in _unrestricted_manager_calls(path)]
    assert offenders == [], offenders


def test_unrestricted_query_detector_finds_a_plain_filter(tmp_path):
    """The detector is not blind: a plain ``objects.filter`` is reported, ``objects.restrict(...).filter`` is not."""
    bad = ROOT / "_probe_view.py"
    try:
        bad.write_text("X.objects.filter(a=1)\nY.objects.restrict(u).filter(a=1)\n", encoding="utf-8")
        assert [h.split(" ", 1)[1] for h in _unrestricted_manager_calls(bad)] == [".objects.filter("]
    finally:
        bad.unlink()


def test_no_dispatch_overrides_outside_common():
    """Access is declared (carbonms/common/views.py); no page hand-codes it in ``dispatch()``."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "common" in path.relative_to(ROOT).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "dispatch":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_workflow_action_page_uses_a_declared_workflow():
    from carbonms.common.views import WorkflowActionView
    from carbonms.common.workflow import workflow_of

    pages, _apis = _view_classes()
    actions = [c for c in pages if issubclass(c, WorkflowActionView) and c is not WorkflowActionView]
    assert len(actions) >= 7
    for c in actions:
        assert workflow_of(c.model).transitions, c
