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


def run_all(park, enterprises) -> list[str]:
    """Run every registered builder in order; returns their names."""
    done = []
    for ext in registered():
        module, func = ext.target.split(":", 1)
        getattr(import_module(module), func)(park, enterprises)
        done.append(ext.name)
    return done
