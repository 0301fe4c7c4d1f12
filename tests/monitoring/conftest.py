"""Fixtures of the monitoring tests: partitions and the cache start empty in every test; ``setup`` gives a
gateway (with its token) and a meter of the home enterprise."""
import pytest
from django.core.cache import cache

from carbonms.monitoring import storage

from .factories import MeterFactory, gateway_with_token


@pytest.fixture(autouse=True)
def _fresh_partitions():
    """Each test database starts without partitions; the per-process cache must agree."""
    storage.forget_partitions()
    yield
    storage.forget_partitions()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and other cached counters do not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(world):
    """A gateway of the home enterprise with its token, and a meter: (gateway, token, meter)."""
    gw, token = gateway_with_token(world.e1.enterprise)
    meter = MeterFactory(enterprise=world.e1.enterprise)
    return gw, token, meter
