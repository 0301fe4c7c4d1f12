"""Demo data that apps add after the core park is built (closed years, statements, data).

An app registers a builder in its ``AppConfig.ready()``::

    from carbonms.demo import extensions
    extensions.register("planning", "carbonms.performance.demo:build", order=100)

A builder is named by its dotted path and imported only when the demo is built, so that registering costs
nothing at start-up. It receives the park and the enterprises of the demo (in catalogue order; the park
facilities are not among them) and runs inside the demo's change source. Builders run by ``order``, then by name:
a builder that needs another's records takes a higher order.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Extension:
    name: str
    target: str
    order: int


_REGISTRY: dict[str, Extension] = {}


def register(name: str, target: str, *, order: int = 100) -> None:
    """Register (or replace) the builder ``target`` ("module:function") under ``name``."""
    if ":" not in target:
        raise ValueError(f"demo extension {name!r}: target must be 'module:function', not {target!r}")
    _REGISTRY[name] = Extension(name, target, order)


def registered() -> list[Extension]:
    return sorted(_REGISTRY.values(), key=lambda e: (e.order, e.name))


def run_all(park, enterprises, only=None) -> list[str]:
    """Run the registered builders in order (all, or those named in ``only``); returns their names.

    Tests that need only the core park pass ``only=()`` to ``generator.build(extensions=...)`` and stay fast as
    apps add demo data; a name in ``only`` that nobody registered is an error, so a test cannot silently lose the
    data it asked for."""
    if only is not None:
        unknown = set(only) - set(_REGISTRY)
        if unknown:
            raise ValueError(f"no demo extension named {', '.join(sorted(unknown))}")
    done = []
    for ext in registered():
        if only is not None and ext.name not in only:
            continue
        module, func = ext.target.split(":", 1)
        getattr(import_module(module), func)(park, enterprises)
        done.append(ext.name)
    return done
