"""Demo extensions run in order, are imported lazily and refuse a malformed target."""
import sys
import types

import pytest

from carbonms.demo import extensions

CALLS: list = []


@pytest.fixture
def fake_module(monkeypatch):
    mod = types.ModuleType("carbonms_fake_demo_ext")
    mod.first = lambda park, ents: CALLS.append(("first", park, tuple(ents)))
    mod.second = lambda park, ents: CALLS.append(("second", park, tuple(ents)))
    monkeypatch.setitem(sys.modules, "carbonms_fake_demo_ext", mod)
    monkeypatch.setattr(extensions, "_REGISTRY", {})
    CALLS.clear()
    return mod


def test_builders_run_by_order_then_name(fake_module):
    extensions.register("b", "carbonms_fake_demo_ext:second", order=200)
    extensions.register("a", "carbonms_fake_demo_ext:first", order=100)
    assert extensions.run_all("park", ["e1"]) == ["a", "b"]
    assert CALLS == [("first", "park", ("e1",)), ("second", "park", ("e1",))]


def test_registering_twice_replaces(fake_module):
    extensions.register("a", "carbonms_fake_demo_ext:first")
    extensions.register("a", "carbonms_fake_demo_ext:second")
    extensions.run_all("p", [])
    assert [c[0] for c in CALLS] == ["second"]


def test_target_without_function_is_refused(fake_module):
    with pytest.raises(ValueError, match="module:function"):
        extensions.register("x", "carbonms_fake_demo_ext.first")


def test_only_the_named_builders_run_and_an_unknown_name_is_an_error(fake_module):
    extensions.register("a", "carbonms_fake_demo_ext:first")
    extensions.register("b", "carbonms_fake_demo_ext:second")
    assert extensions.run_all("p", [], only=("b",)) == ["b"]
    assert extensions.run_all("p", [], only=()) == []
    with pytest.raises(ValueError, match="no demo extension named zz"):
        extensions.run_all("p", [], only=("zz",))
